import { closeSync } from 'node:fs';
import { isatty } from 'node:tty';

/**
 * Stands for a lone `-` argument ("read stdin"): yargs-parser would read `-` as a flag, so main
 * swaps it for this marker before parsing. Contract: compare argument values with it, never retype it.
 */
export const STDIN_MARKER = '\u0000stdin';

/** Whether to use colors and symbols on stdout: a TTY, and NO_COLOR unset. */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

let stdoutClosed = false;
const closedListeners = new Set<() => void>();

/** True once the reader of stdout went away (`omnigent run --json | head -1`). */
export function isStdoutClosed(): boolean {
  return stdoutClosed;
}

/**
 * Call `listener` when the reader of stdout goes away (EPIPE). Commands that run harnesses use it
 * to stop them; with no listener the process exits quietly. Returns the unsubscribe.
 */
export function onStdoutClosed(listener: () => void): () => void {
  closedListeners.add(listener);
  return () => closedListeners.delete(listener);
}

/**
 * Route EPIPE (and EIO: the terminal was closed) on stdout to {@link onStdoutClosed} listeners
 * instead of crashing; stderr write errors are dropped (there is no one left to tell). Called once at start-up.
 */
export function watchStdout(): void {
  stdioTty = [isatty(0), isatty(1), isatty(2)];
  process.stderr.on('error', () => undefined);
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error;
    if (stdoutClosed) return;
    stdoutClosed = true;
    if (closedListeners.size === 0) process.exit(process.exitCode ?? 0);
    for (const l of closedListeners) l();
  });
}

/** Write to stdout, waiting for the pipe to drain (so nothing is lost before exit); a no-op once the reader is gone. */
export function writeOut(text: string): Promise<void> {
  if (stdoutClosed) return Promise.resolve();
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else {
      const done = (): void => {
        process.stdout.off('drain', done);
        unsubscribe();
        resolve();
      };
      const unsubscribe = onStdoutClosed(done);
      process.stdout.once('drain', done);
    }
  });
}

/** Read all of stdin as text. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Print an error the CLI way: `omnigent: <message>` plus the hint. */
export function printError(error: unknown): void {
  const e = error as { message?: string; hint?: string };
  process.stderr.write(`omnigent: ${e?.message ?? String(error)}\n`);
  if (e?.hint) process.stderr.write(`  ${e.hint}\n`);
}

/** Which of fds 0–2 were terminals at start-up (recorded by {@link watchStdout}). */
let stdioTty: boolean[] = [false, false, false];
let detachOnExit = false;

/**
 * After SIGHUP the terminal is gone, and Node's exit-time restore of its settings fails an internal
 * check (the process aborts with SIGABRT instead of exiting 130). Contract: call on SIGHUP; at
 * exit, the fds 0–2 that were terminals are closed first, so Node leaves them alone. Idempotent.
 */
export function detachTerminalOnExit(): void {
  if (detachOnExit) return;
  detachOnExit = true;
  process.once('exit', () => {
    for (const fd of [0, 1, 2]) {
      if (!stdioTty[fd]) continue;
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
  });
}
