/**
 * A bad query: unknown or ambiguous run id, malformed `--since`. Contract: `code` is `USAGE` and
 * the name ends in `Error`, like core's UsageError, so the CLI maps it to exit code 2. Defined here
 * because the store does not load @omnigent/core at run time (its index pulls in the process
 * runner), which keeps `omnigent runs` and `compare` quick to start.
 */
export class StoreQueryError extends Error {
  readonly code = 'USAGE' as const;
  /** What the user can do about it. */
  readonly hint?: string;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'StoreQueryError';
    if (hint !== undefined) this.hint = hint;
  }
}
