import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../../global-args.js';
import { numberOption } from '../../option-values.js';
import type { EvalArgs } from '../eval/handler.js';
import { toList } from '../list-option.js';

export type { MatrixCombination } from './combinations.js';
export { comboLabel, combinations, parseShard, shardOf } from './combinations.js';

type MatrixArgs = Omit<EvalArgs, 'suite'> & { task: string };

/** `omnigent matrix`: `omnigent eval` of one task without checks, with the matrix's tags and table (an alias on the same code path). */
export const matrixCommand: CommandModule<GlobalArgs, MatrixArgs> = {
  command: 'matrix <task>',
  describe:
    'Run one task on every harness × model combination in isolated worktrees, then compare (eval without checks)',
  builder: (y) =>
    y
      .positional('task', {
        type: 'string',
        demandOption: true,
        describe: 'task.yaml: {prompt, repo?, cwd?, setup?, env?, timeout?, tags?} (any eval task)',
      })
      .option('harness', {
        alias: 'H',
        type: 'string',
        coerce: toList,
        demandOption: true,
        describe: 'Harnesses (comma-separated or repeated)',
      })
      .option('model', {
        alias: 'm',
        type: 'string',
        coerce: toList,
        describe: "Models (comma-separated or repeated); default: each harness's default",
      })
      .option('repeat', {
        alias: 'n',
        requiresArg: true,
        coerce: numberOption('repeat', { min: 1, integer: true, unit: 'runs' }),
        default: 1,
        describe: 'Runs per combination',
      })
      .option('concurrency', {
        alias: 'j',
        requiresArg: true,
        coerce: numberOption('concurrency', { min: 1, integer: true, unit: 'runs' }),
        default: 1,
        describe: 'Runs at once',
      })
      .option('shard', {
        type: 'string',
        describe: 'Run only slice i of n (i/n, 1-based), to split the matrix across CI machines',
      })
      .option('id', {
        type: 'string',
        describe: 'Matrix id (tag matrix:<id>); give the same id to every shard. Default: generated',
      })
      .option('keep', { type: 'boolean', describe: 'Keep each worktree/copy (their paths are printed)' })
      .option('json', {
        type: 'boolean',
        describe: 'Print {matrix, runs, groups} as JSON at the end (progress goes to stderr)',
      }) as unknown as Argv<MatrixArgs>,
  handler: async (argv) => {
    const { runEval } = await import('../eval/handler.js');
    const { task, ...rest } = argv;
    process.exitCode = await runEval({ ...rest, suite: [task], matrix: true });
  },
};
