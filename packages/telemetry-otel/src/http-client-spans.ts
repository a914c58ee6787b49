import diagnostics_channel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { SpanKind, SpanStatusCode, type Context, type Span, type Tracer } from '@opentelemetry/api';

// omnigent's own outgoing HTTP requests, seen through Node's built-in diagnostics channels
// (node:http and the undici behind fetch). No monkey-patching and no global context manager: the
// parent is the innermost open run, set explicitly.

/** A run that wants its process's outgoing HTTP requests as child spans. */
export interface HttpClientTraceTarget {
  tracer: Tracer;
  parent: Context;
  /** Requests to this URL (the trace exporter's own) are never traced. */
  excludeUrl: string;
  /** Requests under this base URL (omnigent's own MLflow REST calls) are never traced either. */
  excludePrefix?: string;
  /** Applied to the URL and error messages before they go on a span (paths can hold tokens). */
  redact?: (text: string) => string;
}

interface UndiciRequest {
  origin?: string;
  method?: string;
  path?: string;
}

const targets: HttpClientTraceTarget[] = [];
const httpSpans = new WeakMap<object, Span>();
/** Open spans, each with its run's redaction. */
const open = new Map<Span, (text: string) => string>();
let subscribed = false;

function sameEndpoint(url: URL, exclude: string): boolean {
  try {
    const e = new URL(exclude);
    return url.host === e.host && url.pathname === e.pathname;
  } catch {
    return false;
  }
}

function underBase(url: URL, base: string | undefined): boolean {
  if (!base) return false;
  try {
    const b = new URL(base);
    return url.host === b.host && url.pathname.startsWith(b.pathname.replace(/\/+$/, '') + '/');
  } catch {
    return false;
  }
}

function start(method: string, url: URL): Span | undefined {
  const target = targets[targets.length - 1];
  if (!target || sameEndpoint(url, target.excludeUrl) || underBase(url, target.excludePrefix)) return undefined;
  // Query strings often carry tokens: keep scheme, host and path only; paths may too (bot APIs, webhooks).
  const redact = target.redact ?? ((t: string) => t);
  const full = redact(`${url.protocol}//${url.host}${url.pathname}`);
  const span = target.tracer.startSpan(
    method,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': method,
        'url.full': full,
        'server.address': url.hostname,
        ...(url.port ? { 'server.port': Number(url.port) } : {}),
      },
    },
    target.parent,
  );
  open.set(span, redact);
  return span;
}

function finish(span: Span | undefined, status: number | undefined, error?: unknown): void {
  const redact = span && open.get(span);
  if (!span || !redact) return;
  open.delete(span);
  if (status !== undefined) span.setAttribute('http.response.status_code', status);
  if (error !== undefined || (status !== undefined && status >= 400)) {
    span.setStatus({
      code: SpanStatusCode.ERROR,
      ...(error instanceof Error ? { message: redact(error.message) } : {}),
    });
    span.setAttribute(
      'error.type',
      status !== undefined && status >= 400 ? String(status) : error instanceof Error ? error.name : '_OTHER',
    );
  }
  span.end();
}

function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics_channel.subscribe('http.client.request.start', (message) => {
    const request = (message as { request: ClientRequest }).request;
    let url: URL;
    try {
      // `request.host` has no port; the Host header does.
      const hostHeader = request.getHeader('host');
      url = new URL(
        `${request.protocol}//${typeof hostHeader === 'string' ? hostHeader : request.host}${request.path}`,
      );
    } catch {
      return;
    }
    const span = start(request.method, url);
    if (!span) return;
    httpSpans.set(request, span);
    // 'close' (not 'error'): listening for errors would change how the caller's errors surface.
    request.once('close', () => finish(span, undefined, new Error('request closed without a response')));
  });
  diagnostics_channel.subscribe('http.client.response.finish', (message) => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    finish(httpSpans.get(request), response.statusCode);
  });
  diagnostics_channel.subscribe('undici:request:create', (message) => {
    const request = (message as { request: UndiciRequest }).request;
    if (!request.origin) return;
    let url: URL;
    try {
      url = new URL(request.path ?? '/', request.origin);
    } catch {
      return;
    }
    const span = start(request.method ?? 'GET', url);
    if (span) httpSpans.set(request, span);
  });
  diagnostics_channel.subscribe('undici:request:headers', (message) => {
    const { request, response } = message as { request: UndiciRequest; response: { statusCode?: number } };
    finish(httpSpans.get(request), response.statusCode);
  });
  diagnostics_channel.subscribe('undici:request:error', (message) => {
    const { request, error } = message as { request: UndiciRequest; error: unknown };
    finish(httpSpans.get(request), undefined, error);
  });
}

/** Trace outgoing HTTP requests under `target.parent` until the returned function is called. */
export function traceHttpClient(target: HttpClientTraceTarget): () => void {
  subscribe();
  targets.push(target);
  return () => {
    const i = targets.indexOf(target);
    if (i >= 0) targets.splice(i, 1);
    // Requests still in flight when the run ends are closed, so no span is left open.
    if (targets.length === 0)
      for (const span of [...open.keys()]) finish(span, undefined, new Error('still in flight when the run ended'));
  };
}
