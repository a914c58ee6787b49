import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { defineHarness, type NonTerminalDraft } from '@omnigent/core';
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
    const { events, terminal, all } = translateTranscript(fakeHarness, [{ type: 'message', role: 'assistant', text: 'hi' }, { type: 'result', ok: true, result: 'hi' }]);
    expect(events).toEqual([{ type: 'message', role: 'assistant', text: 'hi' }]);
    expect(terminal).toEqual({ type: 'run.completed', result: 'hi' });
    expect(all.at(-1)).toEqual(terminal);
    expect(translateTranscript(fakeHarness, [{ type: 'result', ok: true }], { exit: { exitCode: 2 } }).terminal).toBeUndefined();
  });

  it('reads a transcript file and takes the exit from its <case>.meta.json', () => {
    const file = join(dir, 'crash.jsonl');
    writeFileSync(file, '{"text":"a"}\n\n{"text":"b"}\n');
    writeFileSync(join(dir, 'crash.meta.json'), JSON.stringify({ exitCode: null, signal: 'SIGSEGV', stderr: 'segfault\n', requests: 1 }));
    expect(readExitMeta(file)).toEqual({ exitCode: null, signal: 'SIGSEGV', stderr: 'segfault\n', requests: 1 });
    const { events, terminal } = translateTranscript(echo, file);
    expect(events.map((e) => (e.type === 'message' ? e.text : e.type))).toEqual(['a', 'b']);
    expect(terminal).toEqual({ type: 'run.failed', reason: 'exit', message: 'the harness was killed by SIGSEGV', signal: 'SIGSEGV', stderrTail: 'segfault\n' });
    // an explicit exit wins over the meta file
    expect(translateTranscript(echo, file, { exit: { exitCode: 0, signal: undefined } }).terminal).toEqual({ type: 'run.completed', exitCode: 0 });
  });

  it('a transcript without a meta file exited 0', () => {
    const file = join(dir, 'plain.jsonl');
    writeFileSync(file, '{"text":"a"}\n');
    expect(readExitMeta(file)).toBeUndefined();
    expect(translateTranscript(echo, file).terminal).toEqual({ type: 'run.completed', exitCode: 0 });
  });

  it('ofType narrows drafts by type', () => {
    const drafts: NonTerminalDraft[] = [{ type: 'message', role: 'assistant', text: 'x' }, { type: 'turn.started', turn: 1 }];
    const messages = ofType(drafts, 'message');
    expectTypeOf(messages[0]!.text).toBeString();
    expect(messages).toHaveLength(1);
  });
});
