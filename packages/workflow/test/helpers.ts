import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OmnigentEvent, TerminalEvent } from '@omnigent/core';
import type { StepRunInput } from '../src/index.js';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@localhost',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@localhost',
};

/** Run git in `cwd`, returning stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' });
}

/** A scratch git repository with one committed file. */
export function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'omnigent-wf-test-'));
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'README.md'), 'hello\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  return dir;
}

/** A scratch directory outside git. */
export function plainDir(): string {
  return mkdtempSync(join(tmpdir(), 'omnigent-wf-plain-'));
}

/** Emit an assistant message as a harness would. */
export function say(input: StepRunInput, text: string): void {
  const e: OmnigentEvent = {
    type: 'message',
    role: 'assistant',
    text,
    runId: input.runId,
    harness: input.step.harness,
    seq: 0,
    time: new Date().toISOString(),
    step: input.step.id,
  };
  input.onEvent(e);
}

/** A terminal event for a step attempt. */
export function terminal(
  input: StepRunInput,
  ok: boolean,
  extra: Partial<TerminalEvent> = {},
): { terminal: TerminalEvent } {
  const base = {
    runId: input.runId,
    harness: input.step.harness,
    seq: 1,
    time: new Date().toISOString(),
    durationMs: 1,
  };
  return {
    terminal: ok
      ? ({ ...base, type: 'run.completed', ...extra } as TerminalEvent)
      : ({
          ...base,
          type: 'run.failed',
          reason: 'exit',
          message: 'exited with code 1',
          exitCode: 1,
          ...extra,
        } as TerminalEvent),
  };
}
