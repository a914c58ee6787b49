import { describe, expect, it, vi } from 'vitest';
import { EventBus } from '../src/bus.js';
import type { OmnigentEvent } from '../src/events.js';

const ev = (seq: number, type: OmnigentEvent['type'] = 'message'): OmnigentEvent =>
  ({ type, role: 'assistant', text: `m${seq}`, runId: 'r', harness: 'h', seq, time: '' }) as OmnigentEvent;

describe('EventBus', () => {
  it('delivers by type and to * subscribers; unsubscribe stops delivery', () => {
    const bus = new EventBus();
    const messages: number[] = [];
    const all: number[] = [];
    const off = bus.on('message', (e) => void messages.push(e.seq));
    bus.on('*', (e) => void all.push(e.seq));
    bus.emit(ev(0));
    bus.emit(ev(1, 'warning'));
    off();
    bus.emit(ev(2));
    expect(messages).toEqual([0]);
    expect(all).toEqual([0, 1, 2]);
  });

  it('isolates a throwing subscriber: it is reported and the others still get every event', () => {
    const failures: string[] = [];
    const bus = new EventBus({ onError: (f) => failures.push(`${f.subscriber}:${(f.error as Error).message}`) });
    const got: number[] = [];
    bus.on(
      '*',
      () => {
        throw new Error('boom');
      },
      'bad',
    );
    bus.on('*', (e) => void got.push(e.seq));
    bus.emit(ev(0));
    bus.emit(ev(1));
    expect(got).toEqual([0, 1]);
    expect(failures).toEqual(['bad:boom', 'bad:boom']);
  });

  it('never waits for a slow async subscriber, keeps its order, and flush() waits for its backlog', async () => {
    const bus = new EventBus({ maxQueuedInMemory: 10 });
    const slow: number[] = [];
    bus.on('*', async (e) => {
      await new Promise((r) => setTimeout(r, 1));
      slow.push(e.seq);
    });
    const fast: number[] = [];
    bus.on('*', (e) => void fast.push(e.seq));
    for (let i = 0; i < 200; i++) bus.emit(ev(i));
    expect(fast).toHaveLength(200);
    expect(slow.length).toBeLessThan(200);
    expect(bus.backlog).toBeGreaterThan(0);
    await bus.flush();
    expect(slow).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(bus.backlog).toBe(0);
  });

  it('reports a rejected async handler and continues with the next event', async () => {
    const onError = vi.fn();
    const bus = new EventBus({ onError });
    const got: number[] = [];
    bus.on('*', async (e) => {
      if (e.seq === 1) throw new Error('nope');
      got.push(e.seq);
    });
    for (let i = 0; i < 3; i++) bus.emit(ev(i));
    await bus.flush();
    expect(got).toEqual([0, 2]);
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('flush(timeout) gives up on a subscriber that never finishes', async () => {
    const bus = new EventBus();
    bus.on('*', () => new Promise<void>(() => undefined));
    bus.emit(ev(0));
    expect(await bus.flush(50)).toBe(false);
  });
});
