import { evalGroupLabel, evalResults, formatComparison, formatRate, latestEvalRuns } from './eval-results.js';
import { formatMs, formatUsd, UNKNOWN } from './format.js';
import { terminalSafe } from './terminal-safe.js';
import type { RunSummary } from './types.js';

const esc = (s: string): string => terminalSafe(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The eval section of `report --html`: per eval among the runs, pass rate with its Wilson
 * interval, cost and time per run and per passed task, the comparison with the first cell, and
 * a task × cell grid of passes. Contract: empty when no run is an eval cell; estimated costs carry `~`.
 */
export function renderEvalSection(runs: RunSummary[]): string {
  const ids = [...new Set(runs.filter((r) => r.eval).map((r) => r.eval!.id))];
  if (!ids.length) return '';
  const parts = ids.map((id) => {
    const counted = latestEvalRuns(runs.filter((r) => r.eval?.id === id)).sort((a, b) =>
      a.startedAt.localeCompare(b.startedAt),
    );
    const labels = [...new Set(counted.map(evalGroupLabel))];
    const results = evalResults(counted, labels.length > 1 ? labels[0] : undefined);
    const usd = (est: boolean, v: number | undefined): string =>
      v === undefined ? UNKNOWN : `${est ? '~' : ''}${formatUsd(v)}`;
    const head = [
      'cell',
      'runs',
      'passed',
      'pass rate [95% CI]',
      '$/run',
      '$/pass',
      'time/run',
      'time/pass',
      'vs baseline',
    ]
      .map((h, i) => `<th${i === 0 || i === 3 || i === 8 ? ' class="l"' : ''}>${h}</th>`)
      .join('');
    const rows = results.groups.map((g) => {
      const s = g.summary;
      const cells = [
        `<td class="l">${esc(g.label)}</td>`,
        `<td>${s.runs}</td>`,
        `<td>${s.passes}</td>`,
        `<td class="l">${esc(formatRate(s.passRate, s.interval))}</td>`,
        `<td>${esc(usd(s.cost.estimated, s.cost.perRun))}</td>`,
        `<td>${esc(usd(s.cost.estimated, s.cost.perPass))}</td>`,
        `<td>${esc(formatMs(s.durationMs.perRun))}</td>`,
        `<td>${esc(formatMs(s.durationMs.perPass))}</td>`,
        `<td class="l">${esc(g.label === results.baseline ? '(baseline)' : formatComparison(g.vsBaseline))}</td>`,
      ];
      return `<tr>${cells.join('')}</tr>`;
    });
    const tasks = [...new Set(counted.map((r) => r.eval!.task))].sort();
    const gridHead = `<th class="l">task</th>${results.groups.map((g) => `<th>${esc(g.label)}</th>`).join('')}`;
    const grid = tasks.map(
      (t) =>
        `<tr><td class="l">${esc(t)}</td>${results.groups
          .map((g) => {
            const x = g.tasks[t];
            return `<td>${x ? `${x.passes}/${x.runs}` : UNKNOWN}</td>`;
          })
          .join('')}</tr>`,
    );
    return `<h3>eval ${esc(id)}</h3>
<table class="eval"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>
<table class="eval-tasks"><thead><tr>${gridHead}</tr></thead><tbody>${grid.join('')}</tbody></table>`;
  });
  return `<h2>Evals</h2>
${parts.join('\n')}
<p class="notes">Passed: completed and every check passed. CI: Wilson 95 %. vs baseline (the first cell): difference in pass-rate points [95 % Newcombe], exact McNemar p on runs paired by task and repeat. <b>~</b> cost estimated from token counts with the price catalog.</p>`;
}
