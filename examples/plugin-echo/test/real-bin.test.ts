import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveBinary, startRun, type OmnigentEvent, type RunRequest } from '@omnigent/core';
import echoHarness from '../src/index.js';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));

/** Runs the real omnigent-echo through the omnigent runner, as `omnigent run -H echo` does. */
async function run(request: RunRequest): Promise<OmnigentEvent[]> {
  // found through binary.npmPackage: the package ships its own CLI, nothing is on PATH
  const bin = resolveBinary(echoHarness, { env: { PATH: '' }, resolveFrom: [packageDir] });
  expect(bin.source).toBe('npm');
  const handle = startRun({ plugin: echoHarness, bin: bin.path, request });
  const events: OmnigentEvent[] = [];
  for await (const event of handle) events.push(event);
  return events;
}

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'echo-e2e-'));
  writeFileSync(join(dir, 'a.txt'), 'a');
  writeFileSync(join(dir, 'b.txt'), 'b');
  return dir;
}

describe('the real omnigent-echo through the runner', () => {
  it('answers with the prompt, lists the real directory with one tool call, and completes', async () => {
    const cwd = scratch();
    const events = await run({ prompt: 'hello from a test', cwd });
    expect(events.map((e) => e.type)).toEqual([
      'session.started',
      'tool.started',
      'tool.completed',
      'message',
      'usage',
      'run.completed',
    ]);
    const tool = events.find((e) => e.type === 'tool.completed');
    expect(tool?.type === 'tool.completed' && tool.output).toBe('a.txt\nb.txt');
    const last = events.at(-1);
    expect(last?.type === 'run.completed' && last.result).toContain('You said: hello from a test');
    expect(last?.type === 'run.completed' && last.usage).toMatchObject({ input: 4, output: 10, confidence: 'exact' });
  });

  it('fails with the harness message and exit code 2 when asked to fail', async () => {
    const events = await run({ prompt: 'fail please', cwd: scratch() });
    const last = events.at(-1);
    expect(last).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      exitCode: 2,
      message: 'omnigent-echo: echo was asked to fail',
    });
  });

  it('takes the session id from the plugin options and warns about options it cannot honour', async () => {
    const events = await run({
      prompt: 'hi',
      cwd: scratch(),
      options: { session: 'fixed-session' },
      permissionMode: 'read-only',
    });
    expect(events[0]).toMatchObject({ type: 'session.started', sessionId: 'fixed-session' });
    const warnings = events.filter((e) => e.type === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      code: 'unsupported-option',
      message: 'echo has no permission modes; "read-only" was not applied',
    });
    expect(events.at(-1)?.type).toBe('run.completed');
  });
});
