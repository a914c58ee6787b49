/** What the process-wide registry needs of a running harness child. */
export interface LiveChild {
  /** Pid of the harness (the leader of its process group). */
  readonly pid: number | undefined;
  /** SIGKILL the whole tree now (ends the run `aborted` if the runner had not stopped it yet). */
  killNow(): void;
}

const live = new Set<LiveChild>();
let exitHookInstalled = false;

/** Track a running harness child (until {@link untrackChild}). */
export function trackChild(child: LiveChild): void {
  live.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // one listener for all runs (parallel workflow steps would otherwise add one each): if omnigent
  // exits without stopping its runs (an uncaught error, exit()), a synchronous TERM on the way out;
  // the reaper (reaper.ts) follows up with the KILL, and covers deaths that run no exit hook at all
  process.once('exit', () => {
    for (const c of live) {
      if (c.pid === undefined) continue;
      try {
        process.kill(-c.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  });
}

/** Forget a child that has exited. */
export function untrackChild(child: LiveChild): void {
  live.delete(child);
}

/**
 * SIGKILL every live harness tree of this process at once, without the SIGTERM grace; returns how
 * many runs it hit. Contract: for a second Ctrl-C: the SIGKILLs are sent before it returns (safe
 * right before `process.exit`, also for runs already in their SIGTERM grace); each run still ends with its one terminal event
 * (`run.failed` reason `aborted`, or the reason of a stop already under way), so callers should
 * still await `result()`; it never skips a kill that is pending, it only hurries it.
 */
export function killAllRunsNow(): number {
  const n = live.size;
  for (const c of [...live]) c.killNow();
  return n;
}
