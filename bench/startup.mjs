// Start-up of the CLI (issue #18 "lean start"): median wall time of N runs of `omnigent --help` and
// of `omnigent run -H fake` replaying a one-line transcript, against `node -e 0` and the fake harness
// alone, in wall time and in CPU time (less sensitive to a busy machine). Prints one JSON object.
// Run through `pnpm bench` (after `pnpm build`); `--quick` takes fewer samples.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
/** CPU time (user + system, ms) of the children this process has waited for: /proc/self/stat cutime + cstime. */
function childCpuMs() {
  const f = readFileSync('/proc/self/stat', 'utf8')
    .slice(readFileSync('/proc/self/stat', 'utf8').lastIndexOf(')') + 2)
    .split(' ');
  return (Number(f[13]) + Number(f[14])) * 10; // clock ticks of 10 ms
}
/** One sample: wall and CPU time of `node args`. */
function once(args, opts = {}) {
  const c0 = childCpuMs();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore', ...opts });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return { wall: performance.now() - t0, cpu: childCpuMs() - c0 };
}
/**
 * The commands are sampled in turns (node -e 0, then each command, n rounds) so a machine busy
 * with other work slows all of them alike; each ratio is the median of per-round ratios.
 */
function measure(commands) {
  const rounds = [];
  for (let i = 0; i < n + 1; i++) {
    const round = {};
    for (const [name, args, opts] of commands) round[name] = once(args, opts);
    if (i > 0) rounds.push(round); // the first round warms the disk cache
  }
  return rounds;
}

// Two projects: one finds the fake plugin as an installed package (no config file, the common
// case), one names it in omnigent.config.json (the config is parsed and validated).
const scratch = mkdtempSync(join(tmpdir(), 'omnigent-bench-start-'));
const transcript = join(scratch, 'one.jsonl');
writeFileSync(transcript, `${JSON.stringify({ type: 'session.started', cwd: '/w', sessionId: 's', model: 'm' })}\n`);
const bare = join(scratch, 'bare');
const pluginDir = join(bare, 'node_modules', 'omnigent-plugin-fake');
mkdirSync(pluginDir, { recursive: true });
writeFileSync(
  join(pluginDir, 'package.json'),
  JSON.stringify({
    name: 'omnigent-plugin-fake',
    version: '0.0.0',
    type: 'module',
    main: 'index.js',
    omnigent: { harness: 'fake' },
  }),
);
writeFileSync(
  join(pluginDir, 'index.js'),
  `export { default } from ${JSON.stringify(pathToFileURL(fakePlugin).href)};\n`,
);
const configured = join(scratch, 'configured');
mkdirSync(configured);
writeFileSync(join(configured, 'omnigent.config.json'), JSON.stringify({ plugins: [fakePlugin] }));

// Per module: what importing each package the run loads costs on top of `node -e 0` (resolved from
// the CLI package, as the CLI resolves them).
const cliDir = join(root, 'packages/cli');
const MODULES = ['@omnigent/core', '@omnigent/core/events', '@omnigent/store'];
const importOf = (m) => ['--input-type=module', '-e', `await import(${JSON.stringify(m)})`];

const env = {
  ...process.env,
  OMNIGENT_FAKE_BIN: fakeBin,
  OMNIGENT_FAKE_TRANSCRIPT: transcript,
  OMNIGENT_STORE: join(scratch, 'store'),
  OMNIGENT_TELEMETRY_ENABLED: 'false',
};
const run = ['run', '-H', 'fake', 'x'];
const rounds = measure([
  ['node0', ['-e', '0']],
  ['help', [cli, '--help']],
  ['harness', [fakeBin, 'x'], { env }],
  ['run', [cli, ...run], { cwd: bare, env }],
  ['runNoStore', [cli, ...run, '--no-store'], { cwd: bare, env }],
  ['runConfig', [cli, ...run], { cwd: configured, env }],
  ...MODULES.map((m) => [m, importOf(m), { cwd: cliDir }]),
]);
const ms = (name, k = 'wall') => Math.round(median(rounds.map((r) => r[name][k])));
const ratio = (f, k = 'wall') => Math.round(median(rounds.map((r) => f(r, k) / r.node0[k])) * 100) / 100;
const own = (name) => (r, k) => r[name][k] - r.harness[k];
rmSync(scratch, { recursive: true, force: true });

console.log(
  JSON.stringify(
    {
      samples: n,
      wallMs: {
        nodeE0: ms('node0'),
        help: ms('help'),
        fakeHarnessAlone: ms('harness'),
        run: ms('run'),
        runNoStore: ms('runNoStore'),
        runWithJsonConfig: ms('runConfig'),
      },
      cpuMs: {
        nodeE0: ms('node0', 'cpu'),
        help: ms('help', 'cpu'),
        fakeHarnessAlone: ms('harness', 'cpu'),
        run: ms('run', 'cpu'),
        runNoStore: ms('runNoStore', 'cpu'),
        runWithJsonConfig: ms('runConfig', 'cpu'),
      },
      // × node -e 0; "own" = the run minus the harness process it waits for
      helpX: { wall: ratio((r, k) => r.help[k]), cpu: ratio((r, k) => r.help[k], 'cpu') },
      runOwnX: { wall: ratio(own('run')), cpu: ratio(own('run'), 'cpu') },
      runNoStoreOwnX: { wall: ratio(own('runNoStore')), cpu: ratio(own('runNoStore'), 'cpu') },
      runWithJsonConfigOwnX: { wall: ratio(own('runConfig')), cpu: ratio(own('runConfig'), 'cpu') },
      // ms on top of `node -e 0` (wall / CPU) to import each package a run loads
      importMs: Object.fromEntries(
        MODULES.map((m) => [
          m,
          {
            wall: Math.round(median(rounds.map((r) => r[m].wall - r.node0.wall))),
            cpu: Math.round(median(rounds.map((r) => r[m].cpu - r.node0.cpu))),
          },
        ]),
      ),
      targets: { helpX: 2, runOwnX: 2.5 },
    },
    null,
    2,
  ),
);
