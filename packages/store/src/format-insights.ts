import { formatInt, formatMs, formatPercent, formatUsd, renderTable, UNKNOWN } from './format.js';
import type { FailureGroup, Insights, KindLabel, Totals } from './insights-types.js';
import { WORK_KINDS } from './types.js';

const R = 'right' as const;

/** Kinds in display order, those present only. */
export function kindsPresent(byKind: Partial<Record<KindLabel, Totals>>): KindLabel[] {
  return [...WORK_KINDS, 'unclassified' as const].filter((k) => byKind[k]?.runs);
}

function cost(t: Totals | undefined): string {
  if (!t || t.costUsd === undefined) return UNKNOWN;
  // some runs did not report a cost: the sum is a lower bound
  return `${formatUsd(t.costUsd)}${t.costRuns < t.runs ? '+' : ''}`;
}

function failureLines(groups: FailureGroup[], top: number): string {
  return groups
    .slice(0, top)
    .map((g) => {
      const where = g.paths.length ? `\n        files: ${g.paths.join(', ')}` : '';
      return `  ${String(g.count).padStart(4)}×  in ${g.runs} run${g.runs === 1 ? '' : 's'}  ${g.label}\n        e.g. ${g.exampleRunIds.map((id) => id.slice(0, 8)).join(', ')} · ${g.harnesses.join(', ')}${where}`;
    })
    .join('\n');
}

/** `omnigent insights` as text: one section per question. `top`: failure groups shown per list (default 10). */
export function renderInsights(ins: Insights, top = 10): string {
  const out: string[] = [];
  const range = ins.from ? `${ins.from.slice(0, 10)} … ${ins.to!.slice(0, 10)}` : 'no runs';
  out.push(
    `${formatInt(ins.runs)} run${ins.runs === 1 ? '' : 's'}, ${range}${ins.kindsClassifiedHere ? ` (${ins.kindsClassifiedHere} recorded before kinds existed: classified from their prompt now)` : ''}\n`,
  );

  const mix = ins.workMix;
  const kinds = kindsPresent(mix.byKind);
  out.push('WORK MIX PER WEEK (runs by kind; time and cost of all runs)');
  out.push(
    renderTable(
      ['WEEK OF', 'RUNS', 'TIME', 'COST', ...kinds.map((k) => k.toUpperCase()), 'FEATURE SHARE'],
      mix.weeks.map((w) => [
        w.week,
        String(w.runs),
        formatMs(w.durationMs),
        cost(w),
        ...kinds.map((k) => String(w.byKind[k]?.runs ?? 0)),
        formatPercent(w.featureShare),
      ]),
      ['left', R, R, R, ...kinds.map(() => R), R],
    ).trimEnd(),
  );
  const trend =
    mix.trend.slopePerWeek === undefined
      ? `trend: ${mix.trend.direction} (${mix.trend.weeks} week${mix.trend.weeks === 1 ? '' : 's'} with features or bugfixes; 3 needed)`
      : `trend: ${mix.trend.direction} (${mix.trend.slopePerWeek >= 0 ? '+' : ''}${(mix.trend.slopePerWeek * 100).toFixed(1)} points of feature share a week, over ${mix.trend.weeks} weeks)`;
  out.push(
    mix.featureShare === undefined
      ? `features vs bugfixes: no feature or bugfix runs; ${trend}\n`
      : `features vs bugfixes: ${formatPercent(mix.featureShare)} of those runs were features (${mix.feature.runs} vs ${mix.bugfix.runs}), ${formatPercent(mix.featureTimeShare)} of their time; ${trend}\n`,
  );

  out.push('SLOWEST KINDS OF REQUEST (slowest first)');
  out.push(
    renderTable(
      ['KIND', 'RUNS', 'P50 TIME', 'P90 TIME', 'TOKENS P50', 'COST P50', 'COST', 'SLOWEST RUNS'],
      ins.slowest.map((s) => [
        s.kind,
        String(s.runs),
        formatMs(s.p50Ms),
        formatMs(s.p90Ms),
        s.tokens.p50 === undefined ? UNKNOWN : formatInt(Math.round(s.tokens.p50)),
        formatUsd(s.costUsd.p50),
        s.costUsd.total === undefined
          ? UNKNOWN
          : `${formatUsd(s.costUsd.total)}${s.costUsd.reported < s.runs ? '+' : ''}`,
        s.examples.map((e) => `${e.id.slice(0, 8)} ${formatMs(e.durationMs)}`).join(', '),
      ]),
      ['left', R, R, R, R, R, R],
    ).trimEnd() + '\n',
  );

  const f = ins.failures;
  out.push(`FAILURES BY SIGNATURE (biggest groups first)`);
  out.push(`failed runs: ${f.failedRuns.total}${f.failedRuns.total ? '' : ' (none)'}`);
  if (f.failedRuns.groups.length) out.push(failureLines(f.failedRuns.groups, top));
  const scanned = f.toolCalls.runsNotScanned
    ? ` (events of the newest ${f.toolCalls.runsScanned} runs read; ${f.toolCalls.runsNotScanned} older runs with tool errors not read)`
    : '';
  out.push(`failed tool calls: ${f.toolCalls.total}${f.toolCalls.total ? '' : ' (none)'}${scanned}`);
  if (f.toolCalls.groups.length) out.push(failureLines(f.toolCalls.groups, top));
  out.push('');

  out.push(
    `BEST HARNESS/MODEL PER KIND (success rate with its 95 % Wilson interval; ranked from ${ins.best.minRuns} finished runs)`,
  );
  for (const k of ins.best.kinds) {
    out.push(`${k.kind}: ${k.verdict}`);
    out.push(
      renderTable(
        ['  HARNESS · MODEL', 'RUNS', 'SUCCESS', '95% CI', 'COST P50', 'TIME P50'],
        k.contenders.map((c) => [
          `  ${c.label}${c.enough ? '' : ' (too few runs)'}`,
          String(c.runs),
          formatPercent(c.successRate),
          c.interval ? `${formatPercent(c.interval.low)}–${formatPercent(c.interval.high)}` : UNKNOWN,
          formatUsd(c.medianCostUsd),
          formatMs(c.medianDurationMs),
        ]),
        ['left', R, R, R, R, R],
      ).trimEnd(),
    );
  }
  if (!ins.best.kinds.length) out.push('no runs');
  out.push('');

  if (ins.mcp) {
    out.push('MCP SERVERS');
    out.push(
      renderTable(
        ['SERVER', 'CALLS', 'ERRORS', 'P50', 'P90', 'RUNS', 'TOP TOOLS'],
        ins.mcp.servers.map((s) => [
          s.server,
          String(s.calls),
          `${s.errors} (${formatPercent(s.errorRate)})`,
          formatMs(s.p50Ms),
          formatMs(s.p90Ms),
          String(s.runs),
          s.tools
            .slice(0, 3)
            .map((t) => `${t.tool} ×${t.calls}`)
            .join(', '),
        ]),
        ['left', R, R, R, R, R],
      ).trimEnd() + '\n',
    );
  }
  return `${out.join('\n')}\n`;
}
