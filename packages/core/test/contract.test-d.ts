import { describe, expectTypeOf, it } from 'vitest';
import { defineHarness, type HarnessPlugin } from '../src/contract.js';
import type { NonTerminalDraft } from '../src/events.js';
import { EventBus } from '../src/bus.js';
import type { ToolStartedEvent, UsageEvent } from '../src/events.js';

describe('defineHarness types', () => {
  it('infers the per-run state type into translate and finish', () => {
    const p = defineHarness({
      name: 'x',
      meta: { version: '1' },
      capabilities: { resume: true },
      binary: { names: ['x'], install: 'npm i x' },
      command: (req) => ({ args: [req.prompt] }),
      createState: () => ({ count: 0 }),
      translate: (_record, state) => {
        expectTypeOf(state).toEqualTypeOf<{ count: number }>();
        return [];
      },
      finish: (state) => {
        expectTypeOf(state.count).toBeNumber();
        return {};
      },
    });
    expectTypeOf(p).toMatchTypeOf<HarnessPlugin<{ count: number }>>();
    expectTypeOf(p.capabilities.tokenUsage).toEqualTypeOf<'per-call' | 'per-turn' | 'per-run' | 'none'>();
  });

  it('refuses terminal events from translate and unknown event types', () => {
    defineHarness({
      name: 'x',
      meta: { version: '1' },
      capabilities: {},
      binary: { names: ['x'], install: 'i' },
      command: () => ({ args: [] }),
      createState: () => ({}),
      // @ts-expect-error translate may not return run.completed
      translate: () => [{ type: 'run.completed', durationMs: 1 }],
      finish: () => ({}),
    });
    // @ts-expect-error not an event type
    const bad: NonTerminalDraft = { type: 'nope' };
    void bad;
  });
});

describe('EventBus types', () => {
  it('narrows the handler argument by event type and returns an unsubscribe', () => {
    const bus = new EventBus();
    const off = bus.on('tool.started', (e) => {
      expectTypeOf(e).toEqualTypeOf<ToolStartedEvent>();
    });
    expectTypeOf(off).toEqualTypeOf<() => void>();
    bus.on('usage', (e) => {
      expectTypeOf(e).toEqualTypeOf<UsageEvent>();
      expectTypeOf(e.input).toEqualTypeOf<number | undefined>();
    });
    // @ts-expect-error unknown event type
    bus.on('tool.exploded', () => undefined);
  });
});

describe('AnyHarness and optional hooks', () => {
  it('holds plugins of every state type, and hooks may be left out', async () => {
    const { defineHarness: define } = await import('../src/contract.js');
    const withState = define({
      name: 'a',
      meta: { version: '1' },
      capabilities: {},
      binary: { names: ['a'], install: 'x' },
      command: () => ({ args: [] }),
      createState: () => ({ n: 1 }),
      translate: () => [],
    });
    const without = define({
      name: 'b',
      meta: { version: '1' },
      capabilities: {},
      binary: { names: ['b'], install: 'x' },
      command: () => ({ args: [] }),
      translate: () => [],
    });
    expectTypeOf(without.createState).returns.toEqualTypeOf<undefined>();
    const all: import('../src/contract.js').AnyHarness[] = [withState, without];
    expectTypeOf(all).toBeArray();
  });
});

describe('defineSessionHarness types', () => {
  it('is a harness plugin for every holder (runner, discovery, sinks) and types the session context', async () => {
    const { defineSessionHarness, isSessionPlugin } = await import('../src/session-contract.js');
    const p = defineSessionHarness({
      name: 'y',
      meta: { version: '1' },
      capabilities: {},
      binary: { names: [], install: 'name an agent' },
      command: () => ({ args: [] }),
      session: async (ctx) => {
        expectTypeOf(ctx.channel.readable).toEqualTypeOf<ReadableStream<Uint8Array>>();
        expectTypeOf(ctx.stop).toEqualTypeOf<AbortSignal>();
        // @ts-expect-error terminal events come from the return value, not emit()
        ctx.emit({ type: 'run.completed', durationMs: 1 });
        return { type: 'run.completed' };
      },
    });
    expectTypeOf(p).toMatchTypeOf<HarnessPlugin<undefined>>();
    expectTypeOf(isSessionPlugin).toBeCallableWith(p as HarnessPlugin);
  });
});
