import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, scratch } from './helpers.js';

type Json = Record<string, any>;

const T0 = '2026-03-01T10:00:00.000Z';
const at = (s: number): string => new Date(Date.parse(T0) + s * 1000).toISOString();
const end = (id: string, extra: Json = {}): Json => ({
  k: 'end',
  id,
  status: 'completed',
  durationMs: 2000,
  toolCalls: 1,
  toolErrors: 0,
  tools: { Read: { calls: 1, errors: 0, durations: [12] } },
  events: 4,
  usage: { input: 100, output: 10, confidence: 'exact' },
  ...extra,
});

/**
 * A store holding one record of every odd kind: records of an older omnigent (no tags, no tools),
 * of a newer one (unknown fields and record kinds), records of the wrong shape, a torn last line,
 * and an index cache that no longer matches the index.
 */
function oddStore(dir: string): string {
  const store = join(dir, '.store');
  mkdirSync(join(store, 'runs'), { recursive: true });
  const index = [
    JSON.stringify({
      k: 'start',
      id: 'aaaa1111',
      harness: 'codex',
      startedAt: at(0),
      cwd: dir,
      tags: ['good'],
      prompt: 'fine',
    }),
    'null',
    '42',
    JSON.stringify({ k: 'start', id: 'bad-harness', harness: 5, startedAt: at(1), cwd: dir, tags: [] }),
    JSON.stringify(end('aaaa1111')),
    // written by an older omnigent: no tags, no tools
    JSON.stringify({ k: 'start', id: 'bbbb2222', harness: 'claude-code', startedAt: at(2), cwd: dir }),
    JSON.stringify({
      k: 'end',
      id: 'bbbb2222',
      status: 'failed',
      reason: 'exit',
      message: 'boom',
      toolCalls: 0,
      toolErrors: 0,
      events: 1,
    }),
    // written by a newer omnigent: unknown fields and an unknown record kind
    JSON.stringify({
      k: 'start',
      id: 'cccc3333',
      harness: 'pi',
      startedAt: at(3),
      cwd: dir,
      tags: [],
      sandbox: { kind: 'vm' },
    }),
    JSON.stringify({ k: 'note', id: 'cccc3333', text: 'from the future' }),
    JSON.stringify(end('cccc3333', { energyJoules: 12, status: 'completed' })),
    JSON.stringify({ k: 'end', id: 'dddd4444', status: 'completed', tools: 'many' }),
  ];
  writeFileSync(join(store, 'index.jsonl'), `${index.join('\n')}\n`);
  // a cache from before: covers bytes it does not match, with entries of a shape no reader expects
  writeFileSync(
    join(store, 'index.cache.json'),
    JSON.stringify({ v: 1, bytes: 40, ended: [{ id: 'ghost' }], open: [null] }),
  );
  const events = [
    { type: 'session.started', time: at(0), harness: 'codex', model: 'gpt-x' },
    null,
    { type: 'message', time: at(0.5), role: 'assistant', text: 42 },
    { type: 'message', time: at(1), role: 'assistant', text: 'all good here' },
    { type: 'tool.started', time: at(1), callId: 'r', name: 'Read', kind: 'read', input: { file_path: '/x' } },
    { type: 'tool.completed', time: at(1.1), callId: 'r', name: 'Read', isError: false, durationMs: 12 },
    { type: 'hologram', time: at(1.2), depth: 3 },
    { type: 'run.completed', time: at(2), durationMs: 2000 },
  ];
  writeFileSync(
    join(store, 'runs', 'aaaa1111.jsonl'),
    `${events.map((e) => JSON.stringify(e)).join('\n')}\n{"type":"message","time":"${at(3)}","te`,
  );
  return store;
}

describe('readers never crash on odd records', () => {
  it('runs, runs show, compare and report --html read the rest and say once what they skipped', async () => {
    const dir = scratch();
    const store = oddStore(dir);
    const indexFile = join(store, 'index.jsonl');
    const eventsFile = join(store, 'runs', 'aaaa1111.jsonl');

    const list = await runCli(['runs'], { cwd: dir });
    expect(list.stderr).not.toMatch(/internal|TypeError|at .*\.js/);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/aaaa1111 .* codex .* completed .* good/);
    expect(list.stdout).toMatch(/bbbb2222 .* claude-code .* failed \(exit\)/);
    expect(list.stdout).toMatch(/cccc3333 .* pi .* completed/);
    expect(list.stdout).not.toContain('bad-harn');
    const skipped = list.stderr.split('\n').filter((l) => l.includes('skipped'));
    expect(skipped).toEqual([
      `omnigent: 4 records in ${indexFile} were skipped (unreadable: 1 null, 1 not an object, 1 start record with a bad harness, 1 end record with a bad tools); the rest of the store reads as usual.`,
    ]);

    const json = JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout) as Json[];
    expect(json.map((r) => r.id)).toEqual(['cccc3333', 'bbbb2222', 'aaaa1111']);
    expect(json.find((r) => r.id === 'bbbb2222')).toMatchObject({ tags: [], tools: {} });
    // fields of a newer omnigent are kept
    expect(json.find((r) => r.id === 'cccc3333')).toMatchObject({ sandbox: { kind: 'vm' }, energyJoules: 12 });

    const show = await runCli(['runs', 'show', 'aaaa'], { cwd: dir });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('assistant: all good here');
    expect(show.stdout).toMatch(/Read \[read\] \/x\s+-> ok 12ms/);
    expect(show.stdout).toContain('completed in 2.0s');
    expect(show.stderr).toContain(`omnigent: 3 records in ${eventsFile} were skipped (unreadable: `);
    expect(show.stderr).toMatch(/1 null/);
    expect(show.stderr).toMatch(/1 message with a bad text/);
    expect(show.stderr).toMatch(/1 not JSON/);
    expect(show.stderr.match(/were skipped/g)).toHaveLength(2);
    const showJson = JSON.parse((await runCli(['runs', 'show', 'aaaa', '--json'], { cwd: dir })).stdout) as Json;
    expect((showJson.events as Json[]).map((e) => e.type)).toEqual([
      'session.started',
      'message',
      'tool.started',
      'tool.completed',
      'hologram',
      'run.completed',
    ]);

    const older = await runCli(['runs', 'show', 'bbbb'], { cwd: dir });
    expect(older.code).toBe(0);
    expect(older.stdout).toContain('(no events stored)');

    const compare = await runCli(['compare'], { cwd: dir });
    expect(compare.code).toBe(0);
    expect(compare.stdout).toMatch(/^HARNESS\s+RUNS/);
    expect(compare.stdout).toMatch(/codex\s+1\s+100%/);
    expect(compare.stderr.match(/were skipped/g)).toHaveLength(1);
    for (const by of [['--by', 'tool'], ['--csv'], ['--json']])
      expect((await runCli(['compare', ...by], { cwd: dir })).code, by.join(' ')).toBe(0);

    const report = await runCli(['report', '--html', 'r.html'], { cwd: dir });
    expect(report.code).toBe(0);
    expect(report.stdout).toContain('(3 runs)');
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toContain('aaaa1111');
    expect(html).toMatch(/<svg[^>]*class="timeline"/);
    expect(report.stderr.match(/were skipped/g)).toHaveLength(2);
  });
});
