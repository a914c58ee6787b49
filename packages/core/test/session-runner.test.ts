import { describe, expect, it } from 'vitest';
import type { OmnigentEvent } from '../src/events.js';
import { isAlive } from '../src/process-tree.js';
import { startRun } from '../src/runner.js';
import { defineSessionHarness, isSessionPlugin, type SessionContext } from '../src/session-contract.js';

// A real child (node -e AGENT) that speaks line-delimited JSON on stdio, behind a minimal session
// plugin: `ask` → the agent answers `{answer}`; `cancel` → it answers the pending ask with "cancelled".
const AGENT = (opts: { ignoreCancel?: boolean; ignoreEof?: boolean; crashOnAsk?: boolean; silent?: boolean }) => `
const rl = require('node:readline').createInterface({ input: process.stdin });
let pending;
rl.on('line', (line) => {
  const m = JSON.parse(line);
  if (m.method === 'ask') {
    ${opts.crashOnAsk ? "process.stderr.write('agent: model exploded\\n'); process.exit(3);" : ''}
    ${opts.silent ? 'pending = m.id; return;' : "process.stdout.write(JSON.stringify({ id: m.id, answer: 'hi ' + m.text }) + '\\n');"}
  }
  if (m.method === 'cancel' && ${!opts.ignoreCancel} && pending !== undefined) process.stdout.write(JSON.stringify({ id: pending, answer: 'cancelled' }) + '\\n');
});
${opts.ignoreEof ? "process.stdin.on('end', () => setInterval(() => {}, 1000)); process.on('SIGTERM', () => {});" : ''}
`;

async function* lines(readable: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buf = '';
  const reader = readable.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += decoder.decode(value, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      yield buf.slice(0, i);
      buf = buf.slice(i + 1);
    }
  }
}

const stopsSeen: string[] = [];
const plugin = defineSessionHarness({
  name: 'jsonl-agent',
  meta: { version: '0.0.0' },
  capabilities: {},
  binary: { names: ['node'], install: 'none' },
  command: (request) => ({ args: ['-e', request.options?.agent as string] }),
  session: async (ctx: SessionContext) => {
    const writer = ctx.channel.writable.getWriter();
    const send = (m: unknown) => writer.write(new TextEncoder().encode(`${JSON.stringify(m)}\n`));
    ctx.emit({ type: 'session.started', cwd: ctx.cwd, sessionId: 'sess-1' });
    ctx.stop.addEventListener('abort', () => {
      stopsSeen.push(String(ctx.stop.reason));
      void send({ method: 'cancel' });
    });
    await send({ id: 1, method: 'ask', text: ctx.request.prompt });
    for await (const line of lines(ctx.channel.readable)) {
      const m = JSON.parse(line) as { id: number; answer: string };
      if (m.answer === 'cancelled') return { type: 'run.failed', reason: 'aborted', message: 'cancelled by the agent' };
      ctx.emit({ type: 'message', role: 'assistant', text: m.answer });
      return { type: 'run.completed', result: m.answer };
    }
    throw new Error('the agent closed the connection');
  },
});

function run(agent: string, extra: { inactivityMs?: number; cancelGraceMs?: number; killGraceMs?: number } = {}) {
  return startRun({ plugin, bin: process.execPath, request: { prompt: 'there', options: { agent } }, ...extra });
}

async function collect(r: ReturnType<typeof run>): Promise<OmnigentEvent[]> {
  const out: OmnigentEvent[] = [];
  for await (const e of r) out.push(e);
  return out;
}

describe('session plugins: the runner drives a protocol conversation over the child stdio', () => {
  it('is recognised as a session plugin and still looks like a harness plugin to everyone else', () => {
    expect(isSessionPlugin(plugin)).toBe(true);
    expect(plugin.kind).toBe('harness');
    expect(plugin.finish(undefined, { stderrTail: '', durationMs: 0 }).terminal).toMatchObject({
      type: 'run.failed',
      message: expect.stringContaining('Upgrade omnigent'),
    });
  });

  it('a completed session: events in order, the session outcome is the terminal, and the agent process is gone', async () => {
    const r = run(AGENT({}));
    const events = await collect(r);
    expect(events.map((e) => e.type)).toEqual(['session.started', 'message', 'run.completed']);
    expect(events[1]).toMatchObject({ text: 'hi there', sessionId: 'sess-1' });
    expect(events[2]).toMatchObject({ result: 'hi there' });
    expect(isAlive(r.pid!)).toBe(false);
  });

  it('an agent that stays up after stdin closes is terminated, and the run still completes; its duration ends with the session', async () => {
    const r = run(AGENT({ ignoreEof: true }), { killGraceMs: 2000 });
    const started = Date.now();
    const t = await r.result();
    expect(t).toMatchObject({ type: 'run.completed', result: 'hi there' });
    // closing took 0.5 s + the 2 s kill grace; the run's own duration does not count it
    expect(Date.now() - started).toBeGreaterThan(2000);
    expect(t.durationMs).toBeLessThan(Date.now() - started - 1500);
    expect(t).not.toHaveProperty('signal');
    expect(isAlive(r.pid!)).toBe(false);
  });

  it('abort asks the session to cancel first: an agent that honours it ends before the grace, reason aborted', async () => {
    const r = run(AGENT({ silent: true }), { cancelGraceMs: 20_000 });
    setTimeout(() => r.abort(), 300);
    const started = Date.now();
    const t = await r.result();
    expect(t).toMatchObject({ type: 'run.failed', reason: 'aborted' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stopsSeen).toContain('aborted');
    expect(isAlive(r.pid!)).toBe(false);
  });

  it('an agent that ignores the cancel, stdin EOF and SIGTERM is killed after the grace; reason aborted, no process left', async () => {
    const r = run(AGENT({ silent: true, ignoreCancel: true, ignoreEof: true }), {
      cancelGraceMs: 200,
      killGraceMs: 200,
    });
    setTimeout(() => r.abort(), 300);
    const t = await r.result();
    expect(t).toMatchObject({ type: 'run.failed', reason: 'aborted', message: 'the run was interrupted' });
    expect(isAlive(r.pid!)).toBe(false);
  });

  it('the inactivity watchdog stops a silent agent through the same cancel path: reason timeout', async () => {
    stopsSeen.length = 0;
    const r = run(AGENT({ silent: true }), { inactivityMs: 400 });
    const t = await r.result();
    expect(t).toMatchObject({
      type: 'run.failed',
      reason: 'timeout',
      message: expect.stringContaining('inactivity watchdog'),
    });
    expect(stopsSeen).toEqual(['timeout']);
  });

  it('an agent that dies mid-session fails with its exit code and stderr, not a vague "connection closed"', async () => {
    const t = await run(AGENT({ crashOnAsk: true })).result();
    expect(t).toMatchObject({
      type: 'run.failed',
      reason: 'exit',
      exitCode: 3,
      message: expect.stringContaining('model exploded'),
    });
  });

  it('regression: a session that stops reading (cancels stdout) while the agent still talks completes cleanly', async () => {
    const chatty = defineSessionHarness({
      ...plugin,
      session: async (ctx) => {
        ctx.emit({ type: 'session.started', cwd: ctx.cwd });
        const reader = ctx.channel.readable.getReader();
        await reader.read();
        await reader.cancel();
        return { type: 'run.completed', result: 'read one chunk' };
      },
    });
    const agent =
      "let i = 0; const t = setInterval(() => { process.stdout.write('chunk ' + i++ + '\\n'); if (i > 20) { clearInterval(t); } }, 5); process.stdin.resume(); process.stdin.on('end', () => setTimeout(() => process.exit(0), 50));";
    const t = await startRun({
      plugin: chatty,
      bin: process.execPath,
      request: { prompt: 'x', options: { agent } },
    }).result();
    expect(t).toMatchObject({ type: 'run.completed', result: 'read one chunk' });
  });

  it('a session() that throws fails the run with reason error and its message', async () => {
    const broken = defineSessionHarness({
      ...plugin,
      session: async () => {
        throw new Error('handshake refused');
      },
    });
    const r = startRun({
      plugin: broken,
      bin: process.execPath,
      request: { prompt: 'x', options: { agent: AGENT({}) } },
    });
    const events = await collect(r);
    expect(events.map((e) => e.type)).toEqual(['session.started', 'run.failed']);
    expect(events[1]).toMatchObject({ reason: 'error', message: 'handshake refused' });
    expect(isAlive(r.pid!)).toBe(false);
  });
});
