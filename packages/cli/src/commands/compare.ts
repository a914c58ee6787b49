import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { withRunFilters, type RunFilterArgs } from './runs.js';

interface CompareArgs extends RunFilterArgs {
  by: string;
  baseline?: string;
  candidate?: string;
  json?: boolean;
  csv?: boolean;
  top?: number;
}

/** `omnigent compare`: stored runs grouped by harness, model, step or tool. */
export const compareCommand: CommandModule<GlobalArgs, CompareArgs> = {
  command: 'compare',
  describe: 'Compare stored runs by harness, model, step, kind of work or tool: success, time, tokens, cost, tools',
  builder: (y) =>
    withRunFilters(y)
      .option('by', {
        type: 'string',
        default: 'harness',
        describe:
          'Group by harness, model, step, kind, mcp (MCP server), a comma list of those (kind,harness; mcp,model), or tool',
      })
      .option('json', { type: 'boolean', describe: 'Print the groups as JSON' })
      .option('csv', { type: 'boolean', describe: 'Print the groups as CSV' })
      .option('top', { type: 'number', default: 3, describe: 'Top tools shown per group' })
      .option('baseline', {
        type: 'string',
        describe: 'Before/after: the reference runs, e.g. model=gpt-5 or tag=before,since=7d (with --candidate)',
      })
      .option('candidate', {
        type: 'string',
        describe:
          'Before/after: the runs compared with --baseline (keys: harness, model, tag, since, until, variant, kind, eval)',
      })
      .conflicts('json', 'csv') as unknown as Argv<CompareArgs>,
  handler: async (argv) => {
    const { writeOut } = await import('../io.js');
    if (argv.baseline !== undefined || argv.candidate !== undefined) {
      const { UsageError } = await import('@omnigent/core');
      if (argv.baseline === undefined || argv.candidate === undefined)
        throw new UsageError('--baseline and --candidate go together: compare --baseline model=a --candidate model=b');
      const { compareBaseline } = await import('./compare-baseline.js');
      await compareBaseline({ ...argv, baseline: argv.baseline, candidate: argv.candidate });
      return;
    }
    const s = await import('@omnigent/store');
    const { openStoreFor, reportSkipped } = await import('./runs.js');
    const by = s.splitList(argv.by) ?? ['harness'];
    const dims = ['harness', 'model', 'step', 'kind', 'mcp'];
    if (!(by.length === 1 && by[0] === 'tool') && by.some((d) => !dims.includes(d))) {
      throw new s.StoreQueryError(
        `--by expects harness, model, step, kind, mcp (comma-separated) or tool, got "${argv.by}"`,
      );
    }
    if (argv.top !== undefined && (!Number.isInteger(argv.top) || argv.top < 0)) {
      throw new s.StoreQueryError(
        `--top expects a whole number of tools (0 for none)${Number.isNaN(argv.top) ? '' : `, got ${argv.top}`}`,
      );
    }
    const { store, filter } = await openStoreFor(argv);
    const runs = store.list(filter);
    // tables and CSV may land on a terminal: labels from the store are shown, never sent raw
    const text = s.terminalSafe;
    if (by[0] === 'tool') {
      const tools = s.toolFigures(runs);
      if (argv.json) await writeOut(`${JSON.stringify({ runs: runs.length, tools }, null, 2)}\n`);
      else if (argv.csv) await writeOut(text(s.toolCsv(tools)));
      else await writeOut(text(runs.length ? s.renderToolTable(tools) : s.noRunsText(store.dir, store.all().length)));
      reportSkipped(store);
      return;
    }
    if (by.includes('mcp')) {
      const { printMcpCompare } = await import('./compare-mcp.js');
      await printMcpCompare(runs, by as import('@omnigent/store').McpGroupDimension[], argv, store);
      reportSkipped(store);
      return;
    }
    const dimensions = by as import('@omnigent/store').GroupDimension[];
    const groups = s.compareRuns(runs, dimensions);
    if (argv.json) await writeOut(`${JSON.stringify({ by: dimensions, runs: runs.length, groups }, null, 2)}\n`);
    else if (argv.csv) await writeOut(text(s.compareCsv(groups, dimensions)));
    else
      await writeOut(
        text(
          runs.length
            ? s.renderCompareTable(groups, dimensions, argv.top)
            : s.noRunsText(store.dir, store.all().length),
        ),
      );
    reportSkipped(store);
  },
};
