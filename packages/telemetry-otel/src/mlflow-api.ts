import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { MlflowApiConfig } from './config.js';

/** What one MLflow REST call came to: `ok`, or why not (never throws). */
export interface MlflowCallResult {
  ok: boolean;
  status?: number;
  /** Why it failed, for a warning (no header values in it). */
  error?: string;
}

/** Trace metadata and tags set when a trace starts (StartTraceV3). */
export interface MlflowTraceStart {
  /** OTel trace id (32 hex). */
  traceId: string;
  requestTime: Date;
  metadata: Record<string, string>;
  tags: Record<string, string>;
}

// MLflow keeps tag and metadata values up to 8000 characters (longer ones fail the whole call).
const MAX_VALUE = 8_000;

function clean(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values))
    if (k && v !== undefined && v !== '') out[k.slice(0, 250)] = v.slice(0, MAX_VALUE);
  return out;
}

// node:http rather than fetch: the first fetch() loads undici synchronously (tens of ms on a busy
// machine), which would delay the run's own event stamps (tool spans came out shorter than the tool).
function call(
  api: MlflowApiConfig,
  method: string,
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<MlflowCallResult> {
  return mlflowCall(api, method, path, body, timeoutMs);
}

/** One MLflow REST call with a JSON body, bounded by `timeoutMs`. Contract: never throws. */
export function mlflowCall(
  api: MlflowApiConfig,
  method: string,
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<MlflowCallResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: MlflowCallResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      done({ ok: false, error: `no answer within ${Math.round(timeoutMs / 1000)}s` });
      req?.destroy();
    }, timeoutMs);
    timer.unref();
    let req: ReturnType<typeof httpRequest> | undefined;
    try {
      const url = new URL(`${api.trackingUri}${path}`);
      const payload = body !== undefined ? Buffer.from(JSON.stringify(body)) : undefined;
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      req = send(
        url,
        {
          method,
          headers: {
            ...api.headers,
            'Content-Type': 'application/json',
            ...(payload ? { 'Content-Length': String(payload.length) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => done({ ok: false, error: e.message }));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            if (status >= 200 && status < 300) done({ ok: true, status });
            else
              done({
                ok: false,
                status,
                error: `HTTP ${status}${text ? `: ${text.replace(/\s+/g, ' ').trim().slice(0, 200)}` : ''}`,
              });
          });
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) =>
        done({
          ok: false,
          error:
            e.code === 'ECONNREFUSED' ? 'connection refused (is the MLflow server running?)' : (e.code ?? e.message),
        }),
      );
      req.end(payload);
    } catch (error) {
      done({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });
}

/**
 * StartTraceV3 (`POST /api/3.0/mlflow/traces`): creates the MLflow trace `tr-<traceId>` with its
 * session/user metadata and tags. Contract: must complete before any span of that trace reaches
 * MLflow (MLflow 3.6 answers 500 once the spans have created the trace); never throws.
 */
export function startMlflowTrace(
  api: MlflowApiConfig,
  start: MlflowTraceStart,
  timeoutMs: number,
): Promise<MlflowCallResult> {
  return call(
    api,
    'POST',
    '/api/3.0/mlflow/traces',
    {
      trace: {
        trace_info: {
          trace_id: `tr-${start.traceId}`,
          trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: api.experimentId } },
          request_time: start.requestTime.toISOString(),
          state: 'IN_PROGRESS',
          trace_metadata: clean(start.metadata),
          tags: clean(start.tags),
        },
      },
    },
    timeoutMs,
  );
}

/** Set (or overwrite) tags of an existing trace, one PATCH each, in parallel. Never throws. */
export async function setMlflowTraceTags(
  api: MlflowApiConfig,
  traceId: string,
  tags: Record<string, string>,
  timeoutMs: number,
): Promise<MlflowCallResult> {
  const results = await Promise.all(
    Object.entries(clean(tags)).map(([key, value]) =>
      call(api, 'PATCH', `/api/3.0/mlflow/traces/tr-${traceId}/tags`, { key, value }, timeoutMs),
    ),
  );
  return results.find((r) => !r.ok) ?? { ok: true };
}

/** Does MLflow hold the trace `tr-<traceId>`? undefined when the server could not say. */
export async function mlflowTraceExists(
  api: MlflowApiConfig,
  traceId: string,
  timeoutMs: number,
): Promise<boolean | undefined> {
  const r = await call(api, 'GET', `/api/3.0/mlflow/traces/tr-${traceId}`, undefined, timeoutMs);
  if (r.ok) return true;
  // MLflow answers 404 RESOURCE_DOES_NOT_EXIST for an unknown trace id.
  if (r.status === 404) return false;
  return undefined;
}
