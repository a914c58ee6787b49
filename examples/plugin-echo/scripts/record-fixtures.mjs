#!/usr/bin/env node
// Records the transcripts in fixtures/ from the real omnigent-echo CLI: each case runs the binary the way
// the plugin's command() does (prompt on stdin) in a scratch directory with known files, and keeps its
// stdout verbatim. Rerun after changing the CLI (`npm run record`), then review the diff.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/omnigent-echo.mjs', import.meta.url));
const out = fileURLToPath(new URL('../fixtures/', import.meta.url));
const cases = [
  { file: 'hello.jsonl', prompt: 'hello there' },
  { file: 'fail.jsonl', prompt: 'please fail now' },
];
const scratch = mkdtempSync(join(tmpdir(), 'echo-record-'));
writeFileSync(join(scratch, 'README.md'), '# scratch\n');
writeFileSync(join(scratch, 'main.py'), 'print("hi")\n');
try {
  for (const c of cases) {
    const r = spawnSync(process.execPath, [bin, '--session', `rec-${c.file.replace('.jsonl', '')}`], {
      cwd: scratch,
      input: c.prompt,
      encoding: 'utf8',
    });
    // the scratch path differs per machine: store a stable one so the fixtures do not churn
    writeFileSync(join(out, c.file), r.stdout.replaceAll(scratch, '/work/project'));
    console.log(`${c.file}: exit ${r.status}, ${r.stdout.split('\n').filter(Boolean).length} lines`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
