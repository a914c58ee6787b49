import type { McpGroupDimension, RunStore, RunSummary } from '@omnigent/store';
import { writeOut } from '../io.js';

/**
 * `omnigent compare --by mcp[,model…]`: one row per MCP server (and other dimension), with the
 * runs that used it, its calls per run, error rate, p50/p90 latency, and the runs' tokens and cost.
 */
export async function printMcpCompare(
  runs: RunSummary[],
  by: McpGroupDimension[],
  argv: { json?: boolean; csv?: boolean },
  store: RunStore,
): Promise<void> {
  const s = await import('@omnigent/store');
  const groups = s.compareByMcp(runs, by);
  if (argv.json) await writeOut(`${JSON.stringify({ by, runs: runs.length, groups }, null, 2)}\n`);
  else if (argv.csv) await writeOut(s.terminalSafe(s.mcpCompareCsv(groups, by)));
  else
    await writeOut(
      s.terminalSafe(runs.length ? s.renderMcpCompareTable(groups, by) : s.noRunsText(store.dir, store.all().length)),
    );
}
