import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { defineHarness, type HarnessDefinition } from '../src/contract.js';
import type { NonTerminalDraft } from '../src/events.js';
import { isAlive } from '../src/process-tree.js';
import { reaperPid } from '../src/reaper.js';
import { startRun } from '../src/runner.js';

// The kill-on-death guarantees themselves are tested end to end in the testkit (omnigent SIGKILLed
// mid-run, reaper gone after a normal exit); this file keeps the reaper cheap.
const plugin = defineHarness({
  name: 'node',
  meta: { version: '0.0.0' },
  capabilities: {},
  binary: { names: ['node'], install: 'none' },
  command: (request) => ({ args: ['-e', request.prompt] }),
  translate: (record) => [record as NonTerminalDraft],
} as HarnessDefinition<unknown>);

describe('the reaper', () => {
  it('costs a shell, not a second node process, while the run lives (node starts only if omnigent dies mid-run)', async () => {
    const run = startRun({
      plugin,
      bin: process.execPath,
      request: { prompt: 'setTimeout(() => {}, 400)', cwd: tmpdir() },
    });
    await new Promise((r) => setTimeout(r, 150));
    const pid = reaperPid();
    expect(pid).toBeGreaterThan(0);
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(argv[0]).toBe('/bin/sh');
    expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('sh');
    expect(await run.result()).toMatchObject({ type: 'run.completed' });
    // still watching (this process lives on), and still a shell after the group was forgotten
    expect(isAlive(pid!)).toBe(true);
    expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('sh');
  });
});
