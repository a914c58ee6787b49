import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import protobuf from 'protobufjs';

// The subset of opentelemetry-proto (trace/v1, common/v1, resource/v1, collector/trace/v1) that an
// OTLP/HTTP trace receiver needs, with the upstream field numbers.
/** The OTLP trace schema subset the receiver decodes (proto3 text, upstream field numbers). */
export const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;
message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message Status { reserved 1; string message = 2; int32 code = 3; }
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10;
  repeated Event events = 11;
  uint32 dropped_events_count = 12;
  repeated Link links = 13;
  uint32 dropped_links_count = 14;
  Status status = 15;
  fixed32 flags = 16;
}
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
`;

const root = protobuf.parse(OTLP_TRACE_PROTO, { keepCase: false }).root;
const RequestType = root.lookupType('otlp.ExportTraceServiceRequest');
const ResponseType = root.lookupType('otlp.ExportTraceServiceResponse');

/** A decoded attribute value. Integers arrive as numbers (bigint when beyond 2^53). */
export type OtlpValue =
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | OtlpValue[]
  | { [key: string]: OtlpValue }
  | null;

/** The wire type of an attribute value (MLflow rejects a trace whose token counts are strings). */
export type OtlpValueType = 'string' | 'int' | 'double' | 'bool' | 'array' | 'kvlist' | 'bytes' | 'empty';

/** One span as the receiver decoded it. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Undefined for a root span. */
  parentSpanId?: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, OtlpValue>;
  attributeTypes: Record<string, OtlpValueType>;
  events: Array<{ name: string; timeUnixNano: bigint; attributes: Record<string, OtlpValue> }>;
  status: { code: 'UNSET' | 'OK' | 'ERROR'; message?: string };
  resource: Record<string, OtlpValue>;
  scope: { name: string; version?: string };
}

/** One HTTP request the receiver saw. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Status the receiver answered (0 while hanging). */
  status: number;
  bodyBytes: number;
  spanCount: number;
  /** Why it was refused, as MLflow would say it. */
  error?: string;
}

/** How the receiver behaves. */
export type OtlpReceiverMode =
  /** MLflow-like: validates and stores spans, answers 200. */
  | 'ok'
  /** Answers 500 to every export. */
  | 'fail'
  /** Accepts the connection and never answers. */
  | 'hang'
  /** Nothing listens on `url` (the port was bound, then released). */
  | 'down';

/** Options of {@link startOtlpReceiver}. */
export interface OtlpReceiverOptions {
  /** Default: `ok`. */
  mode?: OtlpReceiverMode;
  /** Refuse exports without `x-mlflow-experiment-id` with 422, as MLflow does. Default: true. */
  requireExperimentHeader?: boolean;
}

/** A running OTLP/HTTP protobuf trace receiver. */
export interface OtlpReceiver {
  /** Base URL (`http://127.0.0.1:<port>`): use as OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  /** `${url}/v1/traces`. */
  tracesUrl: string;
  requests: ReceivedRequest[];
  /**
   * MLflow REST calls (`/api/...`) the receiver answered like MLflow 3.6 (StartTraceV3, tag PATCH,
   * trace GET), kept apart from `requests`. For fast unit tests only; the real server is the proof.
   */
  restCalls: Array<{ method: string; path: string; status: number; body: unknown }>;
  /** Traces opened by StartTraceV3: metadata and tags (PATCHed tags included), by `tr-…` id. */
  mlflowTraces: Map<string, { metadata: Record<string, string>; tags: Record<string, string> }>;
  /** Spans of accepted exports, in arrival order. */
  spans: ReceivedSpan[];
  setMode: (mode: Exclude<OtlpReceiverMode, 'down'>) => void;
  /** Resolves once at least `count` spans arrived (rejects after `timeoutMs`, default 30 s). */
  waitForSpans: (count: number, timeoutMs?: number) => Promise<ReceivedSpan[]>;
  close: () => Promise<void>;
}

function hex(bytes: unknown): string | undefined {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) return undefined;
  return Buffer.from(bytes).toString('hex');
}

function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'string' && v !== '') return BigInt(v);
  if (v && typeof v === 'object' && 'low' in v && 'high' in v) {
    const l = v as { low: number; high: number };
    return (BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0);
  }
  return 0n;
}

interface WireAnyValue {
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: unknown;
  doubleValue?: number;
  arrayValue?: { values?: WireAnyValue[] };
  kvlistValue?: { values?: WireKeyValue[] };
  bytesValue?: Uint8Array;
}
interface WireKeyValue {
  key: string;
  value?: WireAnyValue;
}

function valueOf(v: WireAnyValue | undefined): { value: OtlpValue; type: OtlpValueType } {
  switch (v?.value) {
    case 'stringValue':
      return { value: v.stringValue ?? '', type: 'string' };
    case 'boolValue':
      return { value: v.boolValue ?? false, type: 'bool' };
    case 'intValue': {
      const big = toBigInt(v.intValue);
      const safe = big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER);
      return { value: safe ? Number(big) : big, type: 'int' };
    }
    case 'doubleValue':
      return { value: v.doubleValue ?? 0, type: 'double' };
    case 'arrayValue':
      return { value: (v.arrayValue?.values ?? []).map((x) => valueOf(x).value), type: 'array' };
    case 'kvlistValue':
      return { value: attributesOf(v.kvlistValue?.values).attributes, type: 'kvlist' };
    case 'bytesValue':
      return { value: v.bytesValue ?? new Uint8Array(), type: 'bytes' };
    default:
      return { value: null, type: 'empty' };
  }
}

function attributesOf(list: WireKeyValue[] | undefined): {
  attributes: Record<string, OtlpValue>;
  types: Record<string, OtlpValueType>;
} {
  const attributes: Record<string, OtlpValue> = {};
  const types: Record<string, OtlpValueType> = {};
  for (const kv of list ?? []) {
    const { value, type } = valueOf(kv.value);
    attributes[kv.key] = value;
    types[kv.key] = type;
  }
  return { attributes, types };
}

const STATUS: Record<number, ReceivedSpan['status']['code']> = { 0: 'UNSET', 1: 'OK', 2: 'ERROR' };

/** Decode an OTLP `ExportTraceServiceRequest` protobuf body into spans. Throws on malformed input. */
export function decodeTraceRequest(body: Uint8Array): ReceivedSpan[] {
  const message = RequestType.decode(body);
  const obj = RequestType.toObject(message, { longs: String, oneofs: true, defaults: false }) as {
    resourceSpans?: Array<{
      resource?: { attributes?: WireKeyValue[] };
      scopeSpans?: Array<{
        scope?: { name?: string; version?: string };
        spans?: Array<{
          traceId?: Uint8Array;
          spanId?: Uint8Array;
          parentSpanId?: Uint8Array;
          name?: string;
          kind?: number;
          startTimeUnixNano?: unknown;
          endTimeUnixNano?: unknown;
          attributes?: WireKeyValue[];
          events?: Array<{ name?: string; timeUnixNano?: unknown; attributes?: WireKeyValue[] }>;
          status?: { code?: number; message?: string };
        }>;
      }>;
    }>;
  };
  const spans: ReceivedSpan[] = [];
  for (const rs of obj.resourceSpans ?? []) {
    const resource = attributesOf(rs.resource?.attributes).attributes;
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const attrs = attributesOf(s.attributes);
        const parent = hex(s.parentSpanId);
        spans.push({
          traceId: hex(s.traceId) ?? '',
          spanId: hex(s.spanId) ?? '',
          ...(parent ? { parentSpanId: parent } : {}),
          name: s.name ?? '',
          kind: s.kind ?? 0,
          startTimeUnixNano: toBigInt(s.startTimeUnixNano),
          endTimeUnixNano: toBigInt(s.endTimeUnixNano),
          attributes: attrs.attributes,
          attributeTypes: attrs.types,
          events: (s.events ?? []).map((e) => ({
            name: e.name ?? '',
            timeUnixNano: toBigInt(e.timeUnixNano),
            attributes: attributesOf(e.attributes).attributes,
          })),
          status: {
            code: STATUS[s.status?.code ?? 0] ?? 'UNSET',
            ...(s.status?.message ? { message: s.status.message } : {}),
          },
          resource,
          scope: { name: ss.scope?.name ?? '', ...(ss.scope?.version ? { version: ss.scope.version } : {}) },
        });
      }
    }
  }
  return spans;
}

function decompress(body: Buffer, encoding: string | undefined): Buffer {
  const e = (encoding ?? 'identity').toLowerCase();
  if (e === 'identity' || e === '') return body;
  if (e === 'gzip') return gunzipSync(body);
  if (e === 'deflate') {
    try {
      return inflateSync(body);
    } catch {
      return inflateRawSync(body);
    }
  }
  throw new Error(`Unsupported Content-Encoding: ${e}`);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, detail: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ detail }));
}

/**
 * Start an OTLP/HTTP trace receiver on 127.0.0.1 that enforces MLflow's ingest rules: `POST
 * /v1/traces` only, `x-mlflow-experiment-id` required (422), `Content-Type: application/x-protobuf`
 * required (400), empty or undecodable body 400, a string-typed `gen_ai.usage.*` count rejects the
 * whole request (422). Modes simulate a failing (500), hanging or down collector.
 */
export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  let mode: OtlpReceiverMode = options.mode ?? 'ok';
  const requireHeader = options.requireExperimentHeader ?? true;
  const requests: ReceivedRequest[] = [];
  const restCalls: OtlpReceiver['restCalls'] = [];
  const mlflowTraces: OtlpReceiver['mlflowTraces'] = new Map();
  const spans: ReceivedSpan[] = [];
  const sockets = new Set<Socket>();
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const w of waiters) w();
  };

  // MLflow 3.6's trace REST calls, as far as omnigent uses them; the same fault modes apply.
  const handleRest = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      body = raw.toString('utf8');
    }
    const call = { method: req.method ?? '', path, status: 0, body };
    restCalls.push(call);
    const answer = (status: number, payload: unknown): void => {
      call.status = status;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (mode === 'hang') return;
    if (mode === 'fail')
      return answer(500, { error_code: 'INTERNAL_ERROR', message: 'Internal Server Error (simulated)' });
    const hasSpans = (id: string): boolean => spans.some((s) => `tr-${s.traceId}` === id);
    if (req.method === 'POST' && path === '/api/3.0/mlflow/traces') {
      const info = (
        body as {
          trace?: {
            trace_info?: { trace_id?: string; trace_metadata?: Record<string, string>; tags?: Record<string, string> };
          };
        }
      )?.trace?.trace_info;
      if (!info?.trace_id) return answer(400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'trace_id missing' });
      // MLflow 3.6 cannot add metadata to a trace its spans already created
      if (hasSpans(info.trace_id) || mlflowTraces.has(info.trace_id))
        return answer(500, {
          error_code: 'INTERNAL_ERROR',
          message: 'Dependency rule tried to blank-out primary key column',
        });
      mlflowTraces.set(info.trace_id, { metadata: { ...info.trace_metadata }, tags: { ...info.tags } });
      return answer(200, { trace: { trace_info: info } });
    }
    const tagPath = /^\/api\/3\.0\/mlflow\/traces\/([^/]+)\/tags$/.exec(path);
    if (req.method === 'PATCH' && tagPath) {
      const t = mlflowTraces.get(tagPath[1]!);
      const { key, value } = (body ?? {}) as { key?: string; value?: string };
      if (!t && !hasSpans(tagPath[1]!))
        return answer(404, {
          error_code: 'RESOURCE_DOES_NOT_EXIST',
          message: `Trace with ID ${tagPath[1]} not found.`,
        });
      if (key) (t ?? { tags: {} as Record<string, string> }).tags[key] = value ?? '';
      return answer(200, {});
    }
    const getPath = /^\/api\/3\.0\/mlflow\/traces\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && getPath) {
      const id = getPath[1]!;
      if (!mlflowTraces.has(id) && !hasSpans(id))
        return answer(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Trace with ID ${id} not found.` });
      return answer(200, {
        trace: {
          trace_info: {
            trace_id: id,
            ...(mlflowTraces.get(id)
              ? { trace_metadata: mlflowTraces.get(id)!.metadata, tags: mlflowTraces.get(id)!.tags }
              : {}),
          },
        },
      });
    }
    return answer(404, { detail: 'Not Found' });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/api/')) return handleRest(req, res, path);
    const record: ReceivedRequest = {
      method: req.method ?? '',
      path,
      headers: req.headers,
      status: 0,
      bodyBytes: 0,
      spanCount: 0,
    };
    requests.push(record);
    const raw = await readBody(req);
    record.bodyBytes = raw.length;
    const refuse = (status: number, error: string): void => {
      record.status = status;
      record.error = error;
      reply(res, status, error);
    };
    if (mode === 'hang') return; // never answer; the socket is destroyed on close()
    if (mode === 'fail') return refuse(500, 'Internal Server Error (simulated)');
    if (req.method !== 'POST' || path !== '/v1/traces') return refuse(404, 'Not Found');
    if (requireHeader && !req.headers['x-mlflow-experiment-id'])
      return refuse(422, 'Field required: header x-mlflow-experiment-id');
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType !== 'application/x-protobuf')
      return refuse(
        400,
        `Invalid Content-Type: ${req.headers['content-type'] ?? ''}. Expected: application/x-protobuf`,
      );
    let decoded: ReceivedSpan[];
    try {
      decoded = decodeTraceRequest(decompress(raw, req.headers['content-encoding']));
    } catch (error) {
      return refuse(400, `Invalid OpenTelemetry protobuf format: ${(error as Error).message}`);
    }
    if (decoded.length === 0) return refuse(400, 'Invalid OpenTelemetry protobuf format - no spans found');
    for (const s of decoded) {
      for (const [key, type] of Object.entries(s.attributeTypes)) {
        if (key.startsWith('gen_ai.usage.') && type !== 'int') {
          return refuse(
            422,
            `Failed to log OpenTelemetry spans: invalid literal for int() with base 10: ${JSON.stringify(String(s.attributes[key]))} (${key} on span "${s.name}")`,
          );
        }
      }
    }
    spans.push(...decoded);
    record.status = 200;
    record.spanCount = decoded.length;
    res.writeHead(200, { 'content-type': 'application/x-protobuf' });
    res.end(Buffer.from(ResponseType.encode(ResponseType.create({})).finish()));
    notify();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) reply(res, 500, (error as Error).message);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  // `down`: the port was ours a moment ago and nothing listens there now (connection refused).
  if (mode === 'down') await close();

  return {
    url,
    tracesUrl: `${url}/v1/traces`,
    requests,
    restCalls,
    mlflowTraces,
    spans,
    setMode: (m) => {
      mode = m;
    },
    waitForSpans: (count, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        if (spans.length >= count) return resolve(spans);
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`OTLP receiver: ${spans.length} of ${count} spans after ${timeoutMs} ms`));
        }, timeoutMs);
        const check = (): void => {
          if (spans.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(spans);
        };
        waiters.add(check);
      }),
    close,
  };
}

/** A span with its children, for asserting a trace's shape. */
export interface SpanNode {
  span: ReceivedSpan;
  children: SpanNode[];
}

/** Arrange spans into trees (roots: spans whose parent is not among them), children by start time. */
export function spanTree(spans: ReceivedSpan[]): SpanNode[] {
  const nodes = new Map<string, SpanNode>();
  for (const s of spans) nodes.set(s.spanId, { span: s, children: [] });
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId ? nodes.get(node.span.parentSpanId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const order = (list: SpanNode[]): void => {
    list.sort((a, b) =>
      a.span.startTimeUnixNano < b.span.startTimeUnixNano
        ? -1
        : a.span.startTimeUnixNano > b.span.startTimeUnixNano
          ? 1
          : a.span.name.localeCompare(b.span.name),
    );
    for (const n of list) order(n.children);
  };
  order(roots);
  return roots;
}

/** The tree as indented `name` lines, e.g. for `toEqual` on a trace's shape. */
export function spanTreeLines(spans: ReceivedSpan[]): string[] {
  const lines: string[] = [];
  const walk = (list: SpanNode[], depth: number): void => {
    for (const n of list) {
      lines.push(`${'  '.repeat(depth)}${n.span.name}`);
      walk(n.children, depth + 1);
    }
  };
  walk(spanTree(spans), 0);
  return lines;
}
