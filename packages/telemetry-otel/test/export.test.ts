import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, ROOT_CONTEXT, trace as otelTrace } from '@opentelemetry/api';
import { spanTreeLines, startOtlpReceiver, type OtlpReceiver } from '@omnigent/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createExportPipeline, createWarnOnce, resolveTelemetryConfig, startRunTelemetry } from '../src/index.js';
import { ev, exportedText, info, trace } from './helpers.js';
import { seedEnv } from './omnigent-child.js';

function sink(): { warn: ReturnType<typeof createWarnOnce>; lines: string[] } {
  const lines: string[] = [];
  return { warn: createWarnOnce((t) => void lines.push(t)), lines };
}

const RUN = [
  ev(0, {
    type: 'session.started',
    sessionId: 's-1',
    cwd: '/w',
    model: 'claude-sonnet-4-5',
    harnessVersion: '2.1.197',
  }),
  ev(10, { type: 'tool.started', callId: 't1', name: 'Bash', kind: 'shell', input: { command: 'ls' } }),
  ev(20, {
    type: 'usage',
    scope: 'call',
    source: 'stream',
    confidence: 'exact',
    input: 1200,
    output: 345,
    cacheRead: 1000,
    cacheWrite: 0,
  }),
  ev(30, { type: 'tool.completed', callId: 't1', name: 'Bash', output: 'a.txt', isError: false }),
  ev(40, { type: 'message', role: 'assistant', text: 'a.txt' }),
  ev(50, { type: 'usage', scope: 'call', source: 'stream', confidence: 'exact', input: 1300, output: 0 }),
  ev(60, { type: 'run.completed', durationMs: 60, result: 'a.txt' }),
];

describe('OTLP export to an MLflow-like receiver', () => {
  let rx: OtlpReceiver | undefined;
  afterEach(async () => {
    await rx?.close();
    rx = undefined;
  });

  it('delivers the run tree as protobuf MLflow accepts: plain span types, integer tokens', async () => {
    rx = await startOtlpReceiver();
    const { warn, lines } = sink();
    const run = startRunTelemetry(info(), { env: seedEnv(rx.url), warn })!;
    for (const e of RUN) run.onEvent(e);
    await run.close(RUN.at(-1) as never);
    expect(lines).toEqual([]);
    expect(
      rx.requests.every(
        (r) =>
          r.status === 200 &&
          r.headers['x-mlflow-experiment-id'] === '0' &&
          r.headers['content-type'] === 'application/x-protobuf',
      ),
    ).toBe(true);
    // Uncompressed (one MLflow version only decompressed with the header), and only to /v1/traces.
    expect(rx.requests.map((r) => [r.method, r.path, r.headers['content-encoding'] ?? 'identity'])).toEqual(
      rx.requests.map(() => ['POST', '/v1/traces', 'identity']),
    );
    // The resource says who sent the spans and nothing else (no process command line: it holds the prompt).
    expect(Object.keys(rx.spans[0]!.resource).sort()).toEqual([
      'service.name',
      'telemetry.sdk.language',
      'telemetry.sdk.name',
      'telemetry.sdk.version',
    ]);
    expect(spanTreeLines(rx.spans)).toEqual([
      'invoke_agent claude-code',
      '  chat claude-sonnet-4-5',
      '  execute_tool Bash',
      '  chat claude-sonnet-4-5',
    ]);
    const root = rx.spans.find((s) => !s.parentSpanId)!;
    expect(root.kind).toBe(3);
    expect(root.attributes['mlflow.spanType']).toBe('AGENT');
    expect(root.resource['service.name']).toBe('omnigent');
    const chats = rx.spans.filter((s) => s.name.startsWith('chat'));
    for (const c of chats) {
      expect(c.attributeTypes['gen_ai.usage.input_tokens']).toBe('int');
      expect(c.attributeTypes['gen_ai.usage.output_tokens']).toBe('int');
      expect(c.attributes['mlflow.spanType']).toBe('CHAT_MODEL');
    }
    expect(chats.map((c) => c.attributes['gen_ai.usage.output_tokens']).sort()).toEqual([0, 345]);
  });

  it('OTEL_RESOURCE_ATTRIBUTES reach the resource; session.id, gen_ai.conversation.id and user.id are on the root (what MLflow >= 3.9 maps itself)', async () => {
    rx = await startOtlpReceiver();
    const { warn, lines } = sink();
    const run = startRunTelemetry(info(), {
      env: {
        ...seedEnv(rx.url),
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=ci,team=ml%20ops',
        OMNIGENT_OTEL_USER: 'ana',
      },
      warn,
    })!;
    for (const e of RUN) run.onEvent(e);
    await run.close(RUN.at(-1) as never);
    expect(lines).toEqual([]);
    const root = rx.spans.find((s) => !s.parentSpanId)!;
    expect(root.resource).toMatchObject({ 'deployment.environment': 'ci', team: 'ml ops', 'service.name': 'omnigent' });
    expect(root.attributes).toMatchObject({ 'session.id': 's-1', 'gen_ai.conversation.id': 's-1', 'user.id': 'ana' });
    // the MLflow trace was opened before its spans, with the session and user as metadata
    const start = rx.restCalls.find((c) => c.method === 'POST' && c.path === '/api/3.0/mlflow/traces')!;
    expect(
      (start.body as { trace: { trace_info: { trace_id: string; trace_metadata: Record<string, string> } } }).trace
        .trace_info,
    ).toMatchObject({
      trace_id: `tr-${root.traceId}`,
      trace_metadata: { 'mlflow.trace.session': 's-1', 'mlflow.trace.user': 'ana' },
    });
    expect(rx.mlflowTraces.get(`tr-${root.traceId}`)!.tags).toMatchObject({
      'omnigent.status': 'ok',
      'omnigent.model': 'claude-sonnet-4-5',
    });
  });

  it('exports a burst of 10,000 spans with none dropped', async () => {
    rx = await startOtlpReceiver();
    const { warn, lines } = sink();
    const config = resolveTelemetryConfig(seedEnv(rx.url));
    const pipeline = createExportPipeline(config, { warn, flushTimeoutMs: 60_000, exportTimeoutMs: 30_000 });
    const root = pipeline.tracer.startSpan('invoke_agent burst', { kind: SpanKind.CLIENT }, ROOT_CONTEXT);
    const ctx = otelTrace.setSpan(ROOT_CONTEXT, root);
    for (let i = 0; i < 9_999; i++) pipeline.tracer.startSpan(`execute_tool t${i}`, {}, ctx).end();
    root.end();
    await pipeline.shutdown();
    expect(lines).toEqual([]);
    expect(rx.spans).toHaveLength(10_000);
    expect(new Set(rx.spans.map((s) => s.spanId)).size).toBe(10_000);
  });

  it('says so when spans are dropped because more waited for export than the queue holds (a loop that never yields)', async () => {
    rx = await startOtlpReceiver();
    const { warn, lines } = sink();
    const pipeline = createExportPipeline(resolveTelemetryConfig(seedEnv(rx.url)), {
      warn,
      maxQueueSize: 2_000,
      flushTimeoutMs: 60_000,
      exportTimeoutMs: 30_000,
    });
    const root = pipeline.tracer.startSpan('invoke_agent burst', { kind: SpanKind.CLIENT }, ROOT_CONTEXT);
    const ctx = otelTrace.setSpan(ROOT_CONTEXT, root);
    // Ended synchronously: one batch of 1,000 goes to the exporter, 2,000 wait, the rest cannot.
    for (let i = 0; i < 4_999; i++) pipeline.tracer.startSpan(`execute_tool t${i}`, {}, ctx).end();
    root.end();
    await pipeline.shutdown();
    expect(rx.spans).toHaveLength(3_000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('2000 spans were dropped');
  });

  for (const mode of ['down', 'fail', 'hang'] as const) {
    it(`a collector that is ${mode} costs one warning naming the endpoint, never a failure`, async () => {
      rx = await startOtlpReceiver({ mode });
      const { warn, lines } = sink();
      const env = {
        ...seedEnv(rx.url),
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-mlflow-experiment-id=0,authorization=Bearer%20topsecretvalue',
      };
      const run = startRunTelemetry(info(), { env, warn, flushTimeoutMs: 3_000, exportTimeoutMs: 1_500 })!;
      for (const e of RUN) run.onEvent(e);
      await expect(run.close(RUN.at(-1) as never)).resolves.toBeUndefined();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`${rx.url}/v1/traces`);
      if (mode === 'fail') expect(lines[0]).toContain('HTTP 500');
      if (mode === 'down') expect(lines[0]).toMatch(/connection refused|ECONNREFUSED/);
      if (mode === 'hang') expect(lines[0]).toMatch(/timed out|no answer/);
      expect(lines[0]).not.toContain('topsecretvalue');
    });
  }

  it('the export warning does not print a password in the endpoint URL', async () => {
    rx = await startOtlpReceiver({ mode: 'fail' });
    const { warn, lines } = sink();
    const env = {
      ...seedEnv(rx.url),
      OTEL_EXPORTER_OTLP_ENDPOINT: rx.url.replace('http://', 'http://mlflow:s3cretpassw0rd@'),
    };
    const run = startRunTelemetry(info(), { env, warn, flushTimeoutMs: 3_000, exportTimeoutMs: 1_500 })!;
    const done = ev(1, { type: 'run.completed', durationMs: 1 });
    run.onEvent(done);
    await run.close(done as never);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('HTTP 500');
    expect(lines[0]).not.toContain('s3cretpassw0rd');
    expect(lines[0]).toContain(`${rx.url.replace('http://', 'http://mlflow:***@')}/v1/traces`);
  });

  it('a 422 for an experiment that does not exist names the experiment id (the id is not a secret)', async () => {
    // MLflow's answer when x-mlflow-experiment-id names no experiment (seen on a real server).
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(422, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ detail: `No Experiment with id=${String(req.headers['x-mlflow-experiment-id'])} exists` }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { warn, lines } = sink();
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const env = {
        OMNIGENT_TELEMETRY_ENABLED: 'true',
        OTEL_EXPORTER_OTLP_ENDPOINT: url,
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-mlflow-experiment-id=999,authorization=Bearer%20topsecretvalue',
      };
      const run = startRunTelemetry(info(), { env, warn })!;
      const done = ev(1, { type: 'run.completed', durationMs: 1 });
      run.onEvent(done);
      await run.close(done as never);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('HTTP 422');
      expect(lines[0]).toContain('No Experiment with id=999 exists');
      expect(lines[0]).not.toContain('topsecretvalue');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("captured content keeps the experiment id but loses the exporter's credential header values", async () => {
    const env = {
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-mlflow-experiment-id=374829103847562,authorization=Bearer%20topsecretvalue',
    };
    const text = 'logged to experiment 374829103847562 with topsecretvalue';
    const { spans } = await trace(
      [
        ev(0, {
          type: 'tool.started',
          callId: 't',
          name: 'Bash',
          kind: 'shell',
          input: { command: 'mlflow experiments search' },
        }),
        ev(1, { type: 'tool.completed', callId: 't', name: 'Bash', output: text, isError: false }),
        ev(2, { type: 'run.completed', durationMs: 2 }),
      ],
      { capture: true, env },
    );
    const out = exportedText(spans);
    expect(out).toContain('logged to experiment 374829103847562 with [REDACTED]');
    expect(out).not.toContain('topsecretvalue');
  });

  it('a 422 from MLflow (no experiment header) is reported with its status', async () => {
    rx = await startOtlpReceiver();
    const { warn, lines } = sink();
    const env = { ...seedEnv(rx.url), OTEL_EXPORTER_OTLP_TRACES_HEADERS: '' };
    const run = startRunTelemetry(info(), { env, warn })!;
    for (const e of RUN) run.onEvent(e);
    await run.close(RUN.at(-1) as never);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('HTTP 422');
    expect(lines[0]).toContain('x-mlflow-experiment-id');
  });
});
