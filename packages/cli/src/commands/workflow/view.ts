import pc from 'picocolors';
import { totalTokens, type OmnigentEvent, type TokenUsage } from '@omnigent/core';
import type { StepOutcome, WorkflowEvent, WorkflowRunResult } from '@omnigent/workflow';
import { formatDuration, summarizeInput } from '../../render.js';

/** State of one step as the display sees it. */
export interface StepView {
  id: string;
  harness: string;
  /** The model asked for, replaced by the one the harness reports once known. */
  model?: string;
  needs: string[];
  status: 'pending' | 'running' | StepOutcome;
  attempt: number;
  startedAt?: number;
  durationMs?: number;
  /** What the step is doing now (last tool call). */
  activity?: string;
  usage?: TokenUsage;
  message?: string;
  worktree?: string;
  worktreeKept?: boolean;
  files: string[];
}

/** Folds workflow and run events into per-step display state. */
export class WorkflowTracker {
  name = '';
  workflowRunId = '';
  readonly steps = new Map<string, StepView>();

  /** Consume one event. */
  on(e: WorkflowEvent | OmnigentEvent): void {
    if (e.type === 'workflow.started') {
      this.name = e.name;
      this.workflowRunId = e.workflowRunId;
      for (const s of e.steps)
        this.steps.set(s.id, {
          id: s.id,
          harness: s.harness,
          ...(s.model ? { model: s.model } : {}),
          needs: s.needs,
          status: 'pending',
          attempt: 0,
          files: [],
        });
      return;
    }
    const id = 'step' in e ? e.step : undefined;
    const s = id ? this.steps.get(id) : undefined;
    if (!s) return;
    switch (e.type) {
      case 'workflow.step.started':
        s.status = 'running';
        s.attempt = e.attempt;
        s.startedAt ??= Date.parse(e.time);
        if (e.worktree) s.worktree = e.worktree;
        delete s.activity;
        break;
      case 'workflow.step.retrying':
        s.activity = `retrying (attempt ${e.attempt}): ${e.message}`;
        break;
      case 'workflow.step.completed':
        s.status = e.status;
        if (e.durationMs !== undefined) s.durationMs = e.durationMs;
        if (e.usage) s.usage = e.usage;
        if (e.message) s.message = e.message;
        if (e.worktree) s.worktree = e.worktree;
        s.files = e.files;
        delete s.activity;
        break;
      case 'workflow.step.skipped':
        s.status = 'skipped';
        s.message = e.message;
        break;
      case 'session.started':
        if (e.model) s.model = e.model;
        break;
      case 'tool.started':
        if (!e.parentCallId) s.activity = `${e.name} ${summarizeInput(e.input, 50)}`;
        break;
      case 'tool.completed':
        if (!e.parentCallId) s.activity = `${e.name} ${e.isError ? 'failed' : 'done'}`;
        break;
      case 'message':
        if (e.role === 'assistant' && !e.parentCallId) s.activity = `“${summarizeInput(e.text, 50)}”`;
        break;
      default:
        break;
    }
  }

  /** Apply the engine's final result (worktree removal happens after the last step event). */
  finish(result: WorkflowRunResult): void {
    for (const r of result.steps) {
      const s = this.steps.get(r.id);
      if (!s) continue;
      s.worktreeKept = r.worktreeKept === true;
    }
  }
}

type Colors = ReturnType<typeof pc.createColors>;

const SYMBOL: Record<StepView['status'], string> = {
  pending: '○',
  running: '●',
  ok: '✔',
  failed: '✖',
  skipped: '–',
  cancelled: '⊘',
};
const WORD: Record<StepView['status'], string> = {
  pending: 'pending',
  running: 'running',
  ok: 'done',
  failed: 'failed',
  skipped: 'skipped',
  cancelled: 'cancelled',
};

function paint(c: Colors, status: StepView['status'], text: string): string {
  if (status === 'ok') return c.green(text);
  if (status === 'failed' || status === 'cancelled') return c.red(text);
  if (status === 'running') return c.cyan(text);
  return c.dim(text);
}

const fmtInt = (n: number): string => n.toLocaleString('en-US');

/** The live view: one line per step (status, elapsed time, what it is doing). */
export function renderLive(t: WorkflowTracker, color: boolean, now = Date.now(), width = 100): string {
  const c = pc.createColors(color);
  const idW = Math.max(4, ...[...t.steps.values()].map((s) => s.id.length));
  const hmW = Math.max(7, ...[...t.steps.values()].map((s) => `${s.harness}${s.model ? ` · ${s.model}` : ''}`.length));
  const lines = [c.bold(`workflow ${t.name}`) + c.dim(` · ${t.workflowRunId.slice(0, 8)}`)];
  for (const s of t.steps.values()) {
    const hm = `${s.harness}${s.model ? ` · ${s.model}` : ''}`;
    const time =
      s.status === 'running' && s.startedAt
        ? formatDuration(now - s.startedAt)
        : s.durationMs !== undefined
          ? formatDuration(s.durationMs)
          : '';
    let tail = '';
    if (s.status === 'running') tail = s.activity ?? (s.attempt > 1 ? `attempt ${s.attempt}` : 'starting…');
    else if (s.status === 'ok') {
      const tok = totalTokens(s.usage);
      tail = [
        tok !== undefined ? `${fmtInt(tok)} tokens` : '',
        s.files.length ? `${s.files.length} file${s.files.length === 1 ? '' : 's'} changed` : '',
      ]
        .filter(Boolean)
        .join(' · ');
    } else if (s.status === 'pending') tail = s.needs.length ? `waits for ${s.needs.join(', ')}` : '';
    else tail = s.message ?? '';
    // keep each step on one terminal line: only the free-text tail is shortened
    const room = Math.max(10, width - (2 + idW + 2 + hmW + 2 + 10 + 7 + 2) - 1);
    if (tail.length > room) tail = `${tail.slice(0, room - 1)}…`;
    lines.push(
      `${paint(c, s.status, SYMBOL[s.status])} ${s.id.padEnd(idW)}  ${c.dim(hm.padEnd(hmW))}  ${paint(c, s.status, WORD[s.status].padEnd(9))} ${time.padStart(7)}  ${c.dim(tail)}`,
    );
  }
  return lines.join('\n');
}

/**
 * Whether the live view can be drawn on `stream`: a TTY that knows its size. A TTY of 0 rows
 * (`script` without a size, some container shells) shows none of the redrawn frames, so it gets
 * the plain lines instead.
 */
export function canDrawLive(stream: { isTTY?: boolean; rows?: number; columns?: number }): boolean {
  return Boolean(stream.isTTY) && (stream.rows ?? 0) > 0 && (stream.columns ?? 0) > 0;
}

/** One plain line per workflow event (no TTY): for logs and CI. */
export function plainLine(e: WorkflowEvent): string | undefined {
  switch (e.type) {
    case 'workflow.started':
      return `workflow ${e.name} (${e.workflowRunId}): ${e.steps.length} step${e.steps.length === 1 ? '' : 's'}`;
    case 'workflow.step.started':
      return `> ${e.step} started (${e.harness}${e.model ? ` · ${e.model}` : ''}${e.attempt > 1 ? `, attempt ${e.attempt}` : ''})${e.worktree ? ` in worktree ${e.worktree}` : ''}`;
    case 'workflow.step.retrying':
      return `  ${e.step} failed (${e.message}); retrying, attempt ${e.attempt}`;
    case 'workflow.step.completed':
      return `${e.status === 'ok' ? 'ok' : e.status === 'cancelled' ? 'CANCELLED' : 'FAILED'} ${e.step}${e.durationMs !== undefined ? ` ${formatDuration(e.durationMs)}` : ''}${e.message ? `: ${e.message}` : ''}`;
    case 'workflow.step.skipped':
      return `- ${e.step} skipped: ${e.message}`;
    case 'workflow.completed':
      return undefined;
  }
}

/** Shown for a figure nobody reported (as in `omnigent runs` and `compare`). */
const UNKNOWN = '—';

/** The comparison table printed at the end: step, harness, model, status, duration, tokens, cost. */
export function summaryTable(t: WorkflowTracker, color: boolean): string {
  const c = pc.createColors(color);
  const head = ['step', 'harness', 'model', 'status', 'duration', 'tokens', 'cost'];
  const rows: Array<{ cells: string[]; status: StepView['status'] }> = [];
  let tokens: number | undefined;
  let cost: number | undefined;
  // a step that ran but reported no figure makes the total a lower bound (it is not 0)
  const noTokens: string[] = [];
  const noCost: string[] = [];
  // costs omnigent priced from token counts (Codex reports none) are marked, never passed off as reported
  const estimated: string[] = [];
  for (const s of t.steps.values()) {
    const ran = s.status !== 'pending' && s.status !== 'skipped';
    const tok = totalTokens(s.usage);
    if (tok !== undefined) tokens = (tokens ?? 0) + tok;
    else if (ran) noTokens.push(s.id);
    if (s.usage?.costUsd !== undefined) cost = (cost ?? 0) + s.usage.costUsd;
    else if (ran) noCost.push(s.id);
    const est = s.usage?.costUsd !== undefined && s.usage.costSource === 'catalog-estimate';
    if (est) estimated.push(s.id);
    rows.push({
      status: s.status,
      cells: [
        s.id,
        s.harness,
        s.model ?? UNKNOWN,
        WORD[s.status],
        s.durationMs !== undefined ? formatDuration(s.durationMs) : UNKNOWN,
        tok !== undefined ? fmtInt(tok) : UNKNOWN,
        s.usage?.costUsd !== undefined ? `${est ? '~' : ''}$${s.usage.costUsd.toFixed(4)}` : UNKNOWN,
      ],
    });
  }
  const tokensMissing = tokens !== undefined && noTokens.length > 0;
  const costMissing = cost !== undefined && noCost.length > 0;
  const total = [
    'total',
    '',
    '',
    '',
    '',
    tokens !== undefined ? `${fmtInt(tokens)}${tokensMissing ? '+' : ''}` : UNKNOWN,
    cost !== undefined ? `${estimated.length ? '~' : ''}$${cost.toFixed(4)}${costMissing ? '+' : ''}` : UNKNOWN,
  ];
  const all = [head, ...rows.map((r) => r.cells), total];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const right = new Set([4, 5, 6]);
  const fmt = (cells: string[]): string =>
    cells
      .map((v, i) => (right.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [
    c.bold(fmt(head)),
    c.dim(rule),
    ...rows.map((r) => {
      const line = fmt(r.cells);
      return r.status === 'ok' ? line : paint(c, r.status, line);
    }),
    c.dim(rule),
    fmt(total),
    ...(tokensMissing || costMissing
      ? [
          c.dim(
            `+ lower bound: ${[tokensMissing ? `${noTokens.join(', ')} reported no tokens` : '', costMissing ? `${noCost.join(', ')} reported no cost` : ''].filter(Boolean).join('; ')}`,
          ),
        ]
      : []),
    ...(estimated.length
      ? [c.dim(`~ estimated: ${estimated.join(', ')} reported no cost; priced from its tokens with the price catalog`)]
      : []),
  ].join('\n');
}
