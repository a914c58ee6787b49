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

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOTDIR') return 'it is not a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'a directory is where a file should be';
  return error instanceof Error ? error.message : String(error);
}

/**
 * The store directory cannot be read (not a directory, no permission…). Code `CONFIG`, so the
 * CLI exits 2: it is the store location that needs fixing, not a run.
 */
export class StoreAccessError extends Error {
  readonly code = 'CONFIG' as const;
  /** What the user can do about it. */
  readonly hint = 'Point OMNIGENT_STORE (or store.path in omnigent.config) at a directory you can read and write.';

  constructor(dir: string, cause: unknown) {
    super(`cannot read the run store at ${dir}: ${reasonOf(cause)}`, { cause });
    this.name = 'StoreAccessError';
  }
}
