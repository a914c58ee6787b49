// End to end: `omnigent run` as a child process with exactly the MLflow user's six environment
// variables, the endpoint pointed at the testkit OTLP receiver (which enforces MLflow's rules).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  spanTreeLines,
  startMockAnthropic,
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '@omnigent/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { omnigentRun, seedEnv, type Outcome } from './omnigent-child.js';

const here = dirname(fileURLToPath(import.meta.url));
const FAKE_PLUGIN = join(here, '../../testkit/dist/fake-plugin.js');
// Where the fake harness binary is (the plugin is loaded by path, outside any node_modules).
const FAKE_BIN = join(here, '../../testkit/dist/fake-harness-bin.js');

const scratchDirs: string[] = [];
afterAll(() => {
  for (const d of scratchDirs) rmSync(d, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'omnigent-otel-e2e-'));
  scratchDirs.push(dir);
  writeFileSync(join(dir, 'omnigent.config.json'), JSON.stringify({ plugins: [FAKE_PLUGIN] }));
  return dir;
}

const TRANSCRIPT = [
  { type: 'session.started', sessionId: 'fake-sess-1', cwd: '/tmp', model: 'fake-model-1', harnessVersion: '9.9.9' },
  { type: 'turn.started', turn: 1 },
  { type: 'message', role: 'assistant', text: 'Let me look.' },
  { type: 'tool.started', callId: 'c1', name: 'Bash', kind: 'shell', input: { command: 'ls' } },
  {
    type: 'usage',
    scope: 'call',
    source: 'stream',
    confidence: 'exact',
    callId: 'm1',
    model: 'fake-model-1',
    input: 1550,
    output: 40,
    cacheRead: 300,
    cacheWrite: 50,
  },
  { $fake: 'sleep', ms: 120 },
  { type: 'tool.completed', callId: 'c1', name: 'Bash', output: 'a.txt', isError: false, status: 'ok', exitCode: 0 },
  { type: 'message', role: 'assistant', text: 'Found a.txt' },
  {
    type: 'usage',
    scope: 'call',
    source: 'stream',
    confidence: 'exact',
    callId: 'm2',
    model: 'fake-model-1',
    input: 1500,
    output: 24,
  },
  { type: 'turn.completed', turn: 1 },
  { type: 'result', ok: true, result: 'Found a.txt' },
];

function fakeRun(rx: OtlpReceiver | string, extra: Record<string, string> = {}, args: string[] = []): Promise<Outcome> {
  const dir = scratch();
  const transcript = join(dir, 'transcript.jsonl');
  writeFileSync(transcript, TRANSCRIPT.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const endpoint = typeof rx === 'string' ? rx : rx.url;
  return omnigentRun(dir, ['-H', 'fake', '--no-store', '--json', ...args, 'list the files'], {
    ...seedEnv(endpoint),
    OMNIGENT_FAKE_TRANSCRIPT: transcript,
    OMNIGENT_FAKE_BIN: FAKE_BIN,
    ...extra,
  });
}

function byName(spans: ReceivedSpan[], name: string): ReceivedSpan[] {
  return spans.filter((s) => s.name === name);
}

function telemetryWarnings(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('omnigent: warning:') && l.includes('traces'));
}

describe('omnigent run with the MLflow user setup', () => {
  let rx: OtlpReceiver | undefined;
  afterEach(async () => {
    await rx?.close();
    rx = undefined;
  });

  it('exports the run as one MLflow-ready trace (fake harness)', async () => {
    rx = await startOtlpReceiver();
    const o = await fakeRun(rx);
    expect(o.exitCode).toBe(0);
    expect(o.stderr).toBe('');
    expect(rx.requests.length).toBeGreaterThan(0);
    expect(rx.requests.every((r) => r.status === 200 && r.path === '/v1/traces')).toBe(true);
    expect(spanTreeLines(rx.spans)).toEqual([
      'invoke_agent fake',
      '  chat fake-model-1',
      '  execute_tool Bash',
      '  chat fake-model-1',
    ]);
    const [root] = byName(rx.spans, 'invoke_agent fake');
    expect(root!.parentSpanId).toBeUndefined();
    expect(root!.status.code).toBe('OK');
    expect(root!.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'mlflow.spanType': 'AGENT',
      'gen_ai.agent.name': 'fake',
      'gen_ai.provider.name': 'fake',
      'gen_ai.agent.id': 'fake-sess-1',
      'gen_ai.agent.version': '9.9.9',
      'gen_ai.response.model': 'fake-model-1',
      'session.id': 'fake-sess-1',
      'gen_ai.conversation.id': 'fake-sess-1',
      'mlflow.spanInputs': '{"messages":[{"role":"user","content":"list the files"}]}',
      'mlflow.spanOutputs': '{"messages":[{"role":"assistant","content":"Found a.txt"}]}',
    });
    const events = o.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; runId: string });
    expect(root!.attributes['omnigent.run.id']).toBe(events[0]!.runId);
    const chats = byName(rx.spans, 'chat fake-model-1').sort((a, b) =>
      Number(a.startTimeUnixNano - b.startTimeUnixNano),
    );
    expect(
      chats.map((c) => [
        c.attributes['gen_ai.usage.input_tokens'],
        c.attributes['gen_ai.usage.output_tokens'],
        c.attributeTypes['gen_ai.usage.input_tokens'],
      ]),
    ).toEqual([
      [1550, 40, 'int'],
      [1500, 24, 'int'],
    ]);
    expect(chats[0]!.attributes['gen_ai.usage.cache_read.input_tokens']).toBe(300);
    const [tool] = byName(rx.spans, 'execute_tool Bash');
    expect(tool!.attributes).toMatchObject({
      'mlflow.spanType': 'TOOL',
      'gen_ai.tool.name': 'Bash',
      'gen_ai.tool.call.id': 'c1',
      'gen_ai.tool.call.arguments': '{"command":"ls"}',
      'gen_ai.tool.call.result': '"a.txt"',
    });
    // The tool span lasts as long as the tool did, as the run measured it (the transcript sleeps
    // 120 ms inside it; how much of that omnigent sees depends on the machine's load, so the span is
    // checked against the run's own tool.completed figure, not against a wall-clock bound).
    const completed = events.find((e) => e.type === 'tool.completed') as unknown as { durationMs: number };
    expect(completed.durationMs).toBeGreaterThan(0);
    const spanMs = Number(tool!.endTimeUnixNano - tool!.startTimeUnixNano) / 1e6;
    expect(Math.abs(spanMs - completed.durationMs)).toBeLessThanOrEqual(2);
  });

  it('with content capture off, the trace carries no prompt, answer or tool content', async () => {
    rx = await startOtlpReceiver();
    const o = await fakeRun(rx, { OMNIGENT_OTEL_CAPTURE_CONTENT: 'false' });
    expect(o.exitCode).toBe(0);
    expect(rx.spans).toHaveLength(4);
    const all = JSON.stringify(rx.spans.map((s) => s.attributes));
    for (const text of ['list the files', 'Found a.txt', 'Let me look', '"ls"', 'a.txt'])
      expect(all).not.toContain(text);
    expect(byName(rx.spans, 'invoke_agent fake')[0]!.attributes['omnigent.prompt.chars']).toBe('list the files'.length);
  });

  it('gives the harness child a TRACEPARENT pointing at the invoke_agent span', async () => {
    rx = await startOtlpReceiver();
    const dir = scratch();
    const bin = join(dir, 'print-traceparent.mjs');
    writeFileSync(
      bin,
      `#!${process.execPath}\nprocess.stdout.write(JSON.stringify({ type: 'result', ok: true, result: process.env.TRACEPARENT ?? 'none' }) + '\\n');\n`,
    );
    chmodSync(bin, 0o755);
    const o = await omnigentRun(dir, ['-H', 'fake', '--no-store', '--json', '--bin', bin, 'hi'], seedEnv(rx.url));
    expect(o.exitCode).toBe(0);
    const [root] = byName(rx.spans, 'invoke_agent fake');
    expect(root!.attributes['mlflow.spanOutputs']).toBe(
      JSON.stringify({ messages: [{ role: 'assistant', content: `00-${root!.traceId}-${root!.spanId}-01` }] }),
    );
  });

  for (const mode of ['down', 'fail', 'hang'] as const) {
    it(`a collector that is ${mode} leaves the run and its exit code alone, with one warning`, async () => {
      rx = await startOtlpReceiver({ mode });
      const o = await fakeRun(rx);
      expect(o.exitCode).toBe(0);
      const events = o.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string });
      expect(events.at(-1)!.type).toBe('run.completed');
      const warnings = telemetryWarnings(o.stderr);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`${rx.url}/v1/traces`);
      if (mode === 'fail') expect(warnings[0]).toContain('HTTP 500');
    });
  }

  it('a failing run keeps its exit code and marks the trace as an error', async () => {
    rx = await startOtlpReceiver();
    const dir = scratch();
    const transcript = join(dir, 't.jsonl');
    writeFileSync(transcript, `${JSON.stringify({ type: 'result', ok: false, message: 'model said no' })}\n`);
    const o = await omnigentRun(dir, ['-H', 'fake', '--no-store', '--json', 'x'], {
      ...seedEnv(rx.url),
      OMNIGENT_FAKE_TRANSCRIPT: transcript,
      OMNIGENT_FAKE_BIN: FAKE_BIN,
    });
    expect(o.exitCode).toBe(1);
    const [root] = byName(rx.spans, 'invoke_agent fake');
    expect(root!.status).toEqual({ code: 'ERROR', message: 'model said no' });
    expect(root!.attributes['error.type']).toBe('error');
  });

  it('an unsupported protocol turns telemetry off with a clear message; the run goes on', async () => {
    rx = await startOtlpReceiver();
    const o = await fakeRun(rx, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(o.exitCode).toBe(0);
    expect(o.stderr).toContain('OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is not supported');
    expect(rx.requests).toHaveLength(0);
  });

  it('sends nothing when telemetry is not enabled', async () => {
    rx = await startOtlpReceiver();
    const o = await fakeRun(rx, { OMNIGENT_TELEMETRY_ENABLED: 'false' });
    expect(o.exitCode).toBe(0);
    expect(o.stderr).toBe('');
    expect(rx.requests).toHaveLength(0);
  });
});

describe('omnigent run -H claude-code (real CLI, mock Anthropic) with the MLflow user setup', () => {
  it('exports invoke_agent > chat / execute_tool with the exact token numbers the mock sent, and Claude Code nests its own spans under ours', async () => {
    const rx = await startOtlpReceiver();
    const mock = await startMockAnthropic({
      turns: [
        {
          content: [
            { type: 'text', text: 'I will run a command.' },
            { type: 'tool_use', name: 'Bash', input: { command: 'echo hi', description: 'Print hi' } },
          ],
          usage: { input: 1200, cacheRead: 300, cacheWrite: 50, output: 40 },
        },
        {
          content: [{ type: 'text', text: 'Done: the command printed hi.' }],
          usage: { input: 1500, cacheRead: 0, cacheWrite: 0, output: 24 },
        },
      ],
    });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'omnigent-otel-cc-'));
      scratchDirs.push(dir);
      const o = await omnigentRun(
        dir,
        [
          '-H',
          'claude-code',
          '--json',
          '--no-store',
          '-m',
          'claude-sonnet-4-5',
          '--allowed-tools',
          'Bash',
          'Run echo hi for me',
        ],
        {
          ...seedEnv(rx.url),
          ANTHROPIC_BASE_URL: mock.url,
          ANTHROPIC_API_KEY: 'test-key',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          DISABLE_AUTOUPDATER: '1',
          DISABLE_ERROR_REPORTING: '1',
          // Claude Code's own (beta) tracing, which honours the TRACEPARENT omnigent passes it.
          CLAUDE_CODE_ENABLE_TELEMETRY: '1',
          CLAUDE_CODE_ENHANCED_TELEMETRY_BETA: '1',
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_METRICS_EXPORTER: 'none',
          OTEL_LOGS_EXPORTER: 'none',
        },
      );
      expect(o.exitCode, o.stderr).toBe(0);
      const ours = rx.spans.filter((s) => s.resource['service.name'] === 'omnigent');
      expect(spanTreeLines(ours)).toEqual([
        'invoke_agent claude-code',
        '  chat claude-sonnet-4-5',
        '  execute_tool Bash',
        '  chat claude-sonnet-4-5',
      ]);
      const [root] = byName(ours, 'invoke_agent claude-code');
      expect(root!.attributes).toMatchObject({
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.agent.version': '2.1.197',
        'mlflow.spanType': 'AGENT',
      });
      expect(typeof root!.attributes['session.id']).toBe('string');
      expect(root!.attributes['mlflow.spanOutputs']).toBe(
        JSON.stringify({ messages: [{ role: 'assistant', content: 'Done: the command printed hi.' }] }),
      );
      const chats = byName(ours, 'chat claude-sonnet-4-5').sort((a, b) =>
        Number(a.startTimeUnixNano - b.startTimeUnixNano),
      );
      expect(
        chats.map((c) => [
          c.attributes['gen_ai.usage.input_tokens'],
          c.attributes['gen_ai.usage.output_tokens'],
          c.attributes['gen_ai.usage.cache_read.input_tokens'],
          c.attributes['gen_ai.usage.cache_creation.input_tokens'],
        ]),
      ).toEqual([
        [1550, 40, 300, 50],
        [1500, 24, 0, 0],
      ]);
      const [bash] = byName(ours, 'execute_tool Bash');
      expect(JSON.parse(bash!.attributes['gen_ai.tool.call.arguments'] as string)).toMatchObject({
        command: 'echo hi',
      });
      expect(JSON.parse(bash!.attributes['gen_ai.tool.call.result'] as string)).toBe('hi');
      // Claude Code's own spans joined our trace, under our invoke_agent span.
      const theirs = rx.spans.filter((s) => s.resource['service.name'] === 'claude-code');
      expect(theirs.length).toBeGreaterThan(0);
      expect(theirs.every((s) => s.traceId === root!.traceId)).toBe(true);
      expect(theirs.some((s) => s.parentSpanId === root!.spanId)).toBe(true);
    } finally {
      await mock.close();
      await rx.close();
    }
  });
});
