import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../../global-args.js';
import { numberOption } from '../../option-values.js';
import { toList } from '../list-option.js';
import type { RunArgs } from './handler.js';

/** `omnigent run`: one prompt through one harness. */
export const runCommand: CommandModule<GlobalArgs, RunArgs> = {
  command: 'run [prompt]',
  describe: 'Run a prompt through one harness (prompt "-" reads stdin)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('prompt', { type: 'string', describe: 'The prompt, or - to read it from stdin' })
      .option('harness', { alias: 'H', type: 'string', describe: 'Harness to run (claude-code, codex, cursor, pi, …)' })
      .option('model', { alias: 'm', type: 'string', describe: 'Model id as the harness understands it' })
      .option('provider', { type: 'string', describe: 'Model provider, for harnesses that take one (Pi, Codex)' })
      .option('cwd', { alias: 'C', type: 'string', describe: 'Working directory of the harness' })
      .option('resume', { type: 'string', describe: 'Resume this harness session id' })
      .option('session-id', { type: 'string', describe: 'Force the new session id (harnesses that support it)' })
      .option('timeout', {
        requiresArg: true,
        coerce: numberOption('timeout', { min: 0, exclusiveMin: true, unit: 'seconds' }),
        describe: 'Give up after this many seconds (> 0)',
      })
      .option('idle-timeout', {
        requiresArg: true,
        coerce: numberOption('idle-timeout', { min: 0, unit: 'seconds', note: '0 = never' }),
        describe: 'Give up when the harness prints nothing for this many seconds (default 600, 0 = never)',
      })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'Print the normalized events as JSONL on stdout, nothing else',
      })
      .option('bin', { type: 'string', describe: 'Path of the harness binary' })
      .option('agent', {
        type: 'string',
        requiresArg: true,
        describe: 'An ACP agent command to run, e.g. "npx my-agent --acp" (implies -H acp)',
      })
      .option('permission-mode', {
        type: 'string',
        choices: ['default', 'read-only', 'accept-edits', 'bypass'] as const,
        describe: 'Permission level',
      })
      .option('max-turns', {
        requiresArg: true,
        coerce: numberOption('max-turns', { min: 1, integer: true, unit: 'turns' }),
        describe: 'Stop after this many model turns (harnesses that support it)',
      })
      .option('allowed-tools', { type: 'string', coerce: toList, describe: 'Tools to pre-approve (harness syntax)' })
      .option('disallowed-tools', { type: 'string', coerce: toList, describe: 'Tools to forbid (harness syntax)' })
      .option('system-prompt', { type: 'string', describe: 'Replace the system prompt' })
      .option('append-system-prompt', { type: 'string', describe: 'Append to the system prompt' })
      .option('arg', {
        type: 'string',
        coerce: toList,
        describe: 'Extra argument passed to the harness CLI verbatim (repeatable)',
      })
      .option('env', {
        type: 'string',
        coerce: toList,
        describe: 'Extra environment for the harness, KEY=VALUE (repeatable)',
      })
      .option('store', {
        type: 'boolean',
        describe: 'Record the run in the local store (default: on; --no-store to skip)',
      })
      .option('tag', { type: 'string', coerce: toList, describe: 'Tag the stored run (repeatable)' })
      .option('mcp', {
        type: 'string',
        coerce: toList,
        describe: 'MCP servers from config mcp.servers, a,b (default: mcp.default; none for no server)',
      })
      // the list of @omnigent/store's WORK_KINDS, written out so that --help does not load the store
      .option('kind', {
        type: 'string',
        choices: ['feature', 'bugfix', 'refactor', 'test', 'docs', 'review', 'plan', 'analysis', 'chore'] as const,
        describe: 'Kind of work (default: classified from the prompt)',
      }),
  handler: async (argv) => {
    const { runMain } = await import('./handler.js');
    process.exitCode = await runMain(argv);
  },
};
