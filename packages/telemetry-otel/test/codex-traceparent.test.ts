// End to end: `omnigent run -H codex` with the MLflow user's six variables, and the REAL codex CLI
// exporting its own OpenTelemetry spans to the same receiver (its `[otel]` table in a scratch
// CODEX_HOME). Codex reads the TRACEPARENT omnigent gives it, so its spans join our trace under the
// invoke_agent span. Offline: the model is the testkit's mock Responses server on 127.0.0.1.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spanTree, spanTreeLines, startMockResponses, startOtlpReceiver, type ReceivedSpan } from '@omnigent/testkit';
import { describe, expect, it } from 'vitest';
import { omnigentRun, seedEnv } from './omnigent-child.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The real codex CLI, installed as plugin-codex's dev dependency. */
const CODEX_BIN = join(here, '../../../plugins/plugin-codex/node_modules/.bin/codex');

/** Kill (by pid) any process still running with `needle` (our unique scratch dir) on its command line. */
function killLeftovers(needle: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (/\) Z /.test(readFileSync(`/proc/${name}/stat`, 'utf8'))) continue;
      if (!readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(needle)) continue;
      found.push(Number(name));
      process.kill(Number(name), 'SIGKILL');
    } catch {
      // it ended while we looked
    }
  }
  return found;
}

/** True when `span` reaches `ancestor` by following parent ids within `spans`. */
function descendsFrom(span: ReceivedSpan, ancestor: ReceivedSpan, byId: Map<string, ReceivedSpan>): boolean {
  let current: ReceivedSpan | undefined = span;
  for (let hops = 0; current && hops < 10_000; hops++) {
    if (current.parentSpanId === ancestor.spanId) return true;
    current = current.parentSpanId ? byId.get(current.parentSpanId) : undefined;
  }
  return false;
}

describe('omnigent run -H codex (real CLI, mock Responses API) with the MLflow user setup', () => {
  it("codex's own spans join omnigent's trace under the invoke_agent span through TRACEPARENT", async () => {
    const rx = await startOtlpReceiver();
    const mock = await startMockResponses({
      turns: [
        {
          output: [{ type: 'message', text: 'Hello from the mock, traced.' }],
          usage: { input: 120, cached: 20, output: 15 },
        },
      ],
    });
    const root = mkdtempSync(join(tmpdir(), 'omnigent-otel-codex-'));
    try {
      const work = join(root, 'work');
      const codexHome = join(root, 'codexhome');
      mkdirSync(work);
      mkdirSync(codexHome);
      // Codex's exporter posts to the endpoint as given (no /v1/traces appended); `binary` is
      // protobuf, and the header table lets its spans pass MLflow's experiment-id rule too.
      writeFileSync(
        join(codexHome, 'config.toml'),
        [
          'model = "gpt-5.5"',
          'model_provider = "mock"',
          '',
          '[model_providers.mock]',
          'name = "Mock"',
          `base_url = "${mock.url}"`,
          'wire_api = "responses"',
          'env_key = "MOCK_API_KEY"',
          'request_max_retries = 0',
          'stream_max_retries = 0',
          '',
          '[otel]',
          `trace_exporter = { otlp-http = { endpoint = "${rx.tracesUrl}", protocol = "binary", headers = { "x-mlflow-experiment-id" = "0" } } }`,
          '',
        ].join('\n'),
      );
      const o = await omnigentRun(
        root,
        [
          '-H',
          'codex',
          '--json',
          '--no-store',
          '--timeout',
          '90',
          '--bin',
          CODEX_BIN,
          '-m',
          'gpt-5.5',
          '-C',
          work,
          'Say hello',
        ],
        {
          ...seedEnv(rx.url),
          CODEX_HOME: codexHome,
          MOCK_API_KEY: 'sk-mock',
        },
        100_000,
      );
      expect(o.exitCode, o.stderr).toBe(0);
      const events = o.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; result?: string; sessionId?: string });
      expect(events.at(-1)).toMatchObject({ type: 'run.completed', result: 'Hello from the mock, traced.' });
      expect(mock.responsesRequests()).toHaveLength(1);
      // every export (ours and codex's) passed MLflow's rules
      expect(rx.requests.length).toBeGreaterThanOrEqual(2);
      expect(rx.requests.map((r) => [r.path, r.status, r.error])).toEqual(
        rx.requests.map(() => ['/v1/traces', 200, undefined]),
      );

      const ours = rx.spans.filter((s) => s.resource['service.name'] === 'omnigent');
      const [agent] = ours.filter((s) => s.name === 'invoke_agent codex');
      expect(agent!.parentSpanId).toBeUndefined();
      const sessionId = events.find((e) => e.type === 'session.started')?.sessionId;
      expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(spanTreeLines(ours)).toEqual(['invoke_agent codex', '  chat gpt-5.5']);
      expect(agent!.attributes).toMatchObject({
        'gen_ai.agent.name': 'codex',
        // the provider codex was configured with (the plugin's fixed default would say openai)
        'gen_ai.provider.name': 'mock',
        'mlflow.spanType': 'AGENT',
        'session.id': sessionId,
        'omnigent.usage.total.input_tokens': 120,
        'omnigent.usage.total.cache_read_tokens': 20,
        'omnigent.usage.total.output_tokens': 15,
        'mlflow.spanOutputs': JSON.stringify({
          messages: [{ role: 'assistant', content: 'Hello from the mock, traced.' }],
        }),
      });

      const theirs = rx.spans.filter((s) => s.resource['service.name'] === 'codex_exec');
      expect(theirs[0]!.resource['service.version']).toBe('0.169.0');
      const joined = theirs.filter((s) => s.traceId === agent!.traceId);
      // codex keeps a few background spans (auth, fs reads, its session loop) in traces of their own;
      // everything the run itself does is in ours
      expect(joined.length).toBeGreaterThan(theirs.length / 2);
      const codexIds = new Set(theirs.map((s) => s.spanId));
      const topLevel = joined.filter((s) => !s.parentSpanId || !codexIds.has(s.parentSpanId));
      expect(topLevel.map((s) => s.name)).toEqual(expect.arrayContaining(['codex.exec', 'thread/start', 'turn/start']));
      expect(topLevel.map((s) => s.parentSpanId)).toEqual(topLevel.map(() => agent!.spanId));
      // together they form one tree rooted at omnigent's invoke_agent span
      const byId = new Map(rx.spans.map((s) => [s.spanId, s]));
      expect(joined.every((s) => descendsFrom(s, agent!, byId))).toBe(true);
      const trees = spanTree([...ours, ...joined]);
      expect(trees.map((t) => t.span.name)).toEqual(['invoke_agent codex']);
      // and codex passes the trace on: its model request carried a traceparent of our trace, from one of its spans
      const traceparent = String(mock.responsesRequests()[0]!.headers.traceparent);
      expect(traceparent).toMatch(new RegExp(`^00-${agent!.traceId}-[0-9a-f]{16}-01$`));
      expect(codexIds.has(traceparent.split('-')[2]!)).toBe(true);
      // omnigent reaped codex: nothing started in the scratch dir is still running
      expect(killLeftovers(root)).toEqual([]);
    } finally {
      killLeftovers(root);
      await mock.close();
      await rx.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
