import type { Tracer } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { secretHeaderValues, type TelemetryConfig } from './config.js';
import { DropWatch } from './drop-watch.js';
import { ChosenTraceIdGenerator } from './trace-id.js';
import { limitsWithin, type ContentLimits } from './truncate.js';
import { processWarnOnce, type WarnOnce } from './warn-once.js';

/** Options of {@link createExportPipeline}. */
export interface ExportPipelineOptions {
  /** Replace the OTLP exporter (tests: an in-memory exporter). */
  exporter?: SpanExporter;
  /** Bound on the final flush in ms. Default: 5000. */
  flushTimeoutMs?: number;
  /** Bound on one HTTP export (retries included) in ms. Default: 4000. */
  exportTimeoutMs?: number;
  /** Default: one warning per process on stderr. */
  warn?: WarnOnce;
  /** `service.version` resource attribute. */
  serviceVersion?: string;
  /** Instrumentation scope version. */
  scopeVersion?: string;
  /** Most spans waiting for export at once; more are dropped (with a warning). Default: 200000. */
  maxQueueSize?: number;
}

/** A tracer plus its bounded, never-throwing flush. */
export interface ExportPipeline {
  tracer: Tracer;
  /** Export everything still queued and stop; bounded, never throws, warns once on failure. */
  shutdown: () => Promise<void>;
  /** Content limits for captured JSON (within the configured attribute value length limit). */
  limits: ContentLimits;
  /**
   * Hold every export until `gate` settles (MLflow: the StartTraceV3 call that must come before
   * the trace's spans). Contract: the gate must settle on its own (bounded); spans are never dropped for it.
   */
  hold: (gate: Promise<unknown>) => void;
  /** Work (MLflow tag updates) that `shutdown` waits for within its bound. */
  track: (work: Promise<unknown>) => void;
  /** The next root span started on `tracer` gets this trace id (stored runs map to one trace id). */
  useNextTraceId: (traceId: string) => void;
}

function describeFailure(error: unknown, headerValues: string[]): string {
  if (!error || typeof error !== 'object') return 'unknown error';
  const e = error as { code?: unknown; message?: unknown; data?: unknown };
  let text: string;
  if (typeof e.code === 'number') {
    const body = typeof e.data === 'string' ? e.data.replace(/\s+/g, ' ').trim().slice(0, 200) : '';
    text = `HTTP ${e.code}${typeof e.message === 'string' && e.message ? ` ${e.message}` : ''}${body ? `: ${body}` : ''}`;
  } else if (e.code === 'ECONNREFUSED') text = 'connection refused (is the collector running?)';
  else if (typeof e.code === 'string') text = `${e.code}${typeof e.message === 'string' ? ` ${e.message}` : ''}`;
  else text = typeof e.message === 'string' ? e.message : String(error);
  // A server may echo request headers back: never print their values.
  for (const v of headerValues) if (v.length >= 3) text = text.split(v).join('[REDACTED]');
  return text;
}

/** The URL as messages show it. Contract: a password in it (`http://user:pw@host`) becomes `user:***@`. */
export function shownUrl(url: string): string {
  try {
    const { password } = new URL(url);
    return password ? url.replace(`:${password}@`, ':***@') : url;
  } catch {
    return url;
  }
}

// Content limits of each pipeline's tracer, so a RunTracer built on it (the `export` command, say)
// keeps within the configured attribute length limit without being passed it.
const tracerLimits = new WeakMap<Tracer, ContentLimits>();

const tracerIds = new WeakMap<Tracer, ChosenTraceIdGenerator>();

/** The trace id chooser of a tracer made by {@link createExportPipeline}; undefined for other tracers. */
export function idsOfTracer(tracer: Tracer): Pick<ChosenTraceIdGenerator, 'useNextTraceId'> | undefined {
  return tracerIds.get(tracer);
}

/** Content limits of a tracer made by {@link createExportPipeline}; undefined for other tracers. */
export function limitsOfTracer(tracer: Tracer): ContentLimits | undefined {
  return tracerLimits.get(tracer);
}

/** Holds exports while a gate (StartTraceV3) is pending, then passes them on in order. */
class HoldingExporter implements SpanExporter {
  readonly gates = new Set<Promise<unknown>>();
  private open = false;
  private release: () => void = () => undefined;
  private readonly released = new Promise<void>((r) => (this.release = r));

  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.open || this.gates.size === 0) {
      this.inner.export(spans, resultCallback);
      return;
    }
    void Promise.race([Promise.allSettled([...this.gates]), this.released]).then(() =>
      this.export(spans, resultCallback),
    );
  }

  /**
   * At shutdown: wait at most `ms` more for the gates, then let everything through. A server that
   * does not answer StartTraceV3 would otherwise add its whole timeout to the run's end.
   */
  async openWithin(ms: number): Promise<void> {
    if (this.gates.size) await withTimeout(Promise.allSettled([...this.gates]), ms);
    this.open = true;
    this.release();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** Passes spans to the real exporter and turns its failures into one stderr warning. */
class ReportingExporter implements SpanExporter {
  /** Told the size of every batch (the drop watch mirrors the queue with it). */
  onBatch: (count: number) => void = () => undefined;

  constructor(
    private readonly inner: SpanExporter,
    private readonly report: (error: unknown) => void,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.onBatch(spans.length);
    try {
      this.inner.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS) this.report(result.error);
        resultCallback(result);
      });
    } catch (error) {
      this.report(error);
      resultCallback({
        code: ExportResultCode.FAILED,
        error: error instanceof Error ? error : new Error(String(error)),
      });
    }
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref();
    promise.then(
      () => {
        clearTimeout(timer);
        resolve('done');
      },
      () => {
        clearTimeout(timer);
        resolve('done');
      },
    );
  });
}

/**
 * A tracer provider that exports OTLP/HTTP protobuf to `config.tracesUrl`. It is never registered
 * globally: callers pass parent contexts explicitly, so omnigent's spans cannot mix with a host
 * application's. The queue is sized so a burst of spans is never dropped.
 */
export function createExportPipeline(config: TelemetryConfig, options: ExportPipelineOptions = {}): ExportPipeline {
  const warn = options.warn ?? processWarnOnce;
  const flushTimeoutMs = options.flushTimeoutMs ?? 5_000;
  const exportTimeoutMs = Math.min(options.exportTimeoutMs ?? 4_000, flushTimeoutMs);
  const url = shownUrl(config.tracesUrl);
  const headerValues = secretHeaderValues(config.headers);
  const report = (error: unknown): void =>
    warn(`could not export traces to ${url}: ${describeFailure(error, headerValues)}`);
  const inner =
    options.exporter ??
    new OTLPTraceExporter({
      url: config.tracesUrl,
      headers: { ...config.headers },
      timeoutMillis: exportTimeoutMs,
      // Enough parallel requests for a whole queue flushed at once (see maxQueueSize below).
      concurrencyLimit: 256,
    });
  const exporter = new ReportingExporter(inner, report);
  const holding = new HoldingExporter(exporter);
  const resource = defaultResource().merge(
    resourceFromAttributes({
      ...config.resourceAttributes,
      'service.name': config.serviceName,
      ...(options.serviceVersion ? { 'service.version': options.serviceVersion } : {}),
    }),
  );
  const maxQueueSize = options.maxQueueSize ?? 200_000;
  const batches = new BatchSpanProcessor(holding, {
    // A run's spans are few, but a workflow or a flood of tool calls may end thousands at once;
    // dropping any would leave holes in the MLflow tree, so the queue is far above any real run.
    maxQueueSize,
    maxExportBatchSize: 1_000,
    scheduledDelayMillis: 1_000,
    // a held export (StartTraceV3 pending, bounded by exportTimeoutMs too) still counts as one
    exportTimeoutMillis: 2 * exportTimeoutMs + 1_000,
  });
  // Only a caller that ends spans in a loop that never yields (nothing can be sent meanwhile) can
  // fill the queue; the batch processor would drop the rest silently.
  const processor = new DropWatch(batches, maxQueueSize);
  exporter.onBatch = (count) => processor.exported(count);
  const ids = new ChosenTraceIdGenerator();
  const provider = new BasicTracerProvider({
    resource,
    idGenerator: ids,
    spanProcessors: [processor],
    // The SDK would apply OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT by cutting JSON values mid-string (MLflow
    // then shows them as broken text). Captured JSON is bounded to that limit instead (`limits`).
    spanLimits: { attributeValueLengthLimit: Infinity },
  });
  const tracer = provider.getTracer('@omnigent/telemetry-otel', options.scopeVersion);
  const background = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    closing ??= (async () => {
      // one bound for everything: the pending MLflow calls and the final flush run side by side
      const outcome = await withTimeout(
        (async () => {
          await holding.openWithin(Math.min(1_000, flushTimeoutMs));
          await Promise.all([provider.shutdown(), ...background]);
        })(),
        flushTimeoutMs,
      );
      if (processor.dropped > 0)
        warn(`${processor.dropped} spans were dropped: more than ${maxQueueSize} waited for export to ${url} at once`);
      if (outcome === 'timeout')
        warn(
          `could not export traces to ${url}: no answer within ${Math.round(flushTimeoutMs / 1000)}s; giving up so the run is not held up`,
        );
    })();
    return closing;
  };
  const limits = limitsWithin(config.attributeValueLengthLimit);
  tracerLimits.set(tracer, limits);
  tracerIds.set(tracer, ids);
  const hold = (gate: Promise<unknown>): void => {
    const settled = gate.then(
      () => undefined,
      () => undefined,
    );
    holding.gates.add(settled);
    void settled.then(() => holding.gates.delete(settled));
  };
  const track = (work: Promise<unknown>): void => {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    background.add(settled);
    void settled.then(() => background.delete(settled));
  };
  return { tracer, shutdown, limits, hold, track, useNextTraceId: (id) => ids.useNextTraceId(id) };
}
