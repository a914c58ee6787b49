import type { WorkflowTrace } from '@omnigent/telemetry-otel';
import type { LoadedConfig } from '../config.js';
import { loadTelemetry } from '../telemetry-package.js';
import { version } from '../version.js';
import type { SinkFactory } from './types.js';

/** Cheap check (no OpenTelemetry import): did the user switch telemetry on? The env wins over the config file. */
export function telemetryRequested(env: NodeJS.ProcessEnv, config: LoadedConfig): boolean {
  const v = env.OMNIGENT_TELEMETRY_ENABLED?.trim().toLowerCase();
  if (v && ['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (v && ['0', 'false', 'no', 'off'].includes(v)) return false;
  return config.config.telemetry?.enabled === true;
}

/**
 * OpenTelemetry export of the run (see @omnigent/telemetry-otel): an `invoke_agent` trace with
 * model and tool spans, and `TRACEPARENT` for the harness child. The OpenTelemetry SDK is imported
 * only when telemetry is on, so a run without it starts as fast as before.
 */
export const telemetrySink: SinkFactory = async (ctx) => {
  if (!telemetryRequested(ctx.env, ctx.config)) return undefined;
  // an optional package, found at run time; missing: said once, and the run goes on without it
  const otel = await loadTelemetry();
  if (!otel) return undefined;
  const run = otel.startRunTelemetry(
    {
      runId: ctx.runId,
      harness: ctx.plugin.name,
      ...(ctx.plugin.provider ? { provider: ctx.plugin.provider } : {}),
      ...(ctx.pluginVersion ? { pluginVersion: ctx.pluginVersion } : {}),
      request: ctx.request,
      startedAt: ctx.startedAt,
      ...(ctx.tags.length ? { tags: ctx.tags } : {}),
      ...(ctx.workflow ? { workflow: ctx.workflow } : {}),
      ...(ctx.eval ? { eval: ctx.eval } : {}),
      ...(ctx.kind ? { kind: ctx.kind.kind } : {}),
    },
    {
      env: ctx.env,
      ...(ctx.config.config.telemetry ? { config: ctx.config.config.telemetry } : {}),
      ...(ctx.plugin.credentialEnv || ctx.secretEnvNames
        ? { credentialEnv: [...(ctx.plugin.credentialEnv ?? []), ...(ctx.secretEnvNames ?? [])] }
        : {}),
      serviceVersion: version,
    },
  );
  if (!run) return undefined;
  // an eval cell's checks are set on the context after the harness ended, before the sinks close
  return {
    name: 'telemetry',
    env: run.env,
    onEvent: run.onEvent,
    close: (terminal) => run.close(terminal, ctx.checks ? { checks: ctx.checks } : undefined),
  };
};

/** What {@link openWorkflowTrace} needs: the settings source and the workflow's facts. */
export interface WorkflowTraceContext {
  env: NodeJS.ProcessEnv;
  config: LoadedConfig;
  workflowRunId: string;
  name?: string;
  /** The workflow's input (prompt string or inputs object); exported only with content capture on. */
  input?: unknown;
  /** Step ids in order. */
  steps?: string[];
  startedAt?: Date;
}

/**
 * Open one trace for a workflow run (root span `invoke_workflow {name}`). Pass `traceparent` as
 * `workflow.traceparent` of every step's RunContext, then `await end(status, output)`. Returns
 * undefined when telemetry is off (nothing is imported then).
 */
export async function openWorkflowTrace(ctx: WorkflowTraceContext): Promise<WorkflowTrace | undefined> {
  if (!telemetryRequested(ctx.env, ctx.config)) return undefined;
  try {
    const otel = await loadTelemetry();
    if (!otel) return undefined;
    return otel.startWorkflowTrace(
      {
        workflowRunId: ctx.workflowRunId,
        ...(ctx.name !== undefined ? { name: ctx.name } : {}),
        ...(ctx.input !== undefined ? { input: ctx.input } : {}),
        ...(ctx.steps ? { steps: ctx.steps } : {}),
        ...(ctx.startedAt ? { startedAt: ctx.startedAt } : {}),
      },
      {
        env: ctx.env,
        ...(ctx.config.config.telemetry ? { config: ctx.config.config.telemetry } : {}),
        serviceVersion: version,
      },
    );
  } catch (error) {
    process.stderr.write(
      `omnigent: warning: telemetry could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return undefined;
  }
}
