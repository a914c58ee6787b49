import type { OmnigentEvent, TerminalEvent } from '@omnigent/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { resolveTelemetryConfig, secretHeaderValues, type TelemetryConfig, type TelemetryFileConfig } from './config.js';
import { createExportPipeline } from './export-pipeline.js';
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
  /** End the spans and flush (bounded by `flushTimeoutMs`); never throws. */
  close: (terminal: TerminalEvent | undefined) => Promise<void>;
}

/** Resolve the settings; prints the reason once when telemetry was asked for but cannot run. */
export function telemetrySettings(options: Pick<TelemetryOptions, 'env' | 'config' | 'warn'>): TelemetryConfig | undefined {
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
  const redactor = createRedactor({ env: options.env, secretEnvNames: options.credentialEnv ?? [], literals: secretHeaderValues(config.headers) });
  return { pipeline, redactor };
}

/** Start tracing one run. Returns undefined when telemetry is off. */
export function startRunTelemetry(info: RunTraceInfo, options: TelemetryOptions): RunTelemetry | undefined {
  const config = telemetrySettings(options);
  if (!config) return undefined;
  const { pipeline, redactor } = openPipeline(config, options);
  const tracer = new RunTracer(info, {
    tracer: pipeline.tracer,
    captureContent: config.captureContent,
    redactor,
    limits: options.limits ?? pipeline.limits,
  });
  const traceparent = tracer.traceparent;
  const stopHttp = config.httpClientInstrumentation ? traceHttpClient({ tracer: pipeline.tracer, parent: tracer.context, excludeUrl: config.tracesUrl, redact: redactor.text }) : undefined;
  return {
    traceparent,
    env: { TRACEPARENT: traceparent },
    onEvent: (event) => {
      try {
        tracer.onEvent(event);
      } catch {
        // A tracing bug must never disturb the run; the spans of this event are lost.
      }
    },
    close: async (terminal) => {
      try {
        stopHttp?.();
        tracer.end(terminal);
      } catch {
        // As above: never let telemetry fail a run.
      }
      await pipeline.shutdown();
    },
  };
}
