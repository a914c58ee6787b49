import type { ErrorCode, TerminalEvent } from '@omnigent/core';

/** Documented exit codes of the `omnigent` CLI. Contract: never renumbered. */
export const EXIT = {
  /** The run (or every workflow step) succeeded. */
  ok: 0,
  /** The run failed (harness error, non-zero exit, timeout). */
  runFailed: 1,
  /** Bad usage, bad configuration, unknown harness, plugin load error. */
  usage: 2,
  /** The harness CLI binary was not found. */
  notFound: 127,
  /** Interrupted: Ctrl-C (SIGINT), SIGTERM, SIGHUP (terminal closed), or the reader of stdout went away. */
  interrupted: 130,
} as const;

/** One of the documented exit codes. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const DOCUMENTED = new Set<number>(Object.values(EXIT));

/** Exit code for a terminal event. */
export function exitCodeFor(terminal: TerminalEvent): number {
  if (terminal.type === 'run.completed') return EXIT.ok;
  return terminal.reason === 'aborted' ? EXIT.interrupted : EXIT.runFailed;
}

const KNOWN = new Set<ErrorCode>([
  'HARNESS_NOT_FOUND',
  'UNKNOWN_HARNESS',
  'PLUGIN_LOAD',
  'PLUGIN_CONTRACT',
  'CONFIG',
  'USAGE',
  'SPAWN',
  'STORE',
  'TELEMETRY_CONFIG',
  'WORKFLOW',
  'INTERNAL',
]);

/** The documented exit code an error carries itself (a {@link CommandError}), if any. */
function carriedExitCode(error: unknown): ExitCode | undefined {
  const exitCode = (error as { exitCode?: unknown } | null)?.exitCode;
  return typeof exitCode === 'number' && DOCUMENTED.has(exitCode) ? (exitCode as ExitCode) : undefined;
}

/**
 * True for an omnigent error: an Error whose stable `code` is a known {@link ErrorCode} (core's and
 * the store's errors), or one carrying a documented `exitCode` (a {@link CommandError}); anything
 * else is an internal error. Duck-typed, so this module (imported at start-up) does not load core.
 */
export function isKnownError(error: unknown): error is Error & { code?: string; hint?: string } {
  if (!(error instanceof Error) || !error.name.endsWith('Error')) return false;
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && KNOWN.has(code as ErrorCode)) || carriedExitCode(error) !== undefined;
}

/** Exit code for an error thrown before or around a run. Default: 1 for an unknown error. */
export function exitCodeForError(error: unknown): number {
  const carried = carriedExitCode(error);
  if (carried !== undefined) return carried;
  if (isKnownError(error)) {
    const code = error.code;
    if (code === 'HARNESS_NOT_FOUND') return EXIT.notFound;
    if (code === 'SPAWN' || code === 'INTERNAL' || code === 'STORE') return EXIT.runFailed;
    return EXIT.usage;
  }
  return EXIT.runFailed;
}
