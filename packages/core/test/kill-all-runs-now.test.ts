import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { defineHarness, type HarnessDefinition } from '../src/contract.js';
import type { NonTerminalDraft } from '../src/events.js';
import { killAllRunsNow } from '../src/live-runs.js';
import { startRun } from '../src/runner.js';

const plugin = defineHarness({
  name: 'node',
  meta: { version: '0.0.0' },
  capabilities: {},
  binary: { names: ['node'], install: 'none' },
  command: (request) => ({ args: ['-e', request.prompt] }),
  translate: (record) => [record as NonTerminalDraft],
} as HarnessDefinition<unknown>);

/** State letter of a process in /proc (`Z` zombie), or undefined when it is gone. */
function state(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

describe('killAllRunsNow', () => {
  it('regression: SIGKILLs a run already in its SIGTERM grace before it returns (the CLI calls process.exit right after a second Ctrl-C)', async () => {
    // a harness that ignores SIGTERM and never ends by itself
    const stubborn = `process.on('SIGTERM', () => {}); console.log(JSON.stringify({ type: 'session.started', cwd: '/w' })); setInterval(() => {}, 1000);`;
    const run = startRun({
      plugin,
      bin: process.execPath,
      request: { prompt: stubborn, cwd: tmpdir() },
      killGraceMs: 120_000,
    });
    for await (const e of run) if (e.type === 'session.started') break;
    const pid = run.pid!;
    run.abort(); // the first Ctrl-C: SIGTERM (ignored), the KILL waits for the 120 s grace
    await new Promise((r) => setTimeout(r, 200));
    expect(state(pid)).toMatch(/^[RS]$/);
    expect(killAllRunsNow()).toBe(1);
    // block this thread as process.exit() would end it: no tick, no timer, no promise runs, so
    // only a kill sent synchronously by killAllRunsNow can have reached the harness
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    expect([undefined, 'Z']).toContain(state(pid));
    expect(await run.result()).toMatchObject({ type: 'run.failed', reason: 'aborted' });
  });
});
