import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { addUsage, type OmnigentEvent, type TerminalEvent, type TokenUsage } from '@omnigent/core';
import type { StepOutcome, StepResult, WorkflowEvent } from './events.js';
import { addWorktree, applyDiff, commitTree, diffTrees, gitToplevel, removeWorktree, snapshotTree } from './git.js';
import { Mutex } from './mutex.js';
import { renderTemplate, type TemplateValues } from './template.js';
import type { Workflow, WorkflowStep } from './workflow.js';

/** What the engine hands to {@link RunStep} for one attempt of a step. */
export interface StepRunInput {
  step: WorkflowStep;
  /** The rendered prompt. */
  prompt: string;
  /** Absolute working directory (inside the step's worktree when it has one). */
  cwd: string;
  /** Run id to use for this attempt. */
  runId: string;
  /** 1-based. */
  attempt: number;
  workflowRunId: string;
  /** Aborted on Ctrl-C: the runner must end the harness (and its process tree). */
  signal: AbortSignal;
  /** The runner passes every normalized event of the run here, in order. */
  onEvent: (event: OmnigentEvent) => void;
}

/**
 * Runs one attempt of a step through a harness and resolves with its terminal event. Contract:
 * run failures come back as `run.failed`; a throw means the step could not start (setup error)
 * and is not retried.
 */
export type RunStep = (input: StepRunInput) => Promise<{ terminal: TerminalEvent }>;

/** Options of {@link runWorkflow}. */
export interface RunWorkflowOptions {
  runStep: RunStep;
  /** `{{ input }}`. Default: the workflow's `input`, else ''. */
  input?: string;
  /** Relative step `cwd`s resolve from here. Default: the process cwd. */
  baseDir?: string;
  /** Most steps at once. Default: the workflow's `concurrency`, else 4. */
  concurrency?: number;
  /** Ctrl-C: running steps are aborted, pending ones skipped. */
  signal?: AbortSignal;
  /** Workflow events and every step's normalized events (tagged with `step`), in order per step. */
  onEvent?: (event: WorkflowEvent | OmnigentEvent) => void;
  /** Default: a new UUID. */
  workflowRunId?: string;
  /** Where worktrees are made. Default: `<tmpdir>/omnigent-worktrees`. */
  worktreeRoot?: string;
}

/** Outcome of a whole workflow run. */
export interface WorkflowRunResult {
  workflowRunId: string;
  status: 'ok' | 'failed' | 'cancelled';
  durationMs: number;
  /** In the file's order. */
  steps: StepResult[];
  usage?: TokenUsage;
}

const now = (): string => new Date().toISOString();

/** Just the token figures of a usage-carrying object. */
function usageOf(u: TokenUsage): TokenUsage {
  return addUsage(u, undefined);
}

/** Final answer of a run: the last top-level assistant message, else the terminal `result`. */
function finalAnswer(lastMessage: string | undefined, terminal: TerminalEvent): string | undefined {
  return lastMessage ?? terminal.result;
}

/**
 * Run a workflow: steps start when everything they `need` has finished, at most `concurrency`
 * at once; each step's handoff artifacts (final answer, git diff, changed files, status, usage)
 * are taken by the engine, not by the harness, and fill the templates of later steps.
 *
 * Failure rules: a failed step's dependents are skipped (unless `always`); with
 * `on_failure: stop` (the default) no further step starts, while steps already running finish.
 * On abort, running steps are cancelled and the rest skipped. Worktrees of successful steps are
 * removed at the end; those of failed or cancelled steps are kept (their path is in the result).
 */
export async function runWorkflow(wf: Workflow, options: RunWorkflowOptions): Promise<WorkflowRunResult> {
  const workflowRunId = options.workflowRunId ?? randomUUID();
  const baseDir = resolve(options.baseDir ?? process.cwd());
  const input = options.input ?? wf.input ?? '';
  const limit = Math.max(1, options.concurrency ?? wf.concurrency ?? 4);
  const worktreeRoot = options.worktreeRoot ?? join(tmpdir(), 'omnigent-worktrees');
  const emit = (e: WorkflowEvent | OmnigentEvent): void => {
    try {
      options.onEvent?.(e);
    } catch {
      // a failing display must not break the workflow
    }
  };
  const started = Date.now();
  const gitLock = new Mutex();
  const results = new Map<string, StepResult>();
  const values: TemplateValues = { input, steps: {} };
  const running = new Map<string, Promise<void>>();
  let stopBecause: string | undefined;
  const worktreeTops = new Map<string, string>();
  const signal = options.signal;

  for (const s of wf.steps) {
    results.set(s.id, {
      id: s.id,
      harness: s.harness,
      ...(s.model ? { model: s.model } : {}),
      needs: s.needs,
      status: 'skipped',
      attempts: 0,
      runIds: [],
      diff: '',
      files: [],
    });
  }
  emit({
    type: 'workflow.started',
    workflowRunId,
    time: now(),
    name: wf.name,
    ...(wf.file ? { file: wf.file } : {}),
    input,
    steps: wf.steps.map((s) => ({
      id: s.id,
      harness: s.harness,
      ...(s.model ? { model: s.model } : {}),
      needs: s.needs,
    })),
  });

  const finished = new Set<string>();
  const skip = (
    step: WorkflowStep,
    reason: 'dependency' | 'stopped' | 'cancelled',
    message: string,
    because?: string,
  ): void => {
    const r = results.get(step.id)!;
    r.status = 'skipped';
    r.message = message;
    values.steps[step.id] = {
      status: 'skipped',
      output: '',
      diff: '',
      files: [],
      harness: step.harness,
      model: step.model ?? '',
    };
    finished.add(step.id);
    emit({
      type: 'workflow.step.skipped',
      workflowRunId,
      time: now(),
      step: step.id,
      reason,
      ...(because ? { because } : {}),
      message,
    });
  };

  const execute = async (step: WorkflowStep): Promise<void> => {
    const r = results.get(step.id)!;
    r.startedAt = now();
    const t0 = Date.now();
    const maxAttempts = step.retries + 1;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const outcome = await attemptStep(step, attempt, r);
      const last = attempt === maxAttempts || outcome.retryable === false || signal?.aborted === true;
      if (r.status === 'ok' || last) break;
      emit({
        type: 'workflow.step.retrying',
        workflowRunId,
        time: now(),
        step: step.id,
        attempt: attempt + 1,
        message: r.message ?? 'failed',
      });
      if (r.worktree) {
        const top = outcome.top;
        const dir = r.worktree;
        if (top) await gitLock.run(() => removeWorktree(top, dir)).catch(() => undefined);
        delete r.worktree;
      }
    }
    r.durationMs = Date.now() - t0;
    if (r.worktree) r.worktreeKept = true;
    values.steps[step.id] = {
      status: r.status,
      output: r.output ?? '',
      diff: r.diff,
      files: r.files,
      worktree: r.worktree ?? '',
      harness: step.harness,
      model: step.model ?? '',
    };
    const { id: _id, status, ...rest } = r;
    void _id;
    emit({
      type: 'workflow.step.completed',
      workflowRunId,
      time: now(),
      step: step.id,
      status: status as Exclude<StepOutcome, 'skipped'>,
      ...rest,
    });
    if (status === 'failed' && step.onFailure === 'stop' && stopBecause === undefined) stopBecause = step.id;
  };

  const attemptStep = async (
    step: WorkflowStep,
    attempt: number,
    r: StepResult,
  ): Promise<{ retryable: boolean; top?: string }> => {
    const runId = randomUUID();
    const stepDir = resolve(baseDir, step.cwd ?? '.');
    let top: string | undefined;
    let cwd = stepDir;
    let before: string | undefined;
    r.attempts = attempt;
    r.runId = runId;
    r.runIds.push(runId);
    delete r.message;
    delete r.output;
    try {
      top = await gitToplevel(stepDir);
      if (step.isolation === 'worktree') {
        if (!top) throw new Error(`isolation: worktree needs a git repository, and ${stepDir} is not inside one`);
        const gitTop = top;
        const dir = join(worktreeRoot, `${workflowRunId.slice(0, 8)}-${step.id}-${attempt}`);
        await mkdir(worktreeRoot, { recursive: true });
        before = await gitLock.run(async () => {
          const tree = await snapshotTree(gitTop);
          await addWorktree(gitTop, dir, await commitTree(gitTop, tree));
          return tree;
        });
        r.worktree = dir;
        worktreeTops.set(step.id, gitTop);
        cwd = join(dir, relative(gitTop, stepDir));
      } else if (top) {
        const gitTop = top;
        before = await gitLock.run(() => snapshotTree(gitTop));
      }
    } catch (error) {
      r.status = 'failed';
      r.message = `could not prepare the step: ${(error as Error).message}`;
      return { retryable: false, ...(top ? { top } : {}) };
    }

    const prompt = renderTemplate(step.prompt, values);
    emit({
      type: 'workflow.step.started',
      workflowRunId,
      time: now(),
      step: step.id,
      harness: step.harness,
      ...(step.model ? { model: step.model } : {}),
      attempt,
      runId,
      cwd,
      ...(r.worktree ? { worktree: r.worktree } : {}),
      prompt,
    });
    let lastMessage: string | undefined;
    const seen: Record<'call' | 'turn' | 'run', TokenUsage | undefined> = {
      call: undefined,
      turn: undefined,
      run: undefined,
    };
    let terminal: TerminalEvent;
    try {
      ({ terminal } = await options.runStep({
        step,
        prompt,
        cwd,
        runId,
        attempt,
        workflowRunId,
        signal: signal ?? new AbortController().signal,
        onEvent: (e) => {
          if (e.type === 'message' && e.role === 'assistant' && !e.parentCallId) lastMessage = e.text;
          if (e.type === 'usage' && !e.parentCallId)
            seen[e.scope] = e.scope === 'run' ? usageOf(e) : addUsage(seen[e.scope], usageOf(e));
          emit(e);
        },
      }));
    } catch (error) {
      r.status = 'failed';
      r.message = (error as Error).message ?? String(error);
      // the harness never started, so its worktree holds nothing worth keeping
      if (r.worktree && top) {
        const gitTop = top;
        const dir = r.worktree;
        await gitLock.run(() => removeWorktree(gitTop, dir)).catch(() => undefined);
        delete r.worktree;
      }
      return { retryable: false, ...(top ? { top } : {}) };
    }
    // the terminal's totals when the harness gave them, else the usage events of one granularity
    const runUsage = terminal.usage ? usageOf(terminal.usage) : (seen.run ?? seen.turn ?? seen.call);
    if (runUsage) r.usage = addUsage(r.usage, runUsage);
    const output = finalAnswer(lastMessage, terminal);
    if (output !== undefined) r.output = output;
    r.status = terminal.type === 'run.completed' ? 'ok' : terminal.reason === 'aborted' ? 'cancelled' : 'failed';
    if (terminal.type === 'run.failed') r.message = terminal.message;

    // the handoff diff comes from the repository, whatever the harness says it changed
    if (top && before) {
      const gitTop = top;
      const from = before;
      const where = r.worktree ?? gitTop;
      try {
        const after = await gitLock.run(() => snapshotTree(where));
        const { diff, files } = await diffTrees(gitTop, from, after);
        r.diff = diff;
        r.files = files;
        if (r.status === 'ok' && step.apply && diff) {
          await gitLock
            .run(() => applyDiff(gitTop, diff))
            .catch((error: unknown) => {
              r.status = 'failed';
              r.message = `could not apply the step's changes to ${gitTop}: ${(error as Error).message.split('\n')[0]}`;
            });
        }
      } catch (error) {
        const why = `could not read the step's changes from git: ${(error as Error).message}`;
        // a cancelled or failed step keeps its status and the harness's message: Ctrl-C is not a git error
        if (r.status === 'ok') {
          r.status = 'failed';
          r.message = why;
        } else r.message = r.message ? `${r.message} (and ${why})` : why;
      }
    }
    return { retryable: r.status === 'failed', ...(top ? { top } : {}) };
  };

  // the scheduler: start what is ready, wait for one to finish, repeat
  for (;;) {
    for (const step of wf.steps) {
      if (finished.has(step.id) || running.has(step.id)) continue;
      if (signal?.aborted) {
        skip(step, 'cancelled', 'cancelled (interrupted)');
        continue;
      }
      if (!step.needs.every((n) => finished.has(n))) continue;
      const bad = step.needs.find((n) => results.get(n)!.status !== 'ok');
      if (bad && !step.always) {
        const st = results.get(bad)!.status;
        skip(
          step,
          'dependency',
          `needs "${bad}", which ${st === 'skipped' ? 'was skipped' : st === 'cancelled' ? 'was cancelled' : 'failed'}`,
          bad,
        );
        continue;
      }
      if (stopBecause !== undefined && !step.always) {
        skip(step, 'stopped', `the workflow stopped after "${stopBecause}" failed (on_failure: stop)`, stopBecause);
        continue;
      }
      if (running.size >= limit) continue;
      const p = execute(step).finally(() => {
        finished.add(step.id);
        running.delete(step.id);
      });
      running.set(step.id, p);
    }
    if (finished.size === wf.steps.length) break;
    if (running.size === 0) {
      // cannot happen for a validated (acyclic) workflow; guard against spinning forever
      for (const s of wf.steps) if (!finished.has(s.id)) skip(s, 'dependency', 'unreachable step');
      break;
    }
    await Promise.race(running.values());
  }

  // worktrees of successful steps are no longer needed; failed ones stay for inspection
  for (const r of results.values()) {
    if (!r.worktree || r.status !== 'ok') continue;
    const dir = r.worktree;
    const top = worktreeTops.get(r.id);
    if (top) await gitLock.run(() => removeWorktree(top, dir)).catch(() => undefined);
    r.worktreeKept = false;
  }

  const steps = wf.steps.map((s) => results.get(s.id)!);
  let usage: TokenUsage | undefined;
  for (const s of steps) if (s.usage) usage = addUsage(usage, s.usage);
  const status = signal?.aborted ? 'cancelled' : steps.every((s) => s.status === 'ok') ? 'ok' : 'failed';
  const durationMs = Date.now() - started;
  emit({
    type: 'workflow.completed',
    workflowRunId,
    time: now(),
    status,
    durationMs,
    ...(usage ? { usage } : {}),
    steps: steps.map(({ diff: _d, output: _o, ...rest }) => rest),
  });
  return { workflowRunId, status, durationMs, steps, ...(usage ? { usage } : {}) };
}
