// The statistics of `omnigent eval` and `compare --baseline/--candidate`. Pure functions over
// counts, so every figure can be checked against a hand computation.

/** A two-sided interval. */
export interface Interval {
  low: number;
  high: number;
}

/** z for a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval of a proportion `passes / n`.
 * Contract: undefined for n = 0 (nothing to tell); bounds stay within [0, 1]. Default: 95 %.
 */
export function wilsonInterval(passes: number, n: number, z: number = Z95): Interval | undefined {
  if (n <= 0) return undefined;
  const p = passes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/**
 * Newcombe's hybrid score interval (his method 10) of `p1 - p2` for two independent proportions.
 * Contract: undefined when either side has no runs. Default: 95 %.
 */
export function newcombeUnpaired(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  z: number = Z95,
): Interval | undefined {
  const w1 = wilsonInterval(x1, n1, z);
  const w2 = wilsonInterval(x2, n2, z);
  if (!w1 || !w2) return undefined;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const d = p1 - p2;
  return {
    low: d - Math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2),
    high: d + Math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2),
  };
}

/**
 * Counts of paired outcomes (the same task and repeat run by the candidate and the baseline):
 * `both` passed on both, `candidateOnly` passed only with the candidate, `baselineOnly` only with
 * the baseline, `neither` on neither.
 */
export interface PairedCounts {
  both: number;
  candidateOnly: number;
  baselineOnly: number;
  neither: number;
}

/**
 * Newcombe's score interval (his method 10, no continuity correction) of the paired difference
 * `p(candidate) - p(baseline)`. Contract: undefined with no pairs. Default: 95 %.
 */
export function newcombePaired(c: PairedCounts, z: number = Z95): Interval | undefined {
  const { both: a, candidateOnly: b, baselineOnly: cc, neither: d } = c;
  const n = a + b + cc + d;
  if (n === 0) return undefined;
  const p1 = (a + b) / n;
  const p2 = (a + cc) / n;
  const w1 = wilsonInterval(a + b, n, z)!;
  const w2 = wilsonInterval(a + cc, n, z)!;
  const margins = (a + b) * (cc + d) * (a + cc) * (b + d);
  const phi = margins === 0 ? 0 : (a * d - b * cc) / Math.sqrt(margins);
  const diff = (b - cc) / n;
  const dl = (p1 - w1.low) ** 2 - 2 * phi * (p1 - w1.low) * (w2.high - p2) + (w2.high - p2) ** 2;
  const du = (w1.high - p1) ** 2 - 2 * phi * (w1.high - p1) * (p2 - w2.low) + (p2 - w2.low) ** 2;
  return { low: Math.max(-1, diff - Math.sqrt(Math.max(0, dl))), high: Math.min(1, diff + Math.sqrt(Math.max(0, du))) };
}

/**
 * Two-sided exact McNemar test: the binomial test of the discordant pairs against 1/2.
 * Contract: p in [0, 1]; 1 when there is no discordant pair.
 */
export function mcnemarExact(candidateOnly: number, baselineOnly: number): number {
  const m = candidateOnly + baselineOnly;
  if (m === 0) return 1;
  const k = Math.min(candidateOnly, baselineOnly);
  // sum of C(m, i) / 2^m for i <= k, in logs so large m stays finite
  let logC = 0;
  let tail = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(m - i + 1) - Math.log(i);
    tail += Math.exp(logC - m * Math.LN2);
  }
  return Math.min(1, 2 * tail);
}

/**
 * Two-sided Fisher exact test of two independent proportions (the unpaired counterpart of
 * {@link mcnemarExact}): the probability of tables at most as likely as the one seen.
 */
export function fisherExact(x1: number, n1: number, x2: number, n2: number): number {
  const total = x1 + x2;
  const n = n1 + n2;
  if (n1 === 0 || n2 === 0) return 1;
  const logFact = (k: number): number => {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  };
  const logP = (a: number): number =>
    logFact(total) +
    logFact(n - total) +
    logFact(n1) +
    logFact(n2) -
    logFact(a) -
    logFact(total - a) -
    logFact(n1 - a) -
    logFact(n2 - total + a) -
    logFact(n);
  const seen = logP(x1);
  let p = 0;
  for (let a = Math.max(0, total - n2); a <= Math.min(total, n1); a++) {
    const lp = logP(a);
    if (lp <= seen + 1e-7) p += Math.exp(lp);
  }
  return Math.min(1, p);
}

/** One run's outcome as the statistics see it. */
export interface EvalOutcome {
  /** Pairs runs across cells: the same task and repeat (`task#repeat`). Absent: unpaired. */
  pairKey?: string;
  pass: boolean;
  costUsd?: number;
  /** The cost was estimated from a price catalog, not reported by the harness. */
  costEstimated?: boolean;
  durationMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  toolCalls?: number;
}

/** A summed figure over the runs that reported it (never counting a missing figure as 0). */
export interface EvalFigure {
  total?: number;
  /** Per run that reported it. */
  perRun?: number;
  /** `total / passes`: what one passed task cost. Undefined without a pass. */
  perPass?: number;
  /** Runs that reported the figure. */
  reported: number;
}

/** The figures of one cell group (harness × model × variant). */
export interface EvalSummary {
  runs: number;
  passes: number;
  passRate?: number;
  /** 95 % Wilson interval of the pass rate. */
  interval?: Interval;
  cost: EvalFigure & {
    /** Some costs are catalog estimates (`~` in tables). */
    estimated: boolean;
    /** Some costs are reported and some estimated. */
    mixed: boolean;
  };
  durationMs: EvalFigure;
  inputTokens: EvalFigure;
  outputTokens: EvalFigure;
  toolCalls: EvalFigure;
}

function evalFigure(outcomes: EvalOutcome[], passes: number, get: (o: EvalOutcome) => number | undefined): EvalFigure {
  let total: number | undefined;
  let reported = 0;
  for (const o of outcomes) {
    const v = get(o);
    if (v === undefined) continue;
    total = (total ?? 0) + v;
    reported += 1;
  }
  return {
    ...(total !== undefined ? { total } : {}),
    ...(total !== undefined && reported ? { perRun: total / reported } : {}),
    // per passed task: everything spent (passing or not) over what passed; only when every run reported
    ...(total !== undefined && passes > 0 && reported === outcomes.length ? { perPass: total / passes } : {}),
    reported,
  };
}

/**
 * Pass rate with its Wilson interval, and cost, time, tokens and tool calls per run and per passed
 * task. Contract: pure; a figure is per passed task only when every run reported it (else a
 * partial total would look cheaper than it was).
 */
export function summarizeOutcomes(outcomes: EvalOutcome[]): EvalSummary {
  const runs = outcomes.length;
  const passes = outcomes.filter((o) => o.pass).length;
  const interval = wilsonInterval(passes, runs);
  const costed = outcomes.filter((o) => o.costUsd !== undefined);
  const estimated = costed.filter((o) => o.costEstimated).length;
  return {
    runs,
    passes,
    ...(runs ? { passRate: passes / runs } : {}),
    ...(interval ? { interval } : {}),
    cost: {
      ...evalFigure(outcomes, passes, (o) => o.costUsd),
      estimated: estimated > 0,
      mixed: estimated > 0 && estimated < costed.length,
    },
    durationMs: evalFigure(outcomes, passes, (o) => o.durationMs),
    inputTokens: evalFigure(outcomes, passes, (o) => o.inputTokens),
    outputTokens: evalFigure(outcomes, passes, (o) => o.outputTokens),
    toolCalls: evalFigure(outcomes, passes, (o) => o.toolCalls),
  };
}

/** What the comparison says, in words a reader can act on. */
export type EvalVerdict = 'better' | 'worse' | 'no-clear-difference' | 'not-enough-runs';

/** A candidate against the baseline. */
export interface EvalComparison {
  /** `paired`: runs matched on task and repeat (McNemar, Newcombe paired); else independent samples (Fisher, Newcombe). */
  method: 'paired' | 'unpaired';
  /** Pass-rate difference candidate - baseline. */
  difference?: number;
  /** Its 95 % interval. */
  interval?: Interval;
  /** Two-sided exact p-value (McNemar when paired, Fisher otherwise). */
  pValue?: number;
  /** Paired counts, when paired. */
  pairs?: PairedCounts;
  verdict: EvalVerdict;
}

/** Intervals wider than this (in pass-rate points, 0..1) cannot rule out a large difference. */
export const UNDECIDED_WIDTH = 0.4;

/**
 * The candidate's pass rate against the baseline's. Paired when at least one pair key is shared
 * (only the shared keys are compared then), else unpaired.
 * Contract: `better`/`worse` only when p < 0.05 and the interval excludes 0; otherwise
 * `not-enough-runs` while the interval is wider than {@link UNDECIDED_WIDTH}, else `no-clear-difference`.
 */
export function compareOutcomes(baseline: EvalOutcome[], candidate: EvalOutcome[]): EvalComparison {
  const base = new Map<string, boolean>();
  for (const o of baseline) if (o.pairKey !== undefined) base.set(o.pairKey, o.pass);
  const pairs: PairedCounts = { both: 0, candidateOnly: 0, baselineOnly: 0, neither: 0 };
  let paired = 0;
  const seen = new Set<string>();
  for (const o of candidate) {
    if (o.pairKey === undefined || !base.has(o.pairKey) || seen.has(o.pairKey)) continue;
    seen.add(o.pairKey);
    paired += 1;
    const b = base.get(o.pairKey)!;
    if (o.pass && b) pairs.both += 1;
    else if (o.pass) pairs.candidateOnly += 1;
    else if (b) pairs.baselineOnly += 1;
    else pairs.neither += 1;
  }
  let out: Omit<EvalComparison, 'verdict'>;
  if (paired > 0) {
    const interval = newcombePaired(pairs);
    out = {
      method: 'paired',
      difference: (pairs.candidateOnly - pairs.baselineOnly) / paired,
      ...(interval ? { interval } : {}),
      pValue: mcnemarExact(pairs.candidateOnly, pairs.baselineOnly),
      pairs,
    };
  } else {
    const x1 = candidate.filter((o) => o.pass).length;
    const x2 = baseline.filter((o) => o.pass).length;
    const interval = newcombeUnpaired(x1, candidate.length, x2, baseline.length);
    out = {
      method: 'unpaired',
      ...(candidate.length && baseline.length
        ? {
            difference: x1 / candidate.length - x2 / baseline.length,
            pValue: fisherExact(x1, candidate.length, x2, baseline.length),
          }
        : {}),
      ...(interval ? { interval } : {}),
    };
  }
  return { ...out, verdict: verdictOf(out) };
}

function verdictOf(c: Omit<EvalComparison, 'verdict'>): EvalVerdict {
  if (!c.interval || c.pValue === undefined || c.difference === undefined) return 'not-enough-runs';
  if (c.pValue < 0.05 && (c.interval.low > 0 || c.interval.high < 0)) return c.difference > 0 ? 'better' : 'worse';
  return c.interval.high - c.interval.low > UNDECIDED_WIDTH ? 'not-enough-runs' : 'no-clear-difference';
}

/** The verdict in words for tables. */
export function verdictText(v: EvalVerdict): string {
  return v === 'better'
    ? 'better'
    : v === 'worse'
      ? 'worse'
      : v === 'no-clear-difference'
        ? 'no clear difference'
        : 'not enough runs to tell';
}
