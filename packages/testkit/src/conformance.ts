import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTerminal, startRun, type AnyHarness, type OmnigentEvent, type RunRequest } from '@omnigent/core';
import { USAGE_KEYS } from '@omnigent/core/events';
import { readExitMeta } from './replay.js';
import { FAKE_HARNESS_BIN } from './fake-plugin.js';
import { fakeHarnessEnv, type FakeHarnessOptions } from './fake-harness.js';

/** One recorded transcript the plugin must handle. */
export interface ConformanceCase {
  name: string;
  /** JSONL transcript file of the real CLI, or its lines. */
  transcript: string | string[];
  /** Exit code the real CLI had. Default: from `<case>.meta.json` next to a transcript file, else 0. */
  exitCode?: number;
  /** stderr the real CLI printed. Default: from `<case>.meta.json`, else none. */
  stderr?: string;
  /** Expected outcome. */
  expect: 'completed' | 'failed';
  request?: Partial<RunRequest>;
}

/** Replay a transcript through `plugin` with the fake harness standing in for the real CLI. */
export async function replayTranscript(
  plugin: AnyHarness,
  transcript: string | string[],
  options: Omit<FakeHarnessOptions, 'transcript'> & { request?: Partial<RunRequest>; signal?: AbortSignal; inactivityMs?: number } = {},
): Promise<OmnigentEvent[]> {
  let file = typeof transcript === 'string' ? transcript : '';
  if (Array.isArray(transcript)) {
    file = join(mkdtempSync(join(tmpdir(), 'omnigent-replay-')), 'transcript.jsonl');
    writeFileSync(file, transcript.join('\n') + '\n');
  }
  const { request, signal, inactivityMs, ...fake } = options;
  const run = startRun({
    plugin,
    bin: FAKE_HARNESS_BIN,
    request: { prompt: 'conformance', ...request },
    extraEnv: fakeHarnessEnv({ ...fake, transcript: file }),
    killGraceMs: 1000,
    ...(signal ? { signal } : {}),
    ...(inactivityMs !== undefined ? { inactivityMs } : {}),
  });
  const events: OmnigentEvent[] = [];
  run.bus.on('*', (e) => void events.push(e));
  await run.result();
  await run.bus.flush();
  return events;
}

/** Invariants every run must hold; throws (via expect) on the first violation. */
export function assertRunInvariants(events: OmnigentEvent[]): void {
  expect(events.length, 'a run emits at least its terminal event').toBeGreaterThan(0);
  const terminals = events.filter(isTerminal);
  expect(terminals, 'exactly one terminal event').toHaveLength(1);
  expect(events[events.length - 1], 'the terminal event is last').toBe(terminals[0]);
  const nonTerminal = events.slice(0, -1);
  if (nonTerminal.length > 0) expect(nonTerminal[0]!.type, 'session.started comes first').toBe('session.started');
  expect(events.filter((e) => e.type === 'session.started').length, 'at most one session.started').toBeLessThanOrEqual(1);
  events.forEach((e, i) => expect(e.seq, 'seq increases by one').toBe(i));
  const started = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'tool.started') started.set(e.callId, (started.get(e.callId) ?? 0) + 1);
    if (e.type === 'tool.completed') started.set(e.callId, (started.get(e.callId) ?? 0) - 1);
  }
  for (const [callId, open] of started) expect(open, `tool ${JSON.stringify(callId)} started and completed once`).toBe(0);
  for (const e of events) {
    if (e.type === 'usage') {
      for (const k of USAGE_KEYS) {
        const v = e[k];
        if (v !== undefined) expect(Number.isFinite(v) && v >= 0, `usage.${k} is a finite non-negative number`).toBe(true);
      }
    }
  }
}

/**
 * The conformance suite every harness plugin runs: each case replayed through the runner, plus
 * abort and non-zero-exit behaviour. Contract: session starts first, exactly one terminal event,
 * every tool start has an end, abort -> `aborted`, non-zero exit -> `run.failed`.
 */
export function describeHarnessConformance(plugin: AnyHarness, cases: ConformanceCase[]): void {
  describe(`${plugin.name} plugin conformance`, () => {
    it('declares a name, a binary with an install command, and a command() that returns argv', () => {
      expect(plugin.name).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      expect(plugin.binary.names.length).toBeGreaterThan(0);
      expect(plugin.binary.install.length).toBeGreaterThan(0);
      const spec = plugin.command({ prompt: 'hello' }, { bin: '/bin/false', isRoot: false });
      expect(Array.isArray(spec.args)).toBe(true);
    });

    for (const c of cases) {
      it(`replays "${c.name}" with the run invariants and ends ${c.expect}`, async () => {
        const meta = typeof c.transcript === 'string' ? readExitMeta(c.transcript) : undefined;
        const stderr = c.stderr ?? meta?.stderr;
        const events = await replayTranscript(plugin, c.transcript, {
          exitCode: c.exitCode ?? meta?.exitCode ?? 0,
          ...(stderr ? { stderr } : {}),
          ...(c.request ? { request: c.request } : {}),
        });
        assertRunInvariants(events);
        expect(events[events.length - 1]!.type).toBe(c.expect === 'completed' ? 'run.completed' : 'run.failed');
      });
    }

    const first = cases.find((c) => c.expect === 'completed') ?? cases[0];
    if (first) {
      it('reports run.failed with the exit code when the CLI exits non-zero', async () => {
        const events = await replayTranscript(plugin, first.transcript, { exitCode: 3, stderr: 'fatal: simulated crash' });
        assertRunInvariants(events);
        const last = events[events.length - 1]!;
        expect(last.type).toBe('run.failed');
        if (last.type === 'run.failed') expect(last.exitCode).toBe(3);
      });

      it('reports run.failed reason "aborted" when the run is aborted mid-way', async () => {
        const ac = new AbortController();
        setTimeout(() => ac.abort(), 300);
        const events = await replayTranscript(plugin, first.transcript, { hang: true, signal: ac.signal });
        assertRunInvariants(events);
        const last = events[events.length - 1]!;
        expect(last.type).toBe('run.failed');
        if (last.type === 'run.failed') expect(last.reason).toBe('aborted');
      });

      it('survives a crash mid-line with one terminal event', async () => {
        const events = await replayTranscript(plugin, first.transcript, { crashMidLine: true });
        assertRunInvariants(events);
        expect(events[events.length - 1]!.type).toBe('run.failed');
      });
    }
  });
}
