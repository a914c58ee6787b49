// Start-up of the CLI (issue #18 "lean start"): median wall time of N runs of `omnigent --help` and
// of `omnigent run -H fake` replaying a one-line transcript, against `node -e 0` and the fake harness
// alone. "own overhead" = run minus the harness process it waits for. Prints one JSON object.
// Run through `pnpm bench` (after `pnpm build`); `--quick` takes fewer samples.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'packages/cli/bin/omnigent.js');
const fakeBin = join(root, 'packages/testkit/bin/omnigent-fake-harness.js');
const fakePlugin = join(root, 'packages/testkit/dist/fake-plugin.js');
const n = process.argv.includes('--quick') ? 5 : 15;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(args, opts = {}) {
  const times = [];
  for (let i = 0; i < n + 1; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore', ...opts });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
    if (i > 0) times.push(performance.now() - t0); // the first run warms the disk cache
  }
  return Math.round(median(times));
}

// Two projects: one finds the fake plugin as an installed package (no config file, the common
// case), one names it in omnigent.config.json (the config is parsed and validated).
const scratch = mkdtempSync(join(tmpdir(), 'omnigent-bench-start-'));
const transcript = join(scratch, 'one.jsonl');
writeFileSync(transcript, `${JSON.stringify({ type: 'session.started', cwd: '/w', sessionId: 's', model: 'm' })}\n`);
const bare = join(scratch, 'bare');
const pluginDir = join(bare, 'node_modules', 'omnigent-plugin-fake');
mkdirSync(pluginDir, { recursive: true });
writeFileSync(join(pluginDir, 'package.json'), JSON.stringify({ name: 'omnigent-plugin-fake', version: '0.0.0', type: 'module', main: 'index.js', omnigent: { harness: 'fake' } }));
writeFileSync(join(pluginDir, 'index.js'), `export { default } from ${JSON.stringify(pathToFileURL(fakePlugin).href)};\n`);
const configured = join(scratch, 'configured');
mkdirSync(configured);
writeFileSync(join(configured, 'omnigent.config.json'), JSON.stringify({ plugins: [fakePlugin] }));

const env = { ...process.env, OMNIGENT_FAKE_BIN: fakeBin, OMNIGENT_FAKE_TRANSCRIPT: transcript, OMNIGENT_STORE: join(scratch, 'store'), OMNIGENT_TELEMETRY_ENABLED: 'false' };
const run = ['run', '-H', 'fake', 'x'];
const node0 = time(['-e', '0']);
const help = time([cli, '--help']);
const harness = time([fakeBin, 'x'], { env });
const runBare = time([cli, ...run], { cwd: bare, env });
const runBareNoStore = time([cli, ...run, '--no-store'], { cwd: bare, env });
const runConfig = time([cli, ...run], { cwd: configured, env });
rmSync(scratch, { recursive: true, force: true });

const ratio = (ms) => Math.round((ms / node0) * 100) / 100;
console.log(
  JSON.stringify(
    {
      samples: n,
      nodeE0Ms: node0,
      helpMs: help,
      helpX: ratio(help),
      fakeHarnessAloneMs: harness,
      runMs: runBare,
      runOwnOverheadMs: runBare - harness,
      runOwnOverheadX: ratio(runBare - harness),
      runNoStoreMs: runBareNoStore,
      runWithJsonConfigMs: runConfig,
      runWithJsonConfigOwnOverheadX: ratio(runConfig - harness),
      targets: { helpX: 2, runOwnOverheadX: 2.5 },
    },
    null,
    2,
  ),
);
