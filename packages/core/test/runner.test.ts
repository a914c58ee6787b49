import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../src/bus.js';
import { defineHarness, type HarnessDefinition } from '../src/contract.js';
import type { NonTerminalDraft, OmnigentEvent } from '../src/events.js';
import { startRun } from '../src/runner.js';

// a real child process (node -e) behind a minimal plugin: core cannot depend on the testkit
// (the testkit depends on core), so these tests bring their own tiny harness
const bare: Omit<HarnessDefinition<unknown>, 'createState' | 'finish'> = {
  name: 'node',
  meta: { version: '0.0.0' },
  capabilities: {},
  binary: { names: ['node'], install: 'none' },
  command: (request) => ({ args: ['-e', request.prompt] }),
  translate: (record) => [record as NonTerminalDraft],
};
// createState and finish left out on purpose: the runner must do without them
const plugin = defineHarness(bare as HarnessDefinition<unknown>);
const print = (...lines: unknown[]) => lines.map((l) => `console.log(${JSON.stringify(JSON.stringify(l))});`).join('');

describe('startRun with a real child and a plugin without createState/finish', () => {
  it('regression: an iterator created after events were emitted (even after the run ended) still sees every event', async () => {
    const run = startRun({
      plugin,
      bin: process.execPath,
      request: {
        prompt: print(
          { type: 'session.started', cwd: '/w', sessionId: 's' },
          { type: 'message', role: 'assistant', text: 'hi' },
        ),
      },
    });
    // let the run go on before anyone iterates: events are emitted meanwhile
    const bus: EventBus = run.bus;
    let emitted = 0;
    bus.on('*', () => void emitted++);
    await new Promise<void>((r) => bus.on('run.completed', () => r()));
    expect(emitted).toBe(3);
    const seen: OmnigentEvent[] = [];
    for await (const e of run) seen.push(e);
    expect(seen.map((e) => e.type)).toEqual(['session.started', 'message', 'run.completed']);
  });

  it('a missing finish() means no plugin terminal: the exit code decides', async () => {
    const ok = await startRun({
      plugin,
      bin: process.execPath,
      request: { prompt: print({ type: 'session.started', cwd: '/w' }) },
    }).result();
    expect(ok).toMatchObject({ type: 'run.completed', exitCode: 0 });
    const bad = await startRun({ plugin, bin: process.execPath, request: { prompt: 'process.exit(4)' } }).result();
    expect(bad).toMatchObject({ type: 'run.failed', reason: 'exit', exitCode: 4 });
  });

  it('regression: a harness that printed nothing and exited still yields session.started first', async () => {
    const run = startRun({ plugin, bin: process.execPath, request: { prompt: 'process.exit(2)', cwd: tmpdir() } });
    const events: OmnigentEvent[] = [];
    for await (const e of run) events.push(e);
    expect(events.map((e) => e.type)).toEqual(['session.started', 'run.failed']);
    expect(events[0]).toMatchObject({ cwd: tmpdir(), details: { synthesized: true } });
  });

  it('two iterators: the first sees everything, a later one from its creation on; both end after the terminal', async () => {
    const run = startRun({
      plugin,
      bin: process.execPath,
      request: { prompt: print({ type: 'session.started', cwd: '/w' }) },
    });
    const all: string[] = [];
    for await (const e of run) all.push(e.type);
    const after: string[] = [];
    for await (const e of run) after.push(e.type);
    expect(all).toEqual(['session.started', 'run.completed']);
    expect(after).toEqual([]);
  });

  it('regression: a slow subscriber makes the bus spill to disk, and no spill file is left after the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnigent-spill-test-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = dir;
    try {
      const lines = `for (let i = 0; i < 3000; i++) console.log(JSON.stringify({ type: 'status', message: 'tick ' + i }));`;
      const bus = new EventBus({ maxQueuedInMemory: 100 });
      let spilled = false;
      bus.on('*', async () => {
        if (readdirSync(dir).some((f) => f.startsWith('omnigent-spill-'))) spilled = true;
        await new Promise((r) => setImmediate(r));
      });
      const run = startRun({ plugin, bin: process.execPath, bus, request: { prompt: lines } });
      const events: OmnigentEvent[] = [];
      for await (const e of run) events.push(e);
      await bus.flush();
      expect(events.length).toBe(3002);
      expect(spilled).toBe(true);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(existsSync(dir)).toBe(true);
  });
});
