import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, scratch, transcript } from './helpers.js';

type Json = Record<string, any>;

const SECRET = 'tok-9f8e7d6c5b4a39281706';
const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8);

/** Every file and directory of a store, with its permission bits. */
function modes(store: string): Record<string, string> {
  const out: Record<string, string> = { '.': mode(store) };
  for (const name of readdirSync(store, { recursive: true }) as string[]) out[name] = mode(join(store, name));
  return out;
}

/** Every byte the store holds, as text. */
function storeText(store: string): string {
  return (readdirSync(store, { recursive: true }) as string[])
    .map((name) => join(store, name))
    .filter((p) => statSync(p).isFile())
    .map((p) => readFileSync(p, 'utf8'))
    .join('\n');
}

describe('the run store is private', () => {
  it('creates the store owner-only: folders 0700, files 0600 (not 0755/0644 as the umask gives)', async () => {
    const dir = scratch();
    const t = transcript(dir, 't.jsonl', [
      { type: 'message', role: 'assistant', text: 'hi' },
      { type: 'result', ok: true },
    ]);
    const store = join(dir, '.store');
    const r = await runCli(['run', '-H', 'fake', 'hello'], { cwd: dir, env: { OMNIGENT_FAKE_TRANSCRIPT: t } });
    expect(r.code).toBe(0);
    const m = modes(store);
    expect(Object.keys(m).sort()).toEqual(expect.arrayContaining(['.', 'index.jsonl', 'runs']));
    for (const [name, bits] of Object.entries(m))
      expect(`${name} ${bits}`).toBe(`${name} ${statSync(join(store, name)).isDirectory() ? '700' : '600'}`);
    expect(Object.keys(m).filter((n) => n.endsWith('.request.json'))).toHaveLength(1);
  });

  it('tightens a store an older omnigent left world-readable when it next writes there', async () => {
    const dir = scratch();
    const store = join(dir, '.store');
    mkdirSync(join(store, 'runs'), { recursive: true });
    chmodSync(store, 0o755);
    chmodSync(join(store, 'runs'), 0o755);
    const old = {
      k: 'start',
      id: 'old-run-1',
      harness: 'fake',
      startedAt: '2026-01-01T00:00:00.000Z',
      cwd: dir,
      tags: [],
      prompt: 'old',
    };
    writeFileSync(
      join(store, 'index.jsonl'),
      `${JSON.stringify(old)}\n${JSON.stringify({ k: 'end', id: 'old-run-1', status: 'completed', toolCalls: 0, toolErrors: 0, tools: {}, events: 0 })}\n`,
      { mode: 0o644 },
    );
    chmodSync(join(store, 'index.jsonl'), 0o644);
    const t = transcript(dir, 't.jsonl', [{ type: 'result', ok: true }]);
    const r = await runCli(['run', '-H', 'fake', 'again'], { cwd: dir, env: { OMNIGENT_FAKE_TRANSCRIPT: t } });
    expect(r.code).toBe(0);
    expect(mode(store)).toBe('700');
    expect(mode(join(store, 'runs'))).toBe('700');
    expect(mode(join(store, 'index.jsonl'))).toBe('600');
    const runs = JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout) as Json[];
    expect(runs.map((x) => x.prompt)).toEqual(['again', 'old']);
  });

  it('redacts secrets before storing: request, index, events and runs show hold none, so a later export cannot send one', async () => {
    const dir = scratch();
    const t = transcript(dir, 't.jsonl', [
      { $fake: 'echo-prompt' },
      {
        type: 'tool.started',
        callId: 'b',
        name: 'Bash',
        kind: 'shell',
        input: { command: `curl -H "Authorization: Bearer ${SECRET}" https://x` },
      },
      {
        type: 'tool.completed',
        callId: 'b',
        name: 'Bash',
        output: `token is ${SECRET}`,
        isError: false,
        durationMs: 5,
      },
      { type: 'result', ok: true },
    ]);
    const store = join(dir, '.store');
    const prompt = `deploy with SECRET_TOKEN=${SECRET} and key sk-ant-api03-abcdefghijklmnopqrstuv`;
    const r = await runCli(['run', '-H', 'fake', '--json', prompt], {
      cwd: dir,
      env: { OMNIGENT_FAKE_TRANSCRIPT: t, SECRET_TOKEN: SECRET },
    });
    expect(r.code).toBe(0);
    // the live stream is the user's own terminal: untouched
    expect(r.stdout).toContain(SECRET);
    const stored = storeText(store);
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain('sk-ant-api03-abcdefghijklmnopqrstuv');
    expect(stored).toContain('[REDACTED]');
    const requestFile = readdirSync(join(store, 'runs')).find((n) => n.endsWith('.request.json'))!;
    expect((JSON.parse(readFileSync(join(store, 'runs', requestFile), 'utf8')) as Json).prompt).toBe(
      'deploy with SECRET_TOKEN=[REDACTED] and key [REDACTED]',
    );

    // read back in a shell that does not hold the variable: nothing to redact with, nothing to leak
    const [run] = JSON.parse(
      (await runCli(['runs', '--json'], { cwd: dir, env: { SECRET_TOKEN: undefined } })).stdout,
    ) as Json[];
    const show = await runCli(['runs', 'show', run!.id as string, '--json'], {
      cwd: dir,
      env: { SECRET_TOKEN: undefined },
    });
    expect(show.code).toBe(0);
    expect(show.stdout).not.toContain(SECRET);
    const shown = JSON.parse(show.stdout) as Json;
    expect((shown.events as Json[]).find((e) => e.type === 'message')!.text).toContain('SECRET_TOKEN=[REDACTED]');
    expect((shown.events as Json[]).find((e) => e.type === 'tool.completed')!.output).toBe('token is [REDACTED]');
    const text = await runCli(['runs', 'show', run!.id as string], { cwd: dir, env: { SECRET_TOKEN: undefined } });
    expect(text.stdout).not.toContain(SECRET);
  });

  it('stores what it was given with OMNIGENT_STORE_REDACT=false or config store.redact: false', async () => {
    for (const [config, env] of [
      [{}, { OMNIGENT_STORE_REDACT: 'false' }],
      [{ store: { redact: false } }, {}],
    ] as const) {
      const dir = scratch(config);
      const t = transcript(dir, 't.jsonl', [{ $fake: 'echo-prompt' }, { type: 'result', ok: true }]);
      const r = await runCli(['run', '-H', 'fake', `use ${SECRET}`], {
        cwd: dir,
        env: { OMNIGENT_FAKE_TRANSCRIPT: t, SECRET_TOKEN: SECRET, ...env },
      });
      expect(r.code).toBe(0);
      expect(storeText(join(dir, '.store'))).toContain(`use ${SECRET}`);
    }
  });
});
