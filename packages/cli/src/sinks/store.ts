import type { OmnigentEvent } from '@omnigent/core';
import type { SinkFactory } from './types.js';

/** Whether the store redacts secrets at write time: `OMNIGENT_STORE_REDACT` wins, then config `store.redact`. Default: true. */
export function storeRedacts(env: NodeJS.ProcessEnv, configured: boolean | undefined): boolean {
  const v = env.OMNIGENT_STORE_REDACT?.trim().toLowerCase();
  if (v && ['0', 'false', 'no', 'off'].includes(v)) return false;
  if (v && ['1', 'true', 'yes', 'on'].includes(v)) return true;
  return configured !== false;
}

/**
 * The local run store (@omnigent/store): every event appended to the run's events file as it
 * arrives, the summary indexed at the end. Off with `--no-store` or config `store.enabled: false`.
 * Secrets are redacted before anything is written (same rules as telemetry), unless
 * `OMNIGENT_STORE_REDACT=false` or config `store.redact: false`; so `export` later sends what was
 * redacted at run time, whatever the exporting shell holds. A store that cannot be written (full
 * disk) is said once on stderr and the run is indexed `incomplete`.
 */
export const storeSink: SinkFactory = async (ctx) => {
  const settings = ctx.config.config.store;
  if (!ctx.store || settings?.enabled === false) return undefined;
  const { openStore, resolveStoreDir, readGitState } = await import('@omnigent/store');
  const dir = resolveStoreDir({
    env: ctx.env,
    ...(settings?.path ? { configPath: settings.path } : {}),
    configDir: ctx.config.dir,
  });
  const cwd = ctx.request.cwd ?? process.cwd();
  const git = readGitState(cwd);
  let redact: (<T>(value: T) => T) | undefined;
  if (storeRedacts(ctx.env, settings?.redact)) {
    const { createRedactor } = await import('@omnigent/core');
    const redactor = createRedactor({
      env: ctx.env,
      secretEnvNames: [...(ctx.plugin.credentialEnv ?? []), ...(ctx.secretEnvNames ?? [])],
    });
    redact = <T>(value: T): T => redactor.value(value) as T;
  }
  const clean = redact ?? (<T>(value: T): T => value);
  const why = (error: unknown): string => {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOSPC'
      ? 'no space left on device'
      : code === 'EDQUOT'
        ? 'disk quota exceeded'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : error instanceof Error
            ? error.message
            : String(error);
  };
  let recorder: import('@omnigent/store').RunRecorder;
  try {
    recorder = openStore(dir).begin(
      clean({
        id: ctx.runId,
        harness: ctx.plugin.name,
        ...(ctx.pluginVersion ? { pluginVersion: ctx.pluginVersion } : {}),
        ...(ctx.request.model ? { requestedModel: ctx.request.model } : {}),
        startedAt: ctx.startedAt.toISOString(),
        cwd,
        tags: ctx.tags,
        ...(ctx.workflow
          ? {
              workflow: {
                runId: ctx.workflow.workflowRunId,
                step: ctx.workflow.step,
                ...(ctx.workflow.workflowName ? { name: ctx.workflow.workflowName } : {}),
              },
            }
          : {}),
        ...(git ? { git } : {}),
        // names only: a server's command, URL, env and headers (secrets) are never stored
        // only when the harness applies them (Pi and Cursor warn instead): compare --by mcp counts real use
        ...(ctx.request.mcpServers && ctx.plugin.capabilities.mcp
          ? { mcpServers: Object.keys(ctx.request.mcpServers) }
          : {}),
        prompt: ctx.request.prompt,
        ...(ctx.eval ? { eval: ctx.eval } : {}),
        ...(ctx.kind ? { kind: ctx.kind.kind, kindSource: ctx.kind.source, kindConfidence: ctx.kind.confidence } : {}),
      }),
      clean({
        prompt: ctx.request.prompt,
        cwd,
        ...(ctx.request.model ? { model: ctx.request.model } : {}),
        ...(ctx.request.systemPrompt ? { systemPrompt: ctx.request.systemPrompt } : {}),
        ...(ctx.request.appendSystemPrompt ? { appendSystemPrompt: ctx.request.appendSystemPrompt } : {}),
        ...(ctx.plugin.provider ? { provider: ctx.plugin.provider } : {}),
      }),
      {
        ...(redact ? { redact: redact<OmnigentEvent> } : {}),
        onWriteError: (error) => {
          process.stderr.write(
            `omnigent: warning: cannot write the run store at ${dir} (${why(error)}); the run goes on, but its record stops here and is marked incomplete. Free some space (or point OMNIGENT_STORE elsewhere) for the next runs.\n`,
          );
        },
      },
    );
  } catch (error) {
    // the caller prints this once as a warning and runs without the store
    throw new Error(
      `cannot write the run store at ${dir} (${why(error)}): this run is not recorded. Free some space or fix the permissions (or point OMNIGENT_STORE elsewhere).`,
    );
  }
  return {
    name: 'run store',
    onEvent: (event) => recorder.append(event),
    close: async (terminal) => {
      // a harness that reports no cost (Codex): priced from its token totals, marked as an estimate
      const { loadPriceCatalog, priceUsage } = await import('../cost-estimate.js');
      const catalog = terminal?.usage?.costUsd === undefined ? await loadPriceCatalog() : undefined;
      const prices = ctx.config.config.prices ?? {};
      const end = recorder.finish(terminal, {
        ...(ctx.checks ? { checks: clean(ctx.checks) } : {}),
        price: (usage, model) => priceUsage(usage, model ?? ctx.request.model, prices, ctx.plugin.provider, catalog),
      });
      if (end.usage) ctx.storedUsage = end.usage;
    },
  };
};
