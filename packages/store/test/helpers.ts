import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A fresh scratch directory under the OS temp dir. */
export function tempDir(prefix = 'omnigent-store-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A store directory holding the hand-computed compare fixture as its index. */
export function fixtureStore(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'runs'), { recursive: true });
  copyFileSync(fileURLToPath(new URL('./fixtures/compare-index.jsonl', import.meta.url)), join(dir, 'index.jsonl'));
  return dir;
}
