import { performance } from 'node:perf_hooks';
import type { EventBus } from './bus.js';
import type { TerminalDraft } from './contract.js';
import type { EventSequencer } from './event-sequencer.js';
import type { TerminalEvent } from './events.js';
import type { RunIteration } from './run-iterator.js';
import type { HarnessRun } from './runner.js';

/** What {@link runHandle} needs from a runner (the line runner or the session runner). */
export interface RunHandleParts {
  runId: string;
  bus: EventBus;
  seq: EventSequencer;
  /** `performance.now()` when the run started. */
  t0: number;
  iteration: RunIteration;
  /** Resolves the iteration's terminal promise. */
  settle: (terminal: TerminalEvent) => void;
  /** The run itself; resolves with its terminal event. */
  run: () => Promise<TerminalEvent>;
  /** The harness process id, once spawned. */
  pid: () => number | undefined;
  /** Stop the run (`force`: SIGKILL now). */
  abort: (force: boolean) => void;
}

/**
 * Start the run and hand out its {@link HarnessRun}. Contract: a run that throws (a programmer
 * error, e.g. a throwing `command()`) still ends with exactly one terminal event, `run.failed`
 * reason `error`, after whatever was pending on the bus.
 */
export function runHandle(p: RunHandleParts): HarnessRun {
  const result = p.run().catch((error: unknown): TerminalEvent => {
    p.seq.flushPending();
    const draft: TerminalDraft = {
      type: 'run.failed',
      reason: 'error',
      message: error instanceof Error ? error.message : String(error),
    };
    return p.seq.finish(draft, Math.round(performance.now() - p.t0))!;
  });
  void result.then(p.settle);
  return {
    runId: p.runId,
    bus: p.bus,
    get pid() {
      return p.pid();
    },
    result: () => {
      p.iteration.resultAsked();
      return result;
    },
    abort: (opts = {}) => p.abort(opts.force === true),
    [Symbol.asyncIterator]: () => p.iteration.iterator(),
  };
}
