import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spanTreeLines, startOtlpReceiver, type ReceivedSpan } from '@omnigent/testkit';
import { runCli, scratch, transcript } from './helpers.js';

const story = [
  { type: 'session.started', cwd: '/w', sessionId: 's-1', model: 'fake-model' },
  { type: 'turn.started', turn: 1 },
  { type: 'message', role: 'assistant', text: 'Checking.' },
  { type: 'tool.started', callId: 't1', name: 'Bash', kind: 'shell', input: { command: 'ls' } },
  { type: 'tool.completed', callId: 't1', name: 'Bash', output: 'a.txt', isError: false, durationMs: 15 },
  { type: 'tool.started', callId: 't2', name: 'Read', kind: 'read', input: { file_path: 'a.txt' } },
  { type: 'tool.completed', callId: 't2', name: 'Read', output: 'nope', isError: true, durationMs: 3 },
  {
    type: 'usage',
    scope: 'call',
    source: 'stream',
    confidence: 'exact',
    input: 900,
    output: 40,
    cacheRead: 500,
    model: 'fake-model',
  },
  { type: 'turn.completed', turn: 1 },
  { type: 'message', role: 'assistant', text: 'Done.' },
  { type: 'result', ok: true, result: 'Done.' },
];

const MLFLOW = { OTEL_EXPORTER_OTLP_HEADERS: 'x-mlflow-experiment-id=0' };
type Json = Record<string, any>;

function traceOf(spans: ReceivedSpan[], runId: string): ReceivedSpan[] {
  const root = spans.find((s) => s.attributes['omnigent.run.id'] === runId && !s.parentSpanId)!;
  return spans.filter((s) => s.traceId === root.traceId);
}

describe('omnigent export', () => {
  it('re-sends a stored run as the same OTLP trace live telemetry sends', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const dir = scratch();
      const t = transcript(dir, 't.jsonl', story);
      // Live: telemetry on while running.
      const live = await runCli(['run', '-H', 'fake', 'check it'], {
        cwd: dir,
        env: {
          OMNIGENT_FAKE_TRANSCRIPT: t,
          OMNIGENT_TELEMETRY_ENABLED: 'true',
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          ...MLFLOW,
        },
      });
      expect(live.code).toBe(0);
      // Stored only: telemetry off.
      const stored = await runCli(['run', '-H', 'fake', 'check it'], {
        cwd: dir,
        env: { OMNIGENT_FAKE_TRANSCRIPT: t, OMNIGENT_TELEMETRY_ENABLED: 'false' },
      });
      expect(stored.code).toBe(0);
      const runs = JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout) as Json[];
      const [storedRun, liveRun] = runs as [Json, Json];
      const liveSpans = traceOf(receiver.spans, liveRun.id as string);
      expect(liveSpans.length).toBeGreaterThan(2);
      expect(receiver.spans.some((s) => s.attributes['omnigent.run.id'] === storedRun.id)).toBe(false);

      // regression: a filter flag before the id does not swallow it
      const r = await runCli(
        ['export', '--harness', 'fake', (storedRun.id as string).slice(0, 8), '--endpoint', receiver.url],
        { cwd: dir, env: MLFLOW },
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`exported 1 run to ${receiver.url}/v1/traces\n`);
      const exported = traceOf(receiver.spans, storedRun.id as string);
      // Same spans at the same depths (siblings may start in another order: live times differ by ms).
      expect([...spanTreeLines(exported)].sort()).toEqual([...spanTreeLines(liveSpans)].sort());
      expect(spanTreeLines(exported)[0]).toBe('invoke_agent fake');
      const root = exported.find((s) => !s.parentSpanId)!;
      expect(root.attributes['omnigent.harness']).toBe('fake');
      expect(root.status.code).toBe('OK');
      // The spans keep the run's own times, not the export's.
      expect(Number(root.startTimeUnixNano / 1_000_000n)).toBe(Date.parse(storedRun.startedAt as string));
      const failedTool = exported.find((s) => s.name.includes('Read'))!;
      expect(failedTool.status.code).toBe('ERROR');
      const chat = exported.find((s) => s.attributes['gen_ai.usage.input_tokens'] !== undefined)!;
      expect(chat.attributes['gen_ai.usage.input_tokens']).toBe(900);
      expect(chat.attributes['gen_ai.usage.output_tokens']).toBe(40);
    } finally {
      await receiver.close();
    }
  });

  it('--since exports every matching run; nothing selected is a usage error; an unreachable collector exits 1', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const dir = scratch();
      const t = transcript(dir, 't.jsonl', story);
      for (let i = 0; i < 2; i++)
        await runCli(['run', '-H', 'fake', `p${i}`], { cwd: dir, env: { OMNIGENT_FAKE_TRANSCRIPT: t } });
      const r = await runCli(['export', '--since', '1h'], {
        cwd: dir,
        env: { ...MLFLOW, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('exported 2 runs');
      const roots = receiver.spans.filter((s) => !s.parentSpanId);
      expect(roots.map((s) => s.name)).toEqual(['invoke_agent fake', 'invoke_agent fake']);

      const none = await runCli(['export'], { cwd: dir });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('Say which runs to export');

      receiver.setMode('fail');
      const failed = await runCli(['export', '--since', '1h'], {
        cwd: dir,
        env: { ...MLFLOW, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      });
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/could not (export traces|set the trace metadata)/);
      // regression: only a "warning:" line, though nothing was exported and the exit code is 1
      expect(failed.stderr).toContain(
        `omnigent: export failed: the traces of 2 runs did not all reach ${receiver.url}/v1/traces`,
      );
      expect(failed.stderr).toContain('run the same command again; the runs stay in the store');
      // regression: a password in the endpoint is never printed, in the warning or the failure line
      const withPassword = receiver.url.replace('http://', 'http://bob:hunter2secret@');
      const masked = await runCli(['export', '--since', '1h', '--endpoint', withPassword], { cwd: dir, env: MLFLOW });
      expect(masked.code).toBe(1);
      expect(masked.stderr).not.toContain('hunter2secret');
      expect(masked.stderr).toContain(
        `did not all reach ${receiver.url.replace('http://', 'http://bob:***@')}/v1/traces`,
      );
      const nothing = await runCli(['export', '--harness', 'codex'], { cwd: dir });
      expect([nothing.code, nothing.stdout]).toEqual([
        0,
        `Nothing exported. No stored run matches these filters (the store at ${join(dir, '.store')} holds 2 runs).\n`,
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('a run whose omnigent was killed ends at its last stored event, as an error, its open tool call interrupted', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const dir = scratch();
      const store = join(dir, '.store');
      mkdirSync(join(store, 'runs'), { recursive: true });
      const deadPid = Number(
        spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString(),
      );
      const id = 'dead0000-0000-4000-8000-000000000000';
      writeFileSync(
        join(store, 'index.jsonl'),
        `${JSON.stringify({ k: 'start', id, harness: 'fake', startedAt: '2026-03-01T10:00:00.000Z', cwd: dir, tags: [], pid: deadPid, host: (await import('node:os')).hostname() })}\n`,
      );
      const ev = (seq: number, time: string, e: Record<string, unknown>): string =>
        JSON.stringify({ runId: id, harness: 'fake', seq, time, ...e });
      writeFileSync(
        join(store, 'runs', `${id}.jsonl`),
        [
          ev(0, '2026-03-01T10:00:00.100Z', { type: 'session.started', cwd: dir }),
          ev(1, '2026-03-01T10:00:01.000Z', {
            type: 'tool.started',
            callId: 'b',
            name: 'Bash',
            kind: 'shell',
            input: { command: 'sleep 100' },
          }),
          ev(2, '2026-03-01T10:00:04.000Z', { type: 'status', message: 'still going' }),
        ].join('\n') + '\n',
      );
      const r = await runCli(['export', 'dead', '--endpoint', receiver.url], { cwd: dir, env: MLFLOW });
      expect(r.code).toBe(0);
      const root = receiver.spans.find((s) => !s.parentSpanId)!;
      expect(root.status.code).toBe('ERROR');
      expect(root.status.message).toContain('omnigent process died');
      expect(root.endTimeUnixNano / 1_000_000n).toBe(BigInt(Date.parse('2026-03-01T10:00:04.000Z')));
      const tool = receiver.spans.find((s) => s.name.includes('Bash'))!;
      expect(tool.status.code).toBe('ERROR');
      expect(tool.attributes['omnigent.tool.status']).toBe('interrupted');
    } finally {
      await receiver.close();
    }
  });
});
