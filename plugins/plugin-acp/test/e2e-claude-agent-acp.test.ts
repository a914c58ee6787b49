// End to end: the real ACP adapter for Claude Code (@zed-industries/claude-agent-acp, from npm)
// driving the real Claude Code binary (CLAUDE_CODE_EXECUTABLE → the installed `claude`), run by
// the real `omnigent run --agent …` against the testkit's scripted mock Anthropic server. Offline.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OmnigentEvent, PermissionMode } from '@omnigent/core';
import { startMockAnthropic, type MockAnthropic, type MockAnthropicScenario } from '@omnigent/testkit';
import { assertRunInvariants } from '@omnigent/testkit/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import { PLUGIN_DIR, runCli, type CliRun } from './support/cli.js';
import { ofType, processesOfRun } from './support/run.js';

const ADAPTER = join(PLUGIN_DIR, 'node_modules', '.bin', 'claude-agent-acp');
const CLAUDE = join(PLUGIN_DIR, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe');
const mocks: MockAnthropic[] = [];
afterAll(async () => {
  await Promise.all(mocks.map((m) => m.close()));
});

function dirs(): { home: string; work: string } {
  const root = mkdtempSync(join(tmpdir(), 'omnigent-acp-claude-'));
  const home = join(root, 'home');
  const work = join(root, 'work');
  mkdirSync(home);
  mkdirSync(work);
  return { home, work };
}

async function claude(
  prompt: string,
  scenario: MockAnthropicScenario,
  flags: string[] = [],
  opts: { onEvent?: Parameters<typeof runCli>[1]['onEvent']; d?: { home: string; work: string } } = {},
): Promise<CliRun & { work: string; mock: MockAnthropic }> {
  const mock = await startMockAnthropic(scenario);
  mocks.push(mock);
  const d = opts.d ?? dirs();
  const run = await runCli(
    ['run', prompt, '--agent', ADAPTER, '--no-store', '-C', d.work, '--idle-timeout', '90', ...flags],
    {
      cwd: d.work,
      env: {
        PATH: process.env.PATH,
        HOME: d.home,
        TERM: 'dumb',
        CI: 'true',
        ANTHROPIC_BASE_URL: mock.url,
        ANTHROPIC_API_KEY: 'test-key',
        CLAUDE_CODE_EXECUTABLE: CLAUDE,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
      },
      ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
    },
  );
  return { ...run, work: d.work, mock };
}

const bash = (command: string): MockAnthropicScenario => ({
  turns: [
    {
      content: [
        { type: 'text', text: 'Running it.' },
        { type: 'tool_use', name: 'Bash', input: { command, description: 'run it' } },
      ],
      usage: { input: 1200, cacheRead: 300, cacheWrite: 50, output: 40 },
    },
    { content: [{ type: 'text', text: 'Done.' }], usage: { input: 1500, output: 24 } },
  ],
});

const write = (path: string): MockAnthropicScenario => ({
  turns: [
    {
      content: [{ type: 'tool_use', name: 'Write', input: { file_path: path, content: 'written by the mock\n' } }],
      usage: { input: 900, output: 30 },
    },
    { content: [{ type: 'text', text: 'Wrote it.' }], usage: { input: 1000, output: 10 } },
  ],
});

function permissionAnswers(events: OmnigentEvent[]): string[] {
  return events.flatMap((e) =>
    (e.type === 'status' || e.type === 'warning') && (e.code === 'permission' || e.code === 'permission-denied')
      ? [(e.raw as { permission: { decision: string } }).permission.decision]
      : [],
  );
}

describe('claude-agent-acp (real Claude Code) through omnigent run --agent', () => {
  it('maps the session: Claude Code as the agent, streamed text, a shell tool call, exact usage and the adapter cost', async () => {
    const r = await claude('Run echo hi', bash('echo hi'), ['--permission-mode', 'bypass']);
    expect(r.exitCode, r.stderr).toBe(0);
    assertRunInvariants(r.events);
    expect(r.events[0]).toMatchObject({
      type: 'session.started',
      harness: 'acp',
      details: {
        protocol: 'acp',
        agent: { name: '@zed-industries/claude-agent-acp' },
        capabilities: { loadSession: true },
      },
    });
    expect(ofType(r.events, 'message').map((m) => m.text)).toEqual(['Running it.', 'Done.']);
    const tool = ofType(r.events, 'tool.started')[0]!;
    expect(tool).toMatchObject({ name: 'Bash', kind: 'shell', input: { command: 'echo hi' } });
    expect(ofType(r.events, 'tool.completed')[0]).toMatchObject({ callId: tool.callId, status: 'ok', isError: false });
    // the two model calls the mock answered, summed by the adapter; input includes cache
    const usage = ofType(r.events, 'usage')[0]!;
    expect(usage).toMatchObject({
      scope: 'turn',
      input: 1200 + 300 + 50 + 1500,
      output: 64,
      cacheRead: 300,
      cacheWrite: 50,
      source: 'result',
      confidence: 'exact',
      costSource: 'harness-estimate',
    });
    expect(usage.costUsd).toBeGreaterThan(0);
    expect(r.events.at(-1)).toMatchObject({
      type: 'run.completed',
      result: 'Done.',
      usage: { input: 3050, output: 64 },
    });
    expect(r.mock.messageRequests().length).toBe(2);
  });

  const modes: Array<[PermissionMode, string, boolean]> = [
    ['default', 'bash', false],
    ['read-only', 'bash', false],
    ['accept-edits', 'bash', false],
    ['bypass', 'bash', true],
    ['read-only', 'write', false],
    ['accept-edits', 'write', true],
  ];
  for (const [mode, tool, allowed] of modes) {
    it(`permission mode ${mode}: a ${tool === 'bash' ? 'command' : 'file write'} is ${allowed ? 'allowed and happens' : 'rejected and nothing changes'}`, async () => {
      const d = dirs();
      const target = join(d.work, 'made.txt');
      const r = await claude(
        'Make made.txt',
        tool === 'bash' ? bash('echo hi > made.txt') : write(target),
        ['--permission-mode', mode],
        { d },
      );
      expect(r.exitCode, r.stderr).toBe(0);
      assertRunInvariants(r.events);
      expect(permissionAnswers(r.events)).toEqual([allowed ? 'allow' : 'reject']);
      expect(existsSync(target)).toBe(allowed);
      const done = ofType(r.events, 'tool.completed')[0]!;
      expect(done.status).toBe(allowed ? 'ok' : 'denied');
      if (tool === 'write' && allowed) {
        expect(readFileSync(target, 'utf8')).toBe('written by the mock\n');
        expect(ofType(r.events, 'file.changed')).toMatchObject([{ path: target, change: 'add', callId: done.callId }]);
      } else expect(ofType(r.events, 'file.changed')).toEqual([]);
    });
  }

  it('a read needs no permission: kind read, the file content comes back to the model', async () => {
    const d = dirs();
    const file = join(d.work, 'notes.txt');
    writeFileSync(file, 'alpha\nbeta\n');
    const r = await claude(
      'What is in notes.txt?',
      {
        turns: [
          { content: [{ type: 'tool_use', name: 'Read', input: { file_path: file } }] },
          { content: [{ type: 'text', text: 'alpha and beta' }] },
        ],
      },
      ['--permission-mode', 'read-only'],
      { d },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(ofType(r.events, 'tool.started')[0]).toMatchObject({ name: 'Read', kind: 'read' });
    expect(ofType(r.events, 'tool.completed')[0]).toMatchObject({ status: 'ok' });
    expect(JSON.stringify(r.mock.messageRequests()[1]!.body)).toContain('beta');
  });

  it('Ctrl-C mid tool call: session/cancel, exit 130, the run is aborted and no process of the run is left (/proc)', async () => {
    let runId = '';
    let sent = false;
    const r = await claude('Sleep a while', bash('sleep 30'), ['--permission-mode', 'bypass'], {
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
    expect(ofType(r.events, 'tool.completed')[0]?.isError).toBe(true);
    expect(processesOfRun(runId)).toEqual([]);
  });

  it('--resume continues the Claude Code session through session/load: the model sees the earlier turn', async () => {
    const d = dirs();
    const first = await claude(
      'Remember the word pelican',
      { turns: [{ content: [{ type: 'text', text: 'Noted.' }] }] },
      [],
      { d },
    );
    expect(first.exitCode, first.stderr).toBe(0);
    const sessionId = first.events[0]!.sessionId!;
    const second = await claude(
      'Which word?',
      { turns: [{ content: [{ type: 'text', text: 'pelican' }] }] },
      ['--resume', sessionId],
      { d },
    );
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.events[0]).toMatchObject({ sessionId, details: { resumed: true } });
    expect(JSON.stringify(second.mock.messageRequests().at(-1)!.body)).toContain('Remember the word pelican');
    expect(second.events.at(-1)).toMatchObject({ type: 'run.completed', result: 'pelican' });
  });
});
