import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../../global-args.js';
import { numberOption } from '../../option-values.js';
import { toList } from '../list-option.js';
import type { WorkflowArgs } from './handler.js';

const run: CommandModule<GlobalArgs, WorkflowArgs> = {
  command: 'run <file>',
  describe: 'Run a workflow: its steps through their harnesses, with handoff between them',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('file', { type: 'string', describe: 'Workflow file (YAML)', demandOption: true })
      .option('input', {
        alias: 'i',
        type: 'string',
        describe: 'The workflow input ({{ input }}): text, @file, or - for stdin',
      })
      .option('set', {
        type: 'string',
        coerce: toList,
        describe: 'Override a step setting, step.key=value (e.g. plan.model=gpt-5; *.model=… for all)',
      })
      .option('concurrency', {
        alias: 'j',
        requiresArg: true,
        coerce: numberOption('concurrency', { min: 1, integer: true, unit: 'steps' }),
        describe: 'Most steps running at once (default: the file, else 4)',
      })
      .option('cwd', {
        alias: 'C',
        type: 'string',
        describe: 'Base directory of the steps (default: the current directory)',
      })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'Print workflow events and every step event as JSONL on stdout, nothing else',
      })
      .option('store', {
        type: 'boolean',
        default: true,
        describe: 'Record the runs in the local store (--no-store to skip)',
      })
      .option('tag', { type: 'string', coerce: toList, describe: 'Tag the stored runs (repeatable)' }),
  handler: async (argv) => {
    const { workflowRunMain } = await import('./handler.js');
    process.exitCode = await workflowRunMain(argv);
  },
};

const validate: CommandModule<GlobalArgs, WorkflowArgs> = {
  command: 'validate <file>',
  describe: 'Check a workflow file (schema, step references, cycles, harnesses, templates) without running it',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('file', { type: 'string', describe: 'Workflow file (YAML)', demandOption: true })
      .option('set', { type: 'string', coerce: toList, describe: 'Apply overrides first, as with run' })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'Print the validated workflow, or the problems, as JSON',
      }),
  handler: async (argv) => {
    const { workflowValidateMain } = await import('./handler.js');
    process.exitCode = await workflowValidateMain(argv);
  },
};

/** `omnigent workflow run|validate`. */
export const workflowCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'workflow <command>',
  describe: 'Run or check a multi-step workflow across harnesses',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command(run as never)
      .command(validate as never)
      .demandCommand(1, 'Give a subcommand: run or validate'),
  handler: () => undefined,
};
