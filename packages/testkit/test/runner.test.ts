import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killAllRunsNow, startRun, type OmnigentEvent } from '@omnigent/core';
import { isAlive } from '@omnigent/core/internal';
import { assertRunInvariants } from '../src/conformance.js';
import { FAKE_HARNESS_BIN, fakeHarness } from '../src/fake-plugin.js';
import { fakeHarnessEnv, type FakeHarnessOptions } from '../src/fake-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'omnigent-runner-test-'));
let n = 0;
function transcript(lines: unknown[]): string {
  const file = join(dir, `t${n++}.jsonl`);
  writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return file;
}

const session = { type: 'session.started', cwd: '/w', sessionId: 'sess-1', model: 'm1' };
const normal = [
  session,
  { type: 'message.delta', role: 'assistant', text: 'Hel' },
  { type: 'message.delta', role: 'assistant', text: 'lo' },
  { type: 'message', role: 'assistant', text: 'Hello' },
  { type: 'tool.started', callId: 'c1', name: 'Bash', kind: 'shell', input: { command: 'ls' } },
  { $fake: 'sleep', ms: 50 },
  { type: 'tool.completed', callId: 'c1', name: 'Bash', output: 'a\nb', isError: false },
  { type: 'usage', scope: 'call', source: 'stream', confidence: 'exact', input: 10, output: 5 },
  { type: 'result', ok: true, result: 'Hello' },
];

async function run(
  fake: FakeHarnessOptions,
  extra: {
    inactivityMs?: number;
    timeoutMs?: number;
    signal?: AbortSignal;
    bin?: string;
    killGraceMs?: number;
    onStart?: (r: ReturnType<typeof startRun>) => void;
  } = {},
) {
  const r = startRun({
    plugin: fakeHarness,
    bin: extra.bin ?? FAKE_HARNESS_BIN,
    request: { prompt: 'go', cwd: dir },
    extraEnv: fakeHarnessEnv(fake),
    killGraceMs: extra.killGraceMs ?? 1000,
    ...(extra.inactivityMs !== undefined ? { inactivityMs: extra.inactivityMs } : {}),
    ...(extra.timeoutMs !== undefined ? { timeoutMs: extra.timeoutMs } : {}),
    ...(extra.signal ? { signal: extra.signal } : {}),
  });
  const events: OmnigentEvent[] = [];
  r.bus.on('*', (e) => void events.push(e));
  extra.onStart?.(r);
  const terminal = await r.result();
  await r.bus.flush();
  return { events, terminal };
}

/** Wait (bounded) until none of `pids` is alive; returns the survivors. */
async function survivors(pids: number[], boundMs = 10_000): Promise<number[]> {
  const until = Date.now() + boundMs;
  while (pids.some(isAlive) && Date.now() < until) await new Promise((res) => setTimeout(res, 100));
  return pids.filter(isAlive);
}

async function pidsWhenWritten(file: string, count: number): Promise<number[]> {
  for (let i = 0; i < 200; i++) {
    try {
      const pids = pidsFrom(file);
      if (pids.length >= count && pids.every((p) => p > 0)) return pids;
    } catch {
      // not written yet
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`${file} never listed ${count} pids`);
}

function pidsFrom(file: string): number[] {
  return readFileSync(file, 'utf8').trim().split('\n').map(Number);
}

describe('core runner against the fake harness', () => {
  it('a normal run: session first, stamped events, tool duration, one completed terminal with the result', async () => {
    const { events, terminal } = await run({ transcript: transcript(normal) });
    assertRunInvariants(events);
    expect(events.map((e) => e.type)).toEqual([
      'session.started',
      'message.delta',
      'message.delta',
      'message',
      'tool.started',
      'tool.completed',
      'usage',
      'run.completed',
    ]);
    expect(new Set(events.map((e) => e.runId)).size).toBe(1);
    expect(events.every((e) => e.harness === 'fake' && e.sessionId === 'sess-1')).toBe(true);
    const done = events.find((e) => e.type === 'tool.completed');
    expect(done?.type === 'tool.completed' && done.durationMs).toBeGreaterThanOrEqual(40);
    expect(terminal.type).toBe('run.completed');
    expect(terminal.type === 'run.completed' && terminal.result).toBe('Hello');
  });

  it('fills harnessVersion into session.started when the harness does not report one, and never overrides it', async () => {
    const bare = { type: 'session.started', cwd: '/w' };
    const run1 = startRun({
      plugin: fakeHarness,
      bin: FAKE_HARNESS_BIN,
      request: { prompt: 'go' },
      harnessVersion: '0.169.0',
      extraEnv: fakeHarnessEnv({ transcript: transcript([bare]) }),
    });
    const run2 = startRun({
      plugin: fakeHarness,
      bin: FAKE_HARNESS_BIN,
      request: { prompt: 'go' },
      harnessVersion: '0.169.0',
      extraEnv: fakeHarnessEnv({ transcript: transcript([{ ...bare, harnessVersion: '2.1.197' }]) }),
    });
    const first = async (r: typeof run1) => {
      for await (const e of r) if (e.type === 'session.started') return e.harnessVersion;
      return undefined;
    };
    // both iterations start now: an iterator sees the events emitted from the moment it is created
    const [v1, v2] = await Promise.all([first(run1), first(run2)]);
    expect(v1).toBe('0.169.0');
    expect(v2).toBe('2.1.197');
    await Promise.all([run1.result(), run2.result()]);
  });

  it('regression: a harness that never names a session still streams its events while it runs', async () => {
    const r = startRun({
      plugin: fakeHarness,
      bin: FAKE_HARNESS_BIN,
      request: { prompt: 'go', cwd: dir },
      extraEnv: fakeHarnessEnv({
        transcript: transcript([
          { type: 'message', role: 'assistant', text: 'early' },
          { $fake: 'sleep', ms: 4000 },
          { type: 'result', ok: true },
        ]),
      }),
    });
    const events: OmnigentEvent[] = [];
    let aliveAtFirstMessage: boolean | undefined;
    r.bus.on('*', (e) => {
      events.push(e);
      if (e.type === 'message') aliveAtFirstMessage = r.pid !== undefined && isAlive(r.pid);
    });
    await r.result();
    await r.bus.flush();
    assertRunInvariants(events);
    expect(events[0]).toMatchObject({ type: 'session.started', details: { synthesized: true } });
    expect(aliveAtFirstMessage).toBe(true);
  });

  it('a session.started that comes after omnigent had to start one is kept as a status event, never a second session', async () => {
    const { events } = await run({
      transcript: transcript([
        { type: 'message', role: 'assistant', text: 'early' },
        { $fake: 'sleep', ms: 1500 },
        { ...session },
        { type: 'result', ok: true },
      ]),
    });
    assertRunInvariants(events);
    const late = events.find((e) => e.type === 'status' && e.code === 'session');
    expect(late).toBeDefined();
    expect(events.at(-1)?.sessionId).toBe('sess-1');
  });

  it('a non-zero exit with no terminal line fails with the exit code and the stderr tail', async () => {
    const { events, terminal } = await run({
      transcript: transcript([session]),
      exitCode: 3,
      stderr: 'Error: API key missing\nset FOO_API_KEY',
    });
    assertRunInvariants(events);
    expect(terminal.type).toBe('run.failed');
    if (terminal.type !== 'run.failed') return;
    expect(terminal.reason).toBe('exit');
    expect(terminal.exitCode).toBe(3);
    expect(terminal.stderrTail).toContain('Error: API key missing');
    expect(terminal.message).toContain('exited with code 3');
  });

  it('a crash mid-line: the partial line becomes a warning and the run fails', async () => {
    const { events, terminal } = await run({
      transcript: transcript([session, { type: 'message', role: 'assistant', text: 'a long message that is cut' }]),
      crashMidLine: true,
    });
    assertRunInvariants(events);
    const w = events.find((e) => e.type === 'warning');
    expect(w?.type === 'warning' && w.code).toBe('unparsed-line');
    expect(w?.type === 'warning' && String(w.raw)).toContain('{"type":"message"');
    expect(terminal.type === 'run.failed' && terminal.exitCode).toBe(1);
  });

  it('malformed lines become warnings carrying the raw line, and the run goes on', async () => {
    const { events, terminal } = await run({
      transcript: transcript([session, 'not json at all', '{"broken":', ...normal.slice(1)]),
    });
    assertRunInvariants(events);
    const warnings = events.filter((e) => e.type === 'warning');
    expect(warnings.map((w) => w.type === 'warning' && w.raw)).toEqual(['not json at all', '{"broken":']);
    expect(terminal.type).toBe('run.completed');
    expect(events.some((e) => e.type === 'tool.completed')).toBe(true);
  });

  it('one 20 MB line arrives whole', async () => {
    const { events, terminal } = await run({ transcript: transcript([session]), bigLineBytes: 20 * 1024 * 1024 });
    const big = events.find((e) => e.type === 'message');
    expect(big?.type === 'message' && big.text.length).toBe(20 * 1024 * 1024);
    expect(terminal.type).toBe('run.completed');
  });

  it('a hung harness: the inactivity watchdog fires and no process of its group is left', async () => {
    const pidFile = join(dir, 'hung.pids');
    const { events, terminal } = await run(
      { transcript: transcript([session]), hang: true, detachedChild: true, pidFile },
      { inactivityMs: 700 },
    );
    assertRunInvariants(events);
    expect(terminal.type === 'run.failed' && terminal.reason).toBe('timeout');
    expect(terminal.type === 'run.failed' && terminal.message).toContain('inactivity watchdog');
    expect(terminal.type === 'run.failed' && terminal.message).toContain('after its last event (session.started)');
    const pids = pidsFrom(pidFile);
    expect(pids.length).toBe(3);
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('the watchdog says which tool call was open when the harness went quiet', async () => {
    const { terminal } = await run(
      {
        transcript: transcript([
          session,
          { type: 'tool.started', callId: 't9', name: 'Bash', kind: 'shell', input: { command: 'npm test' } },
        ]),
        hang: true,
      },
      { inactivityMs: 700 },
    );
    expect(terminal.type === 'run.failed' && terminal.message).toMatch(
      /printed nothing for 1s while tool call Bash \(running \d+s\) was open; stopped by the inactivity watchdog \(raise it with --idle-timeout/,
    );
  });

  it('--timeout ends a run that keeps talking', async () => {
    const chatty = [session, ...Array.from({ length: 200 }, (_, i) => ({ type: 'status', message: `tick ${i}` }))];
    const { terminal } = await run({ transcript: transcript(chatty), delayMs: 20 }, { timeoutMs: 500 });
    expect(terminal.type === 'run.failed' && terminal.reason).toBe('timeout');
  });

  it('abort: SIGTERM is ignored, SIGKILL follows after the grace period, run.failed aborted', async () => {
    const pidFile = join(dir, 'stubborn.pids');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 400);
    const { events, terminal } = await run(
      {
        transcript: transcript([
          session,
          { type: 'tool.started', callId: 'x', name: 'Bash', kind: 'shell', input: {} },
        ]),
        hang: true,
        ignoreSigterm: true,
        pidFile,
      },
      { signal: ac.signal, killGraceMs: 300 },
    );
    assertRunInvariants(events);
    expect(terminal.type === 'run.failed' && terminal.reason).toBe('aborted');
    const closed = events.find((e) => e.type === 'tool.completed');
    expect(closed?.type === 'tool.completed' && closed.status).toBe('interrupted');
    expect(pidsFrom(pidFile).filter(isAlive)).toEqual([]);
  });

  it('regression: a background child holding stdout open does not keep the run from ending after the harness exits', async () => {
    const pidFile = join(dir, 'orphan.pids');
    const { events, terminal } = await run(
      { transcript: transcript([session, { $fake: 'orphan', ms: 60_000 }, { type: 'result', ok: true }]), pidFile },
      { inactivityMs: 30_000 },
    );
    assertRunInvariants(events);
    expect(terminal.type).toBe('run.completed');
    const pids = pidsFrom(pidFile);
    // the orphan (a server the agent may have meant to start) is left alone; clean it up here
    for (const p of pids.slice(1)) {
      expect(isAlive(p)).toBe(true);
      process.kill(p, 'SIGKILL');
    }
  });

  it('regression: when omnigent exits abruptly mid-run (process.exit, uncaught error) the harness group does not outlive it', async () => {
    const pidFile = join(dir, 'abrupt.pids');
    const core = new URL('../../core/dist/index.js', import.meta.url).href;
    const kit = new URL('../dist/index.js', import.meta.url).href;
    const script = `
      const { startRun } = await import(${JSON.stringify(core)});
      const { fakeHarness, FAKE_HARNESS_BIN, fakeHarnessEnv } = await import(${JSON.stringify(kit)});
      const run = startRun({ plugin: fakeHarness, bin: FAKE_HARNESS_BIN, request: { prompt: 'x' },
        extraEnv: fakeHarnessEnv({ transcript: ${JSON.stringify(transcript([session]))}, hang: true, pidFile: ${JSON.stringify(pidFile)} }) });
      run.bus.on('session.started', () => setTimeout(() => process.exit(3), 200));
      await run.result();`;
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(3);
    const pids = pidsFrom(pidFile);
    expect(pids.length).toBe(2);
    // the TERM is sent on the way out; give the group a moment to act on it
    for (let i = 0; i < 50 && pids.some(isAlive); i++) await new Promise((res) => setTimeout(res, 100));
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('a binary that cannot be started ends in run.failed reason error', async () => {
    const { events, terminal } = await run({}, { bin: join(dir, 'does-not-exist') });
    assertRunInvariants(events);
    expect(terminal.type === 'run.failed' && terminal.reason).toBe('error');
    expect(terminal.type === 'run.failed' && terminal.message).toContain('does-not-exist');
  });

  it('a flood of 100,000 lines into a deliberately slow sink: nothing lost, in order, memory bounded', async () => {
    const r = startRun({
      plugin: fakeHarness,
      bin: FAKE_HARNESS_BIN,
      request: { prompt: 'go', cwd: dir },
      extraEnv: fakeHarnessEnv({ transcript: transcript([session]), flood: 100_000 }),
    });
    let received = 0;
    let inOrder = true;
    let last = -1;
    let peakHeap = 0;
    const heap0 = process.memoryUsage().heapUsed;
    r.bus.on('*', async (e) => {
      if (e.seq !== last + 1) inOrder = false;
      last = e.seq;
      received += 1;
      if (received % 1000 === 0) {
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed - heap0);
        await new Promise((res) => setTimeout(res, 1));
      }
    });
    const terminal = await r.result();
    // the harness finished long before the slow sink: reading stdout was never held up by it
    expect(r.bus.backlog).toBeGreaterThan(10_000);
    await r.bus.flush();
    expect(terminal.type).toBe('run.completed');
    expect(received).toBe(100_002);
    expect(inOrder).toBe(true);
    expect(peakHeap).toBeLessThan(150 * 1024 * 1024);
  });

  it('regression: a harness that printed nothing at all still yields session.started before its terminal', async () => {
    const { events, terminal } = await run({ exitCode: 5 });
    assertRunInvariants(events);
    expect(events.map((e) => e.type)).toEqual(['session.started', 'run.failed']);
    expect(terminal.type === 'run.failed' && terminal.message).toContain('exited with code 5');
  });

  it('regression: a flood of non-JSON lines becomes 20 warnings and one summary with the count and samples', async () => {
    const { events, terminal } = await run({ transcript: transcript([session]), notJson: 50_000 });
    assertRunInvariants(events);
    const warnings = events.filter((e) => e.type === 'warning');
    expect(warnings.filter((w) => w.type === 'warning' && w.code === 'unparsed-line').length).toBe(20);
    const summary = warnings.find((w) => w.type === 'warning' && w.code === 'unparsed-lines');
    expect(summary?.type === 'warning' && summary.raw).toMatchObject({ count: 49_980, total: 50_000 });
    expect(events.length).toBeLessThan(30);
    expect(events.at(-2)).toBe(summary);
    expect(terminal.type).toBe('run.completed');
  });

  it('regression: a harness that repeats the same retry warning forever is stopped by the inactivity watchdog', async () => {
    const { events, terminal } = await run(
      { transcript: transcript([session]), retryForever: true, delayMs: 50 },
      { inactivityMs: 1500, timeoutMs: 50_000 },
    );
    assertRunInvariants(events);
    expect(events.filter((e) => e.type === 'warning').length).toBeGreaterThan(5);
    expect(terminal.type === 'run.failed' && terminal.reason).toBe('timeout');
    expect(terminal.type === 'run.failed' && terminal.message).toMatch(
      /fake made no progress for 2s: it only repeated the warning "Reconnecting\.\.\. \d\/5 \(stream disconnected before completion\)" \(\d+ times\); stopped by the inactivity watchdog/,
    );
  });

  it('the reaper never keeps omnigent alive, and exits with it when omnigent exits normally', async () => {
    const reaperJs = new URL('../../core/dist/reaper.js', import.meta.url).href;
    const core = new URL('../../core/dist/index.js', import.meta.url).href;
    const kit = new URL('../dist/index.js', import.meta.url).href;
    const script = `
      const { startRun } = await import(${JSON.stringify(core)});
      const { reaperPid } = await import(${JSON.stringify(reaperJs)});
      const { fakeHarness, FAKE_HARNESS_BIN, fakeHarnessEnv } = await import(${JSON.stringify(kit)});
      const run = startRun({ plugin: fakeHarness, bin: FAKE_HARNESS_BIN, request: { prompt: 'x' }, extraEnv: fakeHarnessEnv({ transcript: ${JSON.stringify(transcript([session]))} }) });
      const t = await run.result();
      console.log(JSON.stringify({ reaper: reaperPid(), type: t.type }));`;
    const { spawnSync } = await import('node:child_process');
    // a reaper that held the event loop would make this time out
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { reaper: number; type: string };
    expect(out.type).toBe('run.completed');
    expect(out.reaper).toBeGreaterThan(0);
    expect(await survivors([out.reaper])).toEqual([]);
  });

  it('regression: a daemon that double-forked out of the harness group is killed with the run when it is aborted', async () => {
    const pidFile = join(dir, 'daemon.pids');
    const ac = new AbortController();
    const { terminal } = await run(
      { transcript: transcript([session]), hang: true, doubleFork: true, pidFile },
      {
        signal: ac.signal,
        onStart: () => void pidsWhenWritten(pidFile, 3).then(() => ac.abort()),
      },
    );
    expect(terminal.type === 'run.failed' && terminal.reason).toBe('aborted');
    const pids = pidsFrom(pidFile);
    const daemon = pids.at(-1)!;
    // it really left the tree: a session of its own, reparented away from the harness
    expect(await survivors(pids)).toEqual([]);
    expect(isAlive(daemon)).toBe(false);
  });

  it('regression: a double-forked daemon with an empty environment is still killed when it was seen in the tree once (sampling)', async () => {
    const pidFile = join(dir, 'daemon-noenv.pids');
    const ac = new AbortController();
    const { terminal } = await run(
      {
        transcript: transcript([session]),
        hang: true,
        doubleFork: true,
        daemonClearEnv: true,
        daemonLingerMs: 2500,
        pidFile,
      },
      {
        signal: ac.signal,
        // abort once the intermediate shell has exited and the daemon is an orphan
        onStart: () => void pidsWhenWritten(pidFile, 3).then(() => setTimeout(() => ac.abort(), 3500)),
      },
    );
    expect(terminal.type === 'run.failed' && terminal.reason).toBe('aborted');
    expect(await survivors(pidsFrom(pidFile))).toEqual([]);
  });

  it('abort({ force: true }) after a plain abort hurries the SIGKILL of a harness that ignores SIGTERM (never skips it)', async () => {
    const pidFile = join(dir, 'force.pids');
    const t0 = Date.now();
    const { terminal } = await run(
      { transcript: transcript([session]), hang: true, ignoreSigterm: true, pidFile },
      {
        killGraceMs: 120_000,
        onStart: (r) =>
          void pidsWhenWritten(pidFile, 2).then(() => {
            r.abort();
            r.abort();
            setTimeout(() => r.abort({ force: true }), 300);
          }),
      },
    );
    expect(terminal.type === 'run.failed' && terminal.reason).toBe('aborted');
    expect(pidsFrom(pidFile).filter(isAlive)).toEqual([]);
    // the 120 s grace was cut short: the test would time out otherwise
    expect(Date.now() - t0).toBeLessThan(60_000);
  });

  it('killAllRunsNow() SIGKILLs every live run at once; each still ends with one aborted terminal', async () => {
    const files = [join(dir, 'all1.pids'), join(dir, 'all2.pids')];
    const runs = files.map((pidFile) =>
      startRun({
        plugin: fakeHarness,
        bin: FAKE_HARNESS_BIN,
        request: { prompt: 'go', cwd: dir },
        killGraceMs: 120_000,
        extraEnv: fakeHarnessEnv({ transcript: transcript([session]), hang: true, ignoreSigterm: true, pidFile }),
      }),
    );
    await Promise.all(files.map((f) => pidsWhenWritten(f, 2)));
    runs[0]!.abort();
    expect(killAllRunsNow()).toBeGreaterThanOrEqual(2);
    const terminals = await Promise.all(runs.map((r) => r.result()));
    expect(terminals.map((t) => t.type === 'run.failed' && t.reason)).toEqual(['aborted', 'aborted']);
    expect(files.flatMap(pidsFrom).filter(isAlive)).toEqual([]);
  });

  it('a harness killed by a signal omnigent did not send fails with reason exit, never aborted', async () => {
    const pidFile = join(dir, 'segv.pids');
    const { terminal } = await run(
      { transcript: transcript([session]), hang: true, pidFile },
      {
        onStart: () => void pidsWhenWritten(pidFile, 2).then(([fake]) => process.kill(fake!, 'SIGKILL')),
      },
    );
    expect(terminal).toMatchObject({ type: 'run.failed', reason: 'exit', signal: 'SIGKILL' });
    expect(terminal.type === 'run.failed' && terminal.message).toContain('fake was killed by SIGKILL');
    // the harness died on its own: its group is not the runner's to kill (like any finished run); clean up here
    for (const p of pidsFrom(pidFile).filter(isAlive)) process.kill(p, 'SIGKILL');
  });

  it('regression: when omnigent is SIGKILLed mid-run, no process of the harness tree survives it (the reaper)', async () => {
    const pidFile = join(dir, 'sigkill.pids');
    const core = new URL('../../core/dist/index.js', import.meta.url).href;
    const kit = new URL('../dist/index.js', import.meta.url).href;
    const script = `
      const { startRun } = await import(${JSON.stringify(core)});
      const { fakeHarness, FAKE_HARNESS_BIN, fakeHarnessEnv } = await import(${JSON.stringify(kit)});
      const run = startRun({ plugin: fakeHarness, bin: FAKE_HARNESS_BIN, request: { prompt: 'x' },
        extraEnv: fakeHarnessEnv({ transcript: ${JSON.stringify(transcript([session]))}, hang: true, detachedChild: true, doubleFork: true, ignoreSigterm: true, pidFile: ${JSON.stringify(pidFile)} }) });
      await run.result();`;
    const { spawn } = await import('node:child_process');
    const omnigent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
    const pids = await pidsWhenWritten(pidFile, 4);
    expect(pids.every(isAlive)).toBe(true);
    // give the runner a moment to register the group with the reaper, then kill omnigent hard
    await new Promise((res) => setTimeout(res, 300));
    const gone = new Promise((res) => omnigent.once('exit', res));
    omnigent.kill('SIGKILL');
    await gone;
    expect(await survivors(pids, 15_000)).toEqual([]);
  });
});
