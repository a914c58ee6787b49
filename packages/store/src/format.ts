import type { TokenUsage } from '@omnigent/core';
import type { CompareGroup, GroupDimension, GroupFigure, ToolFigure } from './compare.js';
import type { RunSummary } from './types.js';

/** Shown for a figure nobody reported. */
export const UNKNOWN = '—';

/** `1,234`. */
export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `850ms`, `1.2s`, `2m05s`, `1h02m`. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return UNKNOWN;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) {
    const m = Math.floor(ms / 60_000);
    return `${m}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
  }
  const h = Math.floor(ms / 3_600_000);
  return `${h}h${String(Math.round((ms % 3_600_000) / 60_000)).padStart(2, '0')}m`;
}

/** `$0.0123` under a dollar, `$12.34` above. */
export function formatUsd(usd: number | undefined): string {
  if (usd === undefined) return UNKNOWN;
  return `$${usd >= 1 ? usd.toFixed(2) : usd.toFixed(4)}`;
}

/** `85%`. */
export function formatPercent(rate: number | undefined): string {
  return rate === undefined ? UNKNOWN : `${Math.round(rate * 100)}%`;
}

/** Markers a figure may carry, and what they mean (printed as footnotes). */
export const FIGURE_NOTES = {
  '+': 'lower bound: some runs reported partial usage (figures missing, or the run was killed)',
  '~': 'estimated (by the harness, or a cost priced from token counts with the price catalog)',
  '*': 'average over the runs that reported it; the others reported nothing (not counted as 0)',
  [UNKNOWN]: 'not reported',
} as const;

/**
 * A group figure as shown in a table: the per-run mean over the runs that reported it, `1,234+`
 * when a lower bound, `~1,234` when estimated, `1,234*` when not every run reported it, `—` when none did.
 */
export function formatFigure(
  f: GroupFigure,
  runs: number,
  fmt: (n: number) => string = formatInt,
  which: 'mean' | 'total' = 'mean',
): string {
  const v = which === 'mean' ? f.mean : f.total;
  if (v === undefined) return UNKNOWN;
  return `${f.estimated ? '~' : ''}${fmt(v)}${f.partial ? '+' : ''}${f.reported < runs ? '*' : ''}`;
}

/** A run's token usage on one line: `in 1,234 (cache 1,000) · out 56 · $0.0123`, `+` for partial. */
export function formatRunUsage(u: (TokenUsage & { confidence?: string }) | undefined): string {
  if (!u) return UNKNOWN;
  const mark = u.confidence === 'partial' ? '+' : '';
  const parts: string[] = [];
  if (u.input !== undefined) {
    const cache =
      u.cacheRead !== undefined || u.cacheWrite !== undefined
        ? ` (cache ${formatInt((u.cacheRead ?? 0) + (u.cacheWrite ?? 0))})`
        : '';
    parts.push(`in ${formatInt(u.input)}${mark}${cache}`);
  }
  if (u.output !== undefined) parts.push(`out ${formatInt(u.output)}${mark}`);
  if (u.reasoning !== undefined) parts.push(`reasoning ${formatInt(u.reasoning)}${mark}`);
  if (u.costUsd !== undefined)
    parts.push(
      `${u.confidence === 'estimated' || u.costSource === 'harness-estimate' || u.costSource === 'catalog-estimate' ? '~' : ''}${formatUsd(u.costUsd)}${mark}`,
    );
  return parts.length ? parts.join(' · ') : UNKNOWN;
}

/** Column alignment. */
type Align = 'left' | 'right';

/** Render rows as a plain-text table with a header row; numbers right-aligned. */
export function renderTable(header: string[], rows: string[][], align: Align[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (align[i] === 'right' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

function notesFor(cells: string[]): string {
  const text = cells.join(' ');
  const notes: string[] = [];
  if (/\d\+/.test(text)) notes.push(`  + ${FIGURE_NOTES['+']}`);
  if (/~\$?\d/.test(text)) notes.push(`  ~ ${FIGURE_NOTES['~']}`);
  if (/\d\+?\*/.test(text)) notes.push(`  * ${FIGURE_NOTES['*']}`);
  if (text.includes(UNKNOWN)) notes.push(`  ${UNKNOWN} ${FIGURE_NOTES[UNKNOWN]}`);
  return notes.length ? `${notes.join('\n')}\n` : '';
}

/** The figure columns of one compare group, formatted (RUNS … TOOLS/RUN), shared by the table and the HTML report. */
export function compareFigures(g: CompareGroup): string[] {
  return [
    String(g.runs),
    formatPercent(g.successRate),
    formatMs(g.medianDurationMs),
    formatMs(g.p90DurationMs),
    formatFigure(g.tokens.input, g.runs),
    formatFigure(g.tokens.output, g.runs),
    formatFigure(g.tokens.cache, g.runs),
    formatFigure(g.costUsd, g.runs, formatUsd),
    formatFigure(g.costUsd, g.runs, formatUsd, 'total'),
    g.toolCallsPerRun === undefined
      ? UNKNOWN
      : `${g.toolCallsPerRun.toFixed(1)}${g.toolCallsReported < g.runs ? '*' : ''}`,
  ];
}

/** The `omnigent compare` table: one row per group, then each group's top tools, then footnotes. */
export function renderCompareTable(groups: CompareGroup[], by: GroupDimension[], topTools = 3): string {
  const header = [
    ...by.map((d) => d.toUpperCase()),
    'RUNS',
    'OK',
    'P50 TIME',
    'P90 TIME',
    'IN/RUN',
    'OUT/RUN',
    'CACHE/RUN',
    'COST/RUN',
    'COST',
    'TOOLS/RUN',
  ];
  const align: Align[] = [...by.map((): Align => 'left'), ...Array<Align>(10).fill('right')];
  const rows = groups.map((g) => [...by.map((d) => g.key[d] ?? UNKNOWN), ...compareFigures(g)]);
  let out = renderTable(header, rows, align);
  const toolRows: string[][] = [];
  for (const g of groups) {
    for (const t of g.tools.slice(0, topTools))
      toolRows.push([
        g.label,
        t.name,
        String(t.calls),
        (t.calls / g.runs).toFixed(1),
        formatMs(t.medianMs),
        formatPercent(t.errorRate),
      ]);
  }
  if (toolRows.length) {
    out += `\nTop tools\n${renderTable(['GROUP', 'TOOL', 'CALLS', 'PER RUN', 'P50 TIME', 'ERRORS'], toolRows, ['left', 'left', 'right', 'right', 'right', 'right'])}`;
  }
  const notes = notesFor(rows.flat());
  return notes ? `${out}\n${notes}` : out;
}

/** The `omnigent compare --by tool` table. */
export function renderToolTable(tools: ToolFigure[]): string {
  const rows = tools.map((t) => [
    t.name,
    String(t.runs),
    String(t.calls),
    t.callsPerRun.toFixed(1),
    formatMs(t.medianMs),
    formatMs(t.p90Ms),
    String(t.errors),
    formatPercent(t.errorRate),
  ]);
  return renderTable(['TOOL', 'RUNS', 'CALLS', 'CALLS/RUN', 'P50 TIME', 'P90 TIME', 'ERRORS', 'ERROR RATE'], rows, [
    'left',
    ...Array<Align>(7).fill('right'),
  ]);
}

function csvCell(v: string | number | boolean | undefined): string {
  if (v === undefined) return '';
  // 12 significant digits drop float noise (0.0033099999999999996 -> 0.00331) and keep every real digit
  const s = typeof v === 'number' ? String(Number(v.toPrecision(12))) : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV of compare groups: raw numbers, empty cells for unknown, `*_partial` flags. */
export function compareCsv(groups: CompareGroup[], by: GroupDimension[]): string {
  const figs = ['input_tokens', 'output_tokens', 'cache_tokens', 'reasoning_tokens', 'cost_usd'] as const;
  const header = [
    ...by,
    'runs',
    'completed',
    'failed',
    'interrupted',
    'running',
    'success_rate',
    'median_duration_ms',
    'p90_duration_ms',
  ];
  for (const f of figs) header.push(`${f}_total`, `${f}_mean`, `${f}_reported`, `${f}_partial`);
  header.push('tool_calls', 'tool_calls_per_run', 'top_tools');
  const lines = [header.join(',')];
  for (const g of groups) {
    const row: Array<string | number | boolean | undefined> = [
      ...by.map((d) => g.key[d]),
      g.runs,
      g.completed,
      g.failed,
      g.interrupted,
      g.running,
      g.successRate,
      g.medianDurationMs,
      g.p90DurationMs,
    ];
    for (const f of [g.tokens.input, g.tokens.output, g.tokens.cache, g.tokens.reasoning, g.costUsd])
      row.push(f.total, f.mean, f.reported, f.partial);
    row.push(
      g.toolCalls,
      g.toolCallsPerRun,
      g.tools
        .slice(0, 5)
        .map((t) => `${t.name}:${t.calls}`)
        .join(';'),
    );
    lines.push(row.map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** CSV of `--by tool`. */
export function toolCsv(tools: ToolFigure[]): string {
  const lines = ['tool,runs,calls,calls_per_run,median_ms,p90_ms,errors,error_rate'];
  for (const t of tools)
    lines.push(
      [t.name, t.runs, t.calls, t.callsPerRun, t.medianMs, t.p90Ms, t.errors, t.errorRate].map(csvCell).join(','),
    );
  return `${lines.join('\n')}\n`;
}

/** Local `YYYY-MM-DD HH:MM`. */
export function formatLocalTime(iso: string, seconds = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}${seconds ? `:${p(d.getSeconds())}` : ''}`;
}

/** Status as shown in lists: `failed (timeout)`, `interrupted (killed)`, `incomplete (completed)`; plain `interrupted` for Ctrl-C (`(aborted)` would say it twice). */
export function formatStatus(run: RunSummary): string {
  if (run.status === 'interrupted' && run.reason === 'aborted') return run.status;
  // the store lost part of it (full disk): say so, and how the run itself ended
  if (run.status === 'incomplete') return `incomplete${run.outcome ? ` (${run.outcome})` : ''}`;
  return run.reason && run.status !== 'completed' ? `${run.status} (${run.reason})` : run.status;
}

/** The `omnigent runs` table. */
export function renderRunsTable(runs: RunSummary[]): string {
  const rows = runs.map((r) => {
    const u = r.usage;
    const mark = u?.confidence === 'partial' ? '+' : '';
    const tokens =
      u && (u.input !== undefined || u.output !== undefined)
        ? `${u.input !== undefined ? formatInt(u.input) : UNKNOWN}/${u.output !== undefined ? formatInt(u.output) : UNKNOWN}${mark}`
        : UNKNOWN;
    return [
      r.id.slice(0, 8),
      formatLocalTime(r.startedAt),
      r.harness,
      r.model ?? r.requestedModel ?? UNKNOWN,
      formatStatus(r),
      formatMs(r.durationMs),
      tokens,
      u?.costUsd !== undefined ? `${formatUsd(u.costUsd)}${mark}` : UNKNOWN,
      r.toolCalls === undefined ? UNKNOWN : `${r.toolCalls}${r.toolErrors ? ` (${r.toolErrors} err)` : ''}`,
      [...(r.workflow ? [`step:${r.workflow.step}`] : []), ...r.tags].join(' '),
    ];
  });
  return renderTable(
    ['ID', 'STARTED', 'HARNESS', 'MODEL', 'STATUS', 'TIME', 'TOKENS IN/OUT', 'COST', 'TOOLS', 'TAGS'],
    rows,
    ['left', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'left'],
  );
}

/** What `runs`, `compare` and `report` say when no run matched: an empty store says how to fill it, a filtered one what it holds. */
export function noRunsText(dir: string, stored: number): string {
  if (stored === 0) {
    return `No runs recorded yet (store: ${dir}).\n  \`omnigent run\`, \`omnigent workflow run\` and \`omnigent demo\` record runs; OMNIGENT_STORE or store.path in the config picks another store.\n`;
  }
  return `No stored run matches these filters (the store at ${dir} holds ${stored} run${stored === 1 ? '' : 's'}).\n`;
}
