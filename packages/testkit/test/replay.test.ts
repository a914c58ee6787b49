import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { defineHarness, type NonTerminalDraft } from '@omnigent/core';
import { assertRunInvariants, replayTranscript } from '../src/conformance.js';
import { fakeHarness, ofType, readExitMeta, translateTranscript } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'omnigent-replay-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// a plugin that writes neither createState nor finish: the contract defaults apply
const echo = defineHarness({
  name: 'echo',
  meta: { version: '1' },
  capabilities: {},
  binary: { names: ['echo'], install: 'none' },
  command: (r) => ({ args: [r.prompt] }),
  translate: (record) => [{ type: 'message', role: 'assistant', text: String((record as { text?: unknown }).text) }],
});

describe('translateTranscript', () => {
  it('replays records through translate and finish, with the exit given', () => {
    const { events, terminal, all } = translateTranscript(fakeHarness, [
      { type: 'message', role: 'assistant', text: 'hi' },
      { type: 'result', ok: true, result: 'hi' },
    ]);
    expect(events).toEqual([{ type: 'message', role: 'assistant', text: 'hi' }]);
    expect(terminal).toEqual({ type: 'run.completed', result: 'hi' });
    expect(all.at(-1)).toEqual(terminal);
    expect(
      translateTranscript(fakeHarness, [{ type: 'result', ok: true }], { exit: { exitCode: 2 } }).terminal,
    ).toBeUndefined();
  });

  it('reads a transcript file and takes the exit from its <case>.meta.json', () => {
    const file = join(dir, 'crash.jsonl');
    writeFileSync(file, '{"text":"a"}\n\n{"text":"b"}\n');
    writeFileSync(
      join(dir, 'crash.meta.json'),
      JSON.stringify({ exitCode: null, signal: 'SIGSEGV', stderr: 'segfault\n', requests: 1 }),
    );
    expect(readExitMeta(file)).toEqual({ exitCode: null, signal: 'SIGSEGV', stderr: 'segfault\n', requests: 1 });
    const { events } = translateTranscript(echo, file);
    expect(events.map((e) => (e.type === 'message' ? e.text : e.type))).toEqual(['a', 'b']);
    // the meta's exit reaches finish(); an explicit exit wins over it
    const seen: unknown[] = [];
    const spy = { ...fakeHarness, finish: (_s: unknown, exit: unknown) => (seen.push(exit), {}) };
    translateTranscript(spy, file);
    translateTranscript(spy, file, { exit: { exitCode: 0, signal: undefined } });
    expect(seen).toEqual([
      { exitCode: undefined, signal: 'SIGSEGV', stderrTail: 'segfault\n', durationMs: 1 },
      { exitCode: 0, signal: undefined, stderrTail: 'segfault\n', durationMs: 1 },
    ]);
  });

  it('a transcript without a meta file exited 0', () => {
    const file = join(dir, 'plain.jsonl');
    writeFileSync(file, '{"text":"a"}\n');
    expect(readExitMeta(file)).toBeUndefined();
    const seen: unknown[] = [];
    translateTranscript({ ...fakeHarness, finish: (_s: unknown, exit: unknown) => (seen.push(exit), {}) }, file);
    expect(seen).toEqual([{ exitCode: 0, stderrTail: '', durationMs: 1 }]);
  });

  it('ofType narrows drafts by type', () => {
    const drafts: NonTerminalDraft[] = [
      { type: 'message', role: 'assistant', text: 'x' },
      { type: 'turn.started', turn: 1 },
    ];
    const messages = ofType(drafts, 'message');
    expectTypeOf(messages[0]!.text).toBeString();
    expect(messages).toHaveLength(1);
  });
});

describe('a plugin without createState and finish (contract defaults)', () => {
  it('runs through the real runner: exit 0 completes, a failing exit fails naming the plugin and stderr', async () => {
    const transcript = join(dir, 'echo.jsonl');
    writeFileSync(transcript, '{"text":"hello"}\n');
    const ok = await replayTranscript(echo, transcript);
    assertRunInvariants(ok);
    expect(ofType(ok, 'message').map((m) => m.text)).toEqual(['hello']);
    expect(ok.at(-1)).toMatchObject({ type: 'run.completed', exitCode: 0 });
    const failed = await replayTranscript(echo, transcript, { exitCode: 3, stderr: 'fatal: no such model' });
    assertRunInvariants(failed);
    expect(failed.at(-1)).toMatchObject({
      type: 'run.failed',
      reason: 'exit',
      exitCode: 3,
      message: 'echo exited with code 3: fatal: no such model',
    });
  });
});
