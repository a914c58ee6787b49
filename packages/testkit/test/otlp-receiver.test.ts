import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { afterEach, describe, expect, it } from 'vitest';
import { OTLP_TRACE_PROTO, spanTreeLines, startOtlpReceiver, type OtlpReceiver } from '../src/otlp-receiver.js';

const Req = protobuf.parse(OTLP_TRACE_PROTO).root.lookupType('otlp.ExportTraceServiceRequest');

const TRACE = Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex');
const ROOT = Buffer.from('b7ad6b7169203331', 'hex');
const CHILD = Buffer.from('00f067aa0ba902b7', 'hex');

function body(tokens: { intValue: number } | { stringValue: string } = { intValue: 1200 }): Buffer {
  const msg = Req.fromObject({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'omnigent' } }] },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: [
              {
                traceId: TRACE,
                spanId: ROOT,
                name: 'invoke_agent fake',
                kind: 3,
                startTimeUnixNano: '1000',
                endTimeUnixNano: '5000',
                status: { code: 1 },
              },
              {
                traceId: TRACE,
                spanId: CHILD,
                parentSpanId: ROOT,
                name: 'chat m',
                kind: 3,
                startTimeUnixNano: '2000',
                endTimeUnixNano: '3000',
                attributes: [
                  { key: 'gen_ai.usage.input_tokens', value: tokens },
                  { key: 'mlflow.spanType', value: { stringValue: 'CHAT_MODEL' } },
                  { key: 'ratio', value: { doubleValue: 0.5 } },
                  { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }] } } },
                ],
                status: { code: 2, message: 'boom' },
              },
            ],
          },
        ],
      },
    ],
  });
  return Buffer.from(Req.encode(msg).finish());
}

function post(
  url: string,
  data: Buffer,
  headers: Record<string, string>,
  timeoutMs = 5_000,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-length': String(data.length), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(data);
  });
}

const MLFLOW = { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': '0' };

describe('startOtlpReceiver', () => {
  let rx: OtlpReceiver | undefined;
  afterEach(async () => {
    await rx?.close();
    rx = undefined;
  });

  it('decodes spans, ids, kinds, status and typed attributes of an accepted export', async () => {
    rx = await startOtlpReceiver();
    const res = await post(rx.tracesUrl, body(), MLFLOW);
    expect(res.status).toBe(200);
    expect(rx.spans).toHaveLength(2);
    const [root, chat] = rx.spans;
    expect(root).toMatchObject({
      traceId: TRACE.toString('hex'),
      spanId: ROOT.toString('hex'),
      name: 'invoke_agent fake',
      kind: 3,
      status: { code: 'OK' },
    });
    expect(root!.parentSpanId).toBeUndefined();
    expect(root!.resource['service.name']).toBe('omnigent');
    expect(chat!.parentSpanId).toBe(ROOT.toString('hex'));
    expect(chat!.attributes).toEqual({
      'gen_ai.usage.input_tokens': 1200,
      'mlflow.spanType': 'CHAT_MODEL',
      ratio: 0.5,
      list: ['a', 2],
    });
    expect(chat!.attributeTypes['gen_ai.usage.input_tokens']).toBe('int');
    expect(chat!.status).toEqual({ code: 'ERROR', message: 'boom' });
    expect(chat!.startTimeUnixNano).toBe(2000n);
    expect(spanTreeLines(rx.spans)).toEqual(['invoke_agent fake', '  chat m']);
  });

  it("answers MLflow 3.6's trace REST calls: StartTraceV3 only before the trace's spans, tag PATCH, trace GET", async () => {
    rx = await startOtlpReceiver();
    const json = (method: string, path: string, payload?: unknown) =>
      fetch(`${rx!.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(payload ? { body: JSON.stringify(payload) } : {}),
      }).then((r) => r.status);
    const start = (id: string) =>
      json('POST', '/api/3.0/mlflow/traces', {
        trace: { trace_info: { trace_id: id, trace_metadata: { 'mlflow.trace.session': 's' }, tags: { a: '1' } } },
      });
    expect(await json('GET', '/api/3.0/mlflow/traces/tr-00000000000000000000000000000001')).toBe(404);
    expect(await start('tr-00000000000000000000000000000001')).toBe(200);
    expect(
      await json('PATCH', '/api/3.0/mlflow/traces/tr-00000000000000000000000000000001/tags', { key: 'b', value: '2' }),
    ).toBe(200);
    expect(await json('GET', '/api/3.0/mlflow/traces/tr-00000000000000000000000000000001')).toBe(200);
    expect(rx.mlflowTraces.get('tr-00000000000000000000000000000001')).toEqual({
      metadata: { 'mlflow.trace.session': 's' },
      tags: { a: '1', b: '2' },
    });
    // after the spans created the trace, MLflow 3.6 answers 500
    expect((await post(rx.tracesUrl, body(), MLFLOW)).status).toBe(200);
    expect(await start(`tr-${rx.spans[0]!.traceId}`)).toBe(500);
  });

  it('accepts a gzip-compressed body', async () => {
    rx = await startOtlpReceiver();
    const res = await post(rx.tracesUrl, gzipSync(body()), { ...MLFLOW, 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(rx.spans).toHaveLength(2);
  });

  it('refuses what MLflow refuses', async () => {
    rx = await startOtlpReceiver();
    expect((await post(rx.tracesUrl, body(), { 'content-type': 'application/x-protobuf' })).status).toBe(422);
    expect((await post(rx.tracesUrl, body(), { ...MLFLOW, 'content-type': 'application/json' })).status).toBe(400);
    expect((await post(`${rx.url}/api/2.0/traces`, body(), MLFLOW)).status).toBe(404);
    expect((await post(rx.tracesUrl, Buffer.alloc(0), MLFLOW)).status).toBe(400);
    const stringTokens = await post(rx.tracesUrl, body({ stringValue: '40' }), MLFLOW);
    expect(stringTokens.status).toBe(422);
    expect(stringTokens.text).toContain('invalid literal for int()');
    expect(rx.spans).toHaveLength(0);
    expect(rx.requests.map((r) => r.status)).toEqual([422, 400, 400, 422]);
    // MLflow's REST paths are answered (and recorded) apart from OTLP ingest
    expect(rx.restCalls.map((c) => [c.path, c.status])).toEqual([['/api/2.0/traces', 404]]);
  });

  it('can fail with 500, hang, or be down', async () => {
    rx = await startOtlpReceiver({ mode: 'fail' });
    expect((await post(rx.tracesUrl, body(), MLFLOW)).status).toBe(500);
    rx.setMode('hang');
    await expect(post(rx.tracesUrl, body(), MLFLOW, 500)).rejects.toThrow('timeout');
    await rx.close();
    rx = await startOtlpReceiver({ mode: 'down' });
    await expect(post(rx.tracesUrl, body(), MLFLOW)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('waitForSpans resolves when enough spans arrived', async () => {
    rx = await startOtlpReceiver();
    const waiting = rx.waitForSpans(2, 10_000);
    await post(rx.tracesUrl, body(), MLFLOW);
    expect(await waiting).toHaveLength(2);
  });
});
