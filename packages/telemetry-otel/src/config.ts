import { userInfo } from 'node:os';
/** The `telemetry` section of `omnigent.config.*` (every key optional; environment variables win). */
export interface TelemetryFileConfig {
  enabled?: boolean;
  captureContent?: boolean;
  httpClientInstrumentation?: boolean;
  endpoint?: string;
  tracesEndpoint?: string;
  protocol?: string;
  headers?: Record<string, string>;
  serviceName?: string;
  resourceAttributes?: Record<string, string>;
  /** `mlflow.trace.user` of every trace. Default: the OS user. */
  user?: string;
  /** MLflow's REST API, for trace metadata and tags (see {@link MlflowApiConfig}). */
  mlflow?: { api?: boolean; trackingUri?: string; experimentId?: string };
}

/** Where MLflow's REST API is: trace metadata (session, user) and tags are set through it. */
export interface MlflowApiConfig {
  /** Tracking server base URL (no trailing slash, no credentials in it). */
  trackingUri: string;
  experimentId: string;
  /** Sent with every REST call: the export headers plus Basic auth from URL credentials. */
  headers: Record<string, string>;
}

/** Telemetry settings after merging the config file and the environment. */
export interface TelemetryConfig {
  enabled: boolean;
  /** Prompts, responses, tool arguments and results on spans. Default: false. */
  captureContent: boolean;
  /** Trace omnigent's own outgoing HTTP requests (never the exporter's). Default: false. */
  httpClientInstrumentation: boolean;
  /** Full OTLP/HTTP traces URL. */
  tracesUrl: string;
  /** Export headers (values are never printed). */
  headers: Record<string, string>;
  serviceName: string;
  resourceAttributes: Record<string, string>;
  /**
   * OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT / OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, when set. omnigent
   * applies it itself (JSON values stay valid); the SDK would cut them mid-string.
   */
  attributeValueLengthLimit?: number;
  /** `mlflow.trace.user` (OMNIGENT_OTEL_USER, config `user`, else the OS user). */
  user: string;
  /**
   * MLflow REST target: set when the export goes straight to MLflow (an `x-mlflow-experiment-id`
   * header), or when OMNIGENT_MLFLOW_TRACKING_URI / config `mlflow.trackingUri` names it (an OTel
   * Collector in between). OMNIGENT_MLFLOW_API=false turns it off.
   */
  mlflow?: MlflowApiConfig;
  /** Why telemetry is off although it was asked for (printed once by the caller). */
  problem?: string;
}

/** The only OTLP protocol omnigent (and MLflow) speaks. */
export const SUPPORTED_PROTOCOL = 'http/protobuf';

function osUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username || env.USER || 'unknown';
  } catch {
    return env.USER ?? env.USERNAME ?? 'unknown';
  }
}

/** `url` without credentials, plus the Basic auth header they stood for (fetch refuses URLs with credentials). */
function splitCredentials(url: string): { url: string; headers: Record<string, string> } {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return { url, headers: {} };
    const auth = Buffer.from(`${decode(u.username)}:${decode(u.password)}`).toString('base64');
    u.username = '';
    u.password = '';
    return { url: u.toString(), headers: { Authorization: `Basic ${auth}` } };
  } catch {
    return { url, headers: {} };
  }
}

function resolveMlflow(
  env: NodeJS.ProcessEnv,
  file: TelemetryFileConfig,
  tracesUrl: string,
  headers: Record<string, string>,
): MlflowApiConfig | undefined {
  if ((parseBool(env.OMNIGENT_MLFLOW_API) ?? file.mlflow?.api) === false) return undefined;
  const headerExperiment = Object.entries(headers)
    .find(([k]) => k.trim().toLowerCase() === 'x-mlflow-experiment-id')?.[1]
    ?.trim();
  const experimentId =
    nonEmpty(env.OMNIGENT_MLFLOW_EXPERIMENT_ID) ?? nonEmpty(file.mlflow?.experimentId) ?? headerExperiment;
  let base = nonEmpty(env.OMNIGENT_MLFLOW_TRACKING_URI) ?? nonEmpty(file.mlflow?.trackingUri);
  // Straight to MLflow: its OTLP endpoint is `<tracking server>/v1/traces`.
  if (!base && headerExperiment && /\/v1\/traces\/?$/.test(tracesUrl)) base = tracesUrl.replace(/\/v1\/traces\/?$/, '');
  if (!base || !experimentId) return undefined;
  const { url, headers: auth } = splitCredentials(base.replace(/\/+$/, ''));
  const rest: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k.trim().toLowerCase() !== 'content-type') rest[k] = v;
  return { trackingUri: url.replace(/\/+$/, ''), experimentId, headers: { ...rest, ...auth } };
}

const DEFAULT_ENDPOINT = 'http://localhost:4318';

function parseBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return undefined;
}

function positiveInt(value: string | undefined): number | undefined {
  const n = Number(value?.trim() || NaN);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Parse a W3C-baggage-like `k=v,k2=v2` list (OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES); values URL-decoded. */
export function parseKeyValueList(value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value) return out;
  for (const item of value.split(',')) {
    const i = item.indexOf('=');
    if (i <= 0) continue;
    const key = decode(item.slice(0, i).trim());
    // Baggage allows `;property` suffixes; they carry nothing an exporter header needs.
    const raw = item
      .slice(i + 1)
      .split(';')[0]!
      .trim();
    if (key) out[key] = decode(raw);
  }
  return out;
}

// Export headers that name things rather than grant access: their values stay readable in
// warnings (MLflow's "No Experiment with id=… exists") and in captured content.
const PUBLIC_HEADERS = new Set(['x-mlflow-experiment-id']);

/**
 * Values of the export headers that may be credentials (every header but the known public ones),
 * plus the bare credential of `Scheme credential` values, which may show up on its own.
 */
export function secretHeaderValues(headers: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (PUBLIC_HEADERS.has(name.trim().toLowerCase())) continue;
    out.push(value);
    const bare = /^[A-Za-z][\w-]*\s+(\S.*)$/.exec(value.trim())?.[1];
    if (bare) out.push(bare);
  }
  return out;
}

/** `endpoint` + `/v1/traces`, as the OTLP spec says for the generic endpoint variable. */
export function tracesUrlFromEndpoint(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Merge the config file's `telemetry` section with the environment (environment wins). Standard
 * variables: OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _PROTOCOL, _HEADERS, OTEL_SERVICE_NAME,
 * OTEL_RESOURCE_ATTRIBUTES; omnigent's: OMNIGENT_TELEMETRY_ENABLED, OMNIGENT_OTEL_CAPTURE_CONTENT,
 * OMNIGENT_OTEL_HTTP_CLIENT_INSTRUMENTATION, OMNIGENT_OTEL_USER, OMNIGENT_MLFLOW_API,
 * OMNIGENT_MLFLOW_TRACKING_URI, OMNIGENT_MLFLOW_EXPERIMENT_ID. An unsupported protocol turns telemetry off with `problem`.
 */
export function resolveTelemetryConfig(env: NodeJS.ProcessEnv, file: TelemetryFileConfig = {}): TelemetryConfig {
  const enabled = parseBool(env.OMNIGENT_TELEMETRY_ENABLED) ?? file.enabled ?? false;
  const captureContent = parseBool(env.OMNIGENT_OTEL_CAPTURE_CONTENT) ?? file.captureContent ?? false;
  const httpClientInstrumentation =
    parseBool(env.OMNIGENT_OTEL_HTTP_CLIENT_INSTRUMENTATION) ?? file.httpClientInstrumentation ?? false;

  const tracesEndpoint = nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ?? nonEmpty(file.tracesEndpoint);
  const endpoint = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT) ?? nonEmpty(file.endpoint);
  // The signal-specific variable is used as is; the generic one gets the signal path appended.
  // Env beats file for each, and a traces-specific endpoint beats a generic one from the same source.
  let tracesUrl: string;
  if (nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)) tracesUrl = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT!.trim();
  else if (nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT))
    tracesUrl = tracesUrlFromEndpoint(env.OTEL_EXPORTER_OTLP_ENDPOINT!.trim());
  else if (tracesEndpoint) tracesUrl = tracesEndpoint;
  else tracesUrl = tracesUrlFromEndpoint(endpoint ?? DEFAULT_ENDPOINT);

  const protocol =
    nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ??
    nonEmpty(env.OTEL_EXPORTER_OTLP_PROTOCOL) ??
    nonEmpty(file.protocol) ??
    SUPPORTED_PROTOCOL;

  const headers = {
    ...(file.headers ?? {}),
    ...parseKeyValueList(env.OTEL_EXPORTER_OTLP_HEADERS),
    ...parseKeyValueList(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
  };
  const resourceAttributes = { ...(file.resourceAttributes ?? {}), ...parseKeyValueList(env.OTEL_RESOURCE_ATTRIBUTES) };
  const serviceName =
    nonEmpty(env.OTEL_SERVICE_NAME) ?? nonEmpty(file.serviceName) ?? resourceAttributes['service.name'] ?? 'omnigent';

  const user = nonEmpty(env.OMNIGENT_OTEL_USER) ?? nonEmpty(file.user) ?? osUser(env);
  const config: TelemetryConfig = {
    enabled,
    captureContent,
    httpClientInstrumentation,
    tracesUrl,
    headers,
    serviceName,
    resourceAttributes,
    user,
  };
  const mlflow = resolveMlflow(env, file, tracesUrl, headers);
  if (mlflow) config.mlflow = mlflow;
  const lengthLimit =
    positiveInt(env.OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT) ?? positiveInt(env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT);
  if (lengthLimit !== undefined) config.attributeValueLengthLimit = lengthLimit;
  if (enabled && protocol !== SUPPORTED_PROTOCOL) {
    config.enabled = false;
    config.problem = `OTEL_EXPORTER_OTLP_PROTOCOL="${protocol}" is not supported; omnigent exports OTLP over "${SUPPORTED_PROTOCOL}" only (what MLflow accepts). Telemetry is off for this run.`;
  } else if (enabled) {
    try {
      const url = new URL(tracesUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      config.enabled = false;
      config.problem = `the OTLP traces endpoint "${tracesUrl}" is not an http(s) URL. Telemetry is off for this run.`;
    }
  }
  return config;
}
