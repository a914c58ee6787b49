import type { OmnigentEvent, TerminalEvent } from '@omnigent/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  resolveTelemetryConfig,
  secretHeaderValues,
  type MlflowApiConfig,
  type TelemetryConfig,
  type TelemetryFileConfig,
} from './config.js';
import { createExportPipeline, shownUrl, type ExportPipeline } from './export-pipeline.js';
import { setMlflowTraceTags, startMlflowTrace } from './mlflow-api.js';
import { evalTraceTags, logEvalAssessments, type EvalCellInfo, type EvalCheckOutcome } from './mlflow-assessments.js';
import { runTraceTags, stepTraceTags, TRACE_METADATA } from './mlflow-trace-tags.js';
import { openWorkflows } from './open-workflows.js';
import { parseTraceparent } from './traceparent.js';
import { traceHttpClient } from './http-client-spans.js';
import { createRedactor } from './redact.js';
import { RunTracer, type RunTraceInfo } from './run-tracer.js';
import type { ContentLimits } from './truncate.js';
import { processWarnOnce, type WarnOnce } from './warn-once.js';

/** How to reach the collector and what to record (shared by runs and workflows). */
export interface TelemetryOptions {
  /** Environment the OTEL_* and OMNIGENT_* variables are read from (also scanned for credential values to redact). */
  env: NodeJS.ProcessEnv;
  /** The config file's `telemetry` section. */
  config?: TelemetryFileConfig;
  /** Names of variables whose values are secrets (a plugin's `credentialEnv`). */
  credentialEnv?: string[];
  /** `service.version` (omnigent's version). */
  serviceVersion?: string;
  /** Replace the OTLP exporter (tests). */
  exporter?: SpanExporter;
  /** Bound on the final flush in ms. Default: 5000. */
  flushTimeoutMs?: number;
  /** Bound on one HTTP export in ms. Default: 4000. */
  exportTimeoutMs?: number;
  /** Default: one warning per process on stderr. */
  warn?: WarnOnce;
  limits?: ContentLimits;
}

/** One run's telemetry: feed it the run's events, then close it. */
export interface RunTelemetry {
  /** W3C traceparent of the run's `invoke_agent` span. */
  traceparent: string;
  /** Environment for the harness child: `TRACEPARENT`, so the CLI's own spans nest under ours. */
  env: Record<string, string>;
  onEvent: (event: OmnigentEvent) => void;
  /** End the spans and flush (bounded by `flushTimeoutMs`); an eval cell's `checks` become MLflow assessments. Never throws. */
  close: (terminal: TerminalEvent | undefined, extra?: { checks?: EvalCheckOutcome[] }) => Promise<void>;
}

/** Resolve the settings; prints the reason once when telemetry was asked for but cannot run. */
export function telemetrySettings(
  options: Pick<TelemetryOptions, 'env' | 'config' | 'warn'>,
): TelemetryConfig | undefined {
  const config = resolveTelemetryConfig(options.env, options.config);
  if (config.problem) (options.warn ?? processWarnOnce)(config.problem);
  return config.enabled ? config : undefined;
}

/** The export pipeline and the secret redactor for one trace (run or workflow). */
export function openPipeline(config: NonNullable<ReturnType<typeof telemetrySettings>>, options: TelemetryOptions) {
  const pipeline = createExportPipeline(config, {
    ...(options.exporter ? { exporter: options.exporter } : {}),
    ...(options.flushTimeoutMs !== undefined ? { flushTimeoutMs: options.flushTimeoutMs } : {}),
    ...(options.exportTimeoutMs !== undefined ? { exportTimeoutMs: options.exportTimeoutMs } : {}),
    ...(options.warn ? { warn: options.warn } : {}),
    ...(options.serviceVersion ? { serviceVersion: options.serviceVersion, scopeVersion: options.serviceVersion } : {}),
  });
  // header values (API tokens in Authorization) are redacted like credentials; the experiment id is not one
  const redactor = createRedactor({
    env: options.env,
    secretEnvNames: options.credentialEnv ?? [],
    literals: secretHeaderValues(config.headers),
  });
  return { pipeline, redactor };
}

/** Events after which a span may end: the trace must be started in MLflow before those leave. */
const SPAN_ENDING = new Set<OmnigentEvent['type']>([
  'usage',
  'tool.completed',
  'turn.completed',
  'run.completed',
  'run.failed',
]);

/** The MLflow side of one trace (internal; the export command uses it too): StartTraceV3 before its spans leave, final tags at the end. */
export function mlflowStarter(
  api: MlflowApiConfig,
  tracesUrl: string,
  pipeline: ExportPipeline,
  timeoutMs: number,
  warn: WarnOnce,
  hold = true,
) {
  let release: () => void = () => undefined;
  if (hold) pipeline.hold(new Promise<void>((r) => (release = r)));
  let started: Promise<boolean> | undefined;
  const say = (what: string, error: string | undefined): void =>
    warn(
      `could not ${what} on the MLflow server ${shownUrl(api.trackingUri)} (spans go to ${shownUrl(tracesUrl)}): ${error ?? 'unknown error'}`,
    );
  return {
    get started(): boolean {
      return started !== undefined;
    },
    /** Settles true once MLflow holds the trace; false when it could not (or was never asked). */
    whenStarted(): Promise<boolean> {
      return started ?? Promise.resolve(false);
    },
    start(traceId: string, requestTime: Date, metadata: Record<string, string>, tags: Record<string, string>): void {
      if (started) return;
      started = startMlflowTrace(api, { traceId, requestTime, metadata, tags }, timeoutMs).then((r) => {
        if (!r.ok) say('set the trace metadata (session, user, tags)', r.error);
        release();
        return r.ok;
      });
      pipeline.track(started);
    },
    /** Log an eval cell's checks as assessments once MLflow holds the trace. */
    assess(traceId: string, cell: EvalCellInfo, checks: EvalCheckOutcome[]): void {
      const work = (started ?? Promise.resolve(false)).then(async (ok) => {
        if (!ok) return;
        const r = await logEvalAssessments(api, traceId, cell, checks, timeoutMs);
        if (!r.ok) say('log the eval checks as assessments', r.error);
      });
      pipeline.track(work);
    },
    tag(traceId: string, tags: Record<string, string>, after?: Promise<boolean>): void {
      const work = (after ?? started ?? Promise.resolve(false)).then(async (ok) => {
        if (!ok) return;
        const r = await setMlflowTraceTags(api, traceId, tags, timeoutMs);
        if (!r.ok) say('set the trace tags', r.error);
      });
      pipeline.track(work);
    },
  };
}

/** Start tracing one run. Returns undefined when telemetry is off. */
export function startRunTelemetry(info: RunTraceInfo, options: TelemetryOptions): RunTelemetry | undefined {
  // a step of a workflow open in this process exports through the workflow's pipeline
  const remote = parseTraceparent(info.workflow?.traceparent);
  const shared = remote ? openWorkflows.get(remote.traceId) : undefined;
  const config = shared?.config ?? telemetrySettings(options);
  if (!config) return undefined;
  const { pipeline, redactor } = shared ?? openPipeline(config, options);
  const tracer = new RunTracer(
    { ...info, ...(info.user === undefined ? { user: config.user } : {}) },
    {
      tracer: pipeline.tracer,
      captureContent: config.captureContent,
      redactor,
      limits: options.limits ?? pipeline.limits,
    },
  );
  const traceparent = tracer.traceparent;
  const stopHttp = config.httpClientInstrumentation
    ? traceHttpClient({
        tracer: pipeline.tracer,
        parent: tracer.context,
        excludeUrl: config.tracesUrl,
        ...(config.mlflow ? { excludePrefix: config.mlflow.trackingUri } : {}),
        redact: redactor.text,
      })
    : undefined;
  const warn = options.warn ?? processWarnOnce;
  const timeoutMs = options.exportTimeoutMs ?? 4_000;
  // MLflow metadata: a run of its own starts its trace; a step tags its workflow's trace
  const mlflow = config.mlflow
    ? mlflowStarter(config.mlflow, config.tracesUrl, pipeline, timeoutMs, warn, !remote)
    : undefined;
  const startTrace = (): void => {
    if (!mlflow || remote || mlflow.started) return;
    const summary = tracer.summary;
    mlflow.start(
      tracer.traceId,
      info.startedAt,
      { [TRACE_METADATA.session]: summary.sessionId ?? info.runId, [TRACE_METADATA.user]: config.user },
      runTraceTags(info, summary, info.eval ? evalTraceTags(info.eval) : {}),
    );
  };
  return {
    traceparent,
    env: { TRACEPARENT: traceparent },
    onEvent: (event) => {
      try {
        tracer.onEvent(event);
        if (event.sessionId || SPAN_ENDING.has(event.type)) startTrace();
      } catch {
        // A tracing bug must never disturb the run; the spans of this event are lost.
      }
    },
    close: async (terminal, extra) => {
      try {
        stopHttp?.();
        tracer.end(terminal);
        startTrace();
        if (mlflow && remote && shared) mlflow.tag(remote.traceId, stepTraceTags(info, tracer.summary), shared.started);
        else if (mlflow && !remote) {
          mlflow.tag(
            tracer.traceId,
            runTraceTags(info, tracer.summary, info.eval ? evalTraceTags(info.eval, extra?.checks) : {}),
          );
          if (info.eval && extra?.checks?.length) mlflow.assess(tracer.traceId, info.eval, extra.checks);
        }
      } catch {
        // As above: never let telemetry fail a run.
      }
      // a step's spans leave with its workflow's: one bounded flush when the workflow ends
      if (!shared) await pipeline.shutdown();
    },
  };
}
