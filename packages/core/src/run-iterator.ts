import type { EventBus } from './bus.js';
import type { OmnigentEvent, TerminalEvent } from './events.js';
import { isTerminal } from './events.js';
import { SpillQueue } from './spill-queue.js';

/** One subscription that queues every event from its creation until an iterator takes them. */
class Feed {
  readonly queue: SpillQueue<OmnigentEvent>;
  private wake: (() => void) | undefined;
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(bus: EventBus, maxInMemory: number) {
    this.queue = new SpillQueue<OmnigentEvent>(maxInMemory);
    // synchronous: the bus never waits for it, and a slow iterator spills to disk, bounded in memory
    this.unsubscribe = bus.on(
      '*',
      (event) => {
        this.queue.push(event);
        const w = this.wake;
        this.wake = undefined;
        w?.();
      },
      'iterator',
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.queue.dispose();
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  iterator(done: Promise<TerminalEvent>): AsyncIterator<OmnigentEvent> {
    let settled = false;
    void done.then(() => {
      settled = true;
      const w = this.wake;
      this.wake = undefined;
      w?.();
    });
    return {
      next: async (): Promise<IteratorResult<OmnigentEvent>> => {
        for (;;) {
          if (this.closed) return { value: undefined, done: true };
          const event = this.queue.shift();
          if (event) {
            if (isTerminal(event)) this.close();
            return { value: event, done: false };
          }
          // the terminal is published before result() settles: nothing more will come
          if (settled) {
            this.close();
            return { value: undefined, done: true };
          }
          await new Promise<void>((r) => (this.wake = r));
        }
      },
      return: async (): Promise<IteratorResult<OmnigentEvent>> => {
        this.close();
        return { value: undefined, done: true };
      },
    };
  }
}

/**
 * The async iteration of a run. Contract: the first iterator sees every event of the run, from
 * `startRun()` on, whenever it is created; later iterators see the events from their creation on;
 * every iterator ends after the terminal event. The events are kept for the first iterator only
 * until it is created, or until `result()` was called and no iterator followed in the same turn
 * (a caller that awaits the result and listens on the bus pays nothing for iteration).
 */
export class RunIteration {
  private first: Feed | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly done: Promise<TerminalEvent>,
    private readonly maxInMemory = 4096,
  ) {
    this.first = new Feed(bus, maxInMemory);
  }

  /** A new iterator (the first one gets the events queued since construction). */
  iterator(): AsyncIterator<OmnigentEvent> {
    const feed = this.first ?? new Feed(this.bus, this.maxInMemory);
    this.first = undefined;
    return feed.iterator(this.done);
  }

  /** `result()` was called: unless an iterator is created in this same turn, stop keeping events for one. */
  resultAsked(): void {
    if (!this.first) return;
    setImmediate(() => {
      this.first?.close();
      this.first = undefined;
    });
  }
}
