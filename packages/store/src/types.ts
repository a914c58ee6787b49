import type { FailureReason, HarnessId, TokenUsage, UsageConfidence, UsageSource } from '@omnigent/core';

/**
 * Where a stored run stands. `interrupted`: aborted by the user, or its process died before the
 * end. `incomplete`: the store could not keep all of its events (full disk…); `outcome` says how
 * the run itself ended.
 */
export type RunStatus = 'running' | 'completed' | 'failed' | 'interrupted' | 'incomplete';

/** Every status, in the order `--status` lists them. */
export const RUN_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'interrupted', 'incomplete', 'running'];

/** Calls of one tool within a run. */
export interface ToolStats {
  calls: number;
  errors: number;
  /** Durations in ms of the calls that reported one (rounded). */
  durations: number[];
}

/** Run totals of token usage. Contract: a figure nobody reported is `undefined`, never 0. */
export interface UsageSummary extends TokenUsage {
  /** `partial`: a lower bound (figures missing, or the run died before its totals). */
  confidence: UsageConfidence;
  source?: UsageSource;
}

/** The workflow a run belongs to, when it is a workflow step. */
export interface RunWorkflow {
  runId: string;
  name?: string;
  step: string;
}

/** The git state of the run's cwd at start. */
export interface RunGit {
  commit: string;
  branch?: string;
}

/** The kind of work a run did (`--kind`, a workflow step's `kind:`, an eval task's, or classified). */
export type WorkKind = 'feature' | 'bugfix' | 'refactor' | 'test' | 'docs' | 'review' | 'plan' | 'analysis' | 'chore';

/** Every work kind, in display order. */
export const WORK_KINDS: readonly WorkKind[] = [
  'feature',
  'bugfix',
  'refactor',
  'test',
  'docs',
  'review',
  'plan',
  'analysis',
  'chore',
];

/** The eval cell a run belongs to, when it is part of `omnigent eval`. */
export interface RunEval {
  /** The eval's id (resumable with `--resume`). */
  id: string;
  task: string;
  /** The variant's name (`default` when none was declared). */
  variant: string;
  /** 0-based repeat index. */
  repeat: number;
}

/** One success check of an eval task, run after the agent finished. */
export interface CheckResult {
  name: string;
  pass: boolean;
  durationMs: number;
  exitCode?: number;
  /** `timeout` when the check ran past its limit; `interrupted`: the eval was stopped before or while it ran (the cell is not judged). */
  reason?: 'timeout' | 'exit' | 'spawn-failed' | 'interrupted';
  /** The last lines of its output (bounded). */
  outputTail?: string;
}

/** What is known when a run starts (the index's `start` record). */
export interface RunStart {
  id: string;
  harness: HarnessId;
  /** Version of the plugin package. */
  pluginVersion?: string;
  /** The model asked for (request or config), if any. */
  requestedModel?: string;
  /** ISO-8601. */
  startedAt: string;
  cwd: string;
  tags: string[];
  workflow?: RunWorkflow;
  git?: RunGit;
  /** The prompt, cut to {@link PROMPT_PREVIEW_CHARS} characters. */
  prompt?: string;
  /** Pid and host of the omnigent process recording the run (to tell running from killed). */
  pid?: number;
  host?: string;
  /** Start time of that process as the OS counts it (Linux `/proc`), so a reused pid is not taken for it. */
  pidStart?: string;
  /** Kind of work; `kindSource` says whether the user gave it or the classifier chose it. */
  kind?: WorkKind;
  kindSource?: 'explicit' | 'classified';
  /** Classifier confidence, 0..1 (1 for explicit). */
  kindConfidence?: number;
  /** Git branch the harness recorded (imported runs: no commit is known, so no `git`). */
  gitBranch?: string;
  /** `imported`: read from the harness's own history by `omnigent import`. Default: `live`. */
  source?: 'live' | 'imported';
  /** Names of the MCP servers the run was given (`--mcp`). */
  mcpServers?: string[];
  eval?: RunEval;
}

/** What is known when a run ends (the index's `end` record). */
export interface RunEnd {
  id: string;
  status: Exclude<RunStatus, 'running'>;
  /**
   * Why it failed or was interrupted; `killed`: the recording process died without a terminal
   * event; `store-write-failed`: an `incomplete` record (see `message`).
   */
  reason?: FailureReason | 'killed' | 'store-write-failed';
  /** Of an `incomplete` record: how the run itself ended (the status it would have had). */
  outcome?: Exclude<RunStatus, 'running' | 'incomplete'>;
  message?: string;
  exitCode?: number;
  endedAt?: string;
  durationMs?: number;
  /** The model the harness reported, else the requested one. */
  model?: string;
  harnessVersion?: string;
  sessionId?: string;
  usage?: UsageSummary;
  turns?: number;
  toolCalls: number;
  toolErrors: number;
  tools: Record<string, ToolStats>;
  /** MCP tool calls per MCP server (from `tool.completed`'s `mcp`); absent when the run made none. */
  mcp?: Record<string, ToolStats>;
  /** Events stored for the run. */
  events: number;
  /** Eval success checks, when the run is an eval cell (all pass = the task was done). */
  checks?: CheckResult[];
}

/** One run as listed and compared: its start record merged with its end record, if any. */
export interface RunSummary extends RunStart, Partial<Omit<RunEnd, 'status' | 'id'>> {
  status: RunStatus;
  model?: string;
}

/** Characters of the prompt kept in the index. */
export const PROMPT_PREVIEW_CHARS = 240;

/**
 * What the run was asked, kept beside its events (`runs/<id>.request.json`) so that `export` can
 * rebuild the same trace as live telemetry (the index only keeps a prompt preview).
 */
export interface StoredRequest {
  prompt: string;
  model?: string;
  systemPrompt?: string;
  appendSystemPrompt?: string;
  cwd?: string;
  /** GenAI provider of the harness (`anthropic`, `openai`…). */
  provider?: string;
}
