// The session parser on files written by the REAL pi 0.73.1 (recorded by scripts/record-history.mjs:
// three invocations of one session against the mock Chat Completions server, with tools, a failing
// command, a write, a resume and a failed model call), checked against the `omnigent run --json`
// streams of the very same invocations.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { HistorySession, OmnigentEvent } from '@omnigent/core';
import { piHarness } from '../src/index.js';

const dir = fileURLToPath(new URL('./fixtures/history', import.meta.url));
const history = piHarness.history!;
const stream = readFileSync(`${dir}/stream.jsonl`, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as OmnigentEvent);
const recorded = JSON.parse(readFileSync(`${dir}/recorded.json`, 'utf8')) as { session: string; work: string };

async function parsed(): Promise<HistorySession> {
  const files = await history.sessionFiles({ PI_CODING_AGENT_DIR: dir });
  expect(files).toHaveLength(1);
  return history.parse({ path: files[0]!, text: readFileSync(files[0]!, 'utf8'), readFile: () => undefined })!;
}

const KEYS = ['input', 'output', 'cacheRead', 'cacheWrite', 'costUsd'] as const;

describe('pi history import (real session files)', () => {
  it('gives the same usage, cost and tool counts as the stream-json runs of the same session', async () => {
    const s = await parsed();
    const totals = Object.fromEntries(KEYS.map((k) => [k, 0])) as Record<(typeof KEYS)[number], number>;
    for (const e of stream)
      if ((e.type === 'run.completed' || e.type === 'run.failed') && e.usage)
        for (const k of KEYS) totals[k] += e.usage[k] ?? 0;
    const last = s.events.at(-1) as { usage?: Record<string, number> };
    for (const k of KEYS) expect(last.usage![k], k).toBeCloseTo(totals[k], 12);
    expect(totals.input).toBe(1270);
    const done = (events: Array<{ type: string }>) =>
      (events.filter((e) => e.type === 'tool.completed') as unknown as Array<{ name: string; isError: boolean }>).map(
        (e) => [e.name, e.isError],
      );
    expect(done(s.events)).toEqual(done(stream));
    expect(done(s.events)).toHaveLength(4);
  });

  it('reads the session facts, tool durations, the written file and the failed last call', async () => {
    const s = await parsed();
    expect(s).toMatchObject({
      sessionId: recorded.session,
      cwd: recorded.work,
      model: 'mock-model',
      prompt: 'First question: run echo hi, look for a directory, write hello.txt',
    });
    for (const e of s.events) if (e.type === 'tool.completed') expect(e.durationMs).toBeGreaterThanOrEqual(0);
    expect(s.events.filter((e) => e.type === 'file.changed')).toEqual([
      expect.objectContaining({ path: 'hello.txt', change: 'add' }),
    ]);
    expect(s.events.at(-1)).toMatchObject({ type: 'run.failed', message: '500 mock internal error' });
    // the two failed calls (a retry) reported zeros: unknown, not usage
    expect(s.events.filter((e) => e.type === 'usage')).toHaveLength(6);
  });

  it('a missing agent dir is no sessions; a file without a session header is no session', async () => {
    expect(await history.sessionFiles({ PI_CODING_AGENT_DIR: '/nonexistent-omnigent' })).toEqual([]);
    expect(
      history.parse({ path: '/x.jsonl', text: '{"type":"message"}\n', readFile: () => undefined }),
    ).toBeUndefined();
  });
});
