import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { StoreQueryError } from '@omnigent/store';

/**
 * Write an HTML page (`report --html`, `insights --html`) and return its absolute path.
 * Contract: a path that cannot be written is a {@link StoreQueryError} (exit 2) that says why and
 * how to fix it; nothing is half-written elsewhere.
 */
export function writeHtmlFile(path: string, html: string, what: string, example: string): string {
  const out = resolve(path);
  try {
    writeFileSync(out, html);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'its directory does not exist'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    throw new StoreQueryError(
      `cannot write ${what} to ${out}: ${why}`,
      `Give --html a file path in a directory that exists, e.g. --html ${example}`,
    );
  }
  return out;
}
