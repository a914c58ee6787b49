import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OmnigentEvent } from '@omnigent/core';
import { isAlive } from '@omnigent/core/internal';
import {
  startMockChatCompletions,
  startMockResponses,
  type MockChatCompletionsServer,
  type MockResponsesServer,
} from '@omnigent/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// END TO END: the real pi CLI (0.73.1, installed as a dev dependency) driven by `omnigent run -H pi
// --json`, offline against the testkit mock Chat Completions server on 127.0.0.1.

const here = dirname(fileURLToPath(import.meta.url));
const OMNIGENT = join(here, '..', '..', '..', 'packages', 'cli', 'bin', 'omnigent.js');

// USD per million tokens, as in models.json below
const PRICE = { input: 1, output: 2, cacheRead: 0.1, cacheWrite: 0.5 };
const cost = (input: number, output: number, cacheRead: number) =>
  (input * PRICE.input + output * PRICE.output + cacheRead * PRICE.cacheRead) / 1e6;

let mock: MockChatCompletionsServer;
/** The same model behind pi's `openai-responses` api (provider `mockr`). */
let responses: MockResponsesServer;
let scratch: string;
let agentDir: string;
let work: string;

interface RunOutcome {
  code: number | null;
  events: OmnigentEvent[];
  stderr: string;
}

function run(
  args: string[],
  opts: { onEvent?: (e: OmnigentEvent, child: ReturnType<typeof spawn>) => void; stdin?: string } = {},
): Promise<RunOutcome> {
  const child = spawn(
    process.execPath,
    [OMNIGENT, 'run', '-H', 'pi', '-m', 'mock-model', '--json', '--no-store', ...args],
    {
      cwd: work,
      env: { ...process.env, HOME: join(scratch, 'home'), MOCK_API_KEY: 'sk-mock', NO_COLOR: '1' },
      stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    },
  );
  if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
  const events: OmnigentEvent[] = [];
  let stderr = '';
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (!line.trim()) continue;
      const e = JSON.parse(line) as OmnigentEvent;
      events.push(e);
      opts.onEvent?.(e, child);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, events, stderr })));
}

const ofType = <T extends OmnigentEvent['type']>(events: OmnigentEvent[], type: T) =>
  events.filter((e): e is Extract<OmnigentEvent, { type: T }> => e.type === type);
const terminal = (events: OmnigentEvent[]) => events[events.length - 1]!;

/** Live processes started for this test's agent dir (pi and its tool children inherit the env). */
function leftovers(marker: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      // argv is NUL-separated
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if ((environ.includes(`PI_CODING_AGENT_DIR=${agentDir}\0`) || cmdline.includes(marker)) && isAlive(pid))
        out.push(pid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

/** True while a process runs the marked sleep command. */
function sleeping(marker: string): boolean {
  return leftovers(marker).some((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim() === marker;
    } catch {
      return false;
    }
  });
}

async function waitFor<T>(probe: () => T | undefined, tries = 100, everyMs = 100): Promise<T | undefined> {
  for (let i = 0; i < tries; i++) {
    const v = probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return undefined;
}

beforeAll(async () => {
  mock = await startMockChatCompletions({
    scripts: [
      {
        match: 'Run echo hi',
        turns: [
          {
            content: 'Let me run it.',
            toolCalls: [{ name: 'bash', arguments: { command: 'echo hi' } }],
            usage: { prompt: 120, completion: 15, cached: 20 },
          },
          { content: 'Done: the command printed hi', usage: { prompt: 150, completion: 8, cached: 100 } },
        ],
      },
      {
        match: 'What did the command print',
        turns: [{ content: 'It printed hi.', usage: { prompt: 300, completion: 9, cached: 250 } }],
      },
      {
        match: 'missing file',
        turns: [
          {
            toolCalls: [{ name: 'bash', arguments: { command: 'ls /nonexistent-omnigent-e2e' } }],
            usage: { prompt: 90, completion: 12 },
          },
          { content: 'It does not exist.', usage: { prompt: 130, completion: 6 } },
        ],
      },
      {
        match: 'Write hello',
        turns: [
          {
            toolCalls: [{ name: 'write', arguments: { path: 'hello.txt', content: 'hello from pi\n' } }],
            usage: { prompt: 95, completion: 20 },
          },
          { content: 'Wrote hello.txt', usage: { prompt: 140, completion: 5 } },
        ],
      },
      { match: 'always fails', turns: [{ status: 500, errorMessage: 'mock internal error' }] },
      {
        match: 'Sleep a while',
        turns: [{ toolCalls: [{ name: 'bash', arguments: { command: 'sleep 47.31' } }] }, { content: 'slept' }],
      },
    ],
    fallback: [{ content: 'OK', usage: { prompt: 10, completion: 1 } }],
  });
  responses = await startMockResponses({
    turns: [
      {
        output: [
          { type: 'reasoning', summary: ['Plan: run echo'] },
          { type: 'message', text: 'Let me run it.' },
          { type: 'function_call', name: 'bash', arguments: { command: 'echo hi' }, callId: 'call_4' },
        ],
        usage: { input: 120, cached: 20, output: 15 },
      },
      { output: [{ type: 'message', text: 'Done: hi' }], usage: { input: 130, cached: 30, output: 7 } },
    ],
  });
  scratch = mkdtempSync(join(tmpdir(), 'omnigent-pi-e2e-'));
  agentDir = join(scratch, 'agent');
  work = join(scratch, 'work');
  for (const d of [agentDir, work, join(scratch, 'home')]) mkdirSync(d, { recursive: true });
  writeFileSync(
    join(agentDir, 'models.json'),
    JSON.stringify({
      providers: {
        mock: {
          baseUrl: mock.url,
          api: 'openai-completions',
          apiKey: 'MOCK_API_KEY',
          compat: { supportsDeveloperRole: false, supportsReasoningEffort: false },
          models: [{ id: 'mock-model', name: 'Mock Model', contextWindow: 32000, maxTokens: 4096, cost: PRICE }],
        },
        mockr: {
          baseUrl: responses.url,
          api: 'openai-responses',
          apiKey: 'MOCK_API_KEY',
          models: [
            {
              id: 'mock-model',
              name: 'Mock Model (Responses)',
              reasoning: true,
              contextWindow: 32000,
              maxTokens: 4096,
              cost: PRICE,
            },
          ],
        },
      },
    }),
  );
  // fast retries so the 500 case ends quickly; no SDK-level retries on top
  writeFileSync(
    join(agentDir, 'settings.json'),
    JSON.stringify({ retry: { enabled: true, maxRetries: 2, baseDelayMs: 50, provider: { maxRetries: 0 } } }),
  );
  writeFileSync(
    join(work, 'omnigent.config.json'),
    JSON.stringify({ harnesses: { pi: { options: { agentDir, offline: true, provider: 'mock' } } } }),
  );
});

afterAll(async () => {
  await mock?.close();
  await responses?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('omnigent run -H pi with the real pi CLI', () => {
  let sessionId: string | undefined;

  it('runs a bash tool call and reports exact tokens and cost from the models.json prices', async () => {
    const { code, events, stderr } = await run([
      '--append-system-prompt',
      'Keep answers short.',
      'Run echo hi and tell me what it printed',
    ]);
    expect(code, stderr).toBe(0);
    const started = ofType(events, 'session.started')[0]!;
    expect(started.cwd).toBe(work);
    sessionId = started.sessionId;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);

    expect(
      ofType(events, 'status')
        .filter((s) => s.code === 'model')
        .map((s) => s.raw),
    ).toEqual([{ provider: 'mock', model: 'mock-model', api: 'openai-completions' }]);
    expect(ofType(events, 'tool.started').map((t) => [t.name, t.kind, t.input])).toEqual([
      ['bash', 'shell', { command: 'echo hi' }],
    ]);
    expect(ofType(events, 'tool.completed').map((t) => [t.name, t.output, t.isError, t.exitCode])).toEqual([
      ['bash', 'hi\n', false, 0],
    ]);

    const usage = ofType(events, 'usage');
    expect(usage.map((u) => [u.scope, u.input, u.output, u.cacheRead, u.cacheWrite, u.model])).toEqual([
      ['call', 120, 15, 20, 0, 'mock-model'],
      ['call', 150, 8, 100, 0, 'mock-model'],
    ]);
    expect(usage[0]!.costUsd).toBeCloseTo(cost(100, 15, 20), 12);
    expect(usage[1]!.costUsd).toBeCloseTo(cost(50, 8, 100), 12);

    const end = terminal(events);
    expect(end.type).toBe('run.completed');
    if (end.type !== 'run.completed') return;
    expect(end.result).toBe('Done: the command printed hi');
    expect(end.turns).toBe(2);
    expect(end.usage).toMatchObject({
      input: 270,
      output: 23,
      cacheRead: 120,
      cacheWrite: 0,
      source: 'stream',
      confidence: 'exact',
    });
    expect(end.usage!.costUsd).toBeCloseTo(cost(150, 23, 120), 12);

    // what pi sent: the appended system prompt, then the tool result in the second call
    const reqs = mock.chatRequests().filter((r) => JSON.stringify(r.body).includes('Run echo hi'));
    expect(reqs).toHaveLength(2);
    const body = reqs[1]!.body as { messages: Array<{ role: string; content: unknown; tool_call_id?: string }> };
    expect(String(body.messages[0]!.content)).toContain('Keep answers short.');
    expect(body.messages.find((m) => m.role === 'tool')).toMatchObject({ content: 'hi\n' });
  });

  it('continues that session with --resume: same session id, the history is sent again', async () => {
    expect(sessionId).toBeDefined();
    const { code, events, stderr } = await run(['--resume', sessionId!, 'What did the command print?']);
    expect(code, stderr).toBe(0);
    expect(ofType(events, 'session.started')[0]!.sessionId).toBe(sessionId);
    expect(events.every((e) => e.sessionId === sessionId)).toBe(true);
    const last = mock.chatRequests().at(-1)!.body as { messages: Array<{ role: string; content: unknown }> };
    expect(last.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'user']);
    expect(JSON.stringify(last.messages[4]!.content)).toContain('Done: the command printed hi');
    const end = terminal(events);
    expect(end).toMatchObject({
      type: 'run.completed',
      result: 'It printed hi.',
      usage: { input: 300, output: 9, cacheRead: 250 },
    });
  });

  it('reports a failing command as an error tool result with its exit code', async () => {
    const { code, events } = await run(['List the missing file']);
    expect(code).toBe(0);
    const [done] = ofType(events, 'tool.completed');
    expect(done).toMatchObject({ name: 'bash', isError: true, exitCode: 2, status: 'error' });
    expect(String(done!.output)).toContain('No such file or directory');
    expect(terminal(events)).toMatchObject({ type: 'run.completed', result: 'It does not exist.' });
  });

  it('writes a file in the working directory', async () => {
    const { code, events } = await run(['Write hello into hello.txt']);
    expect(code).toBe(0);
    expect(ofType(events, 'tool.started').map((t) => [t.name, t.kind, t.input])).toEqual([
      ['write', 'write', { path: 'hello.txt', content: 'hello from pi\n' }],
    ]);
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({
      name: 'write',
      isError: false,
      output: 'Successfully wrote 14 bytes to hello.txt',
    });
    expect(readFileSync(join(work, 'hello.txt'), 'utf8')).toBe('hello from pi\n');
    expect(ofType(events, 'file.changed')).toEqual([
      expect.objectContaining({
        path: join(work, 'hello.txt'),
        change: 'add',
        callId: ofType(events, 'tool.started')[0]!.callId,
      }),
    ]);
  });

  it('HTTP 500: pi retries, exits 0, and omnigent still fails the run with exit 1 and the provider message', async () => {
    const before = mock.chatRequests().length;
    const { code, events } = await run(['This always fails']);
    expect(code).toBe(1);
    expect(mock.chatRequests().length - before).toBe(3);
    expect(ofType(events, 'warning').filter((w) => w.code === 'api-retry')).toHaveLength(2);
    const end = terminal(events);
    expect(end).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: 'The model call failed (after 2 retries): 500 mock internal error',
      exitCode: 0,
    });
    expect(ofType(events, 'usage')).toEqual([]);
  });

  it('maps --system-prompt and --allowed-tools onto what pi sends the model', async () => {
    const { code } = await run(['--system-prompt', 'You are a test double.', '--allowed-tools', 'read,ls', 'Say OK']);
    expect(code).toBe(0);
    const body = mock.chatRequests().at(-1)!.body as {
      messages: Array<{ role: string; content: unknown }>;
      tools: Array<{ function: { name: string } }>;
    };
    expect(String(body.messages[0]!.content).startsWith('You are a test double.')).toBe(true);
    expect(body.tools.map((t) => t.function.name)).toEqual(['read', 'ls']);
  });

  it('an unknown session to resume: pi exits 1 without output, the failure carries its stderr', async () => {
    const { code, events } = await run(['--resume', 'ffffffff-0000-7000-8000-000000000000', 'Say OK']);
    expect(code).toBe(1);
    expect(terminal(events)).toMatchObject({
      type: 'run.failed',
      reason: 'exit',
      exitCode: 1,
      message: "pi exited with code 1: No session found matching 'ffffffff-0000-7000-8000-000000000000'",
    });
  });

  it('sends a prompt that looks like a file reference through stdin, unchanged', async () => {
    const { code, events } = await run(['@notes.md is not a file: Say OK']);
    expect(code).toBe(0);
    const body = mock.chatRequests().at(-1)!.body as { messages: Array<{ role: string; content: unknown }> };
    expect(JSON.stringify(body.messages.at(-1)!.content)).toContain('@notes.md is not a file: Say OK');
    expect(terminal(events)).toMatchObject({ type: 'run.completed', result: 'OK' });
  });

  it('bug: a 200 KB prompt could not be spawned (E2BIG): it reaches the model through stdin', async () => {
    const prompt = `Say OK about this text: ${'lorem ipsum '.repeat(17_000)}END-MARKER`;
    // `omnigent run -` reads the prompt from stdin (an argv entry that long cannot be spawned at all)
    const { code, events, stderr } = await run(['-'], { stdin: prompt });
    expect(code, stderr).toBe(0);
    const body = mock.chatRequests().at(-1)!.body as { messages: Array<{ role: string; content: unknown }> };
    const sent = JSON.stringify(body.messages.at(-1)!.content);
    expect(sent).toContain('END-MARKER');
    expect(sent.length).toBeGreaterThan(200_000);
    expect(terminal(events)).toMatchObject({ type: 'run.completed', result: 'OK' });
  });

  it('openai-responses api: reasoning summary as thinking, `call_id|item_id` tool ids pair start and end', async () => {
    const { code, events, stderr } = await run(['--provider', 'mockr', 'Run echo hi over the responses api']);
    expect(code, stderr).toBe(0);
    expect(
      ofType(events, 'reasoning')
        .filter((r) => !r.delta)
        .map((r) => r.text),
    ).toEqual(['Plan: run echo']);
    const [started] = ofType(events, 'tool.started');
    expect(started).toMatchObject({ name: 'bash', kind: 'shell', input: { command: 'echo hi' } });
    expect(started!.callId).toMatch(/^call_4\|/);
    expect(ofType(events, 'tool.completed')).toEqual([
      expect.objectContaining({ callId: started!.callId, output: 'hi\n', isError: false, exitCode: 0 }),
    ]);
    expect(ofType(events, 'usage').map((u) => [u.input, u.cacheRead, u.output, u.provider])).toEqual([
      [120, 20, 15, 'mockr'],
      [130, 30, 7, 'mockr'],
    ]);
    expect(terminal(events)).toMatchObject({
      type: 'run.completed',
      result: 'Done: hi',
      usage: { input: 250, output: 22 },
    });
    expect(responses.responsesRequests()).toHaveLength(2);
  });

  it('SIGINT during a long bash command: exit 130, the call is closed, no pi or sleep process is left', async () => {
    const marker = 'sleep 47.31';
    let sleepSeen = false;
    const outcome = await run(['Sleep a while'], {
      onEvent: (e, child) => {
        if (e.type !== 'tool.started') return;
        // interrupt only once the sleep really runs, so the check below can fail
        void waitFor(() => (sleeping(marker) ? true : undefined)).then((found) => {
          sleepSeen = found === true;
          child.kill('SIGINT');
        });
      },
    });
    expect(sleepSeen).toBe(true);
    expect(outcome.code).toBe(130);
    // the bash call is closed exactly once: by omnigent ('interrupted'), or by pi itself when its
    // sleep died of the SIGTERM first (pi then reports a signal-killed command as a success)
    const closed = ofType(outcome.events, 'tool.completed');
    expect(closed.map((t) => [t.callId, t.name])).toEqual([
      [ofType(outcome.events, 'tool.started')[0]!.callId, 'bash'],
    ]);
    expect(terminal(outcome.events)).toMatchObject({ type: 'run.failed', reason: 'aborted' });
    const left = await waitFor(() => (leftovers(marker).length === 0 ? [] : undefined), 100, 100);
    expect(left, `processes left: ${leftovers(marker).join(', ')}`).toEqual([]);
    expect(existsSync(work)).toBe(true);
  });

  it('bug: pi killed by a signal omnigent did not send (SIGKILL from outside) was reported as an interrupt (130); it is a failure (1, reason exit)', async () => {
    const marker = 'sleep 47.31';
    let killed: number | undefined;
    const outcome = await run(['Sleep a while'], {
      onEvent: (e, child) => {
        if (e.type !== 'tool.started' || killed !== undefined) return;
        // pi itself (omnigent's direct child), killed as the OOM killer would
        killed = leftovers(agentDir).find(
          (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(child.pid),
        );
        if (killed !== undefined) process.kill(killed, 'SIGKILL');
      },
    });
    // pi's bash child may outlive pi (its own process group): not this test's subject, so cleaned up
    for (const pid of leftovers(marker)) process.kill(pid, 'SIGKILL');
    expect(killed).toBeDefined();
    expect(outcome.code, outcome.stderr).toBe(1);
    expect(terminal(outcome.events)).toMatchObject({
      type: 'run.failed',
      reason: 'exit',
      message: expect.stringContaining('pi was killed by SIGKILL'),
    });
  });
});
