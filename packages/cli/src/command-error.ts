import type { ExitCode } from './exit-codes.js';

/**
 * A command ended in a way the user must be told about, with the documented exit code to leave
 * with (e.g. `export` could not deliver every trace: exit 1). Contract: thrown to the CLI's one
 * error boundary (`main`), which prints `omnigent: <message>` and the hint and sets the exit code;
 * for input the user must fix prefer core's `UsageError`/`ConfigError` (exit 2).
 */
export class CommandError extends Error {
  /** Exit code of the process. */
  readonly exitCode: ExitCode;
  /** What the user can do about it, one sentence. */
  readonly hint?: string;

  constructor(message: string, options: { exitCode: ExitCode; hint?: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CommandError';
    this.exitCode = options.exitCode;
    if (options.hint !== undefined) this.hint = options.hint;
  }
}
