import yargs from 'yargs';
import { COMMANDS } from './commands/index.js';
import { EXIT } from './exit-codes.js';
import type { GlobalArgs } from './global-args.js';
import { version } from './version.js';

const EPILOG = `Exit codes: 0 ok · 1 run failed · 2 usage or config error · 127 harness binary not found · 130 interrupted
Docs: the README of the omnigent package.`;

/** Run the CLI with `args` (without node and script). Sets process.exitCode. */
/** yargs-parser reads a lone `-` as a flag; it means "stdin" here, so it is swapped for a marker. */
export const STDIN_MARKER = '\u0000stdin';

export async function main(rawArgs: string[]): Promise<void> {
  const args = rawArgs.map((a) => (a === '-' ? STDIN_MARKER : a));
  let cli = yargs(args)
    .scriptName('omnigent')
    .usage('$0 <command> [options]\n\nOne interface for every coding-agent CLI: Claude Code, Codex, Cursor, Pi.')
    .option('config', { type: 'string', describe: 'Path of an omnigent.config.* file (default: searched upward from the cwd)' })
    .version(version)
    .alias('v', 'version')
    .help()
    .alias('h', 'help')
    .strict()
    .demandCommand(1, 'Give a command, e.g. omnigent run -H claude-code "…"')
    .recommendCommands()
    .epilog(EPILOG)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err, y) => {
      if (err) throw err;
      void y;
      process.stderr.write(`omnigent: ${msg}\nRun omnigent --help for usage.\n`);
      process.exit(EXIT.usage);
    });
  for (const command of COMMANDS) cli = cli.command(command as never) as typeof cli;
  await cli.parseAsync();
}
