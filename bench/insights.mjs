// Import and insights benchmark (plain node; build first: pnpm build).
// 1. `omnigent import` of 1,000 session files: copies of the real session files the Claude Code,
//    Codex and Pi CLIs wrote (the plugins' test/fixtures/history), each under a new session id;
//    wall time of the CLI process, then of a second import that finds nothing new (target < 5 s).
// 2. `omnigent insights --json` over a store of 10,000 runs (kinds, failures, tool errors, MCP
//    calls), wall time of the CLI process (target < 5 s), and the in-process computation alone.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'packages/cli/bin/omnigent.js');
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 10_000);
const { openStore, computeInsights } = await import(join(root, 'packages/store/dist/index.js'));
const work = mkdtempSync(join(tmpdir(), 'omnigent-bench-insights-'));

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .map((n) => join(dir, n))
    .filter((p) => {
      try {
        return readFileSync(p) && true;
      } catch {
        return false;
      }
    });
}

/** Copy a recorded history dir `n` times, each copy's session id (in names and content) replaced by a fresh one. */
function clone(from, to, sessionId, n, offset) {
  const files = filesUnder(from).filter((p) => !p.endsWith('stream.jsonl') && !p.endsWith('recorded.json'));
  for (let i = 0; i < n; i++) {
    const id = `${sessionId.slice(0, 24)}${String(offset + i).padStart(12, '0')}`;
    for (const f of files) {
      const rel = relative(from, f).replaceAll(sessionId, id);
      const out = join(to, rel);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, readFileSync(f, 'utf8').replaceAll(sessionId, id));
    }
  }
}

const per = Math.ceil(SESSIONS / 3);
const dirs = {};
for (const [h, env] of [
  ['claude-code', 'CLAUDE_CONFIG_DIR'],
  ['codex', 'CODEX_HOME'],
  ['pi', 'PI_CODING_AGENT_DIR'],
]) {
  const fixtures = join(root, 'plugins', `plugin-${h}`, 'test/fixtures/history');
  const { session } = JSON.parse(readFileSync(join(fixtures, 'recorded.json'), 'utf8'));
  dirs[env] = join(work, h);
  clone(fixtures, dirs[env], session, h === 'pi' ? SESSIONS - 2 * per : per, 0);
}
const project = join(work, 'project');
mkdirSync(project);
writeFileSync(
  join(project, 'omnigent.config.json'),
  JSON.stringify({
    plugins: ['claude-code', 'codex', 'pi'].map((h) => join(root, 'plugins', `plugin-${h}`, 'dist/index.js')),
  }),
);

function cli(args, env) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`omnigent ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const importEnv = { ...dirs, OMNIGENT_STORE: join(work, 'import-store') };
const first = cli(['import', '--json'], importEnv);
const imported = JSON.parse(first.stdout).harnesses.reduce((n, h) => n + h.imported, 0);
const second = cli(['import', '--json'], importEnv);
// the same import without write-time redaction (OMNIGENT_STORE_REDACT=false), into a fresh store: what redaction costs
const plain = cli(['import', '--json'], {
  ...importEnv,
  OMNIGENT_STORE: join(work, 'import-store-plain'),
  OMNIGENT_STORE_REDACT: 'false',
});
const again = JSON.parse(second.stdout).harnesses.reduce((n, h) => n + h.imported, 0);

// 2. A store of 10,000 runs: 9 kinds, 4 harnesses, failures with a few message shapes, tool errors and MCP calls.
const store = openStore(join(work, 'insights-store'));
const KINDS = ['feature', 'bugfix', 'refactor', 'test', 'docs', 'review', 'plan', 'analysis', 'chore'];
const HARNESSES = ['claude-code', 'codex', 'cursor', 'pi'];
const t0 = Date.parse('2026-09-01T00:00:00.000Z');
const fillStart = performance.now();
for (let i = 0; i < RUNS; i++) {
  const id = `${String(i).padStart(8, '0')}-bench-4000-8000-000000000000`;
  const harness = HARNESSES[i % 4];
  const startedAt = new Date(t0 + i * 780_000).toISOString();
  const rec = store.begin({
    id,
    harness,
    requestedModel: `model-${i % 3}`,
    startedAt,
    cwd: '/work/repo',
    tags: [],
    prompt: 'Fix the failing tests',
    kind: KINDS[(i * 7) % 9],
    kindSource: 'classified',
    kindConfidence: 0.8,
    pid: process.pid,
  });
  const base = (seq, ms) => ({ runId: id, harness, seq, time: new Date(Date.parse(startedAt) + ms).toISOString() });
  const events = [{ ...base(0, 0), type: 'session.started', cwd: '/work/repo', model: `model-${i % 3}` }];
  let seq = 1;
  for (let t = 0; t < 6; t++) {
    const mcp = t === 5 && i % 4 === 0;
    const name = mcp ? 'mcp__docs__search' : ['Bash', 'Read', 'Edit', 'Grep', 'Bash'][t];
    events.push({
      ...base(seq++, 100 + t * 200),
      type: 'tool.started',
      callId: `c${t}`,
      name,
      kind: mcp ? 'mcp' : 'other',
      input: { command: `cd /work/repo && pnpm test -- module-${t}`, file_path: `/work/repo/src/m${i % 50}.ts` },
    });
    const failed = (i + t) % 13 === 0;
    events.push({
      ...base(seq++, 180 + t * 200),
      type: 'tool.completed',
      callId: `c${t}`,
      name,
      output: failed
        ? `Error: ENOENT: no such file or directory, open '/work/repo/src/m${i % 50}.ts' after ${i % 90} ms`
        : 'ok',
      isError: failed,
      durationMs: 20 + ((i * 7 + t * 13) % 400),
      ...(failed ? { exitCode: 1 } : {}),
    });
  }
  events.push({
    ...base(seq++, 2000),
    type: 'usage',
    scope: 'turn',
    source: 'stream',
    confidence: 'exact',
    input: 1000 + (i % 500),
    output: 100 + (i % 50),
    costUsd: 0.01 + (i % 7) / 1000,
  });
  const ok = i % 9 !== 0;
  events.push(
    ok
      ? { ...base(seq++, 2500 + (i % 60_000)), type: 'run.completed', durationMs: 2500 + (i % 60_000) }
      : {
          ...base(seq++, 2500 + (i % 60_000)),
          type: 'run.failed',
          reason: 'exit',
          exitCode: 1,
          message: `${harness} exited with code 1: TypeError: Cannot read properties of undefined (reading 'x${i % 5}') at /work/repo/src/m${i % 50}.ts:${i % 300}:7`,
          durationMs: 2500 + (i % 60_000),
        },
  );
  for (const e of events) rec.append(e);
  rec.finish(events[events.length - 1]);
}
const fillMs = performance.now() - fillStart;
const insightsEnv = { OMNIGENT_STORE: join(work, 'insights-store') };
cli(['runs', '--limit', '1'], insightsEnv); // builds the index cache, as any earlier command would have
const cliInsights = cli(['insights', '--since', '2026-01-01', '--json'], insightsEnv);
const answer = JSON.parse(cliInsights.stdout);
const s2 = openStore(join(work, 'insights-store'));
const t = performance.now();
const runs = s2.list({});
computeInsights(runs, { events: (id) => s2.events(id) });
const inProcessMs = performance.now() - t;

console.log(
  JSON.stringify(
    {
      importSessions: imported,
      importCliMs: Math.round(first.ms),
      reimportNewSessions: again,
      reimportCliMs: Math.round(second.ms),
      importUnredactedCliMs: Math.round(plain.ms),
      insightsRuns: answer.runs,
      insightsRunsWithToolErrorsRead: answer.failures.toolCalls.runsScanned,
      insightsRunsWithToolErrorsNotRead: answer.failures.toolCalls.runsNotScanned,
      insightsCliMs: Math.round(cliInsights.ms),
      insightsInProcessMs: Math.round(inProcessMs),
      storeFillMs: Math.round(fillMs),
      targetMs: 5000,
    },
    null,
    2,
  ),
);
rmSync(work, { recursive: true, force: true });
