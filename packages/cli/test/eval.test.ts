import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FAKE_PLUGIN, runCli, transcript } from './helpers.js';

const FAKE2_PLUGIN = fileURLToPath(new URL('./fixtures/fake2-plugin.mjs', import.meta.url));

const BUGGY = 'export function add(a, b) {\n  return a - b;\n}\n';
const FIXED = 'export function add(a, b) {\n  return a + b;\n}\n';
const HIDDEN_TEST =
  "import { add } from '../calc.js';\nif (add(2, 3) !== 5) { console.error('add(2, 3) gave ' + add(2, 3)); process.exit(1); }\nconsole.log('add ok');\n";

/**
 * A suite folder (one bug-fix task whose hidden check is outside the starting code, and two
 * variants) and a workspace where `fake` fixes the bug (writes calc.js, costs $0.25) and `fake2`
 * does not (costs $0.50).
 */
function world(extraTask = ''): { dir: string; suite: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'omnigent-eval-test-'));
  writeFileSync(join(dir, 'omnigent.config.json'), JSON.stringify({ plugins: [FAKE_PLUGIN, FAKE2_PLUGIN] }));
  const suite = join(dir, 'suite');
  mkdirSync(join(suite, 'fix-add', 'repo'), { recursive: true });
  mkdirSync(join(suite, 'fix-add', 'hidden', 'checks'), { recursive: true });
  writeFileSync(join(suite, 'fix-add', 'repo', 'calc.js'), BUGGY);
  writeFileSync(join(suite, 'fix-add', 'repo', 'package.json'), '{"type":"module"}\n');
  writeFileSync(join(suite, 'fix-add', 'hidden', 'checks', 'add.check.js'), HIDDEN_TEST);
  writeFileSync(
    join(suite, 'fix-add', 'task.yaml'),
    [
      'prompt: add(2, 3) returns -1; fix it',
      'repo: repo',
      'kind: bugfix',
      'tags: [math]',
      'checks:',
      '  - name: hidden-test',
      '    run: node checks/add.check.js',
      '    files: hidden',
      '  - name: file-exists',
      '    run: test -f calc.js',
      extraTask,
    ].join('\n'),
  );
  writeFileSync(join(suite, 'suite.yaml'), 'variants:\n  plain: {}\n  terse:\n    appendSystemPrompt: Be brief.\n');
  const fixer = transcript(dir, 'fixer.jsonl', [
    { type: 'session.started', cwd: '.' },
    { type: 'tool.started', callId: 'a', name: 'Write', kind: 'edit', input: { path: 'calc.js' } },
    { $fake: 'write', path: 'calc.js', content: FIXED },
    { type: 'tool.completed', callId: 'a', name: 'Write', output: 'ok', isError: false, durationMs: 5 },
    { type: 'usage', scope: 'turn', source: 'stream', confidence: 'exact', input: 1000, output: 100, costUsd: 0.25 },
    { type: 'result', ok: true, result: 'fixed' },
  ]);
  const idle = transcript(dir, 'idle.jsonl', [
    { type: 'session.started', cwd: '.' },
    { type: 'usage', scope: 'turn', source: 'stream', confidence: 'exact', input: 3000, output: 300, costUsd: 0.5 },
    { type: 'result', ok: true, result: 'looks fine to me' },
  ]);
  return { dir, suite, env: { OMNIGENT_FAKE_TRANSCRIPT: fixer, FAKE2_TRANSCRIPT: idle } };
}

interface EvalJson {
  eval: string;
  baseline: string | null;
  cells: Array<{
    cell: string;
    task: string;
    harness: string;
    variant: string;
    status: string;
    pass?: boolean;
    checks?: Array<{ name: string; pass: boolean; outputTail?: string; exitCode?: number }>;
  }>;
  groups: Array<{
    label: string;
    summary: {
      runs: number;
      passes: number;
      passRate: number;
      interval: { low: number; high: number };
      cost: { perRun?: number; perPass?: number; total?: number; estimated: boolean };
    };
    vsBaseline?: { method: string; difference: number; pValue: number; verdict: string; pairs: Record<string, number> };
  }>;
}

describe('omnigent eval', () => {
  it('a fixer and a non-fixer on a bug with hidden checks: pass rates, Wilson intervals, cost per pass, paired comparison', async () => {
    const w = world();
    const r = await runCli(
      ['eval', w.suite, '-H', 'fake2,fake', '--variant', 'plain', '-n', '3', '-j', '2', '--id', 'e1', '--json'],
      { cwd: w.dir, env: w.env },
    );
    expect(r.stderr).toContain('eval e1: 6 cells in temporary copies (1 task × 6 per task)');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as EvalJson;
    expect(out.baseline).toBe('fake2/default/plain');
    const [idle, fixer] = out.groups;
    expect(idle!.label).toBe('fake2/default/plain');
    expect(idle!.summary).toMatchObject({ runs: 3, passes: 0, passRate: 0 });
    // Wilson 0/3: 0 .. 0.5615; 3/3: 0.4385 .. 1
    expect(idle!.summary.interval.high).toBeCloseTo(0.5615, 4);
    expect(idle!.summary.cost.perRun).toBeCloseTo(0.5, 10);
    expect(idle!.summary.cost.perPass).toBeUndefined();
    expect(fixer!.label).toBe('fake/default/plain');
    expect(fixer!.summary).toMatchObject({ runs: 3, passes: 3, passRate: 1 });
    expect(fixer!.summary.interval.low).toBeCloseTo(0.4385, 4);
    expect(fixer!.summary.cost.perPass).toBeCloseTo(0.25, 10);
    expect(fixer!.summary.cost.estimated).toBe(false);
    // paired on task#repeat: 3 discordant pairs, all for the candidate: exact McNemar p = 2/8
    expect(fixer!.vsBaseline).toMatchObject({
      method: 'paired',
      difference: 1,
      pairs: { both: 0, candidateOnly: 3, baselineOnly: 0, neither: 0 },
      verdict: 'not-enough-runs',
    });
    expect(fixer!.vsBaseline!.pValue).toBeCloseTo(0.25, 12);
    // the checks: the non-fixer failed the hidden test with its output kept, and passed the other
    const idleCell = out.cells.find((c) => c.harness === 'fake2')!;
    expect(idleCell.pass).toBe(false);
    expect(idleCell.checks).toEqual([
      expect.objectContaining({ name: 'hidden-test', pass: false, exitCode: 1, outputTail: 'add(2, 3) gave -1' }),
      expect.objectContaining({ name: 'file-exists', pass: true, exitCode: 0 }),
    ]);
    // the hidden files never reached the starting code
    expect(existsSync(join(w.suite, 'fix-add', 'repo', 'checks'))).toBe(false);
    expect(readFileSync(join(w.suite, 'fix-add', 'repo', 'calc.js'), 'utf8')).toBe(BUGGY);

    // stored with the run: eval cell on the start record, checks on the end record
    const listed = await runCli(['runs', '--json', '--tag', 'eval:e1', '--limit', '100'], { cwd: w.dir });
    const runs = JSON.parse(listed.stdout) as Array<{
      harness: string;
      eval: { id: string; task: string; variant: string; repeat: number };
      checks: Array<{ name: string; pass: boolean }>;
      tags: string[];
    }>;
    expect(runs).toHaveLength(6);
    expect(
      runs.every(
        (x) => x.eval.id === 'e1' && x.eval.task === 'fix-add' && x.eval.variant === 'plain' && x.tags.includes('math'),
      ),
    ).toBe(true);
    expect(runs.map((x) => x.eval.repeat).sort()).toEqual([0, 0, 1, 1, 2, 2]);
    expect(runs.filter((x) => x.harness === 'fake').every((x) => x.checks.every((c) => c.pass))).toBe(true);
    // runs show: the eval cell and what its checks said
    const idleRun = runs.find((x) => x.harness === 'fake2')! as unknown as { id: string };
    const shown = await runCli(['runs', 'show', idleRun.id], { cwd: w.dir });
    expect(shown.stdout).toMatch(/ {2}eval {5}e1 · task fix-add · variant plain · repeat \d/);
    expect(shown.stdout).toContain('  checks   1 of 2 failed: hidden-test failed (exit 1), file-exists passed');
    expect(shown.stdout).toContain('           hidden-test: add(2, 3) gave -1');
  }, 120_000);

  it('the table: pass rate with its interval, $/pass, the comparison and the verdict in words; --csv', async () => {
    const w = world();
    const r = await runCli(
      ['eval', w.suite, '-H', 'fake,fake2', '--variant', 'plain', '--id', 'e2', '--baseline', 'fake2'],
      { cwd: w.dir, env: w.env },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[1\/2\] fix-add fake\/default\/plain #1\s+passed/);
    expect(r.stdout).toMatch(/\[2\/2\] fix-add fake2\/default\/plain #1\s+failed .* check failed: hidden-test/);
    expect(r.stdout).toMatch(/fake\/default\/plain\s+1\s+1\s+100% \[21–100\]\s+\$0\.2500\s+\$0\.2500/);
    expect(r.stdout).toMatch(/fake2\/default\/plain\s+1\s+0\s+0% \[0–79\]\s+\$0\.5000\s+—.*\(baseline\)/);
    expect(r.stdout).toContain('+100 pts');
    expect(r.stdout).toContain('not enough runs to tell');
    const csv = await runCli(['eval', w.suite, '-H', 'fake', '--variant', 'plain', '--id', 'e3', '--csv'], {
      cwd: w.dir,
      env: w.env,
    });
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^group,runs,passes,pass_rate,ci_low,ci_high,cost_per_run_usd,cost_per_pass_usd/);
    expect(lines[1]).toMatch(/^fake\/default\/plain,1,1,1,0\.20654/);
  }, 120_000);

  it("variants: each cell runs with its variant's options, tagged and grouped by variant", async () => {
    const w = world();
    const r = await runCli(['eval', w.suite, '-H', 'fake', '--id', 'v1', '--json'], { cwd: w.dir, env: w.env });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as EvalJson;
    expect(out.groups.map((g) => g.label)).toEqual(['fake/default/plain', 'fake/default/terse']);
    const listed = JSON.parse(
      (await runCli(['runs', '--json', '--tag', 'variant:terse'], { cwd: w.dir })).stdout,
    ) as Array<{ id: string }>;
    expect(listed).toHaveLength(1);
    const request = JSON.parse(
      readFileSync(join(w.dir, '.store', 'runs', `${listed[0]!.id}.request.json`), 'utf8'),
    ) as { appendSystemPrompt?: string };
    expect(request.appendSystemPrompt).toBe('Be brief.');
  }, 120_000);

  it('--resume runs only the missing cells; shards and the resume together cover the eval once', async () => {
    const w = world();
    const first = await runCli(
      ['eval', w.suite, '-H', 'fake,fake2', '--variant', 'plain', '-n', '2', '--shard', '1/2', '--id', 'r1', '--json'],
      { cwd: w.dir, env: w.env },
    );
    expect(first.code).toBe(0);
    expect((JSON.parse(first.stdout) as EvalJson).cells).toHaveLength(2);
    const resumed = await runCli(
      ['eval', w.suite, '-H', 'fake,fake2', '--variant', 'plain', '-n', '2', '--resume', 'r1', '--json'],
      { cwd: w.dir, env: w.env },
    );
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('resuming r1: 2 of 4 cells already done');
    const out = JSON.parse(resumed.stdout) as EvalJson;
    expect(out.cells.map((c) => c.cell).sort()).toEqual([
      'fix-add fake/default/plain #2',
      'fix-add fake2/default/plain #2',
    ]);
    // the table pools every cell of the eval, old and new
    expect(out.groups.map((g) => [g.label, g.summary.runs, g.summary.passes])).toEqual([
      ['fake/default/plain', 2, 2],
      ['fake2/default/plain', 2, 0],
    ]);
    const again = await runCli(
      ['eval', w.suite, '-H', 'fake,fake2', '--variant', 'plain', '-n', '2', '--resume', 'r1', '--json'],
      { cwd: w.dir, env: w.env },
    );
    expect(again.stderr).toContain('resuming r1: 4 of 4 cells already done');
    expect((JSON.parse(again.stdout) as EvalJson).cells).toHaveLength(0);
    const none = await runCli(['eval', w.suite, '-H', 'fake', '--resume', 'nope'], { cwd: w.dir, env: w.env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--resume nope: no run of that eval is stored');
  }, 120_000);

  it('--max-cost stops starting cells once the budget is spent (exit 1, says how to go on)', async () => {
    const w = world();
    const r = await runCli(
      ['eval', w.suite, '-H', 'fake2', '--variant', 'plain', '-n', '5', '--max-cost', '0.9', '--id', 'b1'],
      { cwd: w.dir, env: w.env },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '--max-cost $0.9: spent $1.00; 3 of 5 cells not started (continue with --resume b1 --max-cost …)',
    );
  }, 120_000);

  it('suite errors name file, line and key (exit 2); hidden files inside the starting code are refused', async () => {
    const w = world('  - name: bad\n    command: npm test\n');
    const r = await runCli(['eval', w.suite, '-H', 'fake'], { cwd: w.dir, env: w.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `omnigent: ${join(w.suite, 'fix-add', 'task.yaml')}:12: checks.2.command: unknown key (a task has id, prompt, repo, ref, cwd, setup, env, timeout, tags, kind, checks)\n`,
    );
    const v = world();
    writeFileSync(
      join(v.suite, 'fix-add', 'task.yaml'),
      'prompt: p\nrepo: repo\nchecks:\n  - name: t\n    run: "true"\n    files: repo/calc.js\n',
    );
    const inside = await runCli(['eval', v.suite, '-H', 'fake'], { cwd: v.dir, env: v.env });
    expect(inside.code).toBe(2);
    expect(inside.stderr).toContain('task.yaml:6: checks.0.files: ');
    expect(inside.stderr).toContain('is inside the starting code');
    const u = world();
    const missing = await runCli(['eval', u.suite, '-H', 'fake', '--variant', 'plain'], {
      cwd: u.dir,
      env: { ...u.env, OMNIGENT_FAKE_BIN: join(u.dir, 'no-such-binary') },
    });
    expect(missing.code).toBe(127);
    expect(missing.stdout).not.toContain('[1/');
    const unknown = await runCli(['eval', u.suite, '-H', 'fake', '--variant', 'loud'], { cwd: u.dir, env: u.env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--variant loud: no such variant (the suite declares plain, terse)');
  }, 120_000);

  it('report --html has an Evals section: pass rate with its interval, cost per pass, the comparison and a task grid', async () => {
    const w = world();
    const r = await runCli(['eval', w.suite, '-H', 'fake2,fake', '--variant', 'plain', '-n', '2', '--id', 'h1'], {
      cwd: w.dir,
      env: w.env,
    });
    expect(r.code).toBe(0);
    const out = join(w.dir, 'report.html');
    const rep = await runCli(['report', '--html', out, '--tag', 'eval:h1'], { cwd: w.dir });
    expect(rep.code, rep.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<h2>Evals</h2>');
    expect(html).toContain('<h3>eval h1</h3>');
    expect(html).toMatch(
      /<td class="l">fake\/default\/plain<\/td><td>2<\/td><td>2<\/td><td class="l">100% \[34–100\]<\/td><td>\$0\.2500<\/td><td>\$0\.2500<\/td>/,
    );
    expect(html).toMatch(
      /<td class="l">fake2\/default\/plain<\/td><td>2<\/td><td>0<\/td><td class="l">0% \[0–66\]<\/td>.*\(baseline\)/,
    );
    expect(html).toContain('+100 pts');
    expect(html).toMatch(/<tr><td class="l">fix-add<\/td><td>0\/2<\/td><td>2\/2<\/td><\/tr>/);
  }, 120_000);

  it('a variant declared on the command line (YAML flow mapping), next to a suite one; a bad one is a usage error', async () => {
    const w = world();
    const r = await runCli(
      [
        'eval',
        w.suite,
        '-H',
        'fake',
        '--variant',
        'plain',
        '--variant',
        'loud={appendSystemPrompt: Shout., maxTurns: 3}',
        '--id',
        'cv',
        '--json',
      ],
      { cwd: w.dir, env: w.env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as EvalJson).groups.map((g) => g.label)).toEqual([
      'fake/default/plain',
      'fake/default/loud',
    ]);
    const loud = JSON.parse(
      (await runCli(['runs', '--json', '--tag', 'variant:loud'], { cwd: w.dir })).stdout,
    ) as Array<{ id: string }>;
    const request = JSON.parse(readFileSync(join(w.dir, '.store', 'runs', `${loud[0]!.id}.request.json`), 'utf8')) as {
      appendSystemPrompt?: string;
    };
    expect(request.appendSystemPrompt).toBe('Shout.');
    const bad = await runCli(['eval', w.suite, '-H', 'fake', '--variant', 'x={colour: red}'], {
      cwd: w.dir,
      env: w.env,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--variant x: unknown key colour');
  }, 120_000);

  it('a git repository at a ref: each cell starts from that commit in its own worktree', async () => {
    const w = world();
    const repo = join(w.dir, 'gitrepo');
    mkdirSync(repo);
    const git = (...args: string[]): string =>
      execFileSync('git', ['-C', repo, ...args], {
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@t',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@t',
        },
      }).trim();
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'calc.js'), BUGGY);
    git('add', '.');
    git('commit', '-q', '-m', 'one');
    const first = git('rev-parse', 'HEAD');
    writeFileSync(join(repo, 'later.txt'), 'later\n');
    git('add', '.');
    git('commit', '-q', '-m', 'two');
    const task = join(w.dir, 'at-ref.yaml');
    writeFileSync(
      task,
      `prompt: fix add\nrepo: gitrepo\nref: HEAD~1\nchecks:\n  - name: at-first-commit\n    run: test "$(git rev-parse HEAD)" = ${first} && test ! -e later.txt\n`,
    );
    const r = await runCli(['eval', task, '-H', 'fake', '--id', 'g1', '--json'], { cwd: w.dir, env: w.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('in git worktrees');
    expect((JSON.parse(r.stdout) as EvalJson).cells[0]).toMatchObject({
      pass: true,
      checks: [expect.objectContaining({ name: 'at-first-commit', pass: true })],
    });
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);
    writeFileSync(task, 'prompt: p\nrepo: gitrepo\nref: no-such-branch\n');
    const bad = await runCli(['eval', task, '-H', 'fake'], { cwd: w.dir, env: w.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('ref: git cannot find ref no-such-branch');
  }, 120_000);

  it('the example suite loads (3 tasks, 2 variants) and its checks fail on the untouched starting code', async () => {
    const w = world();
    const examples = fileURLToPath(new URL('../../../examples/evals', import.meta.url));
    const r = await runCli(['eval', examples, '-H', 'fake', '--variant', 'agent', '--id', 'ex', '--json'], {
      cwd: w.dir,
      env: {
        ...w.env,
        OMNIGENT_FAKE_TRANSCRIPT: transcript(w.dir, 'nothing.jsonl', [
          { type: 'session.started', cwd: '.' },
          { type: 'result', ok: true, result: 'did nothing' },
        ]),
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('3 cells in temporary copies (3 tasks × 1 per task)');
    const out = JSON.parse(r.stdout) as EvalJson;
    expect(out.cells.map((c) => [c.task, c.pass, c.checks?.map((k) => `${k.name}:${k.pass}`).join(' ')])).toEqual([
      ['add-feature', false, 'hidden-tests:false'],
      ['fix-bug', false, 'hidden-tests:false'],
      ['refactor', false, 'old-name-gone:false tests:true'],
    ]);
  }, 120_000);
});
