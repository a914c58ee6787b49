import { cpSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CheckResult } from '@omnigent/store';
import { runShell } from './shell.js';
import type { EvalCheck } from './task-file.js';

/** Lines of a check's output kept with the run. */
export const CHECK_TAIL_LINES = 20;
/** Default check timeout, seconds. */
export const CHECK_TIMEOUT_S = 300;

/**
 * Copy a check's files into the work tree: a folder's contents land at the work tree's root (so
 * `hidden/test/x.test.js` becomes `test/x.test.js`), a file lands at the root under its own name.
 */
export function copyCheckFiles(files: string[], workdir: string): void {
  for (const f of files) {
    if (statSync(f).isDirectory()) cpSync(f, workdir, { recursive: true, force: true });
    else cpSync(f, join(workdir, basename(f)), { force: true });
  }
}

/**
 * Run a task's checks in the agent's work tree, in order, each after copying its hidden files in.
 * Contract: pass = exit 0 within the timeout; every check runs (one failing does not hide the
 * others); the output tail is bounded to {@link CHECK_TAIL_LINES} lines; a check stopped or
 * skipped by `signal` fails with reason `interrupted` (the cell is then not judged).
 */
export async function runChecks(
  checks: EvalCheck[],
  workdir: string,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const c of checks) {
    if (signal?.aborted) {
      results.push({ name: c.name, pass: false, durationMs: 0, reason: 'interrupted' });
      continue;
    }
    try {
      copyCheckFiles(c.files, workdir);
    } catch (error) {
      results.push({
        name: c.name,
        pass: false,
        durationMs: 0,
        reason: 'spawn-failed',
        outputTail: `cannot copy the check's files: ${(error as Error).message}`,
      });
      continue;
    }
    let r: Awaited<ReturnType<typeof runShell>>;
    try {
      r = await runShell(c.run, workdir, env, {
        timeoutMs: (c.timeout ?? CHECK_TIMEOUT_S) * 1000,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      // a check that could not run (e.g. an install missing a package) fails: it must never count as passed
      results.push({
        name: c.name,
        pass: false,
        durationMs: 0,
        reason: 'spawn-failed',
        outputTail: `the check could not run: ${error instanceof Error ? error.message : String(error)}`,
      });
      continue;
    }
    const tail = r.output.trimEnd().split('\n').slice(-CHECK_TAIL_LINES).join('\n');
    results.push({
      name: c.name,
      pass: !r.timedOut && r.exitCode === 0,
      durationMs: r.durationMs,
      ...(r.exitCode !== undefined && !r.timedOut ? { exitCode: r.exitCode } : {}),
      ...(signal?.aborted
        ? { reason: 'interrupted' as const }
        : r.timedOut
          ? { reason: 'timeout' as const }
          : r.spawnError
            ? { reason: 'spawn-failed' as const }
            : r.exitCode !== 0
              ? { reason: 'exit' as const }
              : {}),
      ...(tail || r.spawnError ? { outputTail: r.spawnError ?? tail } : {}),
    });
  }
  return results;
}
