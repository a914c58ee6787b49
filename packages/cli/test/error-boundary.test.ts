// The CLI has one error boundary (main.ts): every command throws, and the boundary prints
// `omnigent: message` + hint once and picks the documented exit code.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../src/command-error.js';
import { EXIT, exitCodeForError, isKnownError } from '../src/exit-codes.js';
import { runCli, scratch } from './helpers.js';

describe('exit codes of thrown errors', () => {
  it('a CommandError leaves with the exit code it carries', () => {
    const e = new CommandError('export failed', { exitCode: EXIT.runFailed, hint: 'start the collector' });
    expect(isKnownError(e)).toBe(true);
    expect(exitCodeForError(e)).toBe(1);
    expect(exitCodeForError(new CommandError('stopped', { exitCode: EXIT.interrupted }))).toBe(130);
  });

  it('an error with an undocumented exit code or no known code is internal (exit 1, reported with its stack)', () => {
    const odd = Object.assign(new Error('odd'), { exitCode: 42 });
    expect(isKnownError(odd)).toBe(false);
    expect(exitCodeForError(odd)).toBe(1);
    expect(isKnownError(new TypeError('x is undefined'))).toBe(false);
  });

  it("the store's errors keep their codes: a bad query is usage (2), an unreadable store is config (2)", async () => {
    const { StoreQueryError, StoreAccessError } = await import('@omnigent/store');
    expect(exitCodeForError(new StoreQueryError('--since: bad'))).toBe(2);
    expect(exitCodeForError(new StoreAccessError('/x', Object.assign(new Error('no'), { code: 'EACCES' })))).toBe(2);
  });
});

/** The `omnigent:` lines of stderr (each error is said once, with its hint on the next line). */
const said = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('omnigent:'));

describe('store commands through the boundary', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['runs', ['runs', '--status', 'nope'], /--status expects one of/],
    ['runs show', ['runs', 'show', 'no-such-run'], /no-such-run/],
    ['compare', ['compare', '--by', 'colour'], /--by expects harness, model, step/],
    ['report', ['report', '--html', 'r.html', '--timelines', '-1'], /--timelines expects a whole number/],
    ['export', ['export'], /Say which runs to export/],
  ];
  for (const [name, args, message] of cases) {
    it(`${name}: a bad query is said once on stderr, nothing on stdout, exit 2`, async () => {
      const dir = scratch();
      const r = await runCli(args, { cwd: dir });
      expect(r.code).toBe(2);
      expect(said(r.stderr)).toHaveLength(1);
      expect(said(r.stderr)[0]).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(r.stdout).toBe('');
    });
  }

  it('a store path that is a file: runs, compare and report say so once with the fix, exit 2', async () => {
    const dir = scratch();
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    mkdirSync(join(dir, 'sub'));
    for (const args of [['runs'], ['compare'], ['report', '--html', join(dir, 'sub', 'r.html')]]) {
      const r = await runCli(args, { cwd: dir, env: { OMNIGENT_STORE: file } });
      expect(r.code).toBe(2);
      expect(said(r.stderr)).toEqual([expect.stringContaining(`cannot read the run store at ${file}`)]);
      expect(r.stderr).toContain('Point OMNIGENT_STORE');
    }
  });
});
