// The history parser on session files written by the REAL claude 2.1.197 (recorded by
// scripts/record-history.mjs: three invocations of one session against the mock Anthropic server,
// with tools, a failing command, a sub-agent, a resume and a failed API call), checked against the
// `omnigent run --json` streams of the very same invocations.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { HistorySession, OmnigentEvent } from '@omnigent/core';
import { claudeCode } from '../src/index.js';

const dir = fileURLToPath(new URL('./fixtures/history', import.meta.url));
const history = claudeCode.history!;
const stream = readFileSync(`${dir}/stream.jsonl`, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as OmnigentEvent);
const recorded = JSON.parse(readFileSync(`${dir}/recorded.json`, 'utf8')) as { session: string; work: string };

async function parsed(): Promise<HistorySession> {
  const files = await history.sessionFiles({ CLAUDE_CONFIG_DIR: dir });
  expect(files).toHaveLength(1);
  const file = files[0]!;
  return history.parse({
    path: file,
    text: readFileSync(file, 'utf8'),
    readFile: (p) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined),
  })!;
}

function streamTotals(): Record<string, number> {
  const t = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  for (const e of stream) {
    if ((e.type === 'run.completed' || e.type === 'run.failed') && e.usage)
      for (const k of Object.keys(t) as Array<keyof typeof t>) t[k] += e.usage[k] ?? 0;
  }
  return t;
}

describe('claude-code history import (real session files)', () => {
  it('gives the same usage and tool counts as the stream-json runs of the same session', async () => {
    const s = await parsed();
    const last = s.events[s.events.length - 1]!;
    expect(last.type === 'run.completed' || last.type === 'run.failed').toBe(true);
    const usage = (last as { usage?: Record<string, number> }).usage!;
    expect({
      input: usage.input,
      output: usage.output,
      cacheRead: usage.cacheRead,
      cacheWrite: usage.cacheWrite,
    }).toEqual(streamTotals());
    expect(usage).toMatchObject({ source: 'derived', confidence: 'exact' });
    const done = (events: Array<{ type: string }>) =>
      events.filter((e) => e.type === 'tool.completed') as unknown as Array<{ name: string; isError: boolean }>;
    expect(done(s.events).map((e) => [e.name, e.isError])).toEqual(done(stream).map((e) => [e.name, e.isError]));
    expect(done(s.events)).toHaveLength(5);
  });

  it('reads the session facts: id, cwd, branch, model, version, first prompt, and the failed last request', async () => {
    const s = await parsed();
    expect(s).toMatchObject({
      sessionId: recorded.session,
      cwd: recorded.work,
      gitBranch: 'HEAD',
      model: 'claude-sonnet-4-5',
      harnessVersion: '2.1.197',
      prompt: 'Please check the project',
    });
    expect(s.events[0]).toMatchObject({ type: 'session.started', cwd: recorded.work, model: 'claude-sonnet-4-5' });
    expect(s.events.at(-1)).toMatchObject({ type: 'run.failed', message: 'API Error: 400 mock: forced error' });
    expect(
      s.events.filter((e) => e.type === 'message' && e.role === 'user').map((e) => (e as { text: string }).text),
    ).toEqual(['Please check the project', 'Now the second question', 'And a third question']);
  });

  it('tool calls have durations from the file times; the sub-agent calls sit under their Agent call', async () => {
    const s = await parsed();
    const done = s.events.filter(
      (e): e is Extract<OmnigentEvent, { type: 'tool.completed' }> & { time: string } => e.type === 'tool.completed',
    );
    for (const d of done) expect(d.durationMs).toBeGreaterThanOrEqual(0);
    const agent = s.events.find((e) => e.type === 'tool.started' && e.name === 'Agent') as { callId: string };
    const sub = s.events
      .filter((e) => (e as { parentCallId?: string }).parentCallId === agent.callId)
      .map((e) => e.type);
    expect(sub).toEqual(['tool.started', 'usage', 'tool.completed', 'message', 'usage']);
    expect(done.find((d) => d.isError)).toMatchObject({ name: 'Bash', exitCode: 1, status: 'error' });
    // one usage event per API message (the file repeats it on every content block's line)
    expect(s.events.filter((e) => e.type === 'usage')).toHaveLength(8);
  });

  it('a missing directory is no sessions; a foreign or torn file is no session', async () => {
    expect(await history.sessionFiles({ CLAUDE_CONFIG_DIR: '/nonexistent-omnigent' })).toEqual([]);
    expect(
      history.parse({ path: '/x.jsonl', text: '{"type":"summary"}\nnot json\n', readFile: () => undefined }),
    ).toBeUndefined();
    const torn = readFileSync((await history.sessionFiles({ CLAUDE_CONFIG_DIR: dir }))[0]!, 'utf8');
    const half = history.parse({
      path: '/x.jsonl',
      text: torn.slice(0, Math.floor(torn.length / 2)),
      readFile: () => undefined,
    })!;
    expect(half.sessionId).toBe(recorded.session);
    // calls whose result the file never got end as interrupted, never left open
    const started = half.events.filter((e) => e.type === 'tool.started').length;
    expect(half.events.filter((e) => e.type === 'tool.completed')).toHaveLength(started);
  });
});
