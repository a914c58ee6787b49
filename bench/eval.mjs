// `omnigent eval` benchmark (plain node; build first: pnpm build). Prints JSON:
// - a 100-cell eval on the testkit's fake harnesses (2 harnesses × 50 repeats of a task with a
//   setup step and a check, 4 at a time): wall time and omnigent's own CPU (its process only:
//   the harnesses, setup steps and checks are children and not counted);
// - omnigent's CPU per cell: (CPU of the 100-cell eval - CPU of a 1-cell eval) / 99, i.e. what
//   each extra cell costs outside the harness (checkout, store, checks' bookkeeping, statistics).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const REPEATS = quick ? 10 : 50;
const FAKE = join(root, 'packages/testkit/dist/fake-plugin.js');
const FAKE2 = join(root, 'packages/cli/test/fixtures/fake2-plugin.mjs');

const dir = mkdtempSync(join(tmpdir(), 'omnigent-bench-eval-'));
writeFileSync(join(dir, 'omnigent.config.json'), JSON.stringify({ plugins: [FAKE, FAKE2] }));
mkdirSync(join(dir, 'suite', 'repo'), { recursive: true });
mkdirSync(join(dir, 'suite', 'hidden'), { recursive: true });
writeFileSync(join(dir, 'suite', 'repo', 'calc.js'), 'export const add = (a, b) => a - b;\n');
writeFileSync(join(dir, 'suite', 'hidden', 'check.sh'), 'grep -q "a + b" calc.js\n');
writeFileSync(
  join(dir, 'suite', 'task.yaml'),
  'id: fix\nprompt: fix add\nrepo: repo\nsetup: "true"\nchecks:\n  - name: fixed\n    run: sh check.sh\n    files: hidden\n',
);
const line = (o) => JSON.stringify(o);
const fixer = join(dir, 'fixer.jsonl');
writeFileSync(
  fixer,
  [
    line({ type: 'session.started', cwd: '.' }),
    line({ $fake: 'write', path: 'calc.js', content: 'export const add = (a, b) => a + b;\n' }),
    line({ type: 'tool.started', callId: 'a', name: 'Edit', kind: 'edit', input: { path: 'calc.js' } }),
    line({ type: 'tool.completed', callId: 'a', name: 'Edit', output: 'ok', isError: false, durationMs: 3 }),
    line({
      type: 'usage',
      scope: 'turn',
      source: 'stream',
      confidence: 'exact',
      input: 1000,
      output: 100,
      costUsd: 0.01,
    }),
    line({ type: 'result', ok: true, result: 'fixed' }),
  ].join('\n') + '\n',
);
const idle = join(dir, 'idle.jsonl');
writeFileSync(
  idle,
  [
    line({ type: 'session.started', cwd: '.' }),
    line({
      type: 'usage',
      scope: 'turn',
      source: 'stream',
      confidence: 'exact',
      input: 900,
      output: 50,
      costUsd: 0.005,
    }),
    line({ type: 'result', ok: true, result: 'no change' }),
  ].join('\n') + '\n',
);

function evalRun(id, repeat) {
  const cpuFile = join(dir, `cpu-${id}.json`);
  const start = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'bench/cpu-of.mjs'),
      'eval',
      join(dir, 'suite'),
      '-H',
      'fake,fake2',
      '-n',
      String(repeat),
      '-j',
      '4',
      '--id',
      id,
      '--json',
    ],
    {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        OMNIGENT_STORE: join(dir, 'store'),
        OMNIGENT_FAKE_TRANSCRIPT: fixer,
        FAKE2_TRANSCRIPT: idle,
        BENCH_CPU_OUT: cpuFile,
      },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const wallMs = performance.now() - start;
  if (r.status !== 0) throw new Error(`eval exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const out = JSON.parse(r.stdout);
  return { wallMs, cpu: JSON.parse(readFileSync(cpuFile, 'utf8')), out };
}

const one = evalRun('one', 1); // 2 cells (one per harness)
const big = evalRun('big', REPEATS); // 2 × REPEATS cells
const cells = 2 * REPEATS;
const groups = big.out.groups.map((g) => ({ label: g.label, runs: g.summary.runs, passes: g.summary.passes }));
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify(
    {
      cells,
      concurrency: 4,
      wallMs: Math.round(big.wallMs),
      wallMsPerCell: Math.round(big.wallMs / cells),
      omnigentCpuMs: Math.round(big.cpu.cpuMs),
      omnigentCpuMsPerCell: Math.round(((big.cpu.cpuMs - one.cpu.cpuMs) / (cells - 2)) * 10) / 10,
      twoCellEval: { wallMs: Math.round(one.wallMs), omnigentCpuMs: Math.round(one.cpu.cpuMs) },
      groups,
    },
    null,
    2,
  ),
);
