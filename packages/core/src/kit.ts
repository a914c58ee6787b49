import type { ExitInfo } from './contract.js';

// Small helpers every harness plugin needs (published as `@omnigent/core/kit`). Contract: no
// runtime dependencies, no I/O: importing the kit never loads the process runner.

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value when it is a non-empty string. Default: undefined (also for `''`). */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The value when it is a finite number. Default: undefined (NaN, Infinity, numeric strings). */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Longest line the kit's line helpers return; longer lines are cut (stderr can hold megabytes in one line). */
export const MAX_LINE_CHARS = 500;

/** The last non-blank line of `text`, trimmed and cut to 500 characters. Default: undefined. */
export function lastLine(text: string | undefined): string | undefined {
  const lines = (text ?? '').split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (line) return line.slice(0, MAX_LINE_CHARS);
  }
  return undefined;
}

/** The first non-blank line of `text`, trimmed and cut to 500 characters. Default: undefined. */
export function firstLine(text: string | undefined): string | undefined {
  const line = (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean);
  return line ? line.slice(0, MAX_LINE_CHARS) : undefined;
}

/** The last `maxChars` characters of `text` (for stderr tails in messages). Default: 2,000. */
export function tailOf(text: string, maxChars = 2000): string {
  return text.length <= maxChars ? text : text.slice(text.length - maxChars);
}

/**
 * How a process ended, as the one phrase every message uses: `exited with code N` or
 * `was killed by SIGX`. Contract: the signal wins over the code; an unknown code reads `unknown`.
 */
export function describeExit(exit: Pick<ExitInfo, 'exitCode' | 'signal'>): string {
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.exitCode ?? 'unknown'}`;
}

/** `exitCode`, `signal` and `stderrTail` of an exit as terminal-event fields (absent ones left out). */
export function exitFields(
  exit: Pick<ExitInfo, 'exitCode' | 'signal' | 'stderrTail'>,
  include: { signal?: boolean; stderr?: boolean } = {},
): { exitCode?: number; signal?: string; stderrTail?: string } {
  return {
    ...(exit.exitCode !== undefined ? { exitCode: exit.exitCode } : {}),
    ...(include.signal !== false && exit.signal ? { signal: exit.signal } : {}),
    ...(include.stderr !== false && exit.stderrTail ? { stderrTail: exit.stderrTail } : {}),
  };
}

/** Signals a process usually answers with exit code 128 + n after stopping cleanly. */
const STOP_SIGNALS: Readonly<Record<number, string>> = { 129: 'SIGHUP', 130: 'SIGINT', 143: 'SIGTERM' };

/**
 * The failure reason of a process that ended badly. Contract: `aborted`/`timeout` only when the
 * runner ended the run (`exit.endedByRunner`); a signal omnigent did not send (SIGKILL, SIGSEGV, a
 * `kill` from elsewhere) or a 130/143 exit after one is `exit`, a crash as far as omnigent knows.
 */
export function exitReason(exit: Pick<ExitInfo, 'endedByRunner'>): 'exit' | 'aborted' | 'timeout' {
  return exit.endedByRunner ?? 'exit';
}

/**
 * Why a process stopped when omnigent did not stop it, for messages: `was killed by SIGKILL`, or
 * `exited with code 143 (SIGTERM from outside omnigent)`. Default: {@link describeExit}'s phrase.
 */
export function describeOutsideStop(exit: Pick<ExitInfo, 'exitCode' | 'signal' | 'endedByRunner'>): string {
  const how = describeExit(exit);
  const sig = exit.signal ?? (exit.exitCode !== undefined ? STOP_SIGNALS[exit.exitCode] : undefined);
  if (exit.endedByRunner || !sig || exit.signal) return how;
  return `${how} (${sig} from outside omnigent)`;
}

/**
 * The JSON objects of a JSON-lines text (a harness's session file). Contract: blank lines, lines
 * that are not JSON (a torn last line: the CLI was killed mid-write) and non-objects are skipped.
 */
export function jsonlRecords(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const v: unknown = JSON.parse(line);
      if (isRecord(v)) out.push(v);
    } catch {
      // not JSON: skipped (see the contract)
    }
  }
  return out;
}
