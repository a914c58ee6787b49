import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { withRunFilters, type RunFilterArgs } from './runs.js';

interface InsightsArgs extends RunFilterArgs {
  json?: boolean;
  html?: string;
  'min-runs'?: number;
  top?: number;
}

/** `omnigent insights`: work mix over time, slowest kinds, failure commonality, best harness per kind, MCP servers. */
export const insightsCommand: CommandModule<GlobalArgs, InsightsArgs> = {
  command: 'insights',
  describe:
    'What your agent work went to: work mix per week, slowest kinds of request, common failures, best harness/model per kind',
  builder: (y) =>
    withRunFilters(y)
      .option('json', { type: 'boolean', describe: 'Print every section as JSON' })
      .option('html', { type: 'string', describe: 'Also write the sections with charts to this HTML file' })
      .option('min-runs', {
        type: 'number',
        describe: 'Finished runs a harness/model needs on a kind to be ranked (default 5)',
      })
      .option('top', {
        type: 'number',
        default: 10,
        describe: 'Failure groups shown per list',
      }) as unknown as Argv<InsightsArgs>,
  handler: async (argv) => {
    const { printError, writeOut } = await import('../io.js');
    const { exitCodeForError } = await import('../exit-codes.js');
    try {
      const { insightsMain } = await import('./insights-run.js');
      await insightsMain(argv, writeOut);
    } catch (error) {
      printError(error);
      process.exitCode = exitCodeForError(error);
    }
  },
};

export type { InsightsArgs };
