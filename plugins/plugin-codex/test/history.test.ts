// The rollout parser on files written by the REAL codex 0.169.0 (recorded by
// scripts/record-history.mjs: three invocations of one thread against the mock Responses server,
// with commands, a failing command, a patch, a resume and a failed model call), checked against
// the `omnigent run --json` streams of the very same invocations.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { HistorySession, OmnigentEvent } from '@omnigent/core';
import { codexHarness } from '../src/index.js';

const dir = fileURLToPath(new URL('./fixtures/history', import.meta.url));
const history = codexHarness.history!;
const stream = readFileSync(`${dir}/stream.jsonl`, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as OmnigentEvent);
const recorded = JSON.parse(readFileSync(`${dir}/recorded.json`, 'utf8')) as { session: string; work: string };

async function parsed(): Promise<HistorySession> {
  const files = await history.sessionFiles({ CODEX_HOME: dir });
  expect(files).toHaveLength(1);
  return history.parse({ path: files[0]!, text: readFileSync(files[0]!, 'utf8'), readFile: () => undefined })!;
}

const KEYS = ['input', 'output', 'cacheRead', 'cacheWrite', 'reasoning'] as const;

describe('codex history import (real rollout files)', () => {
  it('gives the same usage and tool counts as the stream-json runs of the same thread', async () => {
    const s = await parsed();
    const totals = Object.fromEntries(KEYS.map((k) => [k, 0])) as Record<(typeof KEYS)[number], number>;
    for (const e of stream)
      if ((e.type === 'run.completed' || e.type === 'run.failed') && e.usage)
        for (const k of KEYS) totals[k] += e.usage[k] ?? 0;
    const last = s.events.at(-1) as { usage?: Record<string, number> };
    expect(Object.fromEntries(KEYS.map((k) => [k, last.usage![k]]))).toEqual(totals);
    expect(totals.input).toBe(1560);
    const done = (events: Array<{ type: string }>) =>
      (
        events.filter((e) => e.type === 'tool.completed') as unknown as Array<{
          name: string;
          isError: boolean;
          exitCode?: number;
        }>
      ).map((e) => [e.name, e.isError, e.exitCode]);
    expect(done(s.events)).toEqual(done(stream));
    expect(done(s.events)).toHaveLength(4);
  });

  it('reads the thread facts, the commands as the stream shows them, the patch as a file change, the failed last turn', async () => {
    const s = await parsed();
    expect(s).toMatchObject({
      sessionId: recorded.session,
      cwd: recorded.work,
      model: 'gpt-5.5',
      harnessVersion: '0.169.0',
      prompt: 'First question: look around and create hello.txt',
    });
    const starts = (events: Array<{ type: string }>) =>
      (events.filter((e) => e.type === 'tool.started') as unknown as Array<{ input: unknown }>).map((e) => e.input);
    expect(starts(s.events)).toEqual(starts(stream));
    expect(s.events.filter((e) => e.type === 'file.changed')).toEqual([
      expect.objectContaining({ path: `${recorded.work}/hello.txt`, change: 'add' }),
    ]);
    expect(s.events.at(-1)).toMatchObject({ type: 'run.failed', message: expect.stringContaining('high demand') });
    expect(s.events.filter((e) => e.type === 'usage')).toHaveLength(6);
  });

  it('a missing CODEX_HOME is no sessions; a file without records is no session', async () => {
    expect(await history.sessionFiles({ CODEX_HOME: '/nonexistent-omnigent' })).toEqual([]);
    expect(history.parse({ path: '/x/rollout-x.jsonl', text: 'garbage\n', readFile: () => undefined })).toBeUndefined();
  });
});
