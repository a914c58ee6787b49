import type { ExitInfo, TerminalDraft } from './contract.js';

/** What the runner knows when the child has ended, handed to {@link decideTerminal}. */
export interface TerminalFacts {
  /** The plugin's name, as messages say it (`codex was killed by SIGKILL`). */
  harness: string;
  /** The binary that was started (named when it could not be). */
  bin: string;
  /** How the child ended. `endedByRunner` is set only when the runner itself stopped it. */
  exit: ExitInfo;
  /** The terminal outcome the plugin's `finish()` returned, if any. */
  pluginTerminal?: TerminalDraft | undefined;
  /** Why the runner stopped the child (watchdog or abort message); used with `exit.endedByRunner`. */
  runnerMessage?: string | undefined;
  /** The child could not be started at all. */
  spawnError?: string | undefined;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1]!.slice(0, 500);
}

/**
 * The one terminal draft of a run, from the facts alone (pure: no process, no clock).
 * Contract, in order: a runner-initiated stop wins (`timeout` / `aborted`, keeping the plugin's
 * usage and result); a child that could not start is `error`; then the plugin's own terminal, except
 * that `aborted` is reserved for runner-initiated aborts: a harness killed by a signal omnigent did
 * not send (SIGSEGV, an outside SIGKILL), or a plugin that says `aborted` on its own, gives
 * `run.failed` reason `exit`; without a plugin terminal, exit code 0 completes and anything else
 * fails with reason `exit` naming the code or signal and the last stderr line.
 */
export function decideTerminal(facts: TerminalFacts): TerminalDraft {
  const { exit, harness } = facts;
  const exitFields = {
    ...(exit.exitCode !== undefined ? { exitCode: exit.exitCode } : {}),
    ...(exit.signal ? { signal: exit.signal } : {}),
  };
  const stderrTail = exit.stderrTail ? { stderrTail: exit.stderrTail } : {};
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode ?? 'unknown'}`;

  if (exit.endedByRunner) {
    return {
      ...(facts.pluginTerminal ?? {}),
      type: 'run.failed',
      reason: exit.endedByRunner,
      message:
        facts.runnerMessage ??
        (exit.endedByRunner === 'aborted' ? 'the run was interrupted' : `${harness} was stopped by a watchdog`),
      ...exitFields,
      ...stderrTail,
    } as TerminalDraft;
  }
  if (facts.spawnError !== undefined) {
    return {
      type: 'run.failed',
      reason: 'error',
      message: `Could not start ${facts.bin}: ${facts.spawnError}`,
      ...exitFields,
    };
  }
  const plugin = facts.pluginTerminal;
  if (plugin) {
    const draft = { ...exitFields, ...plugin } as TerminalDraft;
    if (draft.type !== 'run.failed') return draft;
    if (draft.reason === 'aborted') {
      // omnigent did not abort this run: whoever stopped the harness, for the user it failed
      draft.reason = 'exit';
      if (exit.signal && !draft.message.includes(exit.signal)) draft.message = `${harness} ${how}: ${draft.message}`;
    }
    if (!draft.stderrTail && exit.stderrTail) draft.stderrTail = exit.stderrTail;
    return draft;
  }
  if (exit.exitCode === 0 && !exit.signal) return { type: 'run.completed', exitCode: 0 };
  return {
    type: 'run.failed',
    reason: 'exit',
    message: `${harness} ${how}${exit.stderrTail ? `: ${lastLine(exit.stderrTail)}` : ' and printed nothing on stderr'}`,
    ...exitFields,
    ...stderrTail,
  };
}
