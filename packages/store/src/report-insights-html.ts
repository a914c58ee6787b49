import { formatInt, formatMs, formatPercent, formatUsd, UNKNOWN } from './format.js';
import { kindsPresent } from './format-insights.js';
import type { FailureGroup, Insights, KindLabel, WeekMix } from './insights-types.js';
import { terminalSafe } from './terminal-safe.js';

const esc = (s: string): string => terminalSafe(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// One colour per kind, the same in every chart (colour-blind-safe-ish palette).
const KIND_COLOURS: Record<KindLabel, string> = {
  feature: '#2f81f7',
  bugfix: '#cf222e',
  refactor: '#8250df',
  test: '#1a7f37',
  docs: '#9a6700',
  review: '#bf3989',
  plan: '#0a7f8f',
  analysis: '#6e7781',
  chore: '#d4a72c',
  unclassified: '#afb8c1',
};

const STYLE = `.ins-legend span{display:inline-block;margin-right:12px;font-size:12px}.ins-legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
.ins table td.l{text-align:left}.ins .verdict{margin:10px 0 4px}.ins ol{padding-left:20px}.ins li{margin:4px 0}.ins code{font-size:12px}`;

function legend(kinds: KindLabel[]): string {
  return `<p class="ins-legend">${kinds.map((k) => `<span><i style="background:${KIND_COLOURS[k]}"></i>${esc(k)}</span>`).join('')}</p>`;
}

/** Stacked bars per week (x: week, y: `value` per kind), with the week's total on top. */
function stackedWeeks(
  id: string,
  title: string,
  weeks: WeekMix[],
  kinds: KindLabel[],
  value: (w: WeekMix, k: KindLabel) => number,
  fmt: (n: number) => string,
): string {
  const left = 56;
  const plotH = 180;
  const step = Math.max(14, Math.min(48, Math.floor(720 / Math.max(1, weeks.length))));
  const width = left + weeks.length * step + 16;
  const height = plotH + 54;
  const totals = weeks.map((w) => kinds.reduce((s, k) => s + value(w, k), 0));
  const max = Math.max(0, ...totals) || 1;
  const parts: string[] = [];
  parts.push(`<line x1="${left}" x2="${width - 8}" y1="${plotH + 8}" y2="${plotH + 8}" stroke="#d0d7de"/>`);
  parts.push(
    `<text class="muted" x="${left - 6}" y="16" text-anchor="end">${esc(fmt(max))}</text><text class="muted" x="${left - 6}" y="${plotH + 8}" text-anchor="end">0</text>`,
  );
  weeks.forEach((w, i) => {
    const x = left + i * step + 2;
    let y = plotH + 8;
    for (const k of kinds) {
      const v = value(w, k);
      if (!v) continue;
      const h = (v / max) * plotH;
      y -= h;
      parts.push(
        `<rect data-week="${w.week}" data-kind="${k}" data-value="${v}" x="${x}" y="${y.toFixed(1)}" width="${step - 4}" height="${Math.max(0.5, h).toFixed(1)}" fill="${KIND_COLOURS[k]}"><title>${esc(`week of ${w.week} · ${k}: ${fmt(v)}`)}</title></rect>`,
      );
    }
    // a label every few weeks, so they never overlap
    if (i % Math.ceil(60 / step) === 0)
      parts.push(`<text class="muted" x="${x}" y="${plotH + 24}">${w.week.slice(5)}</text>`);
  });
  return `<figure id="${id}"><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" style="max-width:${width}px" preserveAspectRatio="xMinYMin meet">${parts.join('')}</svg>${legend(kinds)}</figure>`;
}

/** Line of the weekly feature share (0–100 %), a dot per week that had features or bugfixes. */
function shareLine(weeks: WeekMix[]): string {
  const left = 56;
  const plotH = 160;
  const step = Math.max(14, Math.min(48, Math.floor(720 / Math.max(1, weeks.length))));
  const width = left + weeks.length * step + 16;
  const height = plotH + 44;
  const y = (s: number): number => 8 + (1 - s) * plotH;
  const points = weeks
    .map((w, i) => ({ w, x: left + i * step + step / 2 }))
    .filter((p) => p.w.featureShare !== undefined);
  const parts: string[] = [];
  for (const s of [0, 0.5, 1])
    parts.push(
      `<line x1="${left}" x2="${width - 8}" y1="${y(s)}" y2="${y(s)}" stroke="#d0d7de" stroke-dasharray="${s === 0.5 ? '3 3' : ''}"/><text class="muted" x="${left - 6}" y="${y(s) + 4}" text-anchor="end">${s * 100}%</text>`,
    );
  if (points.length > 1)
    parts.push(
      `<polyline fill="none" stroke="${KIND_COLOURS.feature}" stroke-width="2" points="${points.map((p) => `${p.x.toFixed(1)},${y(p.w.featureShare!).toFixed(1)}`).join(' ')}"/>`,
    );
  for (const p of points)
    parts.push(
      `<circle data-week="${p.w.week}" data-share="${p.w.featureShare}" cx="${p.x.toFixed(1)}" cy="${y(p.w.featureShare!).toFixed(1)}" r="3.5" fill="${KIND_COLOURS.feature}"><title>${esc(`week of ${p.w.week}: ${formatPercent(p.w.featureShare)} features (${p.w.byKind.feature?.runs ?? 0} feature, ${p.w.byKind.bugfix?.runs ?? 0} bugfix)`)}</title></circle>`,
    );
  weeks.forEach((w, i) => {
    if (i % Math.ceil(60 / step) === 0)
      parts.push(`<text class="muted" x="${left + i * step + 2}" y="${plotH + 26}">${w.week.slice(5)}</text>`);
  });
  const title = 'Feature share of feature + bugfix runs, per week';
  return `<figure id="chart-feature-share"><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" style="max-width:${width}px" preserveAspectRatio="xMinYMin meet">${parts.join('')}</svg></figure>`;
}

function failureList(groups: FailureGroup[], top: number): string {
  if (!groups.length) return '<p class="notes">none</p>';
  return `<ol>${groups
    .slice(0, top)
    .map(
      (g) =>
        `<li><b>${g.count}×</b> in ${g.runs} run${g.runs === 1 ? '' : 's'} · <code>${esc(g.label)}</code><br><span class="notes">e.g. ${g.exampleRunIds.map((id) => esc(id.slice(0, 8))).join(', ')} · ${esc(g.harnesses.join(', '))}${g.paths.length ? ` · files ${esc(g.paths.join(', '))}` : ''} · ${esc(g.firstSeen.slice(0, 10))} … ${esc(g.lastSeen.slice(0, 10))}</span></li>`,
    )
    .join('')}</ol>`;
}

/**
 * The insights sections as an HTML fragment (inline SVG charts, no network): work mix per week,
 * feature share, slowest kinds, failure groups, best harness/model per kind, MCP servers.
 * Contract: uses the report page's CSS classes (`charts`, `notes`, `table-wrap`) plus its own.
 */
export function renderInsightsSections(ins: Insights, top = 10): string {
  const mix = ins.workMix;
  const kinds = kindsPresent(mix.byKind);
  const hours = (ms: number): string => (ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)} h` : formatMs(ms));
  const trend =
    mix.trend.slopePerWeek === undefined
      ? `${mix.trend.direction}`
      : `${mix.trend.direction} (${mix.trend.slopePerWeek >= 0 ? '+' : ''}${(mix.trend.slopePerWeek * 100).toFixed(1)} points a week over ${mix.trend.weeks} weeks)`;
  const slowRows = ins.slowest
    .map(
      (s) =>
        `<tr><td class="l">${esc(s.kind)}</td><td>${s.runs}</td><td>${esc(formatMs(s.p50Ms))}</td><td>${esc(formatMs(s.p90Ms))}</td><td>${s.tokens.p50 === undefined ? UNKNOWN : esc(formatInt(Math.round(s.tokens.p50)))}</td><td>${esc(formatUsd(s.costUsd.p50))}</td><td class="l">${s.examples.map((e) => `${esc(e.id.slice(0, 8))} ${esc(formatMs(e.durationMs))}${e.prompt ? ` <span class="notes">${esc(e.prompt)}</span>` : ''}`).join('<br>')}</td></tr>`,
    )
    .join('');
  const best = ins.best.kinds
    .map(
      (k) =>
        `<p class="verdict"><b>${esc(k.kind)}</b>: ${esc(k.verdict)}</p><div class="table-wrap"><table><thead><tr><th class="l">harness · model</th><th>runs</th><th>success</th><th>95 % CI</th><th>cost p50</th><th>time p50</th></tr></thead><tbody>${k.contenders
          .map(
            (c) =>
              `<tr><td class="l">${esc(c.label)}${c.enough ? '' : ' <span class="notes">(too few runs)</span>'}</td><td>${c.runs}</td><td>${esc(formatPercent(c.successRate))}</td><td>${c.interval ? esc(`${formatPercent(c.interval.low)}–${formatPercent(c.interval.high)}`) : UNKNOWN}</td><td>${esc(formatUsd(c.medianCostUsd))}</td><td>${esc(formatMs(c.medianDurationMs))}</td></tr>`,
          )
          .join('')}</tbody></table></div>`,
    )
    .join('');
  const mcp = ins.mcp
    ? `<h2>MCP servers</h2><div class="table-wrap"><table id="mcp"><thead><tr><th class="l">server</th><th>calls</th><th>errors</th><th>p50</th><th>p90</th><th>runs</th><th class="l">top tools</th></tr></thead><tbody>${ins.mcp.servers
        .map(
          (s) =>
            `<tr><td class="l">${esc(s.server)}</td><td>${s.calls}</td><td>${s.errors} (${esc(formatPercent(s.errorRate))})</td><td>${esc(formatMs(s.p50Ms))}</td><td>${esc(formatMs(s.p90Ms))}</td><td>${s.runs}</td><td class="l">${esc(
              s.tools
                .slice(0, 3)
                .map((t) => `${t.tool} ×${t.calls}`)
                .join(', '),
            )}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : '';
  const f = ins.failures;
  return `<style>${STYLE}</style><section class="ins" id="insights">
<h2>Work mix over time</h2>
<p>${mix.featureShare === undefined ? 'No feature or bugfix runs.' : `${esc(formatPercent(mix.featureShare))} of feature + bugfix runs were features (${mix.feature.runs} vs ${mix.bugfix.runs}; ${esc(formatPercent(mix.featureTimeShare))} of their time). Trend: ${esc(trend)}.`}${ins.kindsClassifiedHere ? ` <span class="notes">${ins.kindsClassifiedHere === 1 ? '1 run recorded before kinds existed was' : `${ins.kindsClassifiedHere} runs recorded before kinds existed were`} classified from the prompt.</span>` : ''}</p>
<div class="charts">${
    mix.weeks.length
      ? [
          stackedWeeks(
            'chart-mix-runs',
            'Runs per week, by kind',
            mix.weeks,
            kinds,
            (w, k) => w.byKind[k]?.runs ?? 0,
            (n) => String(Math.round(n)),
          ),
          stackedWeeks(
            'chart-mix-time',
            'Agent time per week, by kind',
            mix.weeks,
            kinds,
            (w, k) => w.byKind[k]?.durationMs ?? 0,
            hours,
          ),
          stackedWeeks(
            'chart-mix-cost',
            'Cost per week, by kind (runs that reported one)',
            mix.weeks,
            kinds,
            (w, k) => w.byKind[k]?.costUsd ?? 0,
            formatUsd,
          ),
          shareLine(mix.weeks),
        ].join('\n')
      : '<p>No runs.</p>'
  }</div>
<h2>Slowest kinds of request</h2>
<div class="table-wrap"><table id="slowest"><thead><tr><th class="l">kind</th><th>runs</th><th>p50 time</th><th>p90 time</th><th>tokens p50</th><th>cost p50</th><th class="l">slowest runs</th></tr></thead><tbody>${slowRows}</tbody></table></div>
<h2>Failures by signature</h2>
<p>Failed runs: ${f.failedRuns.total}</p>${failureList(f.failedRuns.groups, top)}
<p>Failed tool calls: ${f.toolCalls.total}${f.toolCalls.runsNotScanned ? ` <span class="notes">(${f.toolCalls.runsNotScanned} older runs with tool errors not read)</span>` : ''}</p>${failureList(f.toolCalls.groups, top)}
<h2>Best harness/model per kind</h2>
<p class="notes">Success rate with its 95 % Wilson interval; ranked by the interval's lower bound, from ${ins.best.minRuns} finished runs.</p>
${best || '<p>No runs.</p>'}
${mcp}
</section>`;
}

/** `omnigent insights --html`: the insights sections as one self-contained page. */
export function renderInsightsHtml(
  ins: Insights,
  options: { title?: string; filterText?: string; css: string },
): string {
  const title = options.title ?? 'Omnigent insights';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${options.css}</style></head>
<body><main>
<h1>${esc(title)}</h1>
<p class="meta">${ins.runs} run${ins.runs === 1 ? '' : 's'}${ins.from ? ` · ${esc(ins.from.slice(0, 10))} … ${esc(ins.to!.slice(0, 10))}` : ''}${options.filterText ? ` · ${esc(options.filterText)}` : ''} · generated ${esc(ins.generatedAt.slice(0, 19).replace('T', ' '))} UTC</p>
${renderInsightsSections(ins)}
</main></body></html>
`;
}
