import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../../global-args.js';
import type { DemoArgs } from './handler.js';

/** `omnigent demo`: a real workflow on the real harness CLIs against local scripted models; no API key. */
export const demoCommand: CommandModule<GlobalArgs, DemoArgs> = {
  command: 'demo',
  describe:
    'See omnigent work in a minute: a real workflow across Claude Code, Codex and Pi, against local scripted models (no API key, no network)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'Print the events as JSONL instead of the live view',
      })
      .option('keep', {
        type: 'boolean',
        default: false,
        describe: 'Keep the scratch project and configs (path printed)',
      })
      .option('store', {
        type: 'boolean',
        default: true,
        describe: 'Record the runs in the local store (--no-store to skip)',
      })
      .option('eval', {
        type: 'boolean',
        default: true,
        describe:
          'End with a small eval: the fix-bug task, a model that fixes it and one that does not (--no-eval to skip)',
      }),
  handler: async (argv) => {
    const { demoMain } = await import('./handler.js');
    process.exitCode = await demoMain(argv);
  },
};
