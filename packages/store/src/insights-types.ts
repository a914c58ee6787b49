import type { FailureSignature } from './failure-signature.js';
import type { RunStatus, WorkKind } from './types.js';
import type { Interval } from './eval-stats.js';

/** A run's kind as insights group it: its stored kind, else classified from its prompt; `unclassified` without either. */
export type KindLabel = WorkKind | 'unclassified';

/** Runs, time and cost of a set of runs. Contract: cost sums only the runs that reported one (`costRuns`). */
export interface Totals {
  runs: number;
  /** Sum of the durations reported. */
  durationMs: number;
  costUsd?: number;
  /** Runs that reported a cost. */
  costRuns: number;
}

/** One week of the work mix (weeks start on Monday, UTC). */
export interface WeekMix extends Totals {
  /** The Monday, `YYYY-MM-DD`. */
  week: string;
  byKind: Partial<Record<KindLabel, Totals>>;
  /** `feature / (feature + bugfix)` runs of the week; undefined when it had neither. */
  featureShare?: number;
}

/** "How much went to new features vs. fixing bugs, over time?" */
export interface WorkMix {
  /** Every week from the first run's to the last run's, empty weeks included. */
  weeks: WeekMix[];
  byKind: Partial<Record<KindLabel, Totals>>;
  feature: Totals;
  bugfix: Totals;
  /** Over the whole range, by runs. */
  featureShare?: number;
  /** Share of time (duration) spent on features vs. bugfixes. */
  featureTimeShare?: number;
  trend: {
    /** Least-squares slope of the weekly feature share, per week (0.05 = +5 points a week). */
    slopePerWeek?: number;
    /** Weeks that had feature or bugfix runs (the points of the fit). */
    weeks: number;
    direction: 'more features' | 'more bugfixes' | 'flat' | 'not enough weeks';
  };
}

/** A run named as an example. */
export interface ExampleRun {
  id: string;
  harness: string;
  status: RunStatus;
  durationMs?: number;
  prompt?: string;
}

/** "Which kinds of request took the agents a lot of time?" — one kind. */
export interface KindSpeed {
  kind: KindLabel;
  runs: number;
  p50Ms?: number;
  p90Ms?: number;
  /** Input + output tokens per run (runs that reported both). */
  tokens: { p50?: number; p90?: number; reported: number };
  costUsd: { p50?: number; total?: number; reported: number };
  /** The slowest runs of the kind. */
  examples: ExampleRun[];
}

/** Failures that share one signature. */
export interface FailureGroup {
  signature: FailureSignature;
  /** `Bash · pnpm test · exit 1: <n> tests failed`. */
  label: string;
  count: number;
  /** Distinct runs. */
  runs: number;
  exampleRunIds: string[];
  /** Files the failing calls were about, most frequent first (at most 5). */
  paths: string[];
  harnesses: string[];
  firstSeen: string;
  lastSeen: string;
}

/** "Was there any commonality in the failures?" */
export interface Failures {
  failedRuns: { total: number; groups: FailureGroup[] };
  toolCalls: {
    total: number;
    groups: FailureGroup[];
    /** Runs with failed tool calls whose events were read. */
    runsScanned: number;
    /** Runs with failed tool calls left unread (over the bound; the newest are read). */
    runsNotScanned: number;
  };
}

/** One harness/model doing one kind of work. */
export interface Contender {
  harness: string;
  model?: string;
  /** `claude-code · claude-sonnet-4-5`. */
  label: string;
  /** Completed and failed runs (running and interrupted ones left out). */
  runs: number;
  successes: number;
  successRate?: number;
  /** 95 % Wilson interval of the success rate. */
  interval?: Interval;
  medianCostUsd?: number;
  medianDurationMs?: number;
  /** At least `minRuns` finished runs. */
  enough: boolean;
}

/** "Which harness is best for planning vs. analyzing vs. executing?" — one kind. */
export interface KindBest {
  kind: KindLabel;
  /** Best first: highest lower bound of the interval, then cost, then duration; those without enough runs last. */
  contenders: Contender[];
  /** The leader's label, when one has enough runs. */
  best?: string;
  /** Plain words: who leads and how clearly, or `not enough runs …`. */
  verdict: string;
}

/** Calls of one MCP server. */
export interface McpServerFigures {
  server: string;
  calls: number;
  errors: number;
  errorRate: number;
  p50Ms?: number;
  p90Ms?: number;
  runs: number;
  tools: Array<{ tool: string; calls: number; errors: number }>;
}

/** Everything `omnigent insights` answers. */
export interface Insights {
  generatedAt: string;
  runs: number;
  /** First and last run start in the set. */
  from?: string;
  to?: string;
  /** Runs whose kind was classified here (recorded before kinds existed). */
  kindsClassifiedHere: number;
  workMix: WorkMix;
  slowest: KindSpeed[];
  failures: Failures;
  best: { minRuns: number; kinds: KindBest[] };
  /** Present when some run used an MCP server. */
  mcp?: { servers: McpServerFigures[]; runsScanned: number };
}
