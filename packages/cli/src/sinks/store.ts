import type { SinkFactory } from './types.js';

/**
 * The local run store (@omnigent/store): every event appended to the run's events file as it
 * arrives, the summary indexed at the end. Off with `--no-store` or config `store.enabled: false`.
 */
export const storeSink: SinkFactory = async (ctx) => {
  const settings = ctx.config.config.store;
  if (!ctx.store || settings?.enabled === false) return undefined;
  const { openStore, resolveStoreDir, readGitState } = await import('@omnigent/store');
  const dir = resolveStoreDir({ env: ctx.env, ...(settings?.path ? { configPath: settings.path } : {}), configDir: ctx.config.dir });
  const cwd = ctx.request.cwd ?? process.cwd();
  const git = readGitState(cwd);
  const recorder = openStore(dir).begin({
    id: ctx.runId,
    harness: ctx.plugin.name,
    ...(ctx.pluginVersion ? { pluginVersion: ctx.pluginVersion } : {}),
    ...(ctx.request.model ? { requestedModel: ctx.request.model } : {}),
    startedAt: ctx.startedAt.toISOString(),
    cwd,
    tags: ctx.tags,
    ...(ctx.workflow ? { workflow: { runId: ctx.workflow.workflowRunId, step: ctx.workflow.step, ...(ctx.workflow.workflowName ? { name: ctx.workflow.workflowName } : {}) } } : {}),
    ...(git ? { git } : {}),
    prompt: ctx.request.prompt,
  }, {
    prompt: ctx.request.prompt,
    cwd,
    ...(ctx.request.model ? { model: ctx.request.model } : {}),
    ...(ctx.request.systemPrompt ? { systemPrompt: ctx.request.systemPrompt } : {}),
    ...(ctx.request.appendSystemPrompt ? { appendSystemPrompt: ctx.request.appendSystemPrompt } : {}),
    ...(ctx.plugin.provider ? { provider: ctx.plugin.provider } : {}),
  });
  return {
    name: 'run store',
    onEvent: (event) => recorder.append(event),
    close: async (terminal) => {
      recorder.finish(terminal);
    },
  };
};
