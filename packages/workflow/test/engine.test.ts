import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OmnigentEvent } from '@omnigent/core';
import { parseWorkflow, runWorkflow, type StepRunInput, type WorkflowEvent } from '../src/index.js';
import { git, plainDir, repo, say, terminal } from './helpers.js';

const wf = (lines: string[]) => parseWorkflow(lines.join('\n'));

describe('runWorkflow', () => {
  it('runs independent steps in parallel up to the bound and hands output, diff, files and status to later steps', async () => {
    const dir = repo();
    writeFileSync(join(dir, 'dirty.txt'), 'uncommitted before the run\n');
    const w = wf([
      'steps:',
      '  - { id: a, harness: h, prompt: "A: {{ input }}" }',
      '  - { id: b, harness: h, prompt: "B" }',
      '  - { id: c, harness: h, prompt: "C" }',
      '  - id: join',
      '    harness: h',
      '    needs: [a, b, c]',
      '    prompt: "out={{ steps.a.output }}|files={{ steps.a.files }}|status={{ steps.b.status }}|diff={{ steps.a.diff }}"',
    ]);
    let active = 0;
    let peak = 0;
    const prompts: Record<string, string> = {};
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const result = await runWorkflow(w, {
      input: 'the task',
      baseDir: dir,
      concurrency: 2,
      runStep: async (input: StepRunInput) => {
        active += 1;
        peak = Math.max(peak, active);
        prompts[input.step.id] = input.prompt;
        if (input.step.id === 'a') {
          writeFileSync(join(input.cwd, 'new.txt'), 'made by a\n');
          writeFileSync(join(input.cwd, 'README.md'), 'hello\nchanged by a\n');
        }
        // the first two steps wait for each other, so both must be running at once
        if (peak < 2) await gate;
        else release();
        say(input, `first ${input.step.id}`);
        say(input, `answer of ${input.step.id}`);
        active -= 1;
        return terminal(input, true, {
          result: 'ignored: the last message wins',
          usage: { input: 10, output: 2, source: 'result', confidence: 'exact' },
        });
      },
    });
    expect(result.status).toBe('ok');
    expect(peak).toBe(2);
    expect(prompts.a).toBe('A: the task');
    const a = result.steps[0]!;
    expect(a.output).toBe('answer of a');
    // the diff is what the step changed: the file that was already dirty is not in it
    expect(a.files.sort()).toEqual(['README.md', 'new.txt']);
    expect(a.diff).toContain('+changed by a');
    expect(a.diff).toContain('+made by a');
    expect(a.diff).not.toContain('dirty.txt');
    expect(prompts.join).toContain('out=answer of a|files=README.md\nnew.txt|status=ok|diff=diff --git');
    expect(result.usage).toEqual({ input: 40, output: 8 });
    // the user's index is untouched: new.txt is still untracked
    expect(git(dir, 'status', '--porcelain')).toContain('?? new.txt');
  });

  it('worktree isolation: parallel writers do not collide; apply brings the diff to the base tree; later steps see it', async () => {
    const dir = repo();
    const w = wf([
      'steps:',
      '  - { id: x, harness: h, isolation: worktree, apply: true, prompt: x }',
      '  - { id: y, harness: h, isolation: worktree, prompt: y }',
      '  - { id: z, harness: h, needs: [x, y], prompt: "{{ steps.y.worktree }}" }',
    ]);
    const cwds: Record<string, string> = {};
    let yWorktreeSeenByZ = '';
    const result = await runWorkflow(w, {
      baseDir: dir,
      worktreeRoot: join(plainDir(), 'wt'),
      runStep: async (input) => {
        cwds[input.step.id] = input.cwd;
        if (input.step.id !== 'z') writeFileSync(join(input.cwd, 'README.md'), `written by ${input.step.id}\n`);
        else {
          yWorktreeSeenByZ = input.prompt;
          // z runs in the base tree, where x's change was applied and y's was not
          expect(readFileSync(join(input.cwd, 'README.md'), 'utf8')).toBe('written by x\n');
          expect(readFileSync(join(input.prompt, 'README.md'), 'utf8')).toBe('written by y\n');
        }
        return terminal(input, true);
      },
    });
    expect(result.status).toBe('ok');
    expect(cwds.x).not.toBe(dir);
    expect(cwds.y).not.toBe(cwds.x);
    expect(cwds.z).toBe(dir);
    expect(yWorktreeSeenByZ).toBe(cwds.y);
    expect(result.steps[0]!.files).toEqual(['README.md']);
    expect(result.steps[1]!.diff).toContain('+written by y');
    // successful worktrees are removed at the end
    expect(existsSync(cwds.x!)).toBe(false);
    expect(existsSync(cwds.y!)).toBe(false);
    expect(git(dir, 'worktree', 'list')).not.toContain(cwds.y!);
  });

  it('a step cwd resolves from the base directory, and inside its worktree when isolated; a retry gets a fresh worktree', async () => {
    const dir = repo();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'keep.txt'), 'k\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'sub');
    const w = wf([
      'steps:',
      '  - { id: plain, harness: h, cwd: sub, prompt: x }',
      '  - { id: iso, harness: h, cwd: sub, isolation: worktree, retries: 1, prompt: x }',
    ]);
    const cwds: string[] = [];
    const result = await runWorkflow(w, {
      baseDir: dir,
      concurrency: 1,
      worktreeRoot: join(plainDir(), 'wt'),
      runStep: async (input) => {
        cwds.push(input.cwd);
        expect(readFileSync(join(input.cwd, 'keep.txt'), 'utf8')).toBe('k\n');
        if (input.step.id === 'iso') writeFileSync(join(input.cwd, `attempt-${input.attempt}.txt`), 'x\n');
        return terminal(input, input.step.id === 'plain' || input.attempt === 2);
      },
    });
    expect(result.status).toBe('ok');
    expect(cwds[0]).toBe(join(dir, 'sub'));
    expect(cwds[1]).toMatch(/-iso-1\/sub$/);
    expect(cwds[2]).toMatch(/-iso-2\/sub$/);
    // the failed first attempt's worktree was removed; the diff is the successful attempt's only
    expect(existsSync(cwds[1]!)).toBe(false);
    expect(result.steps[1]!.files).toEqual(['sub/attempt-2.txt']);
  });

  it('a failed worktree step keeps its worktree (with its changes) and reports its path', async () => {
    const dir = repo();
    const w = wf(['steps:', '  - { id: x, harness: h, isolation: worktree, prompt: x }']);
    const result = await runWorkflow(w, {
      baseDir: dir,
      worktreeRoot: join(plainDir(), 'wt'),
      runStep: async (input) => {
        writeFileSync(join(input.cwd, 'half.txt'), 'half done\n');
        return terminal(input, false);
      },
    });
    const x = result.steps[0]!;
    expect(result.status).toBe('failed');
    expect(x.status).toBe('failed');
    expect(x.worktreeKept).toBe(true);
    expect(readFileSync(join(x.worktree!, 'half.txt'), 'utf8')).toBe('half done\n');
    expect(x.files).toEqual(['half.txt']);
  });

  it('on_failure stop (default): dependents and steps not yet started are skipped, with the reason', async () => {
    const dir = plainDir();
    const w = wf([
      'concurrency: 1',
      'steps:',
      '  - { id: a, harness: h, prompt: a }',
      '  - { id: b, harness: h, needs: a, prompt: b }',
      '  - { id: c, harness: h, prompt: c }',
      '  - { id: d, harness: h, needs: a, always: true, prompt: "{{ steps.a.status }}" }',
    ]);
    const events: Array<WorkflowEvent | OmnigentEvent> = [];
    const ran: string[] = [];
    const result = await runWorkflow(w, {
      baseDir: dir,
      onEvent: (e) => events.push(e),
      runStep: async (input) => {
        ran.push(`${input.step.id}:${input.prompt}`);
        return terminal(input, input.step.id !== 'a');
      },
    });
    expect(ran).toEqual(['a:a', 'd:failed']);
    expect(result.status).toBe('failed');
    expect(result.steps.map((s) => s.status)).toEqual(['failed', 'skipped', 'skipped', 'ok']);
    const skipped = events.filter(
      (e): e is Extract<WorkflowEvent, { type: 'workflow.step.skipped' }> => e.type === 'workflow.step.skipped',
    );
    expect(skipped.map((e) => [e.step, e.reason, e.because, e.message])).toEqual([
      ['b', 'dependency', 'a', 'needs "a", which failed'],
      ['c', 'stopped', 'a', 'the workflow stopped after "a" failed (on_failure: stop)'],
    ]);
  });

  it('on_failure continue: independent steps go on, dependents of the failed step are skipped', async () => {
    const w = wf([
      'concurrency: 1',
      'steps:',
      '  - { id: a, harness: h, on_failure: continue, prompt: a }',
      '  - { id: b, harness: h, needs: a, prompt: b }',
      '  - { id: c, harness: h, prompt: c }',
    ]);
    const result = await runWorkflow(w, {
      baseDir: plainDir(),
      runStep: async (input) => terminal(input, input.step.id !== 'a'),
    });
    expect(result.steps.map((s) => [s.id, s.status])).toEqual([
      ['a', 'failed'],
      ['b', 'skipped'],
      ['c', 'ok'],
    ]);
    expect(result.status).toBe('failed');
  });

  it('retries a failed step, each attempt a new run, and keeps the last outcome', async () => {
    const w = wf(['steps:', '  - { id: a, harness: h, retries: 2, prompt: a }']);
    const events: Array<WorkflowEvent | OmnigentEvent> = [];
    let calls = 0;
    const result = await runWorkflow(w, {
      baseDir: plainDir(),
      onEvent: (e) => events.push(e),
      runStep: async (input) => {
        calls += 1;
        return terminal(input, input.attempt === 2);
      },
    });
    expect(calls).toBe(2);
    expect(result.steps[0]).toMatchObject({ status: 'ok', attempts: 2 });
    expect(new Set(result.steps[0]!.runIds).size).toBe(2);
    expect(events.filter((e) => e.type === 'workflow.step.retrying')).toHaveLength(1);
  });

  it('a step that cannot start (setup error) fails without retries, with the message', async () => {
    const w = wf(['steps:', '  - { id: a, harness: h, retries: 3, prompt: a }']);
    let calls = 0;
    const result = await runWorkflow(w, {
      baseDir: plainDir(),
      runStep: async () => {
        calls += 1;
        throw new Error('The h CLI was not found');
      },
    });
    expect(calls).toBe(1);
    expect(result.steps[0]).toMatchObject({ status: 'failed', message: 'The h CLI was not found' });
  });

  it('a worktree step that cannot start leaves no worktree behind', async () => {
    const dir = repo();
    const w = wf(['steps:', '  - { id: a, harness: h, isolation: worktree, prompt: a }']);
    let cwd = '';
    const result = await runWorkflow(w, {
      baseDir: dir,
      worktreeRoot: join(plainDir(), 'wt'),
      runStep: async (input) => {
        cwd = input.cwd;
        throw new Error('The h CLI was not found');
      },
    });
    expect(result.steps[0]!.status).toBe('failed');
    expect(result.steps[0]!.worktree).toBeUndefined();
    expect(existsSync(cwd)).toBe(false);
    expect(git(dir, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  it('isolation: worktree outside git fails the step with a clear message', async () => {
    const w = wf(['steps:', '  - { id: a, harness: h, isolation: worktree, prompt: a }']);
    const result = await runWorkflow(w, { baseDir: plainDir(), runStep: async (input) => terminal(input, true) });
    expect(result.steps[0]!.status).toBe('failed');
    expect(result.steps[0]!.message).toMatch(/isolation: worktree needs a git repository/);
  });

  it('abort: running steps end cancelled, the rest are skipped as cancelled, the workflow is cancelled', async () => {
    const w = wf(['steps:', '  - { id: a, harness: h, prompt: a }', '  - { id: b, harness: h, needs: a, prompt: b }']);
    const controller = new AbortController();
    const events: Array<WorkflowEvent | OmnigentEvent> = [];
    const result = await runWorkflow(w, {
      baseDir: plainDir(),
      signal: controller.signal,
      onEvent: (e) => events.push(e),
      runStep: (input) =>
        new Promise((resolve) => {
          input.signal.addEventListener('abort', () =>
            resolve(terminal(input, false, { reason: 'aborted', message: 'interrupted' })),
          );
          controller.abort();
        }),
    });
    expect(result.status).toBe('cancelled');
    expect(result.steps.map((s) => s.status)).toEqual(['cancelled', 'skipped']);
    expect(events.find((e) => e.type === 'workflow.step.skipped')).toMatchObject({ step: 'b', reason: 'cancelled' });
  });

  it('a cancelled or failed step stays cancelled or failed when git cannot read its changes afterwards (regression: Ctrl-C showed as a git failure)', async () => {
    for (const outcome of ['aborted', 'exit'] as const) {
      const dir = repo();
      const w = wf(['steps:', '  - { id: a, harness: h, prompt: a }']);
      const result = await runWorkflow(w, {
        baseDir: dir,
        runStep: async (input) => {
          // the repository goes away while the step runs (as when a temp dir is cleaned up)
          rmSync(join(dir, '.git'), { recursive: true, force: true });
          return terminal(
            input,
            false,
            outcome === 'aborted' ? { reason: 'aborted', message: 'the run was interrupted' } : {},
          );
        },
      });
      const step = result.steps[0]!;
      expect(step.status).toBe(outcome === 'aborted' ? 'cancelled' : 'failed');
      expect(step.message).toMatch(
        new RegExp(
          `^${outcome === 'aborted' ? 'the run was interrupted' : 'exited with code 1'} \\(and could not read the step's changes from git: `,
        ),
      );
    }
    // a step that succeeded but whose changes cannot be read fails: its handoff would be wrong
    const dir = repo();
    const ok = await runWorkflow(wf(['steps:', '  - { id: a, harness: h, prompt: a }']), {
      baseDir: dir,
      runStep: async (input) => {
        rmSync(join(dir, '.git'), { recursive: true, force: true });
        return terminal(input, true);
      },
    });
    expect(ok.steps[0]).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/^could not read the step's changes from git: /),
    });
  });
});
