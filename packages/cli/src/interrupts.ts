import { killAllRunsNow } from '@omnigent/core';
import { EXIT } from './exit-codes.js';
import { detachTerminalOnExit, onStdoutClosed } from './io.js';
import { watchStdoutReader } from './stdout-reader.js';

/** Signals that mean "stop": Ctrl-C, `kill`, and the terminal going away (ssh dropped, window closed). */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** What {@link withInterrupts} tells the command. */
export interface Interrupts {
  /** Aborted on the first stop signal, or when the reader of stdout went away. */
  signal: AbortSignal;
}

/** Options of {@link withInterrupts}. */
export interface WithInterruptsOptions {
  /** Called once on the first stop signal (e.g. to say "cancelling, Ctrl-C again to quit"). Default: nothing. */
  onFirst?: (signal: NodeJS.Signals) => void;
}

/**
 * Run `body` with one stop policy for every command that runs harnesses (run, workflow run,
 * matrix, demo). Contract: the first SIGINT, SIGTERM or SIGHUP (or the reader of stdout going away,
 * seen on a write or by {@link watchStdoutReader}) aborts the
 * signal, and the runner stops the harness trees (TERM, then KILL after the grace); a second stop
 * signal SIGKILLs every live harness tree at once (core's `killAllRunsNow`: groups, descendants and
 * the daemons carrying the run marker) and exits {@link EXIT.interrupted}; it hurries the kill, never skips it. The handlers are removed when `body` settles.
 */
export async function withInterrupts<T>(
  body: (interrupts: Interrupts) => Promise<T>,
  options: WithInterruptsOptions = {},
): Promise<T> {
  const controller = new AbortController();
  let count = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signal === 'SIGHUP') detachTerminalOnExit();
    count += 1;
    if (count > 1) {
      killAllRunsNow();
      process.exit(EXIT.interrupted);
    }
    options.onFirst?.(signal);
    controller.abort();
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  // the reader of our output went away (`| head`): stop like an interrupt, never leave a harness running
  const offClosed = onStdoutClosed(() => controller.abort());
  // …also when the harness is quiet and nothing is written that would hit EPIPE
  const offReader = watchStdoutReader(() => controller.abort());
  try {
    return await body({ signal: controller.signal });
  } finally {
    offClosed();
    offReader();
    for (const s of STOP_SIGNALS) process.off(s, onSignal);
  }
}
