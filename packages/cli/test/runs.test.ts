import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive } from '@omnigent/core/internal';
import { runCli, scratch, transcript } from './helpers.js';

const session = { type: 'session.started', cwd: '/w', sessionId: 's-9', model: 'fake-model', harnessVersion: '9.9.9' };
const story = [
  session,
  { type: 'turn.started', turn: 1 },
  { type: 'message', role: 'assistant', text: 'Delegating.' },
  { type: 'tool.started', callId: 'task', name: 'Task', kind: 'agent', input: { description: 'explore the repo' } },
  {
    type: 'tool.started',
    callId: 'r1',
    name: 'Read',
    kind: 'read',
    input: { file_path: '/w/missing.ts' },
    parentCallId: 'task',
  },
  {
    type: 'tool.completed',
    callId: 'r1',
    name: 'Read',
    output: 'ENOENT: no such file',
    isError: true,
    durationMs: 12,
    parentCallId: 'task',
  },
  { type: 'message', role: 'assistant', text: 'Nothing there.', parentCallId: 'task' },
  { type: 'tool.completed', callId: 'task', name: 'Task', output: 'Nothing there.', isError: false, durationMs: 1500 },
  { type: 'usage', scope: 'turn', source: 'stream', confidence: 'exact', input: 1234, output: 56, cacheRead: 1000 },
  { type: 'turn.completed', turn: 1 },
  { type: 'result', ok: true, result: 'Done.' },
];

type Json = Record<string, any>;

describe('the run store through the CLI', () => {
  it('records a run; runs lists it; runs show <prefix> draws the timeline with the sub-agent nested', async () => {
    const dir = scratch();
    const t = transcript(dir, 't.jsonl', story);
    const r = await runCli(['run', '-H', 'fake', '-m', 'big', 'look', '--tag', 'nightly'], {
      cwd: dir,
      env: { OMNIGENT_FAKE_TRANSCRIPT: t },
    });
    expect(r.code).toBe(0);
    const list = await runCli(['runs', '--json'], { cwd: dir });
    const [run] = JSON.parse(list.stdout) as Json[];
    expect(run).toMatchObject({
      harness: 'fake',
      model: 'fake-model',
      requestedModel: 'big',
      status: 'completed',
      tags: ['nightly'],
      toolCalls: 2,
      toolErrors: 1,
      harnessVersion: '9.9.9',
      sessionId: 's-9',
      prompt: 'look',
      cwd: dir,
    });
    expect(run!.usage).toMatchObject({ input: 1234, output: 56, cacheRead: 1000, confidence: 'exact' });

    const table = await runCli(['runs'], { cwd: dir });
    expect(table.stdout).toMatch(/^ID\s+STARTED\s+HARNESS\s+MODEL\s+STATUS/);
    expect(table.stdout).toContain(`${(run!.id as string).slice(0, 8)}  `);
    expect(table.stdout).toMatch(/fake\s+fake-model\s+completed\s+\S+\s+1,234\/56\s+—\s+2 \(1 err\)\s+nightly/);

    const show = await runCli(['runs', 'show', (run!.id as string).slice(0, 6)], { cwd: dir });
    expect(show.code).toBe(0);
    const lines = show.stdout.split('\n');
    expect(lines[0]).toBe(`run ${run!.id as string}`);
    expect(show.stdout).toMatch(/tokens\s+in 1,234 \(cache 1,000\) · out 56 \[exact/);
    const task = lines.find((l) => l.includes('Task [agent] explore the repo'))!;
    const read = lines.find((l) => l.includes('Read [read] /w/missing.ts'))!;
    const sub = lines.find((l) => l.includes('assistant (sub-agent): Nothing there.'))!;
    expect(task).toMatch(/-> ok 1\.5s$/);
    expect(read).toMatch(/-> FAILED \(error\) 12ms: ENOENT: no such file$/);
    const indent = (l: string): number => /^\s*\+\S+\s+/.exec(l)![0].length;
    expect(indent(read)).toBe(indent(task) + 2);
    expect(indent(sub)).toBe(indent(task) + 2);
    expect(show.stdout).toMatch(/completed in \S+: Done\./);

    const json = JSON.parse((await runCli(['runs', 'show', run!.id as string, '--json'], { cwd: dir })).stdout) as Json;
    expect(json.run.id).toBe(run!.id);
    expect((json.events as Json[]).map((e) => e.type)).toEqual([
      'session.started',
      'turn.started',
      'message',
      'tool.started',
      'tool.started',
      'tool.completed',
      'message',
      'tool.completed',
      'usage',
      'turn.completed',
      'run.completed',
    ]);

    const missing = await runCli(['runs', 'show', 'zzzz'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No stored run has an id starting with "zzzz"');
  });

  it('keeps the events of a run whose omnigent was SIGKILLed mid-run, and lists it as interrupted', async () => {
    const dir = scratch();
    const pidFile = join(dir, 'fake.pids');
    const t = transcript(dir, 't.jsonl', [
      session,
      { type: 'tool.started', callId: 'b', name: 'Bash', kind: 'shell', input: { command: 'npm test' } },
      { type: 'tool.completed', callId: 'b', name: 'Bash', output: 'ok', isError: false, durationMs: 30 },
      { type: 'usage', scope: 'turn', source: 'stream', confidence: 'exact', input: 500, output: 20 },
      { $fake: 'sleep', ms: 60_000 },
      { type: 'result', ok: true },
    ]);
    let killed = false;
    try {
      const r = await runCli(['run', '-H', 'fake', '--json', 'work'], {
        cwd: dir,
        env: { OMNIGENT_FAKE_TRANSCRIPT: t, OMNIGENT_FAKE_PID_FILE: pidFile },
        onStdout: (text, child) => {
          if (!killed && text.includes('"type":"usage"')) {
            killed = true;
            child.kill('SIGKILL');
          }
        },
      });
      expect(r.signal).toBe('SIGKILL');
      const [run] = JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout) as Json[];
      expect(run).toMatchObject({ status: 'interrupted', reason: 'killed', toolCalls: 1, events: 4 });
      // totals of a run that never finished are a lower bound
      expect(run!.usage).toMatchObject({ input: 500, output: 20, confidence: 'partial' });
      const shown = JSON.parse(
        (await runCli(['runs', 'show', run!.id as string, '--json'], { cwd: dir })).stdout,
      ) as Json;
      expect((shown.events as Json[]).map((e) => e.type)).toEqual([
        'session.started',
        'tool.started',
        'tool.completed',
        'usage',
      ]);
      const text = await runCli(['runs', 'show', run!.id as string], { cwd: dir });
      expect(text.stdout).toContain('interrupted (killed)');
      expect(text.stdout).toContain('the omnigent process died; 4 events kept');
      expect((await runCli(['runs', '--status', 'interrupted', '--json'], { cwd: dir })).stdout).toContain(
        run!.id as string,
      );
      expect(JSON.parse((await runCli(['compare', '--json'], { cwd: dir })).stdout).groups[0].tokens.input).toEqual({
        total: 500,
        mean: 500,
        reported: 1,
        partial: true,
        estimated: false,
      });
    } finally {
      // The harness outlives a SIGKILLed omnigent (its own process group): end it.
      if (existsSync(pidFile)) {
        for (const pid of readFileSync(pidFile, 'utf8').trim().split('\n').map(Number)) {
          if (pid > 0 && isAlive(pid)) process.kill(pid, 'SIGKILL');
        }
      }
    }
  });

  it('records nothing with --no-store or config store.enabled: false; config store.path moves the store', async () => {
    const dir = scratch();
    const t = transcript(dir, 't.jsonl', story);
    await runCli(['run', '-H', 'fake', '--no-store', 'x'], { cwd: dir, env: { OMNIGENT_FAKE_TRANSCRIPT: t } });
    expect(existsSync(join(dir, '.store', 'index.jsonl'))).toBe(false);

    const off = scratch({ store: { enabled: false } });
    await runCli(['run', '-H', 'fake', 'x'], { cwd: off, env: { OMNIGENT_FAKE_TRANSCRIPT: t } });
    expect(existsSync(join(off, '.store', 'index.jsonl'))).toBe(false);

    const moved = scratch({ store: { path: 'my-runs' } });
    const r = await runCli(['run', '-H', 'fake', 'x'], {
      cwd: moved,
      env: { OMNIGENT_FAKE_TRANSCRIPT: t, OMNIGENT_STORE: undefined },
    });
    expect(r.code).toBe(0);
    expect(readFileSync(join(moved, 'my-runs', 'index.jsonl'), 'utf8')).toContain('"k":"end"');
    const listed = JSON.parse(
      (await runCli(['runs', '--json'], { cwd: moved, env: { OMNIGENT_STORE: undefined } })).stdout,
    ) as Json[];
    expect(listed).toHaveLength(1);
  });

  it('bad input says what is wrong and what to do: unknown id, bad --since, bad --limit, a store that is a file (exit 2); an empty store is not "no match"', async () => {
    const dir = scratch();
    const empty = await runCli(['runs'], { cwd: dir });
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain(`No runs recorded yet (store: ${join(dir, '.store')}).`);
    const t = transcript(dir, 't.jsonl', story);
    expect((await runCli(['run', '-H', 'fake', 'x'], { cwd: dir, env: { OMNIGENT_FAKE_TRANSCRIPT: t } })).code).toBe(0);
    const none = await runCli(['runs', '--harness', 'codex'], { cwd: dir });
    expect(none.stdout).toBe(
      `No stored run matches these filters (the store at ${join(dir, '.store')} holds 1 run).\n`,
    );
    expect((await runCli(['compare', '--harness', 'codex'], { cwd: dir })).stdout).toContain(
      'No stored run matches these filters',
    );

    const unknown = await runCli(['runs', 'show', 'zzzz'], { cwd: dir });
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      `omnigent: No stored run has an id starting with "zzzz".\n  omnigent runs lists them (store: ${join(dir, '.store')}).\n`,
    ]);
    const since = await runCli(['runs', '--since', 'yesterday'], { cwd: dir });
    expect([since.code, since.stderr]).toEqual([
      2,
      'omnigent: --since expects a duration like 30m, 24h, 7d, 2w or a date like 2026-01-31, got "yesterday"\n',
    ]);
    // regression: --limit -1 listed every run but the oldest, --limit abc listed nothing
    for (const limit of ['-1', '0', 'abc', '2.5']) {
      const r = await runCli(['runs', '--limit', limit], { cwd: dir });
      expect(r.code, limit).toBe(2);
      expect(r.stderr, limit).toMatch(/^omnigent: --limit expects a whole number of at least 1/);
    }
    // regression: a store path that is a file printed a raw ENOTDIR and exited 1
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const bad = await runCli(['runs'], { cwd: dir, env: { OMNIGENT_STORE: file } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      `omnigent: cannot read the run store at ${file}: it is not a directory\n  Point OMNIGENT_STORE (or store.path in omnigent.config) at a directory you can read and write.\n`,
    );
    expect((await runCli(['compare'], { cwd: dir, env: { OMNIGENT_STORE: file } })).code).toBe(2);
  }, 120_000);
});
