// End to end: the REAL `claude` binary (node_modules/.bin/claude) run by `omnigent run -H
// claude-code --json` as a child process, against the scripted mock Anthropic server. Offline,
// loopback only, scratch HOME; works as root (CI) because bypass is never needed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { OmnigentEvent } from '@omnigent/core';
import { isTerminal } from '@omnigent/core/events';
import { startMockAnthropic, type MockAnthropic, type MockAnthropicScenario } from '@omnigent/testkit';
import { BASH_USAGE, CASES, RESUME_SCENARIO, type ClaudeCase } from './scenarios.js';

const here = dirname(fileURLToPath(import.meta.url));
const OMNIGENT = join(here, '../../../packages/cli/bin/omnigent.js');
const timings: Record<string, number> = {};

interface Outcome {
  events: OmnigentEvent[];
  exitCode: number | null;
  stderr: string;
  workDir: string;
  mock: MockAnthropic;
}

function of<T extends OmnigentEvent['type']>(events: OmnigentEvent[], type: T): Extract<OmnigentEvent, { type: T }>[] {
  return events.filter((e): e is Extract<OmnigentEvent, { type: T }> => e.type === type);
}

function last(events: OmnigentEvent[]): OmnigentEvent {
  return events[events.length - 1]!;
}

const scratchDirs: string[] = [];
const mocks: MockAnthropic[] = [];

function scratch(): { home: string; work: string } {
  const root = mkdtempSync(join(tmpdir(), 'omnigent-cc-e2e-'));
  scratchDirs.push(root);
  const home = join(root, 'home');
  const work = join(root, 'work');
  mkdirSync(home);
  mkdirSync(work);
  return { home, work };
}

/** `omnigent run -H claude-code --json <prompt> <flags>`; the prompt goes first (array flags follow). */
function omnigent(
  prompt: string,
  flags: string[],
  dirs: { home: string; work: string },
  mock: MockAnthropic,
): Promise<{ events: OmnigentEvent[]; exitCode: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        OMNIGENT,
        'run',
        prompt,
        '-H',
        'claude-code',
        '--json',
        '--no-store',
        '-C',
        dirs.work,
        '-m',
        'claude-sonnet-4-5',
        ...flags,
      ],
      {
        cwd: dirs.work,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          // no global claude on PATH: the plugin must find the one installed next to it
          PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
          HOME: dirs.home,
          TERM: 'dumb',
          CI: 'true',
          ANTHROPIC_BASE_URL: mock.url,
          ANTHROPIC_API_KEY: 'test-key',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          DISABLE_AUTOUPDATER: '1',
          DISABLE_TELEMETRY: '1',
          DISABLE_ERROR_REPORTING: '1',
        },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      try {
        const events = stdout
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => JSON.parse(l) as OmnigentEvent);
        resolve({ events, exitCode, stderr });
      } catch (error) {
        reject(new Error(`--json printed a non-JSON line: ${String(error)}\n${stdout}\n${stderr}`));
      }
    });
  });
}

async function runCase(c: ClaudeCase, extraFlags: string[] = []): Promise<Outcome> {
  const dirs = scratch();
  const mock = await startMockAnthropic(c.scenario(dirs.work));
  mocks.push(mock);
  const flags = [...extraFlags];
  const r = c.request ?? {};
  if (r.permissionMode) flags.push('--permission-mode', r.permissionMode);
  if (r.maxTurns !== undefined) flags.push('--max-turns', String(r.maxTurns));
  if (r.allowedTools) flags.push('--allowed-tools', r.allowedTools.join(','));
  const t0 = Date.now();
  const out = await omnigent(c.prompt, flags, dirs, mock);
  timings[c.name] = Date.now() - t0;
  return { ...out, workDir: dirs.work, mock };
}

const byName = (name: string): ClaudeCase => CASES.find((c) => c.name === name)!;

/** The invariants a user relies on in every run. */
function expectWellFormed(o: Outcome): void {
  expect(o.events[0]?.type, o.stderr).toBe('session.started');
  const terminals = o.events.filter(isTerminal);
  expect(terminals).toHaveLength(1);
  expect(terminals[0]).toBe(last(o.events));
  expect(typeof (terminals[0] as { durationMs?: unknown }).durationMs).toBe('number');
  const session = o.events[0];
  if (session?.type === 'session.started') {
    expect(session.harnessVersion).toBe('2.1.197');
    for (const e of o.events) expect(e.sessionId).toBe(session.sessionId);
  }
  // nothing reached the network but the mock, and only on the paths the CLI really uses
  for (const req of o.mock.requests) expect(['HEAD /', 'POST /v1/messages']).toContain(`${req.method} ${req.path}`);
}

afterAll(async () => {
  for (const m of mocks) await m.close();
  for (const d of scratchDirs) rmSync(d, { recursive: true, force: true });
  // measured wall time per case (printed for the report; nothing asserts on it)
  console.log('claude-code e2e wall time (ms):', JSON.stringify(timings));
});

describe('real claude 2.1.197 through `omnigent run -H claude-code --json`', () => {
  it('bash-tool: the Bash call, its output, a duration, and the exact tokens the mock sent', async () => {
    const o = await runCase(byName('bash-tool'));
    expectWellFormed(o);
    expect(o.exitCode).toBe(0);
    expect(of(o.events, 'tool.started')).toEqual([
      expect.objectContaining({ name: 'Bash', kind: 'shell', input: { command: 'echo hi', description: 'Print hi' } }),
    ]);
    const [done] = of(o.events, 'tool.completed');
    expect(done).toMatchObject({ name: 'Bash', output: 'hi', isError: false, status: 'ok', exitCode: 0 });
    expect(typeof done!.durationMs).toBe('number');
    const { first, second } = BASH_USAGE;
    expect(
      of(o.events, 'usage').map((u) => [u.scope, u.input, u.output, u.cacheRead, u.cacheWrite, u.confidence]),
    ).toEqual([
      [
        'call',
        first.input + first.cacheRead + first.cacheWrite,
        first.output,
        first.cacheRead,
        first.cacheWrite,
        'exact',
      ],
      ['call', second.input, second.output, 0, 0, 'exact'],
    ]);
    expect(of(o.events, 'message').map((m) => m.text)).toEqual([
      'I will run a command.',
      'Done: the command printed hi.',
    ]);
    expect(
      of(o.events, 'message.delta')
        .map((d) => d.text)
        .join(''),
    ).toBe('I will run a command.Done: the command printed hi.');
    expect(last(o.events)).toMatchObject({
      type: 'run.completed',
      exitCode: 0,
      turns: 2,
      result: 'Done: the command printed hi.',
      usage: {
        input: 1550 + 1500,
        output: 64,
        cacheRead: 300,
        cacheWrite: 50,
        costSource: 'harness-estimate',
        source: 'result',
      },
    });
    const session = o.events[0]!;
    // the CLI's own session header matches the id omnigent reports
    expect(o.mock.messageRequests()[0]!.headers['x-claude-code-session-id']).toBe(session.sessionId);
    expect(o.mock.messageRequests()[0]!.url).toBe('/v1/messages?beta=true');
    expect(o.mock.messageRequests()[0]!.userText).toContain('Run echo hi for me');
  });

  it('read-file: a Read of a file in the working dir', async () => {
    const o = await runCase(byName('read-file'));
    expectWellFormed(o);
    expect(o.exitCode).toBe(0);
    expect(of(o.events, 'tool.started')[0]).toMatchObject({
      name: 'Read',
      kind: 'read',
      input: { file_path: join(o.workDir, 'notes.txt') },
    });
    const [done] = of(o.events, 'tool.completed');
    expect(done).toMatchObject({ name: 'Read', isError: false, status: 'ok' });
    expect(String(done!.output)).toMatch(/alpha[\s\S]*beta/);
    expect(last(o.events)).toMatchObject({ type: 'run.completed', usage: { input: 1900, output: 42 } });
  });

  it('write-file (accept-edits): the file is written and reported', async () => {
    const o = await runCase(byName('write-file'));
    expectWellFormed(o);
    expect(o.exitCode).toBe(0);
    const target = join(o.workDir, 'out.txt');
    expect(readFileSync(target, 'utf8')).toBe('written by the mock\n');
    expect(of(o.events, 'tool.completed')[0]).toMatchObject({ name: 'Write', isError: false, status: 'ok' });
    expect(of(o.events, 'file.changed')).toEqual([expect.objectContaining({ path: target, change: 'add' })]);
    expect(o.events[0]).toMatchObject({ details: { permissionMode: 'acceptEdits' } });
  });

  it('failing-command: exit 3 is a tool error with its exit code; the run itself succeeds', async () => {
    const o = await runCase(byName('failing-command'));
    expectWellFormed(o);
    expect(o.exitCode).toBe(0);
    expect(of(o.events, 'tool.completed')[0]).toMatchObject({
      name: 'Bash',
      isError: true,
      status: 'error',
      exitCode: 3,
      output: 'Exit code 3\noops',
    });
    expect(last(o.events).type).toBe('run.completed');
  });

  it('permission-denied: the blocked call is denied and nothing is created', async () => {
    const o = await runCase(byName('permission-denied'));
    expectWellFormed(o);
    expect(o.exitCode).toBe(0);
    expect(of(o.events, 'tool.completed')[0]).toMatchObject({ name: 'Bash', isError: true, status: 'denied' });
    expect(existsSync(join(o.workDir, 'created-by-mock.txt'))).toBe(false);
    expect(last(o.events).type).toBe('run.completed');
  });

  it('thinking: the reasoning is shown, the answer follows', async () => {
    const o = await runCase(byName('thinking'));
    expectWellFormed(o);
    const reasoning = of(o.events, 'reasoning');
    expect(reasoning.filter((r) => !r.delta).map((r) => r.text)).toEqual(['Two plus two is four.']);
    expect(
      reasoning
        .filter((r) => r.delta)
        .map((r) => r.text)
        .join(''),
    ).toBe('Two plus two is four.');
    expect(of(o.events, 'message').map((m) => m.text)).toEqual(['The answer is 4.']);
    expect(of(o.events, 'usage')[0]).toMatchObject({ input: 700, output: 55, confidence: 'exact' });
    // the CLI asked the API for thinking, so the mock's thinking block is a legitimate reply
    expect(o.mock.messageRequests()[0]!.body).toHaveProperty('thinking');
  });

  it('subagent: the sub-agent tool calls are nested under the Agent call; totals include the sub-agent', async () => {
    const o = await runCase(byName('subagent'));
    expectWellFormed(o);
    expect(o.exitCode).toBe(0);
    const agent = of(o.events, 'tool.started').find((t) => t.name === 'Agent')!;
    expect(agent).toMatchObject({ kind: 'agent', input: { prompt: 'SUBTASK: run echo from-sub' } });
    const sub = of(o.events, 'tool.started').find((t) => t.name === 'Bash')!;
    expect(sub.parentCallId).toBe(agent.callId);
    expect(of(o.events, 'tool.completed').find((t) => t.callId === sub.callId)).toMatchObject({
      output: 'from-sub',
      isError: false,
      parentCallId: agent.callId,
    });
    expect(String(of(o.events, 'tool.completed').find((t) => t.callId === agent.callId)!.output)).toContain(
      'Sub-agent result: from-sub.',
    );
    expect(last(o.events)).toMatchObject({
      type: 'run.completed',
      result: 'The sub-agent reported from-sub.',
      usage: { input: 10300, output: 105, confidence: 'exact' },
    });
    expect(o.mock.messageRequests()).toHaveLength(4);
  });

  it('overloaded-then-ok: one 529, a retry warning, then success', async () => {
    const o = await runCase(byName('overloaded-then-ok'));
    expectWellFormed(o);
    expect(o.exitCode).toBe(0);
    expect(of(o.events, 'warning').find((w) => w.code === 'api-retry')?.message).toContain('529');
    expect(last(o.events)).toMatchObject({
      type: 'run.completed',
      result: 'Hello after a retry.',
      usage: { input: 400, output: 6 },
    });
    expect(o.mock.messageRequests()).toHaveLength(2);
  });

  it('api-error-400: run.failed with the API error text, exit code 1', async () => {
    const o = await runCase(byName('api-error-400'));
    expectWellFormed(o);
    expect(o.exitCode).toBe(1);
    expect(last(o.events)).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: 'API Error: 400 mock: forced error',
      exitCode: 1,
    });
  });

  it('max-turns: run.failed with the CLI errors, exit code 1', async () => {
    const o = await runCase(byName('max-turns'));
    expectWellFormed(o);
    expect(o.exitCode).toBe(1);
    expect(last(o.events)).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      errors: ['Reached maximum number of turns (2)'],
      exitCode: 1,
    });
    expect(of(o.events, 'tool.completed').every((t) => t.status === 'ok')).toBe(true);
  });

  it('bypass as root: IS_SANDBOX lets bypassPermissions run and write without an allow rule', async () => {
    const c: ClaudeCase = { ...byName('write-file'), name: 'bypass-as-root', request: {} };
    const o = await runCase(c, ['--permission-mode', 'bypass']);
    expectWellFormed(o);
    expect(o.exitCode).toBe(0);
    expect(o.events[0]).toMatchObject({ details: { permissionMode: 'bypassPermissions' } });
    expect(readFileSync(join(o.workDir, 'out.txt'), 'utf8')).toBe('written by the mock\n');
  });

  it('read-only: a Write refused in plan mode is a denial, reported once, and nothing is written', async () => {
    const c: ClaudeCase = {
      name: 'read-only-write',
      prompt: 'Create out.txt',
      request: { permissionMode: 'read-only' },
      scenario: (dir) => ({
        turns: [
          {
            content: [{ type: 'tool_use', name: 'Write', input: { file_path: join(dir, 'out.txt'), content: 'x\n' } }],
          },
          { content: [{ type: 'text', text: 'I cannot write in read-only mode.' }] },
        ],
      }),
    };
    const o = await runCase(c);
    expectWellFormed(o);
    expect(o.exitCode).toBe(0);
    expect(o.events[0]).toMatchObject({ details: { permissionMode: 'plan' } });
    expect(of(o.events, 'tool.completed')[0]).toMatchObject({ name: 'Write', isError: true, status: 'denied' });
    expect(of(o.events, 'warning').filter((w) => w.code === 'permission-denied')).toHaveLength(0);
    expect(existsSync(join(o.workDir, 'out.txt'))).toBe(false);
    expect(last(o.events).type).toBe('run.completed');
  });

  it('hook events: a PreToolUse hook that blocks Bash is a denial plus a hook-error warning', async () => {
    const c: ClaudeCase = {
      name: 'hook-blocks-bash',
      prompt: 'Run echo hi',
      request: { allowedTools: ['Bash'] },
      scenario: (dir) => {
        mkdirSync(join(dir, '.claude'));
        writeFileSync(
          join(dir, '.claude', 'settings.json'),
          JSON.stringify({
            hooks: {
              PreToolUse: [
                { matcher: 'Bash', hooks: [{ type: 'command', command: 'echo blocked-by-hook >&2; exit 2' }] },
              ],
            },
          }),
        );
        return {
          turns: [
            { content: [{ type: 'tool_use', name: 'Bash', input: { command: 'echo hi', description: 'Print hi' } }] },
            { content: [{ type: 'text', text: 'The hook blocked it.' }] },
          ],
        };
      },
    };
    const o = await runCase(c, ['--arg=--include-hook-events']);
    expectWellFormed(o);
    expect(o.exitCode).toBe(0);
    expect(of(o.events, 'tool.completed')[0]).toMatchObject({ name: 'Bash', isError: true, status: 'denied' });
    const warning = of(o.events, 'warning').find((w) => w.code === 'hook-error');
    expect(warning?.message).toContain('PreToolUse:Bash');
    expect(warning?.message).toContain('blocked-by-hook');
    expect(of(o.events, 'status').map((s) => s.code)).toContain('hook-started');
  });

  it('system prompt flags: --system-prompt replaces and --append-system-prompt extends what the API receives', async () => {
    const c: ClaudeCase = {
      name: 'system-prompts',
      prompt: 'Say hello',
      scenario: () => ({ turns: [{ content: [{ type: 'text', text: 'Hello.' }] }] }),
    };
    const o = await runCase(c, [
      '--system-prompt',
      'SYSTEM-MARKER-7f3',
      '--append-system-prompt',
      'APPENDED-MARKER-9c1',
    ]);
    expectWellFormed(o);
    expect(o.exitCode, o.stderr).toBe(0);
    const system = JSON.stringify((o.mock.messageRequests()[0]!.body as { system?: unknown }).system);
    expect(system).toContain('SYSTEM-MARKER-7f3');
    expect(system).toContain('APPENDED-MARKER-9c1');
    // the CLI's own ~26 kB system prompt is gone
    expect(system.length).toBeLessThan(5000);
    expect(last(o.events)).toMatchObject({ type: 'run.completed', result: 'Hello.' });
  });

  it('resume: a second run with --resume keeps the session id and sends the history', async () => {
    const dirs = scratch();
    const scenario: MockAnthropicScenario = RESUME_SCENARIO;
    const mock = await startMockAnthropic(scenario);
    mocks.push(mock);
    const t0 = Date.now();
    const first = await omnigent('first question: pick a number', [], dirs, mock);
    expect(first.exitCode, first.stderr).toBe(0);
    const sessionId = first.events[0]!.sessionId!;
    expect(last(first.events)).toMatchObject({ type: 'run.completed', result: 'First answer: the number is 42.' });
    const second = await omnigent('second question: which number?', ['--resume', sessionId], dirs, mock);
    timings.resume = Date.now() - t0;
    expect(second.exitCode, second.stderr).toBe(0);
    expectWellFormed({ ...second, workDir: dirs.work, mock });
    expect(second.events[0]!.sessionId).toBe(sessionId);
    expect(last(second.events)).toMatchObject({
      type: 'run.completed',
      result: 'Second answer: still 42.',
      usage: { input: 800, output: 8 },
    });
    const resumed = mock.messageRequests().find((r) => r.userText?.includes('second question'))!;
    expect(JSON.stringify(resumed.body)).toContain('First answer: the number is 42.');
  });
});
