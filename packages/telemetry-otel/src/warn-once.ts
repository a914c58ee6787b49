/** Writes at most one telemetry warning per process (a down endpoint must not flood stderr). */
export interface WarnOnce {
  (message: string): void;
  readonly warned: boolean;
}

/** A fresh one-warning latch writing to `write` (default: stderr). */
export function createWarnOnce(write: (text: string) => void = (t) => process.stderr.write(t)): WarnOnce {
  let warned = false;
  const warn = ((message: string) => {
    if (warned) return;
    warned = true;
    try {
      write(`omnigent: warning: ${message}\n`);
    } catch {
      // stderr closed: nothing else to do.
    }
  }) as WarnOnce;
  Object.defineProperty(warn, 'warned', { get: () => warned });
  return warn;
}

/** The process-wide latch shared by every trace export in this process. */
export const processWarnOnce: WarnOnce = createWarnOnce();
