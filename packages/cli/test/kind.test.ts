import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, scratch, transcript } from './helpers.js';

const session = { type: 'session.started', cwd: '/w', model: 'fake-model' };
const done = { type: 'result', ok: true, result: 'ok' };

// biome-ignore lint/suspicious/noExplicitAny: parsed CLI output, read field by field in the assertions
type Json = Record<string, any>;

function startRecords(dir: string): Json[] {
  return readFileSync(join(dir, '.store', 'index.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Json)
    .filter((r) => r.k === 'start');
}

describe('kind of work on every run', () => {
  it('--kind is stored as explicit; without it the prompt is classified; runs --kind and compare --by kind use it', async () => {
    const dir = scratch();
    const t = transcript(dir, 't.jsonl', [session, done]);
    const env = { OMNIGENT_FAKE_TRANSCRIPT: t };
    // the prompt says "add", but the user knows better: explicit wins
    expect(
      (await runCli(['run', '-H', 'fake', '--kind', 'bugfix', 'add a guard for the empty config'], { cwd: dir, env }))
        .code,
    ).toBe(0);
    expect((await runCli(['run', '-H', 'fake', 'add a --verbose flag to the CLI'], { cwd: dir, env })).code).toBe(0);
    expect((await runCli(['run', '-H', 'fake', 'explain how the event bus works'], { cwd: dir, env })).code).toBe(0);
    const starts = startRecords(dir);
    expect(starts.map((s) => [s.kind, s.kindSource])).toEqual([
      ['bugfix', 'explicit'],
      ['feature', 'classified'],
      ['analysis', 'classified'],
    ]);
    expect(starts[0]!.kindConfidence).toBe(1);
    expect(starts[1]!.kindConfidence).toBeGreaterThan(0.5);
    expect(starts[1]!.kindConfidence).toBeLessThan(1);

    const shown = await runCli(['runs', 'show', starts[0]!.id as string], { cwd: dir });
    expect(shown.stdout).toMatch(/\n {2}kind {5}bugfix \(given\)\n/);
    const classified = await runCli(['runs', 'show', starts[1]!.id as string], { cwd: dir });
    expect(classified.stdout).toMatch(/\n {2}kind {5}feature \(classified, confidence \d+%\)\n/);

    const bugfixes = JSON.parse((await runCli(['runs', '--kind', 'bugfix', '--json'], { cwd: dir })).stdout) as Json[];
    expect(bugfixes.map((r) => r.prompt)).toEqual(['add a guard for the empty config']);
    const two = JSON.parse(
      (await runCli(['runs', '--kind', 'feature,analysis', '--json'], { cwd: dir })).stdout,
    ) as Json[];
    expect(two).toHaveLength(2);

    const cmp = JSON.parse((await runCli(['compare', '--by', 'kind', '--json'], { cwd: dir })).stdout) as Json;
    expect(cmp.groups.map((g: Json) => [g.label, g.runs])).toEqual([
      ['analysis', 1],
      ['bugfix', 1],
      ['feature', 1],
    ]);
    const table = await runCli(['compare', '--by', 'kind,harness'], { cwd: dir });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^KIND\s+HARNESS\s+RUNS/);
    expect(table.stdout).toMatch(/\nbugfix\s+fake\s+1\s+100%/);
  });

  it('a kind that does not exist is a usage error (exit 2) naming the kinds', async () => {
    const dir = scratch();
    const run = await runCli(['run', '-H', 'fake', '--kind', 'bugs', 'x'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bugfix/);
    const runs = await runCli(['runs', '--kind', 'bugs'], { cwd: dir });
    expect(runs.code).toBe(2);
    expect(runs.stderr).toMatch(
      /--kind expects one of feature, bugfix, refactor, test, docs, review, plan, analysis, chore, got "bugs"/,
    );
  });

  it("a workflow step's kind: is stored as explicit; a step without one is classified", async () => {
    const dir = scratch();
    const t = transcript(dir, 't.jsonl', [session, done]);
    const file = join(dir, 'wf.yaml');
    writeFileSync(
      file,
      [
        'name: kinds',
        'steps:',
        '  - id: docs',
        '    harness: fake',
        '    kind: docs',
        `    env: { OMNIGENT_FAKE_TRANSCRIPT: "${t}" }`,
        '    prompt: "go"',
        '  - id: review',
        '    harness: fake',
        '    needs: docs',
        `    env: { OMNIGENT_FAKE_TRANSCRIPT: "${t}" }`,
        '    prompt: "review the last commit"',
        '',
      ].join('\n'),
    );
    const r = await runCli(['workflow', 'run', file], { cwd: dir });
    expect(r.code).toBe(0);
    const byStep = Object.fromEntries(startRecords(dir).map((s) => [s.workflow.step, [s.kind, s.kindSource]]));
    expect(byStep).toEqual({ docs: ['docs', 'explicit'], review: ['review', 'classified'] });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      ['steps:', '  - id: a', '    harness: fake', '    kind: bugs', '    prompt: "go"', ''].join('\n'),
    );
    const v = await runCli(['workflow', 'validate', bad], { cwd: dir });
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/kind/);
  });
});
