/** What the plugin remembers between lines of one run. */
export interface EchoState {
  /** The answer text, handed to `run.completed.result`. */
  answer?: string;
  /** Set by a `done` record: the harness finished its work. */
  turns?: number;
  /** Set by an `error` record: the harness's own reason, preferred over its exit code. */
  error?: string;
  usage?: { input: number; output: number };
}

/** A fresh state for one run. Default: nothing seen yet. */
export function createEchoState(): EchoState {
  return {};
}
