import type { TokenUsage } from '@omnigent/core';

/** How a step ended. */
export type StepOutcome = 'ok' | 'failed' | 'skipped' | 'cancelled';

/** What a step handed over, and how it went. */
export interface StepResult {
  id: string;
  harness: string;
  model?: string;
  needs: string[];
  status: StepOutcome;
  /** Attempts made (0 when skipped). */
  attempts: number;
  /** Run id of the last attempt (the run store key). */
  runId?: string;
  /** Run ids of every attempt, in order. */
  runIds: string[];
  startedAt?: string;
  durationMs?: number;
  /** Final answer: the last top-level assistant message, else the terminal `result`. */
  output?: string;
  /** Unified diff (binary-safe) of what the step changed, from git; '' when nothing or no git. */
  diff: string;
  /** Changed paths, repo-relative. */
  files: string[];
  /** The step's worktree (kept when the step failed). */
  worktree?: string;
  /** Whether the worktree still exists after the workflow. */
  worktreeKept?: boolean;
  usage?: TokenUsage;
  /** Why it failed or was skipped. */
  message?: string;
}

/** Fields of every workflow event. */
export interface WorkflowEventBase {
  workflowRunId: string;
  /** ISO-8601. */
  time: string;
}

/** The workflow began. */
export interface WorkflowStartedEvent extends WorkflowEventBase {
  type: 'workflow.started';
  name: string;
  file?: string;
  input: string;
  steps: Array<{ id: string; harness: string; model?: string; needs: string[] }>;
}

/** An attempt of a step began. */
export interface WorkflowStepStartedEvent extends WorkflowEventBase {
  type: 'workflow.step.started';
  step: string;
  harness: string;
  model?: string;
  attempt: number;
  runId: string;
  cwd: string;
  worktree?: string;
  /** The rendered prompt. */
  prompt: string;
}

/** An attempt failed and the step is tried again. */
export interface WorkflowStepRetryingEvent extends WorkflowEventBase {
  type: 'workflow.step.retrying';
  step: string;
  /** The attempt about to start. */
  attempt: number;
  message: string;
}

/** A step ended (ok, failed or cancelled); carries its handoff artifacts. */
export interface WorkflowStepCompletedEvent extends WorkflowEventBase, Omit<StepResult, 'id' | 'status'> {
  type: 'workflow.step.completed';
  step: string;
  status: Exclude<StepOutcome, 'skipped'>;
}

/** A step did not run: a step it needs did not succeed, the workflow stopped, or Ctrl-C. */
export interface WorkflowStepSkippedEvent extends WorkflowEventBase {
  type: 'workflow.step.skipped';
  step: string;
  reason: 'dependency' | 'stopped' | 'cancelled';
  /** The step whose outcome caused the skip. */
  because?: string;
  message: string;
}

/** The workflow ended. */
export interface WorkflowCompletedEvent extends WorkflowEventBase {
  type: 'workflow.completed';
  status: 'ok' | 'failed' | 'cancelled';
  durationMs: number;
  usage?: TokenUsage;
  steps: Array<Omit<StepResult, 'diff' | 'output'>>;
}

/** Every workflow-level event (printed next to the steps' normalized events with `--json`). */
export type WorkflowEvent =
  | WorkflowStartedEvent
  | WorkflowStepStartedEvent
  | WorkflowStepRetryingEvent
  | WorkflowStepCompletedEvent
  | WorkflowStepSkippedEvent
  | WorkflowCompletedEvent;
