import {
  compareOutcomes,
  summarizeOutcomes,
  verdictText,
  type EvalComparison,
  type EvalOutcome,
  type EvalSummary,
  type Interval,
} from './eval-stats.js';
import { formatInt, formatMs, formatUsd, renderTable, UNKNOWN } from './format.js';
import type { RunSummary } from './types.js';

/**
 * Whether a run did its task: it completed and, when it is an eval cell with checks, every check
 * passed. Contract: a run still going or interrupted never passes.
 */
export function runPassed(run: RunSummary): boolean {
  return run.status === 'completed' && (run.checks?.every((c) => c.pass) ?? true);
}

/** A run as the eval statistics see it; paired on `task#repeat` when it is an eval cell. */
export function runOutcome(run: RunSummary): EvalOutcome {
  const u = run.usage;
  return {
    ...(run.eval ? { pairKey: `${run.eval.task}#${run.eval.repeat}` } : {}),
    pass: runPassed(run),
    ...(u?.costUsd !== undefined ? { costUsd: u.costUsd } : {}),
    ...(u?.costUsd !== undefined && u.costSource === 'catalog-estimate' ? { costEstimated: true } : {}),
    ...(run.durationMs !== undefined ? { durationMs: run.durationMs } : {}),
    ...(u?.input !== undefined ? { inputTokens: u.input } : {}),
    ...(u?.output !== undefined ? { outputTokens: u.output } : {}),
    ...(run.status !== 'running' ? { toolCalls: run.toolCalls ?? 0 } : {}),
  };
}

/** `harness/model/variant` of an eval run (`default` for no model or variant). */
export function evalGroupLabel(run: RunSummary): string {
  return `${run.harness}/${run.requestedModel ?? run.model ?? 'default'}/${run.eval?.variant ?? 'default'}`;
}

/**
 * The runs that count for an eval: per cell (task, harness, model, variant, repeat) the newest
 * finished one. Contract: runs still going, interrupted ones and ones whose checks were
 * interrupted (a stopped or killed eval, which `--resume` runs again) are left out.
 */
export function latestEvalRuns(runs: RunSummary[]): RunSummary[] {
  const latest = new Map<string, RunSummary>();
  for (const r of runs) {
    if (
      !r.eval ||
      r.status === 'running' ||
      r.status === 'interrupted' ||
      r.checks?.some((c) => c.reason === 'interrupted')
    )
      continue;
    const key = `${r.eval.task}|${r.harness}|${r.requestedModel ?? ''}|${r.eval.variant}|${r.eval.repeat}`;
    const had = latest.get(key);
    if (!had || had.startedAt < r.startedAt) latest.set(key, r);
  }
  return [...latest.values()];
}

/** One row of an eval's results. */
export interface EvalGroup {
  label: string;
  summary: EvalSummary;
  /** Against the baseline (absent for the baseline itself, or when there is none). */
  vsBaseline?: EvalComparison;
  /** Per task: passes / runs. */
  tasks: Record<string, { runs: number; passes: number }>;
}

/** An eval's results: groups in first-seen order, and which one is the baseline. */
export interface EvalResults {
  groups: EvalGroup[];
  baseline?: string;
  runs: number;
}

/**
 * Group runs (by `labelOf`, default {@link evalGroupLabel}) and compare each group with the
 * baseline's. Contract: pure; groups keep the order of their first run; the baseline label must
 * be one of the groups or it is ignored.
 */
export function evalResults(
  runs: RunSummary[],
  baseline?: string,
  labelOf: (r: RunSummary) => string = evalGroupLabel,
): EvalResults {
  const byLabel = new Map<string, RunSummary[]>();
  for (const r of runs) {
    const l = labelOf(r);
    if (!byLabel.has(l)) byLabel.set(l, []);
    byLabel.get(l)!.push(r);
  }
  const base = baseline !== undefined && byLabel.has(baseline) ? byLabel.get(baseline)!.map(runOutcome) : undefined;
  const groups = [...byLabel.entries()].map(([label, list]): EvalGroup => {
    const outcomes = list.map(runOutcome);
    const tasks: EvalGroup['tasks'] = {};
    for (const r of list) {
      const t = r.eval?.task ?? '(runs)';
      tasks[t] ??= { runs: 0, passes: 0 };
      tasks[t].runs += 1;
      if (runPassed(r)) tasks[t].passes += 1;
    }
    return {
      label,
      summary: summarizeOutcomes(outcomes),
      ...(base && label !== baseline ? { vsBaseline: compareOutcomes(base, outcomes) } : {}),
      tasks,
    };
  });
  return { groups, ...(base ? { baseline: baseline! } : {}), runs: runs.length };
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const signedPts = (x: number): string => `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(Math.round(x * 100))}`;

/** `67% [21–94]`. */
export function formatRate(rate: number | undefined, interval: Interval | undefined): string {
  if (rate === undefined) return UNKNOWN;
  return interval ? `${pct(rate)} [${Math.round(interval.low * 100)}–${Math.round(interval.high * 100)}]` : pct(rate);
}

/** `+50 pts [−2, +80] p=0.13 not enough runs to tell`. */
export function formatComparison(c: EvalComparison | undefined): string {
  if (!c) return '';
  if (c.difference === undefined) return verdictText(c.verdict);
  const i = c.interval ? ` [${signedPts(c.interval.low)}, ${signedPts(c.interval.high)}]` : '';
  const p =
    c.pValue !== undefined ? ` p=${c.pValue < 0.001 ? '<0.001' : c.pValue.toFixed(c.pValue < 0.01 ? 3 : 2)}` : '';
  return `${signedPts(c.difference)} pts${i}${p} ${verdictText(c.verdict)}`;
}

function usd(f: { estimated: boolean }, v: number | undefined): string {
  return v === undefined ? UNKNOWN : `${f.estimated ? '~' : ''}${formatUsd(v)}`;
}

/** The results table of `omnigent eval` and `compare --baseline`, with its footnotes. */
export function renderEvalTable(results: EvalResults, firstColumn = 'HARNESS/MODEL/VARIANT'): string {
  const header = [
    firstColumn,
    'RUNS',
    'PASS',
    'PASS RATE [95% CI]',
    '$/RUN',
    '$/PASS',
    'TIME/RUN',
    'TIME/PASS',
    'TOKENS IN/OUT',
    'TOOLS/RUN',
    'VS BASELINE',
  ];
  const rows = results.groups.map((g) => {
    const s = g.summary;
    return [
      g.label,
      String(s.runs),
      String(s.passes),
      formatRate(s.passRate, s.interval),
      usd(s.cost, s.cost.perRun),
      usd(s.cost, s.cost.perPass),
      formatMs(s.durationMs.perRun),
      formatMs(s.durationMs.perPass),
      `${s.inputTokens.perRun !== undefined ? formatInt(s.inputTokens.perRun) : UNKNOWN}/${s.outputTokens.perRun !== undefined ? formatInt(s.outputTokens.perRun) : UNKNOWN}`,
      s.toolCalls.perRun !== undefined ? s.toolCalls.perRun.toFixed(1) : UNKNOWN,
      g.label === results.baseline ? '(baseline)' : formatComparison(g.vsBaseline),
    ];
  });
  const notes: string[] = [];
  if (results.groups.some((g) => g.summary.cost.estimated))
    notes.push(
      '~ cost estimated from token counts with the price catalog (or config prices:), not reported by the harness',
    );
  if (results.groups.some((g) => g.summary.cost.mixed))
    notes.push('  (some runs of a row reported their cost, others were estimated)');
  if (
    results.groups.some(
      (g) => g.summary.cost.reported > 0 && g.summary.cost.perPass === undefined && g.summary.passes > 0,
    )
  )
    notes.push(`${UNKNOWN} per pass: not every run reported the figure`);
  notes.push(
    'PASS: completed and every check passed. CI: Wilson 95 %. vs baseline: difference in pass-rate points [95 % Newcombe], exact McNemar p on paired task runs (Fisher when unpaired).',
  );
  const align = header.map(
    (_, i) => (i === 0 || i === header.length - 1 || i === 3 ? 'left' : 'right') as 'left' | 'right',
  );
  return `${renderTable(header, rows, align)}\n${notes.join('\n')}\n`;
}

/** One CSV row per group (RFC 4180 quoting). */
export function evalCsv(results: EvalResults): string {
  const q = (v: string | number | undefined): string => {
    if (v === undefined) return '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const header = [
    'group',
    'runs',
    'passes',
    'pass_rate',
    'ci_low',
    'ci_high',
    'cost_per_run_usd',
    'cost_per_pass_usd',
    'cost_estimated',
    'duration_per_run_ms',
    'duration_per_pass_ms',
    'input_tokens_per_run',
    'output_tokens_per_run',
    'tool_calls_per_run',
    'baseline',
    'diff',
    'diff_low',
    'diff_high',
    'p_value',
    'verdict',
  ];
  const lines = results.groups.map((g) => {
    const s = g.summary;
    const c = g.vsBaseline;
    return [
      g.label,
      s.runs,
      s.passes,
      s.passRate,
      s.interval?.low,
      s.interval?.high,
      s.cost.perRun,
      s.cost.perPass,
      s.cost.estimated ? 'true' : 'false',
      s.durationMs.perRun,
      s.durationMs.perPass,
      s.inputTokens.perRun,
      s.outputTokens.perRun,
      s.toolCalls.perRun,
      g.label === results.baseline ? 'true' : 'false',
      c?.difference,
      c?.interval?.low,
      c?.interval?.high,
      c?.pValue,
      c ? c.verdict : undefined,
    ]
      .map(q)
      .join(',');
  });
  return `${[header.join(','), ...lines].join('\n')}\n`;
}
