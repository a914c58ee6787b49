import { describe, expect, it } from 'vitest';
import { parseKeyValueList, resolveTelemetryConfig, secretHeaderValues } from '../src/index.js';

const SEED = {
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:5000',
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-mlflow-experiment-id=0',
  OMNIGENT_TELEMETRY_ENABLED: 'true',
  OMNIGENT_OTEL_HTTP_CLIENT_INSTRUMENTATION: 'false',
  OMNIGENT_OTEL_CAPTURE_CONTENT: 'true',
};

describe('resolveTelemetryConfig', () => {
  it('reads the MLflow user setup exactly as written', () => {
    expect(resolveTelemetryConfig(SEED)).toEqual({
      enabled: true,
      captureContent: true,
      httpClientInstrumentation: false,
      tracesUrl: 'http://localhost:5000/v1/traces',
      headers: { 'x-mlflow-experiment-id': '0' },
      serviceName: 'omnigent',
      resourceAttributes: {},
      user: expect.any(String),
      // straight to MLflow: its REST API (trace metadata and tags) is the same server
      mlflow: { trackingUri: 'http://localhost:5000', experimentId: '0', headers: { 'x-mlflow-experiment-id': '0' } },
    });
  });

  it('finds the MLflow REST API: the OTLP server itself, a named tracking server, or none', () => {
    expect(resolveTelemetryConfig({ ...SEED, OMNIGENT_OTEL_USER: 'ana' }).user).toBe('ana');
    // credentials in the URL become a Basic auth header (fetch refuses URLs with credentials)
    const withAuth = resolveTelemetryConfig({
      ...SEED,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://bob:s3cret@ml.example/',
    }).mlflow;
    expect(withAuth).toMatchObject({ trackingUri: 'https://ml.example', experimentId: '0' });
    expect(withAuth!.headers.Authorization).toBe(`Basic ${Buffer.from('bob:s3cret').toString('base64')}`);
    // a collector in between: no experiment header, the tracking server named explicitly
    const collector = { OMNIGENT_TELEMETRY_ENABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(resolveTelemetryConfig(collector).mlflow).toBeUndefined();
    expect(
      resolveTelemetryConfig({
        ...collector,
        OMNIGENT_MLFLOW_TRACKING_URI: 'http://mlflow:5000/',
        OMNIGENT_MLFLOW_EXPERIMENT_ID: '7',
      }).mlflow,
    ).toEqual({ trackingUri: 'http://mlflow:5000', experimentId: '7', headers: {} });
    expect(
      resolveTelemetryConfig({}, { enabled: true, mlflow: { trackingUri: 'http://m:1', experimentId: '3' } }).mlflow
        ?.experimentId,
    ).toBe('3');
    expect(resolveTelemetryConfig({ ...SEED, OMNIGENT_MLFLOW_API: 'false' }).mlflow).toBeUndefined();
  });

  it('is off by default, and content capture is off by default', () => {
    const c = resolveTelemetryConfig({});
    expect(c.enabled).toBe(false);
    expect(c.captureContent).toBe(false);
    expect(resolveTelemetryConfig({ OMNIGENT_TELEMETRY_ENABLED: 'true' }).captureContent).toBe(false);
  });

  it('uses the traces endpoint as is and appends /v1/traces to the generic one', () => {
    expect(resolveTelemetryConfig({ ...SEED, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://h:5000/base/' }).tracesUrl).toBe(
      'http://h:5000/base/v1/traces',
    );
    expect(
      resolveTelemetryConfig({ ...SEED, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom/path' }).tracesUrl,
    ).toBe('http://c:4318/custom/path');
  });

  it('merges generic and traces headers, URL-decoded, traces-specific winning', () => {
    const c = resolveTelemetryConfig({
      ...SEED,
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20abc,x-mlflow-experiment-id=7',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-mlflow-experiment-id=0, x-extra = a%3Db',
    });
    expect(c.headers).toEqual({ Authorization: 'Bearer abc', 'x-mlflow-experiment-id': '0', 'x-extra': 'a=b' });
    expect(parseKeyValueList('a=1;prop,broken,=x,b=%E2%9C%93')).toEqual({ a: '1', b: '✓' });
  });

  it('treats every export header value as a secret except the MLflow experiment id, and also the bare credential after a scheme', () => {
    expect(
      secretHeaderValues({
        'X-MLflow-Experiment-Id': '374829103847562',
        Authorization: 'Bearer abc.def',
        'x-api-key': 'k-123456',
      }).sort(),
    ).toEqual(['Bearer abc.def', 'abc.def', 'k-123456']);
  });

  it('turns telemetry off with a clear message for a protocol MLflow does not take', () => {
    const c = resolveTelemetryConfig({ ...SEED, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(c.enabled).toBe(false);
    expect(c.problem).toContain('"grpc" is not supported');
    expect(c.problem).toContain('http/protobuf');
  });

  it('reads service name and resource attributes', () => {
    const c = resolveTelemetryConfig({
      ...SEED,
      OTEL_SERVICE_NAME: 'ci-agent',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=ci,team=ml%20ops',
    });
    expect(c.serviceName).toBe('ci-agent');
    expect(c.resourceAttributes).toEqual({ 'deployment.environment': 'ci', team: 'ml ops' });
  });

  it('reads the attribute value length limit (span-specific first), ignoring values that are not positive integers', () => {
    expect(
      resolveTelemetryConfig({ ...SEED, OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '4096' }).attributeValueLengthLimit,
    ).toBe(4096);
    expect(
      resolveTelemetryConfig({
        ...SEED,
        OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '4096',
        OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '512',
      }).attributeValueLengthLimit,
    ).toBe(512);
    for (const bad of ['', 'abc', '-1', '0', '1.5'])
      expect(
        resolveTelemetryConfig({ ...SEED, OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: bad }).attributeValueLengthLimit,
      ).toBeUndefined();
  });

  it('takes every key from the config file, with the environment winning', () => {
    const file = {
      enabled: true,
      captureContent: true,
      httpClientInstrumentation: true,
      endpoint: 'http://file:5000',
      protocol: 'http/protobuf',
      headers: { 'x-mlflow-experiment-id': '3' },
      serviceName: 'from-file',
      resourceAttributes: { team: 'a' },
    };
    expect(resolveTelemetryConfig({}, file)).toEqual({
      enabled: true,
      captureContent: true,
      httpClientInstrumentation: true,
      tracesUrl: 'http://file:5000/v1/traces',
      headers: { 'x-mlflow-experiment-id': '3' },
      serviceName: 'from-file',
      resourceAttributes: { team: 'a' },
      user: expect.any(String),
      mlflow: { trackingUri: 'http://file:5000', experimentId: '3', headers: { 'x-mlflow-experiment-id': '3' } },
    });
    expect(
      resolveTelemetryConfig({ ...SEED, OTEL_SERVICE_NAME: 'env' }, { ...file, tracesEndpoint: 'http://file:1/t' }),
    ).toMatchObject({
      httpClientInstrumentation: false,
      tracesUrl: 'http://localhost:5000/v1/traces',
      headers: { 'x-mlflow-experiment-id': '0' },
      serviceName: 'env',
    });
    expect(resolveTelemetryConfig({}, { ...file, tracesEndpoint: 'http://file:1/t' }).tracesUrl).toBe(
      'http://file:1/t',
    );
    expect(resolveTelemetryConfig({ OMNIGENT_TELEMETRY_ENABLED: 'false' }, file).enabled).toBe(false);
  });
});
