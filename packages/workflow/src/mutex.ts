/** A promise-chain lock: `run(fn)` calls run one at a time, in order. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  /** Run `fn` once every earlier call has settled. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
