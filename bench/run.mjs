// `pnpm bench`: runs every benchmark script in this folder and prints their JSON results.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const scripts = ['startup.mjs', 'core.mjs', 'store.mjs', 'telemetry.mjs', 'eval.mjs', 'insights.mjs'].filter((s) =>
  existsSync(join(here, s)),
);
const extra = process.argv.slice(2);
const results = {};
let failed = false;
for (const s of scripts) {
  process.stderr.write(`bench: ${s}\n`);
  const r = spawnSync(process.execPath, [join(here, s), ...extra], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    failed = true;
    results[s] = { error: `exit ${r.status}`, stdout: r.stdout };
    continue;
  }
  try {
    results[s] = JSON.parse(r.stdout);
  } catch {
    results[s] = { output: r.stdout };
  }
}
mkdirSync(join(here, 'out'), { recursive: true });
writeFileSync(join(here, 'out', 'results.json'), JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
console.log(JSON.stringify(results, null, 2));
process.exit(failed ? 1 : 0);
