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

/** Exit code for a terminal event. */
export function exitCodeFor(terminal: TerminalEvent): number {
  if (terminal.type === 'run.completed') return EXIT.ok;
  return terminal.reason === 'aborted' ? EXIT.interrupted : EXIT.runFailed;
}

const KNOWN = new Set<ErrorCode>(['HARNESS_NOT_FOUND', 'UNKNOWN_HARNESS', 'PLUGIN_LOAD', 'PLUGIN_CONTRACT', 'CONFIG', 'USAGE', 'SPAWN', 'STORE', 'TELEMETRY_CONFIG', 'WORKFLOW', 'INTERNAL']);

/**
 * True for an omnigent error (an Error whose stable `code` is a known {@link ErrorCode}); anything
 * else is an internal error. Duck-typed, so this module (imported at start-up) does not load core.
 */
export function isKnownError(error: unknown): error is Error & { code: ErrorCode; hint?: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && error.name.endsWith('Error') && KNOWN.has(code as ErrorCode);
}

/** Exit code for an error thrown before or around a run. Default: 1 for an unknown error. */
export function exitCodeForError(error: unknown): number {
  if (isKnownError(error)) {
    const code = error.code;
    if (code === 'HARNESS_NOT_FOUND') return EXIT.notFound;
    if (code === 'SPAWN' || code === 'INTERNAL' || code === 'STORE') return EXIT.runFailed;
    return EXIT.usage;
  }
  return EXIT.runFailed;
}
