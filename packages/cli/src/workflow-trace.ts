import type { LoadedConfig } from './config.js';
import { version } from './version.js';

/** An open workflow trace (telemetry on): its root span's traceparent, and how to end it. */
export interface OpenWorkflowTrace {
  traceparent: string;
  end: (status: 'completed' | 'failed' | 'cancelled', output?: unknown, message?: string) => Promise<void>;
}

type StartWorkflowTrace = (
  info: { workflowRunId: string; name?: string; input?: unknown; steps?: string[]; startedAt?: Date },
  options: { env: NodeJS.ProcessEnv; config?: unknown; serviceVersion?: string },
) => OpenWorkflowTrace | undefined;

/**
 * Open the `invoke_workflow` root span (MLflow CHAIN) when telemetry is on; each step's
 * `invoke_agent` span becomes its child through `RunContext.workflow.traceparent`. Undefined when
 * telemetry is off or @omnigent/telemetry-otel cannot be loaded (a workflow never fails for it).
 */
export async function openWorkflowTrace(
  info: { workflowRunId: string; name: string; input: string; steps: string[] },
  config: LoadedConfig,
  env: NodeJS.ProcessEnv,
): Promise<OpenWorkflowTrace | undefined> {
  // a variable specifier keeps the OTel SDK out of the CLI's startup path and type graph
  const specifier = '@omnigent/telemetry-otel';
  try {
    const mod = (await import(specifier)) as { startWorkflowTrace?: StartWorkflowTrace };
    if (typeof mod.startWorkflowTrace !== 'function') return undefined;
    return mod.startWorkflowTrace(
      { ...info, startedAt: new Date() },
      { env, ...(config.config.telemetry ? { config: config.config.telemetry } : {}), serviceVersion: version },
    );
  } catch (error) {
    const asked = Boolean(env.OMNIGENT_TELEMETRY_ENABLED || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
    if (asked) process.stderr.write(`omnigent: warning: workflow telemetry is off: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  }
}
