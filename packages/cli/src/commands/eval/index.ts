import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../../global-args.js';
import { numberOption } from '../../option-values.js';
import { toList } from '../list-option.js';
import type { EvalArgs } from './handler.js';

export type { EvalCell } from './cells.js';
export { evalCells, groupLabel, cellKey, findBaseline, DEFAULT_VARIANT } from './cells.js';
export type { EvalTask, EvalCheck, EvalSuite, EvalVariant } from './task-file.js';
export { loadSuite } from './task-file.js';

/** `omnigent eval`: did the agent do the task? Tasks × harnesses × models × variants × repeats, checked and compared. */
export const evalCommand: CommandModule<GlobalArgs, EvalArgs> = {
  command: 'eval <suite..>',
  describe:
    'Run task suites on harnesses × models × variants in isolated checkouts, check the results, compare pass rates and cost',
  builder: (y) =>
    y
      .positional('suite', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Task files, suite files or folders of them',
      })
      .option('harness', {
        alias: 'H',
        type: 'string',
        coerce: toList,
        describe: "Harnesses (comma-separated or repeated); default: the suite's harnesses:",
      })
      .option('model', {
        alias: 'm',
        type: 'string',
        coerce: toList,
        describe: "Models (comma-separated or repeated); default: the suite's models:, else each harness's default",
      })
      .option('variant', {
        type: 'string',
        coerce: toList,
        describe:
          'Run only these variants of the suite (default: all it declares); name={appendSystemPrompt: …, maxTurns: 5} declares one',
      })
      .option('repeat', {
        alias: 'n',
        requiresArg: true,
        coerce: numberOption('repeat', { min: 1, integer: true, unit: 'runs' }),
        describe: "Runs per cell (default: the suite's repeat:, else 1)",
      })
      .option('concurrency', {
        alias: 'j',
        requiresArg: true,
        coerce: numberOption('concurrency', { min: 1, integer: true, unit: 'runs' }),
        default: 1,
        describe: 'Cells at once',
      })
      .option('shard', {
        type: 'string',
        describe: 'Run only slice i of n (i/n, 1-based), to split the eval across CI machines',
      })
      .option('id', {
        type: 'string',
        describe: 'Eval id (tag eval:<id>); give the same id to every shard. Default: generated',
      })
      .option('resume', {
        type: 'string',
        describe: 'Continue eval <id>: run only its cells without a finished run (same suite and options)',
      })
      .option('max-cost', {
        requiresArg: true,
        coerce: numberOption('max-cost', { min: 0, unit: 'US dollars' }),
        describe: 'Stop starting cells once the runs so far cost this much (USD)',
      })
      .option('baseline', {
        type: 'string',
        describe:
          "The reference cell: harness/model/variant, or a unique part of it (default: the suite's baseline:, else the first)",
      })
      .option('keep', { type: 'boolean', describe: 'Keep each checkout (their paths are printed)' })
      .option('json', {
        type: 'boolean',
        describe: 'Print {eval, cells, groups} as JSON at the end (progress goes to stderr)',
      })
      .option('csv', { type: 'boolean', describe: 'Print one CSV row per harness/model/variant at the end' })
      .conflicts('json', 'csv') as unknown as Argv<EvalArgs>,
  handler: async (argv) => {
    const { runEval } = await import('./handler.js');
    process.exitCode = await runEval(argv);
  },
};
