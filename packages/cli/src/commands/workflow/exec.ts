import type { OmnigentEvent } from '@omnigent/core';
import type { Workflow, WorkflowEvent, WorkflowRunResult } from '@omnigent/workflow';
import type { LoadedConfig } from '../../config.js';
import { EXIT } from '../../exit-codes.js';
import { withInterrupts } from '../../interrupts.js';
import { useColor, writeOut } from '../../io.js';
import { checkMcpNames, mcpNames } from '../../mcp-resolve.js';
import { runHarness } from '../../run-harness.js';
import { openWorkflowTrace } from '../../sinks/telemetry.js';
import { WorkflowTracker, canDrawLive, plainLine, renderLive, summaryTable } from './view.js';

/** Options of {@link executeWorkflow}. */
export interface ExecuteWorkflowOptions {
  workflow: Workflow;
  config: LoadedConfig;
  input?: string;
  /** Relative step cwds resolve from here. */
  baseDir: string;
  concurrency?: number;
  /** JSONL of every event on stdout, nothing else. */
  json: boolean;
  /** Record the runs in the store. Default: true (config may turn it off). */
  store?: boolean;
  tags?: string[];
  /** Environment for omnigent and the harnesses. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  worktreeRoot?: string;
  /** Force the live view on or off (default: on when stdout is a TTY with a size, and not JSON). */
  live?: boolean;
}

/** Result of {@link executeWorkflow}: the exit code and the engine's result. */
export interface ExecuteWorkflowResult {
  exitCode: number;
  result: WorkflowRunResult;
  tracker: WorkflowTracker;
}

/**
 * Run a workflow with steps through {@link runHarness}: live view on a TTY (plain lines
 * otherwise, JSONL with `--json`), one telemetry trace for the whole run, Ctrl-C cancels running
 * steps (their process trees are killed) and skips the rest. Exit code: 0 every step ok, 1 a step
 * failed or was skipped, 130 interrupted.
 */
export function executeWorkflow(options: ExecuteWorkflowOptions): Promise<ExecuteWorkflowResult> {
  const live = options.live ?? (!options.json && canDrawLive(process.stdout));
  return withInterrupts((interrupts) => execute(options, live, interrupts.signal), {
    onFirst: () => {
      if (!options.json && !live)
        process.stderr.write('omnigent: interrupted: cancelling running steps (Ctrl-C again to kill them at once)\n');
    },
  });
}

async function execute(
  options: ExecuteWorkflowOptions,
  live: boolean,
  signal: AbortSignal,
): Promise<ExecuteWorkflowResult> {
  const { runWorkflow } = await import('@omnigent/workflow');
  const env = options.env ?? process.env;
  const wf = options.workflow;
  // a step naming an MCP server the config lacks is a usage error before any step runs (exit 2)
  for (const st of wf.steps) checkMcpNames(mcpNames(st.mcp, options.config), options.config, `step "${st.id}"`);
  const color = useColor();
  const tracker = new WorkflowTracker();

  const { randomUUID } = await import('node:crypto');
  const workflowRunId = randomUUID();
  const input = options.input ?? wf.input ?? '';
  // one trace per workflow run: the `invoke_workflow` root; each step's `invoke_agent` span nests under it
  const trace = await openWorkflowTrace({
    env,
    config: options.config,
    workflowRunId,
    name: wf.name,
    input,
    steps: wf.steps.map((s) => s.id),
    startedAt: new Date(),
  });

  let logUpdate: ((text: string) => void) & { done?: () => void; clear?: () => void } = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  if (live) {
    const { createLogUpdate } = await import('log-update');
    logUpdate = createLogUpdate(process.stdout);
    timer = setInterval(() => logUpdate(renderLive(tracker, color, Date.now(), process.stdout.columns || 100)), 250);
    timer.unref();
  }
  const onEvent = (e: WorkflowEvent | OmnigentEvent): void => {
    tracker.on(e);
    if (options.json) {
      void writeOut(`${JSON.stringify(e)}\n`);
      return;
    }
    if (e.type.startsWith('workflow.')) {
      if (live) logUpdate(renderLive(tracker, color, Date.now(), process.stdout.columns || 100));
      else {
        const line = plainLine(e as WorkflowEvent);
        if (line) process.stdout.write(`${line}\n`);
      }
    }
  };

  let result: WorkflowRunResult;
  try {
    result = await runWorkflow(wf, {
      workflowRunId,
      input,
      baseDir: options.baseDir,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      signal,
      ...(options.worktreeRoot ? { worktreeRoot: options.worktreeRoot } : {}),
      onEvent,
      runStep: async (s) => {
        const st = s.step;
        // a step that cannot start (binary missing…) shows one line: keep the error's hint (how to install) on it
        const started = runHarness({
          harness: st.harness,
          runId: s.runId,
          config: options.config,
          env,
          signal: s.signal,
          onEvent: s.onEvent,
          ...(options.store !== undefined ? { store: options.store } : {}),
          tags: [...(options.tags ?? []), `workflow:${wf.name}`],
          ...(st.mcp ? { mcp: st.mcp } : {}),
          ...(st.kind ? { kind: st.kind } : {}),
          workflow: {
            workflowRunId,
            workflowName: wf.name,
            step: st.id,
            needs: st.needs,
            ...(trace ? { traceparent: trace.traceparent } : {}),
          },
          request: {
            prompt: s.prompt,
            cwd: s.cwd,
            ...(st.model ? { model: st.model } : {}),
            ...(st.timeoutMs !== undefined ? { timeoutMs: st.timeoutMs } : {}),
            ...(Object.keys(st.env).length ? { env: st.env } : {}),
            ...(st.args.length ? { extraArgs: st.args } : {}),
            ...(st.permissionMode ? { permissionMode: st.permissionMode } : {}),
            ...(st.maxTurns !== undefined ? { maxTurns: st.maxTurns } : {}),
            ...(st.systemPrompt !== undefined ? { systemPrompt: st.systemPrompt } : {}),
            ...(st.appendSystemPrompt !== undefined ? { appendSystemPrompt: st.appendSystemPrompt } : {}),
            ...(st.allowedTools ? { allowedTools: st.allowedTools } : {}),
          },
        }).catch((error: unknown) => {
          const hint = (error as { hint?: unknown } | null)?.hint;
          throw typeof hint === 'string' && error instanceof Error
            ? new Error(`${error.message} ${hint}`, { cause: error })
            : error;
        });
        const { terminal } = await started;
        return { terminal };
      },
    });
  } finally {
    if (timer) clearInterval(timer);
  }
  tracker.finish(result);
  if (trace) {
    const outputs = Object.fromEntries(result.steps.map((s) => [s.id, s.output ?? '']));
    const failed = result.steps.find((s) => s.status === 'failed');
    await trace.end(
      result.status === 'ok' ? 'completed' : result.status,
      outputs,
      failed ? `step ${failed.id} failed: ${failed.message ?? ''}` : undefined,
    );
  }
  if (live) {
    logUpdate(renderLive(tracker, color, Date.now(), process.stdout.columns || 100));
    logUpdate.done?.();
  }
  if (!options.json) {
    const out: string[] = ['', summaryTable(tracker, color)];
    for (const s of result.steps) {
      if (s.worktreeKept && s.worktree) out.push(`worktree of ${s.id} kept for inspection: ${s.worktree}`);
    }
    const word = result.status === 'ok' ? 'completed' : result.status === 'cancelled' ? 'cancelled' : 'failed';
    out.push(`workflow ${wf.name} ${word} · ${result.workflowRunId}`);
    await writeOut(`${out.join('\n')}\n`);
  }
  const exitCode = result.status === 'ok' ? EXIT.ok : result.status === 'cancelled' ? EXIT.interrupted : EXIT.runFailed;
  return { exitCode, result, tracker };
}
