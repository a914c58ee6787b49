import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { OmnigentEvent } from '@omnigent/core';
import { isTerminal } from '@omnigent/core/events';
import { createWarnOnce, startRunTelemetry, type RunTraceInfo } from '../src/index.js';

/** Keeps every exported span (InMemorySpanExporter forgets them on shutdown). */
export class CollectingExporter implements SpanExporter {
  readonly spans: ReadableSpan[] = [];
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.spans.push(...spans);
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Base time of hand-built event sequences. */
export const T0 = Date.parse('2026-11-24T10:00:00.000Z');

/** ISO time `ms` after T0. */
export function at(ms: number): string {
  return new Date(T0 + ms).toISOString();
}

let seq = 0;
/** Stamp a draft as the runner would. */
export function ev(ms: number, draft: Record<string, unknown>, harness = 'claude-code'): OmnigentEvent {
  return { runId: 'run-1', harness, seq: seq++, time: at(ms), ...draft } as unknown as OmnigentEvent;
}

/** Default run facts for hand-built runs. */
export function info(over: Partial<RunTraceInfo> = {}): RunTraceInfo {
  return {
    runId: 'run-1',
    harness: 'claude-code',
    provider: 'anthropic',
    pluginVersion: '0.1.0',
    request: { prompt: 'list the files', model: 'claude-sonnet-4-5' },
    startedAt: new Date(T0),
    ...over,
  };
}

/** Feed events through a real RunTelemetry with an in-memory exporter; returns the exported spans. */
export async function trace(
  events: OmnigentEvent[],
  opts: { capture?: boolean; info?: RunTraceInfo; env?: NodeJS.ProcessEnv; credentialEnv?: string[] } = {},
): Promise<{ spans: ReadableSpan[]; traceparent: string }> {
  const exporter = new CollectingExporter();
  const run = startRunTelemetry(opts.info ?? info(), {
    env: {
      OMNIGENT_TELEMETRY_ENABLED: 'true',
      OMNIGENT_OTEL_CAPTURE_CONTENT: opts.capture ? 'true' : 'false',
      ...opts.env,
    },
    exporter,
    warn: createWarnOnce(() => undefined),
    ...(opts.credentialEnv ? { credentialEnv: opts.credentialEnv } : {}),
  });
  if (!run) throw new Error('telemetry did not start');
  for (const e of events) run.onEvent(e);
  const terminal = events.find(isTerminal);
  await run.close(terminal as never);
  return { spans: exporter.spans, traceparent: run.traceparent };
}

/** The span tree as indented names (children ordered by start time, then name). */
export function treeLines(spans: ReadableSpan[]): string[] {
  const byParent = new Map<string, ReadableSpan[]>();
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  for (const s of spans) {
    const p = s.parentSpanContext?.spanId;
    const key = p && ids.has(p) ? p : '';
    byParent.set(key, [...(byParent.get(key) ?? []), s]);
  }
  const lines: string[] = [];
  const ms = (s: ReadableSpan): number => s.startTime[0] * 1e3 + s.startTime[1] / 1e6;
  const walk = (key: string, depth: number): void => {
    const kids = [...(byParent.get(key) ?? [])].sort((a, b) => ms(a) - ms(b) || a.name.localeCompare(b.name));
    for (const k of kids) {
      lines.push(`${'  '.repeat(depth)}${k.name}`);
      walk(k.spanContext().spanId, depth + 1);
    }
  };
  walk('', 0);
  return lines;
}

/** `parent > child` name pairs, sorted (order-free tree shape). */
export function edges(spans: ReadableSpan[]): string[] {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  return spans
    .map((s) => `${(s.parentSpanContext && byId.get(s.parentSpanContext.spanId)?.name) ?? '(root)'} > ${s.name}`)
    .sort();
}

/** The one span named `name`. */
export function one(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1)
    throw new Error(`expected one span "${name}", found ${found.length}: ${spans.map((s) => s.name).join(', ')}`);
  return found[0]!;
}

/** Span start/end in ms since the epoch. */
export function times(span: ReadableSpan): [number, number] {
  return [
    span.startTime[0] * 1e3 + Math.round(span.startTime[1] / 1e6),
    span.endTime[0] * 1e3 + Math.round(span.endTime[1] / 1e6),
  ];
}

/** Every string that leaves the process for a span: attributes, event attributes, status message, name. */
export function exportedText(spans: ReadableSpan[]): string {
  return spans
    .map((s) =>
      JSON.stringify({ n: s.name, a: s.attributes, e: s.events.map((e) => [e.name, e.attributes]), st: s.status }),
    )
    .join('\n');
}
