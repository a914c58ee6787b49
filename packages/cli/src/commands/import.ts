import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { toList } from './list-option.js';

/** Arguments of `omnigent import`. */
export interface ImportArgs extends GlobalArgs {
  harness?: string[];
  since?: string;
  'dry-run'?: boolean;
  export?: boolean;
  json?: boolean;
}

/** `omnigent import`: read the harnesses' own session history into the run store. */
export const importCommand: CommandModule<GlobalArgs, ImportArgs> = {
  command: 'import',
  describe: 'Import the local session history of Claude Code, Codex and Pi into the run store (only new sessions)',
  builder: (y) =>
    y
      .option('harness', {
        alias: 'H',
        type: 'string',
        coerce: toList,
        describe: 'Only these harnesses (default: every installed plugin that can read its history)',
      })
      .option('since', {
        type: 'string',
        describe: 'Only sessions started since: 30m, 24h, 7d, 2w or a date (2026-01-31)',
      })
      .option('dry-run', { type: 'boolean', describe: 'Read and count, write nothing' })
      .option('export', {
        type: 'boolean',
        describe: 'Then send the imported runs as OTLP traces (like omnigent export; same trace ids every time)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the outcome per harness as JSON' })
      .conflicts('dry-run', 'export') as unknown as Argv<ImportArgs>,
  handler: async (argv) => {
    const { printError, writeOut } = await import('../io.js');
    const { exitCodeForError } = await import('../exit-codes.js');
    try {
      const { importMain } = await import('./import-run.js');
      const ids = await importMain(argv, writeOut);
      if (argv.export && ids.length) {
        const { exportCommand } = await import('./export.js');
        // the export command on the runs just imported: same settings, same messages, same exit codes
        await (exportCommand.handler as (a: unknown) => Promise<void>)({
          ...argv,
          harness: undefined,
          since: undefined,
          ids,
        });
      }
    } catch (error) {
      printError(error);
      process.exitCode = exitCodeForError(error);
    }
  },
};
