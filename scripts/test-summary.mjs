// Reads a test log (turbo + vitest output) on stdin, echoes it, and ends with one plain line:
// "N passed, M failed" (plus ", K skipped") summed over every package's vitest summary.
import { createInterface } from 'node:readline';

const ansi = /\u001b\[[0-9;]*m/g;
let passed = 0;
let failed = 0;
let skipped = 0;
let files = 0;
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const raw of rl) {
  process.stdout.write(`${raw}\n`);
  const line = raw.replace(ansi, '');
  const m = /\bTests\s+(.*)\((\d+)\)\s*$/.exec(line);
  if (!m) continue;
  files += 1;
  for (const part of m[1].split('|')) {
    const p = /(\d+)\s+(passed|failed|skipped|todo)/.exec(part);
    if (!p) continue;
    const n = Number(p[1]);
    if (p[2] === 'passed') passed += n;
    else if (p[2] === 'failed') failed += n;
    else skipped += n;
  }
}
process.stdout.write(
  `\n${files} test suites\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
);
