import type { EventOfType, OmnigentEvent, OmnigentEventType } from './events.js';
import { SpillQueue } from './spill-queue.js';

/** A subscriber. Returning a promise makes later events wait for it (per subscriber, in order). */
export type EventHandler<E> = (event: E) => void | Promise<void>;

/** Reported when a subscriber throws or rejects; the bus and the other subscribers go on. */
export interface SubscriberError {
  error: unknown;
  event: OmnigentEvent;
  subscriber: string;
}

/** Options of {@link EventBus}. */
export interface EventBusOptions {
  /** Called when a subscriber fails. Default: one line on stderr. */
  onError?: (failure: SubscriberError) => void;
  /** Events a slow subscriber may have queued in memory before the rest spill to disk. Default: 4096. */
  maxQueuedInMemory?: number;
}

interface Subscriber {
  id: string;
  type: OmnigentEventType | '*';
  handler: EventHandler<OmnigentEvent>;
  queue: SpillQueue<OmnigentEvent> | undefined;
  running: boolean;
  closed: boolean;
  idle: Array<() => void>;
}

/**
 * Typed event bus. Contract: `on()` returns an unsubscribe; each subscriber gets its events in
 * order; a subscriber that throws is reported and never breaks the others; a slow (async)
 * subscriber never blocks `emit()` — its backlog is queued, spilling to disk past a bound, so
 * nothing is lost and memory stays bounded; `flush()` waits for every backlog.
 */
export class EventBus {
  private subs: Subscriber[] = [];
  private nextId = 0;
  private readonly onError: (failure: SubscriberError) => void;
  private readonly maxInMemory: number;

  constructor(options: EventBusOptions = {}) {
    this.onError =
      options.onError ??
      ((f) => {
        const msg = f.error instanceof Error ? f.error.message : String(f.error);
        process.stderr.write(`omnigent: event subscriber ${f.subscriber} failed on ${f.event.type}: ${msg}\n`);
      });
    this.maxInMemory = options.maxQueuedInMemory ?? 4096;
  }

  /** Subscribe to one event type, or `*` for all. Returns the unsubscribe function. */
  on<T extends OmnigentEventType>(type: T, handler: EventHandler<EventOfType<T>>, name?: string): () => void;
  on(type: '*', handler: EventHandler<OmnigentEvent>, name?: string): () => void;
  on(type: OmnigentEventType | '*', handler: EventHandler<never>, name?: string): () => void {
    const sub: Subscriber = {
      id: name ?? `subscriber#${this.nextId++}`,
      type,
      handler: handler as EventHandler<OmnigentEvent>,
      queue: undefined,
      running: false,
      closed: false,
      idle: [],
    };
    this.subs.push(sub);
    return () => {
      sub.closed = true;
      this.subs = this.subs.filter((s) => s !== sub);
      sub.queue?.dispose();
      for (const r of sub.idle.splice(0)) r();
    };
  }

  /** Deliver an event to every matching subscriber. Never throws, never waits. */
  emit(event: OmnigentEvent): void {
    for (const sub of this.subs) {
      if (sub.type !== '*' && sub.type !== event.type) continue;
      if (sub.running) {
        (sub.queue ??= new SpillQueue<OmnigentEvent>(this.maxInMemory)).push(event);
        continue;
      }
      this.deliver(sub, event);
    }
  }

  /** Events still waiting for slow subscribers. */
  get backlog(): number {
    let n = 0;
    for (const s of this.subs) n += s.queue?.size ?? 0;
    return n;
  }

  /**
   * Wait until every subscriber has handled every event emitted so far. With `timeoutMs`, gives up
   * after that long and resolves `false`.
   */
  async flush(timeoutMs?: number): Promise<boolean> {
    const waits = this.subs.filter((s) => s.running).map((s) => new Promise<void>((resolve) => s.idle.push(resolve)));
    if (waits.length === 0) return true;
    const all = Promise.all(waits).then(() => true);
    if (timeoutMs === undefined) return all;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref?.();
    });
    try {
      return await Promise.race([all, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private deliver(sub: Subscriber, event: OmnigentEvent): void {
    let result: void | Promise<void>;
    try {
      result = sub.handler(event);
    } catch (error) {
      this.report(sub, event, error);
      return;
    }
    if (result && typeof (result as Promise<void>).then === 'function') {
      sub.running = true;
      (result as Promise<void>).then(
        () => this.drain(sub),
        (error: unknown) => {
          this.report(sub, event, error);
          this.drain(sub);
        },
      );
    }
  }

  /** Deliver queued events one at a time until the queue is empty or a handler goes async. */
  private drain(sub: Subscriber): void {
    sub.running = false;
    while (!sub.closed && sub.queue && sub.queue.size > 0) {
      const next = sub.queue.shift()!;
      this.deliver(sub, next);
      if (sub.running) return;
    }
    for (const r of sub.idle.splice(0)) r();
  }

  private report(sub: Subscriber, event: OmnigentEvent, error: unknown): void {
    try {
      this.onError({ error, event, subscriber: sub.id });
    } catch {
      // an error reporter that throws must not break delivery either
    }
  }
}
