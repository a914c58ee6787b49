import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startOtlpReceiver, type OtlpReceiver } from '@omnigent/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWarnOnce, startRunTelemetry } from '../src/index.js';
import { ev, info } from './helpers.js';

function httpGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

describe('OMNIGENT_OTEL_HTTP_CLIENT_INSTRUMENTATION', () => {
  let rx: OtlpReceiver;
  let server: Server;
  let base: string;
  beforeEach(async () => {
    rx = await startOtlpReceiver();
    server = createServer((req, res) => {
      res.statusCode = req.url?.startsWith('/missing') ? 404 : 200;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await rx.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  async function runWithRequests(flag: string): Promise<void> {
    const run = startRunTelemetry(info(), {
      env: {
        OMNIGENT_TELEMETRY_ENABLED: 'true',
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-mlflow-experiment-id=0',
        OMNIGENT_OTEL_HTTP_CLIENT_INSTRUMENTATION: flag,
      },
      warn: createWarnOnce(() => undefined),
    })!;
    expect(await httpGet(`${base}/a?token=secret123`)).toBe(200);
    expect((await fetch(`${base}/missing`)).status).toBe(404);
    // A finished tool span is exported while the run goes on: that export request must not be traced.
    run.onEvent(ev(1, { type: 'tool.started', callId: 't', name: 'Bash', kind: 'shell', input: {} }));
    run.onEvent(ev(2, { type: 'tool.completed', callId: 't', name: 'Bash', output: '', isError: false }));
    await new Promise((r) => setTimeout(r, 1_500));
    const done = ev(10, { type: 'run.completed', durationMs: 10 });
    run.onEvent(done);
    await run.close(done as never);
  }

  it("true: omnigent's own requests (http and fetch) become client spans under the run, never the exporter's", async () => {
    await runWithRequests('true');
    const root = rx.spans.find((s) => s.name === 'invoke_agent claude-code')!;
    const http = rx.spans.filter((s) => s.attributes['http.request.method'] !== undefined);
    expect(
      http
        .map((s) => [
          s.name,
          s.kind,
          s.parentSpanId === root.spanId,
          s.attributes['url.full'],
          s.attributes['http.response.status_code'],
          s.status.code,
        ])
        .sort(),
    ).toEqual([
      ['GET', 3, true, `${base}/a`, 200, 'UNSET'],
      ['GET', 3, true, `${base}/missing`, 404, 'ERROR'],
    ]);
    expect(JSON.stringify(rx.spans.map((s) => s.attributes))).not.toContain('secret123');
    expect(rx.requests.length).toBeGreaterThanOrEqual(2);
    expect(rx.spans.some((s) => String(s.attributes['url.full'] ?? '').includes('/v1/traces'))).toBe(false);
  });

  it("redacts secrets in a traced request's URL path (key in the path, Telegram bot URL, the user's own credential)", async () => {
    const key = `sk-proj-${'a1B2c3D4'.repeat(6)}`;
    const bot = `123456789:AA${'x9Y8z7W6v'.repeat(4).slice(0, 33)}`;
    const own = 'own-service-credential-77aa';
    const run = startRunTelemetry(info(), {
      env: {
        OMNIGENT_TELEMETRY_ENABLED: 'true',
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-mlflow-experiment-id=0',
        OMNIGENT_OTEL_HTTP_CLIENT_INSTRUMENTATION: 'true',
        MY_SERVICE_API_KEY: own,
      },
      warn: createWarnOnce(() => undefined),
    })!;
    expect(await httpGet(`${base}/v1/keys/${key}`)).toBe(200);
    expect((await fetch(`${base}/bot${bot}/getMe`)).status).toBe(200);
    expect(await httpGet(`${base}/data/${own}/x`)).toBe(200);
    const done = ev(10, { type: 'run.completed', durationMs: 10 });
    run.onEvent(done);
    await run.close(done as never);
    const urls = rx.spans
      .map((s) => s.attributes['url.full'])
      .filter((u): u is string => typeof u === 'string')
      .sort();
    expect(urls).toEqual([`${base}/bot[REDACTED]/getMe`, `${base}/data/[REDACTED]/x`, `${base}/v1/keys/[REDACTED]`]);
    const text = JSON.stringify(rx.spans.map((s) => [s.name, s.attributes, s.status]));
    for (const secret of [key, bot, own]) expect(text).not.toContain(secret);
  });

  it('false: no HTTP spans', async () => {
    await runWithRequests('false');
    expect(rx.spans.map((s) => s.name).sort()).toEqual([
      'chat claude-sonnet-4-5',
      'execute_tool Bash',
      'invoke_agent claude-code',
    ]);
  });
});
