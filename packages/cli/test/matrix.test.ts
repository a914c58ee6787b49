import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FAKE_PLUGIN, runCli, transcript } from './helpers.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const FAKE2_PLUGIN = fileURLToPath(new URL('./fixtures/fake2-plugin.mjs', import.meta.url));
const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Where omnigent runs: a config loading both fake harnesses, and the two transcripts. */
function workspace(): { dir: string; env: Record<string, string> } {
  const dir = tmp('omnigent-matrix-test-');
  writeFileSync(join(dir, 'omnigent.config.json'), JSON.stringify({ plugins: [FAKE_PLUGIN, FAKE2_PLUGIN] }));
  const t1 = transcript(dir, 'fake.jsonl', [
    { type: 'session.started', cwd: '.' },
    { $fake: 'write', path: 'made-by-harness.txt', content: 'fake' },
    { type: 'tool.started', callId: 'a', name: 'Bash', kind: 'shell', input: { command: 'make' } },
    { type: 'tool.completed', callId: 'a', name: 'Bash', output: 'ok', isError: false, durationMs: 40 },
    { type: 'usage', scope: 'turn', source: 'stream', confidence: 'exact', input: 100, output: 10 },
    { type: 'result', ok: true, result: 'done' },
  ]);
  const t2 = transcript(dir, 'fake2.jsonl', [
    { type: 'session.started', cwd: '.' },
    { type: 'tool.started', callId: 'b', name: 'Edit', kind: 'edit', input: { path: 'x' } },
    { type: 'tool.completed', callId: 'b', name: 'Edit', output: 'no', isError: true, durationMs: 7 },
    { type: 'usage', scope: 'turn', source: 'stream', confidence: 'exact', input: 300, output: 30, costUsd: 0.5 },
    { type: 'result', ok: true, result: 'done' },
  ]);
  return { dir, env: { OMNIGENT_FAKE_TRANSCRIPT: t1, FAKE2_TRANSCRIPT: t2 } };
}

/** A git repository holding task.yaml and one committed file. */
function gitRepo(task: Record<string, unknown>): string {
  const repo = tmp('omnigent-matrix-repo-');
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', env: { ...process.env, ...GIT_ENV } }).trim();
  git('init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'README.md'), 'hello\n');
  writeFileSync(
    join(repo, 'task.yaml'),
    Object.entries(task)
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join('\n') + '\n',
  );
  git('add', '.');
  git('commit', '-q', '-m', 'init');
  return repo;
}

interface MatrixJson {
  matrix: string;
  runs: Array<{
    combination: string;
    harness: string;
    model?: string;
    runId?: string;
    status: string;
    worktree?: string;
  }>;
  groups: Array<{
    key: Record<string, string>;
    runs: number;
    completed: number;
    tokens: { input: { mean?: number; total?: number } };
    costUsd: { total?: number };
    tools: Array<{ name: string; calls: number; errorRate: number }>;
  }>;
}

describe('omnigent matrix', () => {
  it('runs every harness × model × repeat in git worktrees, tags the runs and ends with their comparison', async () => {
    const ws = workspace();
    const repo = gitRepo({ prompt: 'build it', setup: 'echo ready > setup.txt', tags: ['suite'] });
    const r = await runCli(
      [
        'matrix',
        join(repo, 'task.yaml'),
        '--harness',
        'fake,fake2',
        '--model',
        'm1,m2',
        '--repeat',
        '2',
        '--concurrency',
        '2',
        '--id',
        'mx1',
        '--json',
      ],
      { cwd: ws.dir, env: ws.env },
    );
    expect(r.stderr).toContain('matrix mx1: 8 runs');
    expect(r.stderr).toContain('in git worktrees');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as MatrixJson;
    expect(out.matrix).toBe('mx1');
    expect(out.runs.map((x) => x.combination).sort()).toEqual([
      'fake/m1#1',
      'fake/m1#2',
      'fake/m2#1',
      'fake/m2#2',
      'fake2/m1#1',
      'fake2/m1#2',
      'fake2/m2#1',
      'fake2/m2#2',
    ]);
    expect(out.runs.every((x) => x.status === 'completed')).toBe(true);
    expect(out.groups.map((g) => [g.key.harness, g.key.model, g.runs, g.completed])).toEqual([
      ['fake', 'm1', 2, 2],
      ['fake', 'm2', 2, 2],
      ['fake2', 'm1', 2, 2],
      ['fake2', 'm2', 2, 2],
    ]);
    const fake2m1 = out.groups[2]!;
    expect(fake2m1.tokens.input).toMatchObject({ mean: 300, total: 600 });
    expect(fake2m1.costUsd.total).toBeCloseTo(1.0, 10);
    expect(fake2m1.tools).toEqual([expect.objectContaining({ name: 'Edit', calls: 2, errorRate: 1 })]);
    // Isolation: the harness wrote into its worktree, never into the repository; worktrees are gone.
    expect(existsSync(join(repo, 'made-by-harness.txt'))).toBe(false);
    expect(existsSync(join(repo, 'setup.txt'))).toBe(false);
    expect(execFileSync('git', ['-C', repo, 'worktree', 'list'], { encoding: 'utf8' }).trim().split('\n')).toHaveLength(
      1,
    );

    const listed = await runCli(['runs', '--json', '--tag', 'matrix:mx1', '--limit', '100'], { cwd: ws.dir });
    const runs = JSON.parse(listed.stdout) as Array<{ tags: string[]; cwd: string; git?: { commit: string } }>;
    expect(runs).toHaveLength(8);
    expect(runs.every((x) => x.tags.includes('suite') && x.tags.some((t) => t.startsWith('combo:')))).toBe(true);
    const head = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    expect(runs.every((x) => x.cwd !== repo && x.git?.commit === head)).toBe(true);
  });

  it('--keep keeps each worktree, where setup ran before the harness (regression: -H before the task path does not swallow it)', async () => {
    const ws = workspace();
    const repo = gitRepo({ prompt: 'p', setup: ['echo ready > setup.txt'] });
    const r = await runCli(['matrix', '-H', 'fake', '--model', 'm1', join(repo, 'task.yaml'), '--keep', '--json'], {
      cwd: ws.dir,
      env: ws.env,
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as MatrixJson;
    const wt = out.runs[0]!.worktree!;
    try {
      expect(readFileSync(join(wt, 'setup.txt'), 'utf8')).toBe('ready\n');
      expect(readFileSync(join(wt, 'made-by-harness.txt'), 'utf8')).toBe('fake');
      expect(readFileSync(join(wt, 'README.md'), 'utf8')).toBe('hello\n');
    } finally {
      execFileSync('git', ['-C', repo, 'worktree', 'remove', '--force', wt]);
    }
  });

  it('--shard i/n runs a deterministic slice, and the slices cover the matrix once', async () => {
    const ws = workspace();
    const repo = gitRepo({ prompt: 'p' });
    const combos: string[][] = [];
    for (const shard of ['1/3', '2/3', '3/3']) {
      const r = await runCli(
        [
          'matrix',
          join(repo, 'task.yaml'),
          '-H',
          'fake,fake2',
          '--repeat',
          '3',
          '--shard',
          shard,
          '--id',
          'sh',
          '--json',
        ],
        { cwd: ws.dir, env: ws.env },
      );
      expect(r.code).toBe(0);
      combos.push((JSON.parse(r.stdout) as MatrixJson).runs.map((x) => x.combination).sort());
    }
    expect(combos).toEqual([
      ['fake/default#1', 'fake2/default#1'],
      ['fake/default#2', 'fake2/default#2'],
      ['fake/default#3', 'fake2/default#3'],
    ]);
  });

  it('without git: temporary copies; a failed run makes the exit code 1; the table closes the output', async () => {
    const ws = workspace();
    const src = tmp('omnigent-matrix-plain-');
    mkdirSync(join(src, 'sub'));
    writeFileSync(join(src, 'task.yaml'), 'prompt: p\ncwd: sub\nenv:\n  OMNIGENT_FAKE_EXIT_CODE: 3\n');
    const r = await runCli(['matrix', join(src, 'task.yaml'), '-H', 'fake', '--id', 'plain'], {
      cwd: ws.dir,
      env: ws.env,
    });
    expect(r.stdout).toContain('in temporary copies');
    expect(r.stdout).toMatch(/\[1\/1\] fake\/default#1\s+failed/);
    expect(r.stdout).toMatch(/HARNESS\s+MODEL\s+RUNS\s+OK/);
    expect(r.stdout).toMatch(/fake\s+—\s+1\s+0%/);
    expect(r.code).toBe(1);
    expect(existsSync(join(src, 'sub', 'made-by-harness.txt'))).toBe(false);
    rmSync(src, { recursive: true, force: true });
  });

  it('rejects an invalid task.yaml naming the file and key', async () => {
    const ws = workspace();
    const src = tmp('omnigent-matrix-bad-');
    writeFileSync(join(src, 'task.yaml'), 'prompt: p\ntimeout: soon\n');
    const r = await runCli(['matrix', join(src, 'task.yaml'), '-H', 'fake'], { cwd: ws.dir, env: ws.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('task.yaml');
    expect(r.stderr).toContain('timeout');
  });

  it('task errors read well: bad YAML without a dangling colon, a missing or misspelt prompt, a missing file (exit 2)', async () => {
    const ws = workspace();
    const src = tmp('omnigent-matrix-bad-');
    const cases: Array<[string, string]> = [
      // regression: ended "…at line 2, column 1:" with the code frame cut off
      [
        'prompt: [\n',
        '2: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]\n',
      ],
      // regression: was "prompt: Invalid input: expected string, received undefined"
      ['timeout: 5\n', '1: prompt: missing: a task needs a prompt (what every harness is asked)\n'],
      [
        'promt: p\n',
        '1: promt: unknown key (a task has id, prompt, repo, ref, cwd, setup, env, timeout, tags, kind, checks)\n',
      ],
    ];
    for (const [i, [text, message]] of cases.entries()) {
      const file = join(src, `task${i}.yaml`);
      writeFileSync(file, text);
      const r = await runCli(['matrix', file, '-H', 'fake'], { cwd: ws.dir, env: ws.env });
      expect([r.code, r.stderr]).toEqual([2, `omnigent: ${file}:${message}`]);
    }
    const missing = await runCli(['matrix', join(src, 'nope.yaml'), '-H', 'fake'], { cwd: ws.dir, env: ws.env });
    expect([missing.code, missing.stderr]).toEqual([
      2,
      `omnigent: ${join(src, 'nope.yaml')}: cannot read the task: no such file\n`,
    ]);
    rmSync(src, { recursive: true, force: true });
  }, 120_000);

  it('progress columns fit the labels; Ctrl-C stops the matrix, says how many runs never started, exit 130', async () => {
    const ws = workspace();
    const src = tmp('omnigent-matrix-plain-');
    writeFileSync(join(src, 'task.yaml'), 'prompt: p\n');
    const quick = await runCli(
      ['matrix', join(src, 'task.yaml'), '-H', 'fake', '-m', 'a,a-much-longer-model-name-than-28', '--id', 'cols'],
      { cwd: ws.dir, env: ws.env },
    );
    expect(quick.code).toBe(0);
    const progress = quick.stdout.split('\n').filter((l) => l.startsWith('['));
    // regression: labels were padded to a fixed 28 columns (wide gaps, or no gap past 28)
    expect(progress[0]).toMatch(/^\[1\/2\] fake\/a#1 {2,}completed/);
    expect(progress.map((l) => l.indexOf('completed'))).toEqual([
      progress[0]!.indexOf('completed'),
      progress[0]!.indexOf('completed'),
    ]);
    expect(progress[1]).toMatch(/^\[2\/2\] fake\/a-much-longer-model-name-than-28#1 {2}completed/);

    const slow = transcript(ws.dir, 'slow.jsonl', [
      { type: 'session.started', cwd: '.' },
      { $fake: 'sleep', ms: 30_000 },
      { type: 'result', ok: true },
    ]);
    let sent = false;
    const r = await runCli(['matrix', join(src, 'task.yaml'), '-H', 'fake', '-n', '3', '--id', 'int'], {
      cwd: ws.dir,
      env: { ...ws.env, OMNIGENT_FAKE_TRANSCRIPT: slow },
      onStdout: (text, child) => {
        if (!sent && text.includes('matrix int: 3 runs')) {
          sent = true;
          setTimeout(() => child.kill('SIGINT'), 1500);
        }
      },
    });
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/\[1\/3\] fake\/default#1\s+interrupted/);
    expect(r.stdout).toContain('interrupted: 2 of 3 runs not started');
    rmSync(src, { recursive: true, force: true });
  }, 120_000);
});
