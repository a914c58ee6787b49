import yargs from 'yargs';
import { COMMANDS } from './commands/index.js';
import { EXIT, isKnownError, exitCodeForError } from './exit-codes.js';
import { STDIN_MARKER, printError } from './io.js';
import { version } from './version.js';

const EPILOG = `Exit codes: 0 ok · 1 run failed · 2 usage or config error · 127 harness binary not found · 130 interrupted (Ctrl-C, SIGTERM, SIGHUP, reader gone)
Docs: the README of the omnigent package.`;

/** The part of yargs' internals {@link skipHelpCache} touches (not in its public types). */
interface YargsInternals {
  getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } };
}

/**
 * Before it runs a command's handler, yargs lays out that command's help (`cacheHelpMessage`) in
 * case the handler calls `showHelp()`. None of ours does (their errors go to the boundary in
 * {@link main}), and the layout measures every word of ~20 option descriptions: ~10 ms of every
 * `omnigent run` (BENCHMARKS.md). `--help` is unaffected (it lays out on demand). If a yargs update
 * moves these internals, this does nothing and the cost comes back; nothing breaks.
 */
function skipHelpCache(cli: unknown): void {
  const usage = (cli as YargsInternals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
}

/**
 * Run the CLI with `args` (without node and script). Sets process.exitCode.
 * Contract: the one error boundary of the CLI: a known omnigent error (usage, config, plugin,
 * binary not found…) is printed as `omnigent: message` + hint and mapped to its exit code;
 * anything else is rethrown for `bin.ts` to report as an internal error.
 */
export async function main(rawArgs: string[]): Promise<void> {
  const args = rawArgs.map((a) => (a === '-' ? STDIN_MARKER : a));
  const cli = yargs(args)
    .scriptName('omnigent')
    .usage('$0 <command> [options]\n\nOne interface for every coding-agent CLI: Claude Code, Codex, Cursor, Pi.')
    .option('config', {
      type: 'string',
      describe: 'Path of an omnigent.config.* file (default: searched upward from the cwd)',
    })
    .version(version)
    .alias('v', 'version')
    .help()
    .alias('h', 'help')
    .strict()
    .demandCommand(1, 'Give a command, e.g. omnigent run -H claude-code "…"')
    .recommendCommands()
    .epilog(EPILOG)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      // errors thrown by handlers go to the boundary below; yargs' own (YError, also wrapping a
      // `coerce` that rejected an option value) are usage errors
      if (err && err.name !== 'YError') throw err;
      process.stderr.write(`omnigent: ${msg ?? err?.message}\nRun omnigent --help for usage.\n`);
      process.exit(EXIT.usage);
    });
  for (const register of COMMANDS) register(cli);
  skipHelpCache(cli);
  try {
    await cli.parseAsync();
  } catch (error) {
    if (!isKnownError(error)) throw error;
    printError(error);
    process.exitCode = exitCodeForError(error);
  }
}
