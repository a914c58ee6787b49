// A small client of the real MLflow server's REST API, for reading traces back in tests.

/** TraceInfo as MLflow's v3 REST API returns it. */
export interface MlflowTraceInfo {
  trace_id: string;
  state: string;
  request_preview?: string;
  response_preview?: string;
  trace_metadata: Record<string, string>;
  tags: Record<string, string>;
}

/** One span as `get-trace-artifact` returns it (attribute values are JSON-encoded strings). */
export interface MlflowSpan {
  name: string;
  span_id: string;
  parent_span_id?: string | null;
  start_time_unix_nano?: number | string;
  end_time_unix_nano?: number | string;
  status?: { code?: string; message?: string };
  attributes: Record<string, string>;
}

async function call<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(base + path, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** REST helper bound to one server. */
export function mlflowRest(base: string) {
  return {
    /** New experiment (a clean trace list per test); returns its id. */
    async createExperiment(name: string): Promise<string> {
      const r = await call<{ experiment_id: string }>(base, 'POST', '/api/2.0/mlflow/experiments/create', {
        name: `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
      });
      return r.experiment_id;
    },
    /** Every trace of the experiment matching `filter` (MLflow search syntax), all pages. */
    async search(experimentId: string, filter?: string): Promise<MlflowTraceInfo[]> {
      const out: MlflowTraceInfo[] = [];
      let token: string | undefined;
      do {
        const r = await call<{ traces?: MlflowTraceInfo[]; next_page_token?: string }>(
          base,
          'POST',
          '/api/3.0/mlflow/traces/search',
          {
            locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
            ...(filter ? { filter } : {}),
            max_results: 100,
            ...(token ? { page_token: token } : {}),
          },
        );
        out.push(...(r.traces ?? []));
        token = r.next_page_token || undefined;
      } while (token);
      return out;
    },
    /** One trace's info (tags and metadata). */
    async info(traceId: string): Promise<MlflowTraceInfo> {
      const r = await call<{ trace: { trace_info: MlflowTraceInfo } }>(
        base,
        'GET',
        `/api/3.0/mlflow/traces/${traceId}`,
      );
      return r.trace.trace_info;
    },
    /** One trace's spans as MLflow stored them. */
    async spans(traceId: string): Promise<MlflowSpan[]> {
      const r = await call<{ spans: MlflowSpan[] }>(
        base,
        'GET',
        `/ajax-api/2.0/mlflow/get-trace-artifact?request_id=${traceId}`,
      );
      return r.spans;
    },
  };
}

/** MLflow's summed token usage of a trace (`mlflow.trace.tokenUsage`). */
export function tokenUsage(
  info: MlflowTraceInfo,
): { input_tokens: number; output_tokens: number; total_tokens: number } | undefined {
  const raw = info.trace_metadata['mlflow.trace.tokenUsage'];
  return raw ? (JSON.parse(raw) as { input_tokens: number; output_tokens: number; total_tokens: number }) : undefined;
}

/** A span attribute as a value (MLflow stores each JSON-encoded). */
export function attr(span: MlflowSpan, key: string): unknown {
  const raw = span.attributes[key];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** MLflow span type of a span. */
export function spanType(span: MlflowSpan): unknown {
  return attr(span, 'mlflow.spanType');
}
