import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readExitMeta, type ExitMeta } from '@omnigent/testkit';

/** Folder of the recorded transcripts. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Absolute path of a fixture (relative to test/fixtures, with its `.jsonl`). */
export const fixture = (name: string): string => join(FIXTURES, name);

/** How the real CLI exited for each transcript recorded in this package (`<case>.meta.json`). */
export const RECORDED_EXIT: Record<string, ExitMeta> = Object.fromEntries(
  readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => [f.replace(/\.jsonl$/, ''), readExitMeta(join(FIXTURES, f))!]),
);
