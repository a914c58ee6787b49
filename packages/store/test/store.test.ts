import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { OmnigentEvent } from '@omnigent/core';
import { describe, expect, it } from 'vitest';
import {
  CACHE_REFRESH_BYTES,
  StoreAccessError,
  formatStatus,
  openStore,
  renderRunsTable,
  renderTimeline,
  parseSince,
  readGitState,
  resolveStoreDir,
  type RunStart,
} from '../src/index.js';
import { tempDir } from './helpers.js';

const base = { runId: 'r', harness: 'fake' };
let seq = 0;
function ev(draft: Record<string, unknown>, time = '2026-02-01T10:00:01.000Z'): OmnigentEvent {
  return { ...base, seq: seq++, time, ...draft } as unknown as OmnigentEvent;
}

function start(id: string, extra: Partial<RunStart> = {}): RunStart {
  return { id, harness: 'fake', startedAt: '2026-02-01T10:00:00.000Z', cwd: '/w', tags: [], ...extra };
}

/** A pid that is certainly dead: a process that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('RunStore', () => {
  it('records events as they arrive and indexes the summary at the end', () => {
    const store = openStore(tempDir());
    const rec = store.begin(start('11111111-aaaa', { requestedModel: 'm', tags: ['t1'], prompt: 'x'.repeat(1000) }));
    rec.append(
      ev({ type: 'session.started', cwd: '/w', model: 'model-x', harnessVersion: '1.2.3', sessionId: 'sess' }),
    );
    rec.append(ev({ type: 'message.delta', role: 'assistant', text: 'hel' }));
    rec.append(ev({ type: 'message', role: 'assistant', text: 'hello' }));
    rec.append(ev({ type: 'tool.started', callId: 'c1', name: 'Bash', kind: 'shell', input: { command: 'ls' } }));
    // Events are on disk before the run ends (crash safety).
    expect(readFileSync(store.eventsFile('11111111-aaaa'), 'utf8').trim().split('\n')).toHaveLength(3);
    rec.append(ev({ type: 'tool.completed', callId: 'c1', name: 'Bash', output: 'x', isError: true, durationMs: 42 }));
    rec.append(
      ev({ type: 'usage', scope: 'call', source: 'stream', confidence: 'exact', input: 100, output: 7, cacheRead: 60 }),
    );
    rec.append(ev({ type: 'usage', scope: 'call', source: 'stream', confidence: 'exact', input: 50, output: 3 }));
    const terminal = ev({ type: 'run.completed', durationMs: 1500, result: 'hello' }, '2026-02-01T10:00:01.500Z');
    rec.append(terminal);
    rec.finish(terminal as Extract<OmnigentEvent, { type: 'run.completed' }>);

    const [run] = store.list();
    expect(run).toMatchObject({
      id: '11111111-aaaa',
      status: 'completed',
      model: 'model-x',
      requestedModel: 'm',
      harnessVersion: '1.2.3',
      sessionId: 'sess',
      durationMs: 1500,
      toolCalls: 1,
      toolErrors: 1,
      tools: { Bash: { calls: 1, errors: 1, durations: [42] } },
      usage: { input: 150, output: 10, cacheRead: 60, confidence: 'exact', source: 'derived' },
      tags: ['t1'],
      pid: process.pid,
      host: hostname(),
    });
    expect(run!.prompt).toHaveLength(240);
    // message.delta is not stored: the message event carries the whole text.
    expect(store.events(run!.id).map((e) => e.type)).toEqual([
      'session.started',
      'message',
      'tool.started',
      'tool.completed',
      'usage',
      'usage',
      'run.completed',
    ]);
  });

  it('prefers the terminal totals over summed per-call usage, and never turns a missing figure into 0', () => {
    const store = openStore(tempDir());
    const rec = store.begin(start('22222222'));
    rec.append(ev({ type: 'usage', scope: 'turn', source: 'stream', confidence: 'exact', input: 10 }));
    const terminal = ev({
      type: 'run.failed',
      reason: 'exit',
      message: 'boom',
      exitCode: 3,
      durationMs: 9,
      usage: { input: 99, output: 5, costUsd: 0.5, source: 'result', confidence: 'partial' },
    });
    rec.append(terminal);
    rec.finish(terminal as Extract<OmnigentEvent, { type: 'run.failed' }>);
    const run = store.find('2222');
    expect(run).toMatchObject({ status: 'failed', reason: 'exit', exitCode: 3, message: 'boom' });
    expect(run.usage).toEqual({ input: 99, output: 5, costUsd: 0.5, source: 'result', confidence: 'partial' });
    expect(run.usage!.cacheRead).toBeUndefined();
  });

  it('keeps the request beside the events (full prompt, model, provider) for export', () => {
    const store = openStore(tempDir());
    const long = 'p'.repeat(5000);
    store.begin(start('99999999', { prompt: long }), { prompt: long, model: 'm', provider: 'anthropic', cwd: '/w' });
    expect(store.find('9999').prompt).toHaveLength(240);
    expect(store.request('99999999')).toEqual({ prompt: long, model: 'm', provider: 'anthropic', cwd: '/w' });
    expect(store.request('nope')).toBeUndefined();
  });

  it('an aborted run is interrupted', () => {
    const store = openStore(tempDir());
    const rec = store.begin(start('33333333'));
    rec.finish(
      ev({ type: 'run.failed', reason: 'aborted', message: 'interrupted', durationMs: 5 }) as Extract<
        OmnigentEvent,
        { type: 'run.failed' }
      >,
    );
    expect(store.find('3')).toMatchObject({ status: 'interrupted', reason: 'aborted' });
  });

  it('an aborted run reads "interrupted" in lists and INTERRUPTED on its timeline, not "interrupted (aborted)" / "FAILED (aborted)"', () => {
    const store = openStore(tempDir());
    const rec = store.begin(start('34343434'));
    const terminal = ev({
      type: 'run.failed',
      reason: 'aborted',
      message: 'the run was interrupted',
      durationMs: 2500,
    }) as Extract<OmnigentEvent, { type: 'run.failed' }>;
    rec.append(terminal);
    rec.finish(terminal);
    const run = store.find('3434');
    expect(formatStatus(run)).toBe('interrupted');
    expect(renderRunsTable([run]).split('\n')[1]).toMatch(/ interrupted +2\.5s /);
    expect(renderTimeline(run, store.events(run.id))).toContain('INTERRUPTED after 2.5s: the run was interrupted');
    // other reasons keep their word
    expect(formatStatus({ ...run, reason: 'killed' })).toBe('interrupted (killed)');
    expect(formatStatus({ ...run, status: 'failed', reason: 'timeout' })).toBe('failed (timeout)');
  });

  it('a run whose process died is interrupted, summarized from its kept events, and the index is told', () => {
    const dir = tempDir();
    const store = openStore(dir);
    const rec = store.begin(start('44444444', { pid: deadPid() }));
    rec.append(ev({ type: 'session.started', cwd: '/w' }, '2026-02-01T10:00:00.100Z'));
    rec.append(
      ev({ type: 'tool.started', callId: 'c', name: 'Read', kind: 'read', input: {} }, '2026-02-01T10:00:00.200Z'),
    );
    rec.append(
      ev(
        { type: 'tool.completed', callId: 'c', name: 'Read', output: '', isError: false, durationMs: 3 },
        '2026-02-01T10:00:00.300Z',
      ),
    );
    rec.append(
      ev(
        { type: 'usage', scope: 'turn', source: 'stream', confidence: 'exact', input: 70, output: 4 },
        '2026-02-01T10:00:02.000Z',
      ),
    );
    // no finish(): the recording process was killed here
    const run = store.find('4444');
    expect(run).toMatchObject({ status: 'interrupted', reason: 'killed', durationMs: 2000, toolCalls: 1, events: 4 });
    // summed from events of a run that never ended: a lower bound
    expect(run.usage).toEqual({ input: 70, output: 4, confidence: 'partial', source: 'derived' });
    const lines = readFileSync(join(dir, 'index.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(lines[lines.length - 1]!)).toMatchObject({ k: 'end', id: '44444444', status: 'interrupted' });
  });

  it('a run whose process is alive, or that runs on another host, is running', () => {
    const store = openStore(tempDir());
    store.begin(start('55555555'));
    store.begin(start('66666666', { pid: deadPid(), host: 'another-host' }));
    expect(store.list().map((r) => [r.id, r.status])).toEqual([
      ['55555555', 'running'],
      ['66666666', 'running'],
    ]);
  });

  it('a pid now used by another process (another start time) does not keep a dead run running', () => {
    const store = openStore(tempDir());
    store.begin(start('reused-pid', { pid: process.pid, pidStart: '1' }));
    expect(store.find('reused')).toMatchObject({ status: 'interrupted', reason: 'killed' });
  });

  it('a store path that is a file, or whose index cannot be read, fails with the path and what to do (exit 2), not a raw ENOTDIR', () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    const err = (() => {
      try {
        openStore(file).list();
      } catch (e) {
        return e as StoreAccessError;
      }
      throw new Error('expected list() to throw');
    })();
    expect(err).toBeInstanceOf(StoreAccessError);
    expect(err.message).toBe(`cannot read the run store at ${file}: it is not a directory`);
    expect(err.code).toBe('CONFIG');
    expect(err.hint).toContain('OMNIGENT_STORE');
    // index.jsonl being a directory is reported the same way
    const dir = tempDir();
    mkdirSync(join(dir, 'index.jsonl'));
    expect(() => openStore(dir).all()).toThrow(
      `cannot read the run store at ${dir}: a directory is where a file should be`,
    );
    // a missing store is simply empty
    expect(openStore(join(dir, 'nope')).all()).toEqual([]);
  });

  it('skips a torn index line and keeps the record appended after it', () => {
    const dir = tempDir();
    const store = openStore(dir);
    store.begin(start('77777777', { host: 'h' }));
    appendFileSync(join(dir, 'index.jsonl'), '{"k":"end","id":"77777777","sta');
    store.begin(start('88888888', { host: 'h', startedAt: '2026-02-02T00:00:00.000Z' }));
    expect(store.list().map((r) => r.id)).toEqual(['88888888', '77777777']);
  });

  it('reads through the index cache exactly what a fresh read of the index gives, including later appends', () => {
    const dir = tempDir();
    const store = openStore(dir);
    const done = (id: string): void => {
      const rec = store.begin(
        start(id, {
          host: 'h',
          prompt: 'p'.repeat(200),
          startedAt: `2026-02-01T10:00:${String(Number(id.slice(-2)) % 60).padStart(2, '0')}.000Z`,
        }),
      );
      rec.finish(
        ev({ type: 'run.completed', durationMs: Number(id.slice(-3)) }) as Extract<
          OmnigentEvent,
          { type: 'run.completed' }
        >,
      );
    };
    let n = 0;
    while (!existsSync(join(dir, 'index.jsonl')) || statSync(join(dir, 'index.jsonl')).size < CACHE_REFRESH_BYTES)
      done(`run-${String(n++).padStart(5, '0')}`);
    const open = store.begin(start('still-open', { host: 'h' }));
    const first = store.all();
    expect(existsSync(join(dir, 'index.cache.json'))).toBe(true);
    expect(first).toHaveLength(n + 1);
    // appended after the cache was written: a new run, and the end of the open one
    done('run-late1');
    open.finish(
      ev({ type: 'run.failed', reason: 'exit', message: 'x', durationMs: 3 }) as Extract<
        OmnigentEvent,
        { type: 'run.failed' }
      >,
    );
    const cached = store.all();
    rmSync(join(dir, 'index.cache.json'));
    const fresh = store.all();
    expect(cached).toEqual(fresh);
    expect(cached.find((r) => r.id === 'still-open')).toMatchObject({ status: 'failed', reason: 'exit' });
    expect(cached).toHaveLength(n + 2);
  });

  it('finds runs by id prefix and refuses ambiguous or unknown prefixes', () => {
    const store = openStore(tempDir());
    store.begin(start('abc-1', { host: 'h' }));
    store.begin(start('abd-2', { host: 'h' }));
    expect(store.find('abd').id).toBe('abd-2');
    expect(() => store.find('ab')).toThrow(/matches 2 runs/);
    expect(() => store.find('zz')).toThrow(/No stored run/);
  });

  it('filters by harness, model, tag, status, since and limit, newest first', () => {
    const store = openStore(tempDir());
    const mk = (id: string, harness: string, model: string, day: number, tags: string[]): void => {
      const rec = store.begin(
        start(id, { harness, requestedModel: model, tags, startedAt: `2026-02-0${day}T00:00:00.000Z` }),
      );
      rec.finish(ev({ type: 'run.completed', durationMs: 1 }) as Extract<OmnigentEvent, { type: 'run.completed' }>);
    };
    mk('r1', 'codex', 'gpt', 1, ['a']);
    mk('r2', 'claude-code', 'sonnet', 2, ['a', 'b']);
    mk('r3', 'codex', 'o3', 3, ['b']);
    const ids = (f: Parameters<typeof store.list>[0]): string[] => store.list(f).map((r) => r.id);
    expect(ids({})).toEqual(['r3', 'r2', 'r1']);
    expect(ids({ harness: ['codex'] })).toEqual(['r3', 'r1']);
    expect(ids({ model: ['sonnet', 'o3'] })).toEqual(['r3', 'r2']);
    expect(ids({ tags: ['a', 'b'] })).toEqual(['r2']);
    expect(ids({ since: new Date('2026-02-02T00:00:00.000Z') })).toEqual(['r3', 'r2']);
    expect(ids({ status: ['failed'] })).toEqual([]);
    expect(ids({ limit: 1 })).toEqual(['r3']);
  });
});

describe('parseSince', () => {
  it('reads durations ago and dates', () => {
    const now = new Date('2026-03-01T00:00:00.000Z');
    expect(parseSince('24h', now).toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(parseSince('2w', now).toISOString()).toBe('2026-02-15T00:00:00.000Z');
    expect(parseSince('2026-01-31').toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(() => parseSince('yesterday')).toThrow(/--since expects/);
  });
});

describe('resolveStoreDir', () => {
  it('OMNIGENT_STORE, then config store.path (relative to the config), then XDG_DATA_HOME, then ~/.omnigent/store', () => {
    expect(resolveStoreDir({ env: { OMNIGENT_STORE: '/s' }, configPath: '/c' })).toBe('/s');
    expect(resolveStoreDir({ env: { XDG_DATA_HOME: '/x' }, configPath: 'runs', configDir: '/proj' })).toBe(
      '/proj/runs',
    );
    expect(resolveStoreDir({ env: { XDG_DATA_HOME: '/x' } })).toBe('/x/omnigent');
    expect(resolveStoreDir({ env: { HOME: process.env.HOME } })).toMatch(/\/\.omnigent\/store$/);
  });
});

describe('readGitState', () => {
  it('reads the commit and branch from .git without running git, in a repo and in a worktree', () => {
    const dir = tempDir();
    const git = (...args: string[]): string =>
      execFileSync('git', ['-C', dir, ...args], {
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@t',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@t',
        },
      }).trim();
    git('init', '-q', '-b', 'main');
    writeFileSync(join(dir, 'a.txt'), 'a');
    git('add', 'a.txt');
    git('commit', '-q', '-m', 'one');
    const head = git('rev-parse', 'HEAD');
    execFileSync('mkdir', ['-p', join(dir, 'sub')]);
    expect(readGitState(join(dir, 'sub'))).toEqual({ commit: head, branch: 'main' });
    git('pack-refs', '--all');
    expect(readGitState(dir)).toEqual({ commit: head, branch: 'main' });
    const wt = join(tempDir(), 'wt');
    git('worktree', 'add', '-q', '--detach', wt);
    expect(readGitState(wt)).toEqual({ commit: head });
    expect(readGitState(tempDir())).toBeUndefined();
  });
});
