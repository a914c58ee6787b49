import { dimensionValue, summarizeGroup, type CompareGroup, type GroupDimension } from './compare.js';
import { formatFigure, formatMs, formatPercent, formatUsd, renderTable } from './format.js';
import { median, quantile } from './stats.js';
import type { RunSummary } from './types.js';

/** A dimension of `compare --by` that includes `mcp` (the MCP server). */
export type McpGroupDimension = GroupDimension | 'mcp';

/** Label of the group of runs that used no MCP server. */
export const NO_MCP = '(none)';

/** The MCP calls of one group's server. */
export interface McpServerFigure {
  server: string;
  /** Calls to the server over the group's runs. */
  calls: number;
  /** `calls / runs` (runs that used the server, whether or not they called it). */
  callsPerRun: number;
  errors: number;
  /** `errors / calls`; undefined when there was no call. */
  errorRate?: number;
  /** Over the calls that reported a duration. */
  p50Ms?: number;
  p90Ms?: number;
}

/** One row of `compare --by mcp[,…]`: the usual group figures plus its server's MCP figures. */
export interface McpCompareGroup extends CompareGroup {
  /** Undefined for the group of runs without MCP servers. */
  mcp?: McpServerFigure;
}

/**
 * The MCP servers a run used: those it was given (`--mcp`) and those it called (a harness's own
 * MCP config, e.g. Cursor's), sorted. Default: none.
 */
export function mcpServersOf(run: RunSummary): string[] {
  return [...new Set([...(run.mcpServers ?? []), ...Object.keys(run.mcp ?? {})])].sort();
}

function serverFigure(runs: RunSummary[], server: string): McpServerFigure {
  let calls = 0;
  let errors = 0;
  const durations: number[] = [];
  for (const r of runs) {
    const s = r.mcp?.[server];
    if (!s) continue;
    calls += s.calls;
    errors += s.errors;
    durations.push(...s.durations);
  }
  const f: McpServerFigure = { server, calls, callsPerRun: runs.length ? calls / runs.length : 0, errors };
  if (calls) f.errorRate = errors / calls;
  const p50 = median(durations);
  const p90 = quantile(durations, 0.9);
  if (p50 !== undefined) f.p50Ms = p50;
  if (p90 !== undefined) f.p90Ms = p90;
  return f;
}

/**
 * Group runs by MCP server (and the other dimensions given). Contract: a run that used two servers
 * counts in both groups (its tokens and cost too: they are per run, not split); runs with none are
 * the group `(none)`, so A/B comparisons keep their baseline. Sorted by label.
 */
export function compareByMcp(runs: RunSummary[], by: McpGroupDimension[]): McpCompareGroup[] {
  const groups = new Map<string, { key: Record<string, string>; server?: string; runs: RunSummary[] }>();
  for (const r of runs) {
    const servers = mcpServersOf(r);
    for (const server of servers.length ? servers : [undefined]) {
      const key: Record<string, string> = {};
      for (const d of by) key[d] = d === 'mcp' ? (server ?? NO_MCP) : dimensionValue(r, d);
      const id = JSON.stringify(key);
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { key, ...(server ? { server } : {}), runs: [] }));
      g.runs.push(r);
    }
  }
  return [...groups.values()]
    .map(
      (g): McpCompareGroup => ({
        ...summarizeGroup(g.runs, g.key),
        ...(g.server ? { mcp: serverFigure(g.runs, g.server) } : {}),
      }),
    )
    .sort((a, b) => a.label.localeCompare(b.label));
}

/** Column titles of {@link mcpCompareRows} after the dimensions. */
export const MCP_COMPARE_COLUMNS = [
  'RUNS',
  'OK',
  'MCP CALLS/RUN',
  'MCP ERRORS',
  'MCP P50',
  'MCP P90',
  'IN/RUN',
  'OUT/RUN',
  'COST/RUN',
  'P50 TIME',
] as const;

/** The cells of the MCP comparison, one row per group (dimensions first), as the table and the HTML report show them. */
export function mcpCompareRows(groups: McpCompareGroup[], by: McpGroupDimension[]): string[][] {
  return groups.map((g) => [
    ...by.map((d) => g.key[d] ?? '—'),
    String(g.runs),
    formatPercent(g.successRate),
    g.mcp ? g.mcp.callsPerRun.toFixed(1) : '—',
    g.mcp ? formatPercent(g.mcp.errorRate) : '—',
    formatMs(g.mcp?.p50Ms),
    formatMs(g.mcp?.p90Ms),
    formatFigure(g.tokens.input, g.runs),
    formatFigure(g.tokens.output, g.runs),
    formatFigure(g.costUsd, g.runs, formatUsd),
    formatMs(g.medianDurationMs),
  ]);
}

/** The `compare --by mcp` table: per group, the runs, their MCP calls, errors, latency, tokens and cost per run. */
export function renderMcpCompareTable(groups: McpCompareGroup[], by: McpGroupDimension[]): string {
  const header = [...by.map((d) => d.toUpperCase()), ...MCP_COMPARE_COLUMNS];
  return renderTable(header, mcpCompareRows(groups, by), [
    ...by.map(() => 'left' as const),
    ...Array<'right'>(MCP_COMPARE_COLUMNS.length).fill('right'),
  ]);
}

function cell(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = typeof v === 'number' ? String(Number(v.toPrecision(12))) : v;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV of `compare --by mcp[,…]`: raw numbers, empty cells for unknown. */
export function mcpCompareCsv(groups: McpCompareGroup[], by: McpGroupDimension[]): string {
  const header = [
    ...by,
    'runs',
    'completed',
    'success_rate',
    'mcp_calls',
    'mcp_calls_per_run',
    'mcp_errors',
    'mcp_error_rate',
    'mcp_p50_ms',
    'mcp_p90_ms',
    'input_tokens_mean',
    'output_tokens_mean',
    'cost_usd_mean',
    'median_duration_ms',
  ];
  const lines = [header.join(',')];
  for (const g of groups) {
    const row = [
      ...by.map((d) => g.key[d]),
      g.runs,
      g.completed,
      g.successRate,
      g.mcp?.calls,
      g.mcp?.callsPerRun,
      g.mcp?.errors,
      g.mcp?.errorRate,
      g.mcp?.p50Ms,
      g.mcp?.p90Ms,
      g.tokens.input.mean,
      g.tokens.output.mean,
      g.costUsd.mean,
      g.medianDurationMs,
    ];
    lines.push(row.map(cell).join(','));
  }
  return `${lines.join('\n')}\n`;
}
