import { describe, expect, it } from 'vitest';
import {
  describeExit,
  jsonlRecords,
  describeOutsideStop,
  exitFields,
  exitReason,
  firstLine,
  isRecord,
  lastLine,
  num,
  str,
  tailOf,
} from '../src/kit.js';
import { defineHarness } from '../src/contract.js';

describe('plugin kit', () => {
  it('isRecord accepts plain objects only', () => {
    expect([{}, { a: 1 }].map(isRecord)).toEqual([true, true]);
    expect([null, [], 'x', 1, undefined].map(isRecord)).toEqual([false, false, false, false, false]);
  });

  it('str and num keep only usable values', () => {
    expect([str('a'), str(''), str(1)]).toEqual(['a', undefined, undefined]);
    expect([num(0), num(Number.NaN), num(Infinity), num('3')]).toEqual([0, undefined, undefined, undefined]);
  });

  it('lastLine/firstLine skip blank lines, trim and cut long lines', () => {
    expect(lastLine('a\n  b  \n\n')).toBe('b');
    expect(firstLine('\n\n x \ny')).toBe('x');
    expect(lastLine('')).toBeUndefined();
    expect(firstLine(undefined)).toBeUndefined();
    expect(lastLine('x'.repeat(900))).toHaveLength(500);
    expect(tailOf('abcdef', 3)).toBe('def');
  });

  it('describeExit is the one phrase for how a process ended', () => {
    expect(describeExit({ exitCode: 2 })).toBe('exited with code 2');
    expect(describeExit({ exitCode: undefined, signal: 'SIGKILL' })).toBe('was killed by SIGKILL');
    expect(describeExit({})).toBe('exited with code unknown');
    expect(describeOutsideStop({ exitCode: 143 })).toBe('exited with code 143 (SIGTERM from outside omnigent)');
    expect(describeOutsideStop({ exitCode: 143, endedByRunner: 'aborted' })).toBe('exited with code 143');
  });

  it('exitReason: only the runner makes a run aborted or timed out', () => {
    expect(exitReason({})).toBe('exit');
    expect(exitReason({ endedByRunner: 'aborted' })).toBe('aborted');
    expect(exitReason({ endedByRunner: 'timeout' })).toBe('timeout');
  });

  it('exitFields leaves absent fields out', () => {
    expect(exitFields({ exitCode: 1, stderrTail: '' })).toEqual({ exitCode: 1 });
    expect(exitFields({ signal: 'SIGSEGV', stderrTail: 'boom' })).toEqual({ signal: 'SIGSEGV', stderrTail: 'boom' });
    expect(
      exitFields({ exitCode: 1, signal: 'SIGSEGV', stderrTail: 'boom' }, { signal: false, stderr: false }),
    ).toEqual({ exitCode: 1 });
  });
});

describe('optional createState and finish', () => {
  const minimal = defineHarness({
    name: 'minimal',
    meta: { version: '1' },
    capabilities: {},
    binary: { names: ['minimal'], install: 'npm i minimal' },
    command: (req) => ({ args: [req.prompt] }),
    translate: () => [],
  });

  it('a plugin without them gets undefined state and leaves the outcome to the runner', () => {
    expect(minimal.createState({ prompt: 'x' })).toBeUndefined();
    expect(minimal.finish(undefined, { exitCode: 0, stderrTail: '', durationMs: 1 })).toEqual({});
    expect(minimal.finish(undefined, { exitCode: 3, stderrTail: 'bad flag\n', durationMs: 1 })).toEqual({});
  });
});

describe('jsonlRecords', () => {
  it('keeps the objects of a session file and skips blank lines, non-objects and a torn last line', () => {
    const text = '{"type":"session","id":"s1"}\n\n[1,2]\n"text"\n{"type":"message","n":2}\n{"type":"mess';
    expect(jsonlRecords(text)).toEqual([
      { type: 'session', id: 's1' },
      { type: 'message', n: 2 },
    ]);
  });
});
