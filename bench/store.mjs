// Run-store benchmark (plain node; build first: pnpm --filter @omnigent/store --filter omnigent build).
// Prints JSON: the cost of appending one event (µs; also with write-time redaction), and the wall time of `omnigent compare`,
// `omnigent compare --by tool` and `omnigent runs` over a store of 10,000 runs (target: < 1 s);
// `cliCompareColdMs` rebuilds the index cache each time (the worst case).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { openStore, compareRuns } = await import(join(root, 'packages/store/dist/index.js'));
const CLI = join(root, 'packages/cli/bin/omnigent.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 10_000);
const EVENTS_PER_RUN = 24;
const HARNESSES = ['claude-code', 'codex', 'cursor', 'pi'];
const MODELS = ['model-a', 'model-b', 'model-c'];
const TOOLS = ['Bash', 'Read', 'Edit', 'Grep', 'Write'];

const dir = mkdtempSync(join(tmpdir(), 'omnigent-bench-store-'));
const store = openStore(dir);
const t0 = Date.parse('2026-01-01T00:00:00.000Z');

function eventsFor(i, runId, harness) {
  const base = (seq, ms) => ({
    runId,
    harness,
    seq,
    time: new Date(t0 + i * 60_000 + ms).toISOString(),
    sessionId: `s-${i}`,
  });
  const out = [
    { ...base(0, 10), type: 'session.started', cwd: '/work/repo', model: MODELS[i % 3], harnessVersion: '1.0.0' },
  ];
  let seq = 1;
  for (let t = 0; out.length < EVENTS_PER_RUN - 3; t++) {
    const name = TOOLS[(i + t) % TOOLS.length];
    out.push({
      ...base(seq++, 100 + t * 50),
      type: 'message',
      role: 'assistant',
      text: `Step ${t}: looking at the failing test in src/module-${t}.ts before changing anything.`,
    });
    out.push({
      ...base(seq++, 110 + t * 50),
      type: 'tool.started',
      callId: `c${t}`,
      name,
      kind: 'other',
      input: { command: `npm test -- module-${t}`, file_path: `/work/repo/src/module-${t}.ts` },
    });
    out.push({
      ...base(seq++, 140 + t * 50),
      type: 'tool.completed',
      callId: `c${t}`,
      name,
      output: `PASS src/module-${t}.test.ts (${t} tests)`,
      isError: (i + t) % 11 === 0,
      durationMs: 20 + ((i * 7 + t * 13) % 400),
    });
  }
  out.push({
    ...base(seq++, 2000),
    type: 'usage',
    scope: 'turn',
    source: 'stream',
    confidence: 'exact',
    input: 1000 + (i % 500),
    output: 100 + (i % 50),
    cacheRead: 800,
  });
  out.push({ ...base(seq++, 2001), type: 'message', role: 'assistant', text: 'All tests pass now.' });
  const ok = i % 9 !== 0;
  out.push(
    ok
      ? {
          ...base(seq++, 2002 + (i % 3000)),
          type: 'run.completed',
          durationMs: 2002 + (i % 3000),
          result: 'All tests pass now.',
        }
      : {
          ...base(seq++, 2002 + (i % 3000)),
          type: 'run.failed',
          reason: 'exit',
          exitCode: 1,
          message: 'exited with code 1',
          durationMs: 2002 + (i % 3000),
        },
  );
  return out;
}

// 1. Fill the store through the recorder, timing the appends alone.
let appendNs = 0n;
let appended = 0;
const fillStart = performance.now();
for (let i = 0; i < RUNS; i++) {
  const harness = HARNESSES[i % HARNESSES.length];
  const runId = `${String(i).padStart(8, '0')}-bench-4000-8000-000000000000`;
  const rec = store.begin({
    id: runId,
    harness,
    requestedModel: MODELS[i % 3],
    startedAt: new Date(t0 + i * 60_000).toISOString(),
    cwd: '/work/repo',
    tags: [`batch:${i % 10}`],
    prompt: 'Fix the failing tests',
    pid: process.pid,
  });
  const events = eventsFor(i, runId, harness);
  const a = process.hrtime.bigint();
  for (const e of events) rec.append(e);
  appendNs += process.hrtime.bigint() - a;
  appended += events.length;
  rec.finish(events[events.length - 1]);
}
const fillMs = performance.now() - fillStart;

// 1b. The same appends with write-time redaction on (the CLI's default): 500 runs into a side store.
const { createRedactor } = await import(join(root, 'packages/core/dist/index.js'));
const redactor = createRedactor({ env: process.env });
const redactDir = mkdtempSync(join(tmpdir(), 'omnigent-bench-store-redact-'));
const redactStore = openStore(redactDir);
let redactNs = 0n;
let redacted = 0;
for (let i = 0; i < Math.min(RUNS, 500); i++) {
  const harness = HARNESSES[i % HARNESSES.length];
  const runId = `${String(i).padStart(8, '0')}-bench-4000-8000-000000000000`;
  const rec = redactStore.begin(
    {
      id: runId,
      harness,
      startedAt: new Date(t0 + i * 60_000).toISOString(),
      cwd: '/work/repo',
      tags: [],
      pid: process.pid,
    },
    undefined,
    { redact: (e) => redactor.value(e) },
  );
  const events = eventsFor(i, runId, harness);
  const a = process.hrtime.bigint();
  for (const e of events) rec.append(e);
  redactNs += process.hrtime.bigint() - a;
  redacted += events.length;
  rec.finish(events[events.length - 1]);
}
rmSync(redactDir, { recursive: true, force: true });

// 2. In-process: read the index and compute the comparison.
const inProcess = [];
for (let k = 0; k < 5; k++) {
  const a = performance.now();
  compareRuns(store.all(), ['harness', 'model']);
  inProcess.push(performance.now() - a);
}

// 3. The CLI, as a user runs it (process start included).
function cli(args, { cold = false } = {}) {
  const times = [];
  let status = 0;
  for (let k = 0; k < 5; k++) {
    // cold: without the index cache, as the first read after many new runs
    if (cold) rmSync(join(dir, 'index.cache.json'), { force: true });
    const a = performance.now();
    const r = spawnSync(process.execPath, [CLI, ...args], {
      env: { ...process.env, OMNIGENT_STORE: dir },
      encoding: 'utf8',
    });
    times.push(performance.now() - a);
    status = r.status ?? -1;
    if (status !== 0) throw new Error(`omnigent ${args.join(' ')} failed: ${r.stderr}`);
  }
  return Math.round(times.sort((x, y) => x - y)[2]);
}
const median = (xs) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const result = {
  runs: RUNS,
  eventsPerRun: EVENTS_PER_RUN,
  appendUsPerEvent: Number((Number(appendNs) / 1000 / appended).toFixed(2)),
  appendRedactedUsPerEvent: Number((Number(redactNs) / 1000 / redacted).toFixed(2)),
  fillSeconds: Number((fillMs / 1000).toFixed(1)),
  indexBytes: statSync(join(dir, 'index.jsonl')).size,
  inProcessCompareMs: Math.round(median(inProcess)),
  cliCompareColdMs: cli(['compare'], { cold: true }),
  cliCompareMs: cli(['compare']),
  cliCompareByHarnessModelJsonMs: cli(['compare', '--by', 'harness,model', '--json']),
  cliCompareByToolMs: cli(['compare', '--by', 'tool']),
  cliRunsMs: cli(['runs']),
  targetMs: 1000,
};
result.meetsTarget = result.cliCompareMs < result.targetMs && result.cliCompareColdMs < result.targetMs;
if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
else result.dir = dir;
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
