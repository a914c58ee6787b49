import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive } from '@omnigent/core/internal';
import { jsonLines, runCli, scratch, transcript } from './helpers.js';

const session = { type: 'session.started', cwd: '/w', model: 'fake-model' };
const ok = (result: string) => ({ type: 'result', ok: true, result });
const usage = (input: number, output: number) => ({
  type: 'usage',
  scope: 'turn',
  source: 'stream',
  confidence: 'exact',
  input,
  output,
});

/** A scratch git repo whose omnigent.config.json loads the fake plugin. */
function project(): string {
  const dir = scratch();
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@l',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@l',
  };
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
  writeFileSync(join(dir, '.gitignore'), '.store/\n*.jsonl\n*.pid\nomnigent.config.json\n');
  execFileSync('git', ['add', '-A'], { cwd: dir, env });
  execFileSync('git', ['commit', '-q', '-m', 'init'], { cwd: dir, env });
  return dir;
}

function workflowFile(dir: string, lines: string[]): string {
  const file = join(dir, 'wf.yaml');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('omnigent workflow run', () => {
  it('runs a DAG: parallel steps in worktrees, handoff of output, files and diff, every event tagged with its step', async () => {
    const dir = project();
    const plan = transcript(dir, 'plan.jsonl', [
      session,
      { type: 'message', role: 'assistant', text: 'PLAN: write a.txt and b.txt' },
      usage(100, 10),
      ok('PLAN: write a.txt and b.txt'),
    ]);
    const buildA = transcript(dir, 'a.jsonl', [
      session,
      { $fake: 'sleep', ms: 400 },
      { $fake: 'write', path: 'a.txt', content: 'made by a\n' },
      { type: 'message', role: 'assistant', text: 'wrote a' },
      usage(50, 5),
      ok('wrote a'),
    ]);
    const buildB = transcript(dir, 'b.jsonl', [
      session,
      { $fake: 'sleep', ms: 400 },
      { $fake: 'write', path: 'b.txt', content: 'made by b\n' },
      { type: 'message', role: 'assistant', text: 'wrote b' },
      usage(60, 6),
      ok('wrote b'),
    ]);
    const review = transcript(dir, 'review.jsonl', [session, { $fake: 'echo-prompt' }, ok('')]);
    const file = workflowFile(dir, [
      'name: handoff',
      'steps:',
      '  - id: plan',
      '    harness: fake',
      `    env: { OMNIGENT_FAKE_TRANSCRIPT: "${plan}" }`,
      '    prompt: "Plan this: {{ input }}"',
      '  - id: build_a',
      '    harness: fake',
      '    needs: plan',
      '    isolation: worktree',
      `    env: { OMNIGENT_FAKE_TRANSCRIPT: "${buildA}" }`,
      '    prompt: "{{ steps.plan.output }}"',
      '  - id: build_b',
      '    harness: fake',
      '    needs: plan',
      '    isolation: worktree',
      '    apply: true',
      `    env: { OMNIGENT_FAKE_TRANSCRIPT: "${buildB}" }`,
      '    prompt: "{{ steps.plan.output }}"',
      '  - id: review',
      '    harness: fake',
      '    needs: [build_a, build_b]',
      `    env: { OMNIGENT_FAKE_TRANSCRIPT: "${review}" }`,
      '    prompt: |',
      '      plan={{ steps.plan.output }}',
      '      files={{ steps.build_a.files }}',
      '      status={{ steps.build_b.status }}',
      '      {{ steps.build_b.diff }}',
    ]);
    const r = await runCli(
      ['workflow', 'run', file, '--json', '--concurrency', '2', '--input', 'two files', '--no-store'],
      { cwd: dir },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = jsonLines(r.stdout);
    const runEvents = events.filter((e) => !String(e.type).startsWith('workflow.'));
    expect(runEvents.length).toBeGreaterThan(0);
    expect(runEvents.every((e) => typeof e.step === 'string')).toBe(true);
    expect(new Set(runEvents.map((e) => e.step))).toEqual(new Set(['plan', 'build_a', 'build_b', 'review']));

    const flow = events
      .filter((e) => String(e.type).startsWith('workflow.'))
      .map((e) => `${String(e.type)}:${String(e.step ?? '')}`);
    expect(flow[0]).toBe('workflow.started:');
    expect(flow.at(-1)).toBe('workflow.completed:');
    // both builds started before either finished: they ran in parallel
    const firstBuildDone = Math.min(
      flow.indexOf('workflow.step.completed:build_a'),
      flow.indexOf('workflow.step.completed:build_b'),
    );
    expect(flow.indexOf('workflow.step.started:build_a')).toBeLessThan(firstBuildDone);
    expect(flow.indexOf('workflow.step.started:build_b')).toBeLessThan(firstBuildDone);

    const started = events.find((e) => e.type === 'workflow.step.started' && e.step === 'plan');
    expect(started?.prompt).toBe('Plan this: two files');
    const reviewDone = events.find((e) => e.type === 'workflow.step.completed' && e.step === 'review')!;
    const answer = String(reviewDone.output);
    expect(answer).toContain('plan=PLAN: write a.txt and b.txt');
    expect(answer).toContain('files=a.txt');
    expect(answer).toContain('status=ok');
    expect(answer).toContain('+made by b');
    // build_b applied its diff to the base tree; build_a (no apply) did not
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('made by b\n');
    expect(existsSync(join(dir, 'a.txt'))).toBe(false);
    const aDone = events.find((e) => e.type === 'workflow.step.completed' && e.step === 'build_a')!;
    expect(aDone.files).toEqual(['a.txt']);
    expect(aDone.usage).toEqual({ input: 50, output: 5 });
    const done = events.at(-1)!;
    expect(done).toMatchObject({ type: 'workflow.completed', status: 'ok', usage: { input: 210, output: 21 } });
  });

  it('a failed step: its dependents are skipped visibly, independent steps still run with on_failure: continue; exit 1', async () => {
    const dir = project();
    const good = transcript(dir, 'good.jsonl', [session, usage(10, 1), ok('fine')]);
    const file = workflowFile(dir, [
      'name: failing',
      'concurrency: 1',
      'steps:',
      '  - id: broken',
      '    harness: fake',
      '    on_failure: continue',
      `    env: { OMNIGENT_FAKE_TRANSCRIPT: "${good}", OMNIGENT_FAKE_EXIT_CODE: "3", OMNIGENT_FAKE_STDERR: "boom" }`,
      '    prompt: x',
      '  - id: after',
      '    harness: fake',
      '    needs: broken',
      `    env: { OMNIGENT_FAKE_TRANSCRIPT: "${good}" }`,
      '    prompt: x',
      '  - id: other',
      '    harness: fake',
      `    env: { OMNIGENT_FAKE_TRANSCRIPT: "${good}" }`,
      '    prompt: x',
    ]);
    const r = await runCli(['workflow', 'run', file, '--no-store'], { cwd: dir, env: { FORCE_COLOR: undefined } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAILED broken .*: fake exited with code 3: boom/);
    expect(r.stdout).toContain('- after skipped: needs "broken", which failed');
    expect(r.stdout).toMatch(/ok other /);
    expect(r.stdout).toMatch(/step\s+harness\s+model\s+status\s+duration\s+tokens\s+cost/);
    expect(r.stdout).toMatch(/broken\s+fake\s+fake-model\s+failed/);
    expect(r.stdout).toMatch(/after\s+fake\s+—\s+skipped/);
    expect(r.stdout).toMatch(/other\s+fake\s+fake-model\s+done\s+\S+\s+11\s+—/);
    expect(r.stdout).toContain('workflow failing failed');
  });

  it('on_failure: stop (default) skips what had not started yet', async () => {
    const dir = project();
    const good = transcript(dir, 'good.jsonl', [session, ok('fine')]);
    const file = workflowFile(dir, [
      'concurrency: 1',
      'steps:',
      `  - { id: a, harness: fake, env: { OMNIGENT_FAKE_TRANSCRIPT: "${good}", OMNIGENT_FAKE_EXIT_CODE: "1" }, prompt: x }`,
      `  - { id: b, harness: fake, env: { OMNIGENT_FAKE_TRANSCRIPT: "${good}" }, prompt: x }`,
    ]);
    const r = await runCli(['workflow', 'run', file, '--json', '--no-store'], { cwd: dir });
    expect(r.code).toBe(1);
    const skipped = jsonLines(r.stdout).find((e) => e.type === 'workflow.step.skipped');
    expect(skipped).toMatchObject({ step: 'b', reason: 'stopped', because: 'a' });
  });

  it('Ctrl-C cancels the running steps (no process left), skips the rest, exit 130', async () => {
    const dir = project();
    const t = transcript(dir, 'hang.jsonl', [session, { type: 'message', role: 'assistant', text: 'working' }]);
    const pids = [join(dir, 'p1.pid'), join(dir, 'p2.pid')];
    const file = workflowFile(dir, [
      'steps:',
      `  - { id: one, harness: fake, env: { OMNIGENT_FAKE_TRANSCRIPT: "${t}", OMNIGENT_FAKE_HANG: "1", OMNIGENT_FAKE_PID_FILE: "${pids[0]}" }, prompt: x }`,
      `  - { id: two, harness: fake, env: { OMNIGENT_FAKE_TRANSCRIPT: "${t}", OMNIGENT_FAKE_HANG: "1", OMNIGENT_FAKE_PID_FILE: "${pids[1]}" }, prompt: x }`,
      `  - { id: three, harness: fake, needs: [one, two], env: { OMNIGENT_FAKE_TRANSCRIPT: "${t}" }, prompt: x }`,
    ]);
    let sent = false;
    const r = await runCli(['workflow', 'run', file, '--json', '--no-store'], {
      cwd: dir,
      onStdout: (text, child) => {
        // both steps printed their message: both harnesses (and their sleeping children) are up
        const working = text.split('\n').filter((l) => l.includes('"text":"working"')).length;
        if (!sent && working >= 2 && pids.every((p) => existsSync(p))) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    const events = jsonLines(r.stdout);
    const done = events.filter((e) => e.type === 'workflow.step.completed').map((e) => [e.step, e.status]);
    expect(done.sort()).toEqual([
      ['one', 'cancelled'],
      ['two', 'cancelled'],
    ]);
    expect(events.find((e) => e.type === 'workflow.step.skipped')).toMatchObject({
      step: 'three',
      reason: 'cancelled',
    });
    expect(events.at(-1)).toMatchObject({ type: 'workflow.completed', status: 'cancelled' });
    const all = pids.flatMap((p) => readFileSync(p, 'utf8').split('\n').filter(Boolean).map(Number));
    expect(all.length).toBe(4);
    expect(all.filter((pid) => isAlive(pid))).toEqual([]);
  });

  it('--input @file reads the input from a file; --set overrides a step model', async () => {
    const dir = project();
    const echo = transcript(dir, 'echo.jsonl', [session, { $fake: 'echo-prompt' }, ok('')]);
    writeFileSync(join(dir, 'task.md'), 'the task from a file\n');
    const file = workflowFile(dir, [
      'steps:',
      `  - { id: a, harness: fake, env: { OMNIGENT_FAKE_TRANSCRIPT: "${echo}" }, prompt: "do: {{ input }}" }`,
    ]);
    const r = await runCli(
      ['workflow', 'run', file, '--json', '--no-store', '--input', '@task.md', '--set', 'a.model=m-override'],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    const events = jsonLines(r.stdout);
    expect(events.find((e) => e.type === 'workflow.step.started')).toMatchObject({
      step: 'a',
      model: 'm-override',
      prompt: 'do: the task from a file',
    });
    expect(events.find((e) => e.type === 'workflow.step.completed')).toMatchObject({
      output: 'do: the task from a file',
    });
  });

  it('--input - reads stdin (regression: the prompt was the internal "\\0stdin" marker); no input or an empty one for {{ input }} is exit 2; so is a missing -C', async () => {
    const dir = project();
    const echo = transcript(dir, 'echo.jsonl', [session, { $fake: 'echo-prompt' }, ok('')]);
    const file = workflowFile(dir, [
      'steps:',
      `  - { id: a, harness: fake, env: { OMNIGENT_FAKE_TRANSCRIPT: "${echo}" }, prompt: "do: {{ input }}" }`,
      `  - { id: b, harness: fake, env: { OMNIGENT_FAKE_TRANSCRIPT: "${echo}" }, prompt: "fixed" }`,
    ]);
    const r = await runCli(['workflow', 'run', file, '--json', '--no-store', '--input', '-'], {
      cwd: dir,
      input: 'the task from stdin\n',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout).find((e) => e.type === 'workflow.step.started' && e.step === 'a')).toMatchObject({
      prompt: 'do: the task from stdin',
    });

    // regression: ran every step with "do: " and nothing after it
    const none = await runCli(['workflow', 'run', file, '--no-store'], { cwd: dir });
    expect([none.code, none.stdout]).toEqual([2, '']);
    expect(none.stderr).toBe(
      `omnigent: ${file} uses {{ input }} (step a) and no input was given.\n  Give it with --input "…", --input @task.md or --input - (stdin), or set input: in the workflow file.\n`,
    );
    const empty = await runCli(['workflow', 'run', file, '--no-store', '--input', '-'], { cwd: dir, input: '\n' });
    expect([empty.code, empty.stdout]).toEqual([2, '']);
    expect(empty.stderr).toContain(
      'omnigent: --input -: the input is empty, and step a would get nothing as {{ input }}.',
    );
    // the file's own input: is enough
    writeFileSync(file, `input: from the file\n${readFileSync(file, 'utf8')}`);
    const own = await runCli(['workflow', 'run', file, '--json', '--no-store'], { cwd: dir });
    expect(jsonLines(own.stdout).find((e) => e.type === 'workflow.step.started' && e.step === 'a')).toMatchObject({
      prompt: 'do: from the file',
    });

    // regression: a missing -C was reported as 'unknown harness "fake"' (no config found there)
    const cwd = await runCli(['workflow', 'run', file, '--no-store', '-C', join(dir, 'nope')], { cwd: dir });
    expect(cwd.code).toBe(2);
    expect(cwd.stderr).toContain(`omnigent: --cwd ${join(dir, 'nope')}: no such directory`);
  }, 120_000);

  it('a step whose harness binary is missing fails with the install hint on its line (regression: the hint was dropped); exit 1', async () => {
    const dir = project();
    const file = workflowFile(dir, ['steps:', '  - { id: a, harness: fake, prompt: hi }']);
    const r = await runCli(['workflow', 'run', file, '--no-store'], {
      cwd: dir,
      env: { OMNIGENT_FAKE_BIN: join(dir, 'nope') },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^FAILED a \S+: The fake CLI was not found \(looked in: OMNIGENT_FAKE_BIN=.*\)\. Install it with: npm install -D @omnigent\/testkit/m,
    );
  }, 120_000);

  it('an invalid workflow exits 2 before anything runs, naming file, line and key', async () => {
    const dir = project();
    const file = workflowFile(dir, [
      'steps:',
      '  - id: a',
      '    harness: fake',
      '    needs: b',
      '    prompt: x',
      '  - id: b',
      '    harness: nope',
      '    needs: a',
      '    prompt: "{{ steps.a.outptu }}"',
    ]);
    const r = await runCli(['workflow', 'run', file, '--no-store'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${file}:7: steps.1.harness: unknown harness "nope" (installed: `);
    expect(r.stderr).toContain(`${file}:4: steps.0.needs: dependency cycle: a -> b -> a`);
  });
});

describe('omnigent workflow validate', () => {
  it('prints the steps of a valid workflow, exit 0', async () => {
    const dir = project();
    const file = workflowFile(dir, [
      'name: ok',
      'steps:',
      '  - { id: a, harness: fake, model: m1, prompt: x }',
      '  - { id: b, harness: fake, needs: a, isolation: worktree, prompt: "{{ steps.a.diff }}" }',
    ]);
    const r = await runCli(['workflow', 'validate', file, '--set', 'b.model=m2'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid workflow "ok", 2 steps');
    expect(r.stdout).toContain('  a: fake · m1');
    expect(r.stdout).toContain('  b: fake · m2 (needs a) [worktree]');
    expect(r.stdout).not.toContain('{{ input }}');
    const withInput = workflowFile(dir, ['steps:', '  - { id: a, harness: fake, prompt: "{{ input }}" }']);
    expect((await runCli(['workflow', 'validate', withInput], { cwd: dir })).stdout).toContain(
      '  run it with --input "…": step a uses {{ input }}',
    );
  });

  it('--json lists every problem with file, line and key; exit 2', async () => {
    const dir = project();
    const file = workflowFile(dir, [
      'steps:',
      '  - id: a',
      '    harness: fake',
      '    prompt: "{{ input }} {{ nope }}"',
      '    needs: [ghost]',
    ]);
    const r = await runCli(['workflow', 'validate', file, '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as { valid: boolean; issues: Array<Record<string, unknown>> };
    expect(out.valid).toBe(false);
    // in file order
    expect(out.issues).toEqual([
      expect.objectContaining({ file, line: 4, key: 'steps.0.prompt' }),
      { file, line: 5, key: 'steps.0.needs.0', message: 'unknown step "ghost" (steps: a)' },
    ]);
  });

  it('bad YAML: exit 2 with the line', async () => {
    const dir = project();
    const file = workflowFile(dir, ['steps:', '  - id: a', '    prompt: x: y']);
    const r = await runCli(['workflow', 'validate', file], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:3: not valid YAML:`);
  });
});
