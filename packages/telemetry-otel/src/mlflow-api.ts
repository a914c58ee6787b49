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
  for (const [k, v] of Object.entries(values)) if (k && v !== undefined && v !== '') out[k.slice(0, 250)] = v.slice(0, MAX_VALUE);
  return out;
}

async function call(api: MlflowApiConfig, method: string, path: string, body: unknown, timeoutMs: number): Promise<MlflowCallResult> {
  try {
    const res = await fetch(`${api.trackingUri}${path}`, {
      method,
      headers: { ...api.headers, 'Content-Type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text().catch(() => '');
    if (res.ok) return { ok: true, status: res.status };
    return { ok: false, status: res.status, error: `HTTP ${res.status}${text ? `: ${text.replace(/\s+/g, ' ').trim().slice(0, 200)}` : ''}` };
  } catch (error) {
    const e = error as { name?: string; message?: string; cause?: { code?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return { ok: false, error: `no answer within ${Math.round(timeoutMs / 1000)}s` };
    if (e.cause?.code === 'ECONNREFUSED') return { ok: false, error: 'connection refused (is the MLflow server running?)' };
    return { ok: false, error: e.cause?.code ?? e.message ?? String(error) };
  }
}

/**
 * StartTraceV3 (`POST /api/3.0/mlflow/traces`): creates the MLflow trace `tr-<traceId>` with its
 * session/user metadata and tags. Contract: must complete before any span of that trace reaches
 * MLflow (MLflow 3.6 answers 500 once the spans have created the trace); never throws.
 */
export function startMlflowTrace(api: MlflowApiConfig, start: MlflowTraceStart, timeoutMs: number): Promise<MlflowCallResult> {
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
export async function setMlflowTraceTags(api: MlflowApiConfig, traceId: string, tags: Record<string, string>, timeoutMs: number): Promise<MlflowCallResult> {
  const results = await Promise.all(
    Object.entries(clean(tags)).map(([key, value]) => call(api, 'PATCH', `/api/3.0/mlflow/traces/tr-${traceId}/tags`, { key, value }, timeoutMs)),
  );
  return results.find((r) => !r.ok) ?? { ok: true };
}

/** Does MLflow hold the trace `tr-<traceId>`? undefined when the server could not say. */
export async function mlflowTraceExists(api: MlflowApiConfig, traceId: string, timeoutMs: number): Promise<boolean | undefined> {
  const r = await call(api, 'GET', `/api/3.0/mlflow/traces/tr-${traceId}`, undefined, timeoutMs);
  if (r.ok) return true;
  // MLflow answers 404 RESOURCE_DOES_NOT_EXIST for an unknown trace id.
  if (r.status === 404) return false;
  return undefined;
}
