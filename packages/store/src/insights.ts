import type { OmnigentEvent } from '@omnigent/core';
import { bestPerKind, MIN_RUNS_FOR_RANKING } from './insights-best.js';
import { groupFailures, runFailureCase, toolFailureCases, type FailureCase } from './insights-failures.js';
import { kindLabelOf } from './insights-kind.js';
import { mayUseMcp, McpTally } from './insights-mcp.js';
import { slowestKinds } from './insights-slowest.js';
import type { Insights, KindLabel } from './insights-types.js';
import { workMix } from './insights-work-mix.js';
import type { RunSummary } from './types.js';

/** Options of {@link computeInsights}. */
export interface InsightsOptions {
  /** A run's stored events (failed tool calls and MCP calls are only in the events). Default: none read. */
  events?: (runId: string) => OmnigentEvent[];
  /** Finished runs a harness/model needs on a kind to be ranked. Default: {@link MIN_RUNS_FOR_RANKING}. */
  minRuns?: number;
  /**
   * Most runs whose events are read (the newest of those with failed tool calls or MCP calls).
   * Default: 2000 (bounds time and memory on a large store; the answer says how many were left).
   */
  maxEventRuns?: number;
  /** Example runs per group. Default: 3. */
  examples?: number;
  now?: Date;
}

/**
 * Answer the four questions over a set of runs: work mix over time, slowest kinds of request,
 * commonality in failures, best harness/model per kind (and MCP servers, when used). Pure apart
 * from `options.events`. Contract: figures nobody reported are left out, never counted as 0.
 */
export function computeInsights(runs: RunSummary[], options: InsightsOptions = {}): Insights {
  const kinds = new Map<string, KindLabel>();
  let classifiedHere = 0;
  for (const r of runs) {
    const k = kindLabelOf(r);
    kinds.set(r.id, k.kind);
    if (k.classifiedHere) classifiedHere += 1;
  }
  const kindOf = (r: RunSummary): KindLabel => kinds.get(r.id) ?? 'unclassified';
  const examples = options.examples ?? 3;
  const minRuns = options.minRuns ?? MIN_RUNS_FOR_RANKING;

  const failedRuns = runs.filter((r) => r.status === 'failed' || (r.status === 'incomplete' && r.outcome === 'failed'));
  // newest first (the store lists them so); the bound keeps a huge store's insights fast
  const withToolErrors = runs.filter((r) => (r.toolErrors ?? 0) > 0);
  const mcpRuns = runs.filter(mayUseMcp);
  const budget = options.maxEventRuns ?? 2000;
  const toRead = [...new Set([...withToolErrors, ...mcpRuns])]
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0))
    .slice(0, options.events ? budget : 0);
  const toolCases: FailureCase[] = [];
  const tally = new McpTally();
  let scannedWithErrors = 0;
  let scannedMcp = 0;
  for (const r of toRead) {
    const events = options.events!(r.id);
    if ((r.toolErrors ?? 0) > 0) {
      scannedWithErrors += 1;
      toolCases.push(...toolFailureCases(r, events));
    }
    if (mayUseMcp(r)) {
      scannedMcp += 1;
      tally.add(r.id, events);
    }
  }
  const starts = runs.map((r) => r.startedAt).sort();
  const mcp = tally.figures();
  return {
    generatedAt: (options.now ?? new Date()).toISOString(),
    runs: runs.length,
    ...(starts.length ? { from: starts[0]!, to: starts[starts.length - 1]! } : {}),
    kindsClassifiedHere: classifiedHere,
    workMix: workMix(runs, kindOf),
    slowest: slowestKinds(runs, kindOf, examples),
    failures: {
      failedRuns: { total: failedRuns.length, groups: groupFailures(failedRuns.map(runFailureCase), examples) },
      toolCalls: {
        total: toolCases.length,
        groups: groupFailures(toolCases, examples),
        runsScanned: scannedWithErrors,
        runsNotScanned: withToolErrors.length - scannedWithErrors,
      },
    },
    best: { minRuns, kinds: bestPerKind(runs, kindOf, minRuns) },
    ...(mcp.length ? { mcp: { servers: mcp, runsScanned: scannedMcp } } : {}),
  };
}
