import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isSessionPlugin,
  isTerminal,
  startRun,
  type AnyHarness,
  type OmnigentEvent,
  type RunRequest,
  type TerminalEvent,
} from '@omnigent/core';
import { USAGE_KEYS } from '@omnigent/core/events';
import { isAlive } from '@omnigent/core/internal';
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
  options: Omit<FakeHarnessOptions, 'transcript'> & {
    request?: Partial<RunRequest>;
    signal?: AbortSignal;
    inactivityMs?: number;
  } = {},
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
  expect(events.filter((e) => e.type === 'session.started').length, 'at most one session.started').toBeLessThanOrEqual(
    1,
  );
  events.forEach((e, i) => expect(e.seq, 'seq increases by one').toBe(i));
  const started = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'tool.started') started.set(e.callId, (started.get(e.callId) ?? 0) + 1);
    if (e.type === 'tool.completed') started.set(e.callId, (started.get(e.callId) ?? 0) - 1);
  }
  for (const [callId, open] of started)
    expect(open, `tool ${JSON.stringify(callId)} started and completed once`).toBe(0);
  for (const e of events) {
    if (e.type === 'usage') {
      for (const k of USAGE_KEYS) {
        const v = e[k];
        if (v !== undefined)
          expect(Number.isFinite(v) && v >= 0, `usage.${k} is a finite non-negative number`).toBe(true);
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
  if (isSessionPlugin(plugin)) {
    describe(`${plugin.name} plugin conformance`, () => {
      it('is a protocol-session plugin: transcripts cannot drive it', () => {
        throw new Error(
          `${plugin.name} holds a protocol session; run describeSessionConformance(plugin, agent) with a real agent instead`,
        );
      });
    });
    return;
  }
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
        const events = await replayTranscript(plugin, first.transcript, {
          exitCode: 3,
          stderr: 'fatal: simulated crash',
        });
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

/** How a session-plugin conformance case needs the agent to behave. */
export type SessionAgentBehaviour =
  /** Complete one turn with one tool call. */
  | 'complete'
  /** Start a turn and wait until asked to stop (honouring the protocol's cancel). */
  | 'hang'
  /** Exit with code 3 mid-turn, after writing to stderr. */
  | 'crash'
  /** Ignore the protocol's cancel, stdin closing and SIGTERM. */
  | 'stubborn';

/** A real agent speaking the plugin's protocol, made to behave as each conformance case needs. */
export interface SessionAgentFixture {
  /** The agent's executable. */
  bin: string;
  /** Request fields and environment that make the agent behave so. */
  behave: (behaviour: SessionAgentBehaviour) => { request?: Partial<RunRequest>; env?: Record<string, string> };
}

async function runSession(
  plugin: AnyHarness,
  agent: SessionAgentFixture,
  behaviour: SessionAgentBehaviour,
  o: { abortAfterMs?: number; inactivityMs?: number } = {},
): Promise<{ events: OmnigentEvent[]; terminal: TerminalEvent; pid: number | undefined }> {
  const b = agent.behave(behaviour);
  const ac = new AbortController();
  const run = startRun({
    plugin,
    bin: agent.bin,
    request: { prompt: 'conformance', ...b.request },
    ...(b.env ? { extraEnv: b.env } : {}),
    killGraceMs: 500,
    cancelGraceMs: 500,
    signal: ac.signal,
    ...(o.inactivityMs !== undefined ? { inactivityMs: o.inactivityMs } : {}),
  });
  const events: OmnigentEvent[] = [];
  run.bus.on('*', (e) => void events.push(e));
  if (o.abortAfterMs !== undefined) setTimeout(() => ac.abort(), o.abortAfterMs);
  const terminal = await run.result();
  await run.bus.flush();
  return { events, terminal, pid: run.pid };
}

/**
 * The conformance suite of a protocol-session plugin (see `defineSessionHarness`), run against a
 * real agent of its protocol. Contract: the run invariants of {@link assertRunInvariants} in every
 * case; a completed turn completes; a crash fails with the agent's exit code; an abort or the
 * inactivity watchdog ends the run `aborted`/`timeout` even when the agent ignores every polite
 * stop; the agent process is gone after each run.
 */
export function describeSessionConformance(plugin: AnyHarness, agent: SessionAgentFixture): void {
  describe(`${plugin.name} session plugin conformance`, () => {
    it('is a session plugin with a name, an install hint, and a command() that returns argv', () => {
      expect(isSessionPlugin(plugin)).toBe(true);
      expect(plugin.name).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      expect(plugin.binary.install.length).toBeGreaterThan(0);
      expect(Array.isArray(plugin.command({ prompt: 'hello' }, { bin: '/bin/false', isRoot: false }).args)).toBe(true);
    });

    it('a completed turn: invariants, a session id, run.completed, the agent is gone', async () => {
      const { events, terminal, pid } = await runSession(plugin, agent, 'complete');
      assertRunInvariants(events);
      expect(events[0]!.sessionId, 'session.started names the agent session').toBeTruthy();
      expect(terminal.type).toBe('run.completed');
      expect(events.some((e) => e.type === 'tool.started')).toBe(true);
      expect(isAlive(pid!)).toBe(false);
    });

    it('an agent that crashes mid-turn: run.failed with its exit code', async () => {
      const { events, terminal } = await runSession(plugin, agent, 'crash');
      assertRunInvariants(events);
      expect(terminal).toMatchObject({ type: 'run.failed', exitCode: 3 });
    });

    it('abort mid-turn: run.failed reason "aborted", the agent is gone', async () => {
      const { events, terminal, pid } = await runSession(plugin, agent, 'hang', { abortAfterMs: 500 });
      assertRunInvariants(events);
      expect(terminal).toMatchObject({ type: 'run.failed', reason: 'aborted' });
      expect(isAlive(pid!)).toBe(false);
    });

    it('abort of an agent that ignores every polite stop: still "aborted", the agent is killed', async () => {
      const { events, terminal, pid } = await runSession(plugin, agent, 'stubborn', { abortAfterMs: 500 });
      assertRunInvariants(events);
      expect(terminal).toMatchObject({ type: 'run.failed', reason: 'aborted' });
      expect(isAlive(pid!)).toBe(false);
    });

    it('the inactivity watchdog ends a silent turn: reason "timeout"', async () => {
      const { events, terminal } = await runSession(plugin, agent, 'hang', { inactivityMs: 600 });
      assertRunInvariants(events);
      expect(terminal).toMatchObject({ type: 'run.failed', reason: 'timeout' });
      // a protocol agent talks in messages, not printed lines: the message says what was missing
      expect(terminal.type === 'run.failed' && terminal.message).toMatch(/ sent nothing for \d+s /);
    });
  });
}
