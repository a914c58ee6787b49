import type { OmnigentEvent, ToolCompletedEvent, ToolStartedEvent } from '@omnigent/core';
import { compareRuns, type CompareGroup, type GroupDimension, type GroupFigure } from './compare.js';
import { MCP_COMPARE_COLUMNS, NO_MCP, compareByMcp, mcpCompareRows, mcpServersOf } from './compare-mcp.js';
import {
  compareFigures,
  FIGURE_NOTES,
  formatFigure,
  formatInt,
  formatLocalTime,
  formatMs,
  formatPercent,
  formatRunUsage,
  formatStatus,
  formatUsd,
  UNKNOWN,
} from './format.js';
import { renderEvalSection } from './report-html-eval.js';
import { terminalSafe } from './terminal-safe.js';
import type { Insights } from './insights-types.js';
import { renderInsightsSections } from './report-insights-html.js';
import type { RunSummary } from './types.js';

/** Inputs of {@link renderHtmlReport}. */
export interface HtmlReportInput {
  runs: RunSummary[];
  /** Stored events of the runs whose timeline is drawn (at most `timelines` of them). */
  events: (runId: string) => OmnigentEvent[];
  /** Default: `Omnigent run report`. */
  title?: string;
  /** What was selected, e.g. `--harness codex --since 7d`, shown under the title. */
  filterText?: string;
  /** Default: harness and model. */
  by?: GroupDimension[];
  /** Newest runs whose timeline is drawn. Default: 50. */
  timelines?: number;
  generatedAt?: Date;
  /** The insights of the same runs (`computeInsights`): their sections and time-series charts. Default: none. */
  insights?: Insights;
}

// Control characters (a terminal escape sequence in agent text) are shown, not kept raw: a report
// opened with `cat` or `less -R` must not drive the terminal either.
const esc = (s: string): string => terminalSafe(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The report page's stylesheet (also used by the insights page). */
export const REPORT_CSS = `
:root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--ok:#2f81f7;--bad:#cf222e;--warn:#9a6700;--alt:#8250df;--bg:#fff;--card:#f6f8fa}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1240px;margin:0 auto;padding:24px}h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.meta{color:var(--muted)}table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child,td.l,th.l{text-align:left}th{background:var(--card);font-weight:600}.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:16px}
figure svg,svg.timeline{width:100%;height:auto;display:block}td.tools{white-space:normal;text-align:left;min-width:180px}
figure{margin:0;background:var(--card);border:1px solid var(--line);border-radius:6px;padding:12px}figcaption{font-weight:600;margin-bottom:6px}
svg text{font:12px system-ui,sans-serif;fill:var(--fg)}svg .muted{fill:var(--muted)}.bar{fill:var(--ok)}.bar.out{fill:var(--alt)}.bar.cost{fill:var(--warn)}.whisker{stroke:var(--fg);stroke-width:1.5}
.tool{fill:var(--ok)}.tool.err{fill:var(--bad)}.tool.sub{opacity:.75}.turn{stroke:var(--line);stroke-dasharray:3 3}
details{border:1px solid var(--line);border-radius:6px;margin:6px 0;background:var(--bg)}summary{cursor:pointer;padding:6px 10px;font-variant-numeric:tabular-nums}
details[open] summary{border-bottom:1px solid var(--line)}.run-body{padding:8px 10px;overflow-x:auto}.status-completed{color:#1a7f37}.status-failed{color:var(--bad)}.status-interrupted,.status-incomplete,.status-running{color:var(--warn)}
.notes{color:var(--muted);font-size:12px}.table-wrap{overflow-x:auto}input[type=search]{padding:4px 8px;width:320px;border:1px solid var(--line);border-radius:4px}
`;

// Filters the run list as you type; no network, no libraries.
const JS = `
document.getElementById('run-filter').addEventListener('input',function(e){var q=e.target.value.toLowerCase();
document.querySelectorAll('#runs details').forEach(function(d){d.style.display=d.textContent.toLowerCase().indexOf(q)<0?'none':''});});
`;

interface BarRow {
  label: string;
  value: number | undefined;
  text: string;
  /** Optional second value drawn as a whisker (e.g. p90 beside the median). */
  whisker?: number;
}

// Average width of a 12px system-ui character, to size the label column of a chart.
const CHAR_W = 6.8;
const LABEL_MAX_W = 300;

/** `label` cut with … to fit `width` px (the full label stays in the bar's tooltip). */
function fitLabel(label: string, width: number): string {
  const max = Math.floor(width / CHAR_W);
  return label.length <= max ? label : `${label.slice(0, Math.max(1, max - 1))}…`;
}

function barChart(id: string, title: string, rows: BarRow[], cls = ''): string {
  // wide enough for the longest label (up to a cap), so group names are never clipped at the left edge
  const labelW = Math.min(
    LABEL_MAX_W,
    Math.max(80, Math.ceil(Math.max(0, ...rows.map((r) => r.label.length)) * CHAR_W) + 16),
  );
  const barW = 260;
  const rowH = 26;
  const width = labelW + barW + 150;
  const height = rows.length * rowH + 8;
  const max = Math.max(0, ...rows.flatMap((r) => [r.value ?? 0, r.whisker ?? 0])) || 1;
  const parts = rows.map((r, i) => {
    const y = 4 + i * rowH;
    const w = r.value === undefined ? 0 : Math.max(1, (r.value / max) * barW);
    const bar =
      r.value === undefined
        ? ''
        : `<rect class="bar ${cls}" data-value="${r.value}" x="${labelW}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 10}"><title>${esc(`${r.label}: ${r.text}`)}</title></rect>`;
    const wx = r.whisker === undefined ? undefined : labelW + (r.whisker / max) * barW;
    const whisker =
      wx === undefined || r.value === undefined
        ? ''
        : `<line class="whisker" x1="${(labelW + w).toFixed(1)}" x2="${wx.toFixed(1)}" y1="${y + rowH / 2 - 1}" y2="${y + rowH / 2 - 1}"/><line class="whisker" x1="${wx.toFixed(1)}" x2="${wx.toFixed(1)}" y1="${y + 7}" y2="${y + rowH - 9}"/>`;
    const textX = labelW + Math.max(w, wx !== undefined ? wx - labelW : 0) + 6;
    return `<text x="${labelW - 8}" y="${y + rowH / 2 + 3}" text-anchor="end">${esc(fitLabel(r.label, labelW - 12))}<title>${esc(r.label)}</title></text>${bar}${whisker}<text class="value${r.value === undefined ? ' muted' : ''}" x="${textX.toFixed(1)}" y="${y + rowH / 2 + 3}">${esc(r.text)}</text>`;
  });
  return `<figure id="${id}"><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" preserveAspectRatio="xMinYMin meet">${parts.join('')}</svg></figure>`;
}

function figureRows(
  groups: CompareGroup[],
  get: (g: CompareGroup) => GroupFigure,
  fmt: (n: number) => string = formatInt,
): BarRow[] {
  return groups.map((g) => ({ label: g.label, value: get(g).mean, text: formatFigure(get(g), g.runs, fmt) }));
}

function groupTable(groups: CompareGroup[], by: GroupDimension[]): string {
  const head = [
    ...by.map((d) => `<th class="l">${esc(d)}</th>`),
    ...[
      'runs',
      'success',
      'p50 time',
      'p90 time',
      'in/run',
      'out/run',
      'cache/run',
      'cost/run',
      'cost',
      'tools/run',
    ].map((h) => `<th>${h}</th>`),
    '<th class="l">top tools</th>',
  ].join('');
  const rows = groups.map((g) => {
    const dims = by.map((d) => `<td class="l">${esc(g.key[d] ?? UNKNOWN)}</td>`);
    const figures = compareFigures(g).map((c) => `<td>${esc(c)}</td>`);
    const top = g.tools
      .slice(0, 3)
      .map((t) => `${t.name} ×${t.calls} (${formatMs(t.medianMs)}, ${formatPercent(t.errorRate)} err)`)
      .join(' · ');
    return `<tr>${dims.join('')}${figures.join('')}<td class="tools">${esc(top || UNKNOWN)}</td></tr>`;
  });
  // a wide table scrolls inside its box instead of pushing the whole page sideways
  return `<div class="table-wrap"><table id="groups"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** The MCP section: one row per MCP server the runs used; empty when none did. */
function mcpSection(runs: RunSummary[]): string {
  if (!runs.some((r) => mcpServersOf(r).length)) return '';
  const groups = compareByMcp(runs, ['mcp']);
  const head = [
    '<th class="l">mcp server</th>',
    ...MCP_COMPARE_COLUMNS.map((h) => `<th>${esc(h.toLowerCase())}</th>`),
  ].join('');
  const rows = mcpCompareRows(groups, ['mcp']).map(
    ([server, ...cells]) =>
      `<tr><td class="l">${esc(server!)}</td>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`,
  );
  return `<h2>By MCP server</h2>
<div class="table-wrap"><table id="mcp"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>
<p class="notes">A run that used two servers counts in both rows; runs without MCP are ${esc(NO_MCP)}. MCP figures are over the calls to that server (p50/p90: call latency as the harness saw it).</p>`;
}

/** What a tool call acted on, for its timeline label: a path, a command or a pattern, cut short. */
function toolTarget(input: unknown): string {
  if (!input || typeof input !== 'object') return '';
  const o = input as Record<string, unknown>;
  const v = ['file_path', 'path', 'command', 'cmd', 'pattern', 'url', 'query']
    .map((k) => o[k])
    .find((x) => typeof x === 'string') as string | undefined;
  if (!v) return '';
  const one = v.replace(/\s+/g, ' ').trim();
  return one.length > 24 ? `${one.slice(0, 23)}…` : one;
}

/** SVG Gantt of one run: a row per tool call (sub-agent calls indented), dashed lines at turn starts. */
function timelineSvg(run: RunSummary, events: OmnigentEvent[]): string {
  const t0 = Date.parse(run.startedAt);
  const lastTime = events.length ? Date.parse(events[events.length - 1]!.time) : t0;
  const total = Math.max(run.durationMs ?? 0, lastTime - t0, 1);
  const done = new Map<string, ToolCompletedEvent>();
  for (const e of events) if (e.type === 'tool.completed') done.set(e.callId, e);
  const starts = events.filter((e): e is ToolStartedEvent => e.type === 'tool.started');
  const depth = new Map<string, number>();
  for (const s of starts) depth.set(s.callId, s.parentCallId ? (depth.get(s.parentCallId) ?? 0) + 1 : 0);
  const labelW = 240;
  const barW = 600;
  const rowH = 18;
  const width = labelW + barW + 20;
  const height = Math.max(1, starts.length) * rowH + 28;
  const x = (ms: number): number => labelW + (Math.min(Math.max(ms, 0), total) / total) * barW;
  const parts: string[] = [];
  for (const e of events) {
    if (e.type === 'turn.started') {
      const tx = x(Date.parse(e.time) - t0).toFixed(1);
      parts.push(
        `<line class="turn" x1="${tx}" x2="${tx}" y1="0" y2="${height - 20}"><title>turn ${e.turn}</title></line>`,
      );
    }
  }
  starts.forEach((s, i) => {
    const y = i * rowH + 2;
    const begin = Date.parse(s.time) - t0;
    const c = done.get(s.callId);
    const end = c ? (c.durationMs !== undefined ? begin + c.durationMs : Date.parse(c.time) - t0) : total;
    const d = depth.get(s.callId) ?? 0;
    const cls = `tool${c?.isError ? ' err' : ''}${d ? ' sub' : ''}`;
    const w = Math.max(2, x(end) - x(begin));
    const tip = `${s.name}: ${c ? (c.isError ? 'failed' : 'ok') : 'no result'} ${formatMs(end - begin)}`;
    const target = toolTarget(s.input);
    parts.push(
      `<text x="${8 + d * 14}" y="${y + 12}">${esc(s.name)}${target ? `<tspan class="muted"> ${esc(target)}</tspan>` : ''}</text><rect class="${cls}" x="${x(begin).toFixed(1)}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 5}"><title>${esc(tip)}</title></rect>`,
    );
  });
  if (!starts.length) parts.push(`<text class="muted" x="8" y="14">no tool calls</text>`);
  const axisY = height - 6;
  parts.push(
    `<text class="muted" x="${labelW}" y="${axisY}">0</text><text class="muted" x="${labelW + barW}" y="${axisY}" text-anchor="end">${esc(formatMs(total))}</text>`,
  );
  return `<svg class="timeline" viewBox="0 0 ${width} ${height}" style="max-width:${width}px" preserveAspectRatio="xMinYMin meet">${parts.join('')}</svg>`;
}

function runDetails(run: RunSummary, events: OmnigentEvent[] | undefined): string {
  const head = `<span class="l">${esc(run.id.slice(0, 8))}</span> · ${esc(formatLocalTime(run.startedAt))} · <b>${esc(run.harness)}</b> · ${esc(run.model ?? run.requestedModel ?? UNKNOWN)} · <span class="status-${esc(run.status)}">${esc(formatStatus(run))}</span> · ${esc(formatMs(run.durationMs))} · ${esc(formatRunUsage(run.usage))} · ${run.toolCalls === undefined ? `tool calls ${UNKNOWN}` : `${run.toolCalls} tool call${run.toolCalls === 1 ? '' : 's'}`}`;
  const facts = [
    `cwd ${run.cwd}${run.git ? ` (git ${run.git.commit.slice(0, 10)})` : ''}`,
    ...(run.tags.length ? [`tags ${run.tags.join(', ')}`] : []),
    ...(run.workflow ? [`workflow ${run.workflow.name ?? run.workflow.runId} · step ${run.workflow.step}`] : []),
    ...(run.message ? [run.message] : []),
    ...(run.prompt ? [`prompt: ${run.prompt}`] : []),
  ];
  const body = events
    ? `${timelineSvg(run, events)}<p class="notes">Tool calls from the start of the run (0) to its end; dashed lines: turn starts; red: failed calls. Hover a bar for its time.</p>`
    : '<p class="notes">timeline not drawn (only the newest runs get one)</p>';
  return `<details data-run="${esc(run.id)}"><summary>${head}</summary><div class="run-body"><p class="notes">${facts.map(esc).join('<br>')}</p>${body}</div></details>`;
}

/**
 * One self-contained HTML page (inline CSS, SVG and a few lines of JS; nothing fetched when
 * viewed): the compare table, bar charts of duration, tokens, cost and success by group, and a
 * timeline per run.
 */
export function renderHtmlReport(input: HtmlReportInput): string {
  const by = input.by ?? ['harness', 'model'];
  const title = input.title ?? 'Omnigent run report';
  const groups = compareRuns(input.runs, by);
  const limit = input.timelines ?? 50;
  const charts = [
    barChart(
      'chart-duration',
      'Duration: median, whisker to p90',
      groups.map((g) => ({
        label: g.label,
        value: g.medianDurationMs,
        whisker: g.p90DurationMs,
        text:
          formatMs(g.medianDurationMs) === formatMs(g.p90DurationMs)
            ? formatMs(g.medianDurationMs)
            : `${formatMs(g.medianDurationMs)} / p90 ${formatMs(g.p90DurationMs)}`,
      })),
    ),
    barChart(
      'chart-input',
      'Input tokens per run',
      figureRows(groups, (g) => g.tokens.input),
    ),
    barChart(
      'chart-output',
      'Output tokens per run',
      figureRows(groups, (g) => g.tokens.output),
      'out',
    ),
    barChart(
      'chart-cost',
      'Cost per run (USD)',
      figureRows(groups, (g) => g.costUsd, formatUsd),
      'cost',
    ),
    barChart(
      'chart-success',
      'Success rate',
      groups.map((g) => ({
        label: g.label,
        value: g.successRate,
        text: `${formatPercent(g.successRate)} of ${g.runs - g.running}`,
      })),
    ),
    barChart(
      'chart-tools',
      'Tool calls per run',
      groups.map((g) => ({ label: g.label, value: g.toolCallsPerRun, text: compareFigures(g)[9]! })),
    ),
  ];
  const notes = Object.entries(FIGURE_NOTES)
    .map(([k, v]) => `<b>${esc(k)}</b> ${esc(v)}`)
    .join(' · ');
  const runs = input.runs.map((r, i) => runDetails(r, i < limit ? input.events(r.id) : undefined));
  const generated = `${(input.generatedAt ?? new Date()).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${REPORT_CSS}</style></head>
<body><main>
<h1>${esc(title)}</h1>
<p class="meta">${input.runs.length} run${input.runs.length === 1 ? '' : 's'}${input.filterText ? ` · ${esc(input.filterText)}` : ''} · generated ${esc(generated)}</p>
<h2>By ${esc(by.join(' · '))}</h2>
${groups.length ? groupTable(groups, by) : '<p>No runs.</p>'}
<p class="notes">Figures are per run, over the runs that reported them. ${notes}</p>
${mcpSection(input.runs)}
${renderEvalSection(input.runs)}
<h2>Charts</h2>
<div class="charts">${charts.join('\n')}</div>
${input.insights ? renderInsightsSections(input.insights) : ''}
<h2>Runs</h2>
<p><input id="run-filter" type="search" placeholder="filter runs (harness, model, status, tag…)" aria-label="filter runs"></p>
<div id="runs">${runs.join('\n')}</div>
</main><script>${JS}</script></body></html>
`;
}
