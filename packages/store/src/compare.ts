import type { RunSummary } from './types.js';
import { median, quantile } from './stats.js';
import { kindDimensionValue } from './compare-kind.js';

/** A dimension runs can be grouped by. */
export type GroupDimension = 'harness' | 'model' | 'step' | 'kind';

/**
 * A usage figure over a group's runs. Contract: runs that did not report it are left out of
 * `total` and `mean` (never counted as 0); `reported` says how many did.
 */
export interface GroupFigure {
  /** Sum over the runs that reported it; undefined when none did. */
  total?: number;
  /** `total / reported`. */
  mean?: number;
  /** Runs that reported the figure. */
  reported: number;
  /** Some reported figures are lower bounds (partial usage, or a run that died): the true value is higher. */
  partial: boolean;
  /** Some reported figures are estimates. */
  estimated: boolean;
}

/** One tool within a group. */
export interface ToolFigure {
  name: string;
  calls: number;
  /** Runs of the group that called it. */
  runs: number;
  callsPerRun: number;
  errors: number;
  errorRate: number;
  /** Over the calls that reported a duration. */
  medianMs?: number;
  p90Ms?: number;
}

/** One row of `omnigent compare`. */
export interface CompareGroup {
  /** Values of the grouping dimensions, e.g. `{harness: 'codex', model: 'gpt-5'}`; `—` when unknown. */
  key: Record<string, string>;
  label: string;
  runs: number;
  completed: number;
  failed: number;
  interrupted: number;
  running: number;
  /** `completed / (runs - running)`; undefined when none finished. */
  successRate?: number;
  medianDurationMs?: number;
  p90DurationMs?: number;
  tokens: { input: GroupFigure; output: GroupFigure; cache: GroupFigure; reasoning: GroupFigure };
  costUsd: GroupFigure;
  toolCalls: number;
  /** Runs whose tool calls are known (a run still going has not reported them). */
  toolCallsReported: number;
  /** `toolCalls / toolCallsReported`; undefined when no run reported (never 0 for unknown). */
  toolCallsPerRun?: number;
  /** Most called tools first. */
  tools: ToolFigure[];
}

/**
 * Label of a run for a dimension; `—` when unknown. The model is the one asked for when there is
 * one (what the user chose and compares: a matrix's combinations), else the one the harness reported.
 */
export function dimensionValue(run: RunSummary, dim: GroupDimension): string {
  if (dim === 'kind') return kindDimensionValue(run);
  const v = dim === 'harness' ? run.harness : dim === 'model' ? (run.requestedModel ?? run.model) : run.workflow?.step;
  return v ?? '—';
}

function figure(runs: RunSummary[], get: (r: RunSummary) => number | undefined, isCost = false): GroupFigure {
  let total: number | undefined;
  let reported = 0;
  let partial = false;
  let estimated = false;
  for (const r of runs) {
    const v = r.usage ? get(r) : undefined;
    if (v === undefined) continue;
    total = (total ?? 0) + v;
    reported += 1;
    if (r.usage!.confidence === 'partial') partial = true;
    if (r.usage!.confidence === 'estimated') estimated = true;
    // a cost omnigent priced from its catalog is an estimate too, never passed off as reported
    if (isCost && r.usage!.costSource === 'catalog-estimate') estimated = true;
  }
  const out: GroupFigure = { reported, partial, estimated };
  if (total !== undefined) {
    out.total = total;
    out.mean = total / reported;
  }
  return out;
}

function cacheOf(r: RunSummary): number | undefined {
  const u = r.usage!;
  if (u.cacheRead === undefined && u.cacheWrite === undefined) return undefined;
  return (u.cacheRead ?? 0) + (u.cacheWrite ?? 0);
}

/** Per-tool figures over a set of runs, most called first (ties by name). */
export function toolFigures(runs: RunSummary[]): ToolFigure[] {
  const acc = new Map<string, { calls: number; runs: number; errors: number; durations: number[] }>();
  for (const r of runs) {
    for (const [name, t] of Object.entries(r.tools ?? {})) {
      let a = acc.get(name);
      if (!a) acc.set(name, (a = { calls: 0, runs: 0, errors: 0, durations: [] }));
      a.calls += t.calls;
      a.runs += 1;
      a.errors += t.errors;
      for (const d of t.durations) a.durations.push(d);
    }
  }
  return [...acc.entries()]
    .map(([name, a]): ToolFigure => {
      const f: ToolFigure = {
        name,
        calls: a.calls,
        runs: a.runs,
        callsPerRun: a.calls / a.runs,
        errors: a.errors,
        errorRate: a.calls ? a.errors / a.calls : 0,
      };
      const m = median(a.durations);
      const p = quantile(a.durations, 0.9);
      if (m !== undefined) f.medianMs = m;
      if (p !== undefined) f.p90Ms = p;
      return f;
    })
    .sort((a, b) => b.calls - a.calls || a.name.localeCompare(b.name));
}

/** Figures of one group of runs. */
export function summarizeGroup(runs: RunSummary[], key: Record<string, string>): CompareGroup {
  const count = (s: RunSummary['status']): number => runs.filter((r) => r.status === s).length;
  const running = count('running');
  const completed = count('completed');
  const finished = runs.length - running;
  const durations = runs.filter((r) => r.status !== 'running' && r.durationMs !== undefined).map((r) => r.durationMs!);
  const toolCalls = runs.reduce((n, r) => n + (r.toolCalls ?? 0), 0);
  const toolCallsReported = runs.filter((r) => r.toolCalls !== undefined).length;
  const g: CompareGroup = {
    key,
    label: Object.values(key).join(' · '),
    runs: runs.length,
    completed,
    failed: count('failed'),
    interrupted: count('interrupted'),
    running,
    tokens: {
      input: figure(runs, (r) => r.usage!.input),
      output: figure(runs, (r) => r.usage!.output),
      cache: figure(runs, cacheOf),
      reasoning: figure(runs, (r) => r.usage!.reasoning),
    },
    costUsd: figure(runs, (r) => r.usage!.costUsd, true),
    toolCalls,
    toolCallsReported,
    ...(toolCallsReported ? { toolCallsPerRun: toolCalls / toolCallsReported } : {}),
    tools: toolFigures(runs),
  };
  if (finished > 0) g.successRate = completed / finished;
  const med = median(durations);
  const p90 = quantile(durations, 0.9);
  if (med !== undefined) g.medianDurationMs = med;
  if (p90 !== undefined) g.p90DurationMs = p90;
  return g;
}

/** Group runs by the given dimensions (sorted by label) and compute each group's figures. */
export function compareRuns(runs: RunSummary[], by: GroupDimension[]): CompareGroup[] {
  const groups = new Map<string, { key: Record<string, string>; runs: RunSummary[] }>();
  for (const r of runs) {
    const key: Record<string, string> = {};
    for (const d of by) key[d] = dimensionValue(r, d);
    const id = JSON.stringify(key);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key, runs: [] }));
    g.runs.push(r);
  }
  return [...groups.values()].map((g) => summarizeGroup(g.runs, g.key)).sort((a, b) => a.label.localeCompare(b.label));
}
