// End to end: pi-acp 0.0.24 (from npm) driving the real Pi 0.73.1 (PI_ACP_PI_COMMAND → the
// installed `pi`), run by the real `omnigent run --agent …` against the testkit's scripted mock
// Chat Completions server. Offline, loopback only.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockChatCompletions, type MockChatCompletionsServer } from '@omnigent/testkit';
import { assertRunInvariants } from '@omnigent/testkit/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGIN_DIR, runCli, type CliRun } from './support/cli.js';
import { ofType, processesOfRun } from './support/run.js';

const ADAPTER = join(PLUGIN_DIR, 'node_modules', '.bin', 'pi-acp');
const PI = join(PLUGIN_DIR, 'node_modules', '.bin', 'pi');
const SLEEP = 'sleep 47.37';

let mock: MockChatCompletionsServer;
let root: string;
let agentDir: string;

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
          { content: 'Done: it printed hi', usage: { prompt: 150, completion: 8 } },
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
      {
        match: 'Sleep a while',
        turns: [{ toolCalls: [{ name: 'bash', arguments: { command: SLEEP } }] }, { content: 'slept' }],
      },
    ],
    fallback: [{ content: 'OK', usage: { prompt: 10, completion: 1 } }],
  });
  root = mkdtempSync(join(tmpdir(), 'omnigent-acp-pi-'));
  agentDir = join(root, 'agent');
  mkdirSync(agentDir);
  writeFileSync(
    join(agentDir, 'models.json'),
    JSON.stringify({
      providers: {
        mock: {
          baseUrl: mock.url,
          api: 'openai-completions',
          apiKey: 'MOCK_API_KEY',
          compat: { supportsDeveloperRole: false, supportsReasoningEffort: false },
          models: [
            {
              id: 'mock-model',
              name: 'Mock Model',
              contextWindow: 32000,
              maxTokens: 4096,
              cost: { input: 1, output: 2, cacheRead: 0.1, cacheWrite: 0.5 },
            },
          ],
        },
      },
    }),
  );
  writeFileSync(
    join(agentDir, 'settings.json'),
    JSON.stringify({ defaultProvider: 'mock', defaultModel: 'mock-model' }),
  );
});

afterAll(async () => {
  await mock?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

function work(): string {
  const d = mkdtempSync(join(root, 'work-'));
  return d;
}

function pi(
  prompt: string,
  flags: string[] = [],
  opts: { cwd?: string; onEvent?: Parameters<typeof runCli>[1]['onEvent'] } = {},
): Promise<CliRun & { cwd: string }> {
  const cwd = opts.cwd ?? work();
  return runCli(['run', prompt, '--agent', ADAPTER, '--no-store', '-C', cwd, '--idle-timeout', '90', ...flags], {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: join(root, 'home'),
      TERM: 'dumb',
      PI_CODING_AGENT_DIR: agentDir,
      PI_OFFLINE: '1',
      MOCK_API_KEY: 'sk-mock',
      PI_ACP_PI_COMMAND: PI,
    },
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
  }).then((r) => ({ ...r, cwd }));
}

describe('pi-acp (real Pi) through omnigent run --agent', () => {
  it('a shell tool call end to end; pi-acp reports no token usage, so none is made up', async () => {
    const r = await pi('Run echo hi and tell me what it printed');
    expect(r.exitCode, r.stderr).toBe(0);
    assertRunInvariants(r.events);
    expect(r.events[0]).toMatchObject({
      type: 'session.started',
      model: 'mock/mock-model',
      harnessVersion: '0.0.24',
      details: { agent: { name: 'pi-acp' }, capabilities: { loadSession: true } },
    });
    expect(ofType(r.events, 'tool.started')[0]).toMatchObject({
      name: 'bash',
      kind: 'shell',
      input: { command: 'echo hi' },
    });
    expect(JSON.stringify(ofType(r.events, 'tool.completed')[0]!.output)).toContain('hi');
    expect(ofType(r.events, 'usage')).toEqual([]);
    const end = r.events.at(-1)!;
    expect(end).toMatchObject({ type: 'run.completed', result: 'Done: it printed hi' });
    expect(end).not.toHaveProperty('usage');
  });

  it('a file write: the file exists and file.changed says add (pi-acp sends no diff: the location is checked on disk)', async () => {
    const r = await pi('Write hello.txt');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(r.cwd, 'hello.txt'), 'utf8')).toBe('hello from pi\n');
    expect(ofType(r.events, 'tool.started')[0]).toMatchObject({ name: 'write', kind: 'edit' });
    expect(ofType(r.events, 'file.changed')).toMatchObject([{ path: join(r.cwd, 'hello.txt'), change: 'add' }]);
  });

  it('read-only cannot be enforced on an agent that never asks: the run says so instead of pretending', async () => {
    const r = await pi('Write hello.txt', ['--permission-mode', 'read-only']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(join(r.cwd, 'hello.txt'))).toBe(true);
    expect(ofType(r.events, 'warning').find((w) => w.code === 'permission-not-enforced')?.message).toMatch(
      /write without asking.*read-only could not stop it/,
    );
  });

  it('Ctrl-C mid tool call: session/cancel, exit 130, aborted, and neither Pi nor its sleep is left (/proc)', async () => {
    let runId = '';
    let sent = false;
    const r = await pi('Sleep a while', [], {
      onEvent: (e, kill) => {
        runId = e.runId;
        if (e.type === 'tool.started' && !sent) {
          sent = true;
          setTimeout(() => kill('SIGINT'), 500);
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.exitCode).toBe(130);
    assertRunInvariants(r.events);
    expect(r.events.at(-1)).toMatchObject({ type: 'run.failed', reason: 'aborted' });
    expect(processesOfRun(runId)).toEqual([]);
    expect(sleepers()).toEqual([]);
  });

  it('--resume loads the Pi session: the model sees the earlier turn', async () => {
    const cwd = work();
    const first = await pi('Run echo hi and tell me what it printed', [], { cwd });
    expect(first.exitCode, first.stderr).toBe(0);
    const sessionId = first.events[0]!.sessionId!;
    const before = mock.requests.length;
    const second = await pi('What did it print before?', ['--resume', sessionId], { cwd });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.events[0]).toMatchObject({ sessionId, details: { resumed: true } });
    const sent = JSON.stringify(mock.requests.slice(before).map((q) => q.body));
    expect(sent).toContain('Run echo hi and tell me what it printed');
  });
});

/** Processes still running the test's marked sleep command. */
function sleepers(): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim() === SLEEP)
        out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
