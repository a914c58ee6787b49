import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRun, type OmnigentEvent } from '@omnigent/core';
import { isAlive } from '@omnigent/core/internal';
import { acpHarness } from '../src/index.js';
import type { AcpAgentScript, AcpAgentStep } from '@omnigent/testkit';
import { assertRunInvariants } from '@omnigent/testkit/conformance';
import { describe, expect, it } from 'vitest';
import { ofType, processesOfRun, runScripted, said } from './support/run.js';

const workdir = (): string => mkdtempSync(join(tmpdir(), 'omnigent-acp-'));

// a tool call that asks permission first, then completes or fails as the answer says
function guarded(id: string, kind: string, title: string, content: unknown[] = []): AcpAgentStep[] {
  return [
    {
      update: {
        sessionUpdate: 'tool_call',
        toolCallId: id,
        title,
        kind,
        status: 'pending',
        rawInput: { title },
        content,
      },
    },
    {
      permission: { toolCallId: id, title, kind },
      allowed: [
        { update: { sessionUpdate: 'tool_call_update', toolCallId: id, status: 'completed', rawOutput: { ok: true } } },
      ],
      rejected: [{ update: { sessionUpdate: 'tool_call_update', toolCallId: id, status: 'failed' } }],
    },
  ];
}

const TOOLS: AcpAgentScript = {
  steps: [
    ...guarded('read-1', 'read', 'Read README.md'),
    ...guarded('edit-1', 'edit', 'Edit a.txt'),
    ...guarded('exec-1', 'execute', 'Run npm test'),
    { say: 'end' },
  ],
};

describe('ACP mapping (scripted real ACP agent over stdio)', () => {
  it('streams text as deltas and one message, reasoning, tool calls, plan, usage with cost; session details carry the capabilities', async () => {
    const cwd = workdir();
    const { events, terminal } = await runScripted(
      {
        agentInfo: { name: 'scripted', title: 'Scripted agent', version: '4.5.6' },
        usage: {
          inputTokens: 100,
          outputTokens: 20,
          cachedReadTokens: 50,
          cachedWriteTokens: 5,
          thoughtTokens: 7,
          totalTokens: 182,
        },
        steps: [
          { update: { sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: 'let me ' } } },
          { update: { sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: 'think' } } },
          { say: 'I will edit the file.' },
          {
            update: {
              sessionUpdate: 'plan',
              entries: [
                { content: 'edit', priority: 'high', status: 'in_progress' },
                { content: 'test', priority: 'low', status: 'pending' },
              ],
            },
          },
          {
            update: {
              sessionUpdate: 'tool_call',
              toolCallId: 'c1',
              title: 'Edit src/a.ts',
              kind: 'edit',
              status: 'in_progress',
              rawInput: { file: 'src/a.ts' },
              content: [{ type: 'diff', path: join(cwd, 'src/a.ts'), oldText: 'a', newText: 'b' }],
            },
          },
          {
            update: {
              sessionUpdate: 'tool_call_update',
              toolCallId: 'c1',
              status: 'completed',
              content: [{ type: 'content', content: { type: 'text', text: 'edited' } }],
            },
          },
          {
            update: {
              sessionUpdate: 'tool_call',
              toolCallId: 'c2',
              title: 'mcp__docs__search',
              kind: 'other',
              status: 'pending',
              rawInput: { q: 'x' },
            },
          },
          {
            update: {
              sessionUpdate: 'tool_call_update',
              toolCallId: 'c2',
              status: 'failed',
              rawOutput: { error: 'boom' },
            },
          },
          {
            update: {
              sessionUpdate: 'tool_call',
              toolCallId: 'c3',
              title: 'Create new.txt',
              kind: 'edit',
              status: 'pending',
              content: [{ type: 'diff', path: join(cwd, 'new.txt'), newText: 'n' }],
            },
          },
          { update: { sessionUpdate: 'tool_call_update', toolCallId: 'c3', status: 'completed' } },
          {
            update: {
              sessionUpdate: 'usage_update',
              used: 5000,
              size: 200000,
              cost: { amount: 0.0123, currency: 'USD' },
            },
          },
          { say: 'Done.' },
        ],
      },
      { cwd },
    );
    assertRunInvariants(events);
    const started = ofType(events, 'session.started')[0]!;
    expect(started).toMatchObject({
      sessionId: 'scripted-1',
      harnessVersion: '4.5.6',
      cwd,
      details: {
        protocol: 'acp',
        agent: { name: 'scripted', version: '4.5.6' },
        capabilities: { loadSession: false, mcpCapabilities: { http: true } },
      },
    });
    expect(
      ofType(events, 'reasoning')
        .filter((r) => !r.delta)
        .map((r) => r.text),
    ).toEqual(['let me think']);
    const messages = ofType(events, 'message').map((m) => m.text);
    expect(messages).toEqual(['I will edit the file.', 'Done.']);
    expect(
      ofType(events, 'message.delta')
        .map((d) => d.text)
        .join(''),
    ).toBe('I will edit the file.Done.');
    expect(ofType(events, 'status').find((s) => s.code === 'plan')).toMatchObject({
      message: 'plan: 0/2 done; now: edit',
    });
    expect(ofType(events, 'tool.started').map((t) => [t.callId, t.kind])).toEqual([
      ['c1', 'edit'],
      ['c2', 'mcp'],
      ['c3', 'edit'],
    ]);
    expect(ofType(events, 'tool.started')[1]).toMatchObject({ mcp: { server: 'docs', tool: 'search' } });
    expect(ofType(events, 'tool.completed').map((t) => [t.callId, t.status])).toEqual([
      ['c1', 'ok'],
      ['c2', 'error'],
      ['c3', 'ok'],
    ]);
    expect(ofType(events, 'file.changed').map((f) => [f.path, f.change, f.callId])).toEqual([
      [join(cwd, 'src/a.ts'), 'update', 'c1'],
      [join(cwd, 'new.txt'), 'add', 'c3'],
    ]);
    // ACP input excludes cache (totalTokens sums every kind); omnigent's input includes it
    const usage = ofType(events, 'usage');
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({
      scope: 'turn',
      input: 155,
      output: 20,
      cacheRead: 50,
      cacheWrite: 5,
      reasoning: 7,
      costUsd: 0.0123,
      costSource: 'harness-estimate',
      source: 'result',
      confidence: 'exact',
    });
    expect(terminal).toMatchObject({
      type: 'run.completed',
      result: 'Done.',
      turns: 1,
      usage: { input: 155, costUsd: 0.0123 },
    });
  });

  it('regression: a call announced with an empty input starts with the input of its next update (the Claude adapter does this)', async () => {
    const { events } = await runScripted({
      steps: [
        {
          update: {
            sessionUpdate: 'tool_call',
            toolCallId: 'b1',
            title: 'Terminal',
            kind: 'execute',
            status: 'pending',
            rawInput: {},
          },
        },
        {
          update: {
            sessionUpdate: 'tool_call_update',
            toolCallId: 'b1',
            title: 'ls -la',
            rawInput: { command: 'ls -la' },
          },
        },
        { update: { sessionUpdate: 'tool_call_update', toolCallId: 'b1', status: 'completed' } },
      ],
    });
    assertRunInvariants(events);
    expect(ofType(events, 'tool.started')).toMatchObject([
      { callId: 'b1', kind: 'shell', input: { command: 'ls -la' } },
    ]);
  });

  it('a tool without an ACP kind gets one from its well-known name; without a diff, its locations report what changed on disk', async () => {
    const cwd = workdir();
    const made = join(cwd, 'made.txt');
    const kept = join(cwd, 'kept.txt');
    const gone = join(cwd, 'gone.txt');
    writeFileSync(kept, 'old');
    writeFileSync(gone, 'old');
    const call = (id: string, name: string, path: string, then: AcpAgentStep): AcpAgentStep[] => [
      {
        update: {
          sessionUpdate: 'tool_call',
          toolCallId: id,
          title: name,
          status: 'in_progress',
          rawInput: { path },
          locations: [{ path }],
        },
      },
      then,
      { update: { sessionUpdate: 'tool_call_update', toolCallId: id, status: 'completed' } },
    ];
    const { events } = await runScripted(
      {
        steps: [
          ...call('w', 'write', made, { writeFile: { path: made, content: 'new' } }),
          ...call('e', 'edit', kept, { writeFile: { path: kept, content: 'changed' } }),
          ...call('b', 'bash', kept, { terminal: { command: 'true' } }),
          {
            update: {
              sessionUpdate: 'tool_call',
              toolCallId: 'd',
              title: 'delete',
              kind: 'delete',
              status: 'in_progress',
              locations: [{ path: gone }],
            },
          },
          { terminal: { command: `rm ${gone}` } },
          { update: { sessionUpdate: 'tool_call_update', toolCallId: 'd', status: 'completed' } },
        ],
      },
      { cwd, permissionMode: 'bypass' },
    );
    expect(ofType(events, 'tool.started').map((t) => [t.name, t.kind])).toEqual([
      ['write', 'edit'],
      ['edit', 'edit'],
      ['bash', 'shell'],
      ['delete', 'write'],
    ]);
    // fs/write_text_file reported the two writes; the call locations add nothing twice; bash is no file kind
    const changes = ofType(events, 'file.changed').map((f) => [f.path, f.change]);
    expect(changes).toEqual([
      [made, 'add'],
      [kept, 'update'],
      [gone, 'delete'],
    ]);
  });

  it('an agent that reports no usage gets no usage figures (absent, never 0)', async () => {
    const { events, terminal } = await runScripted({ steps: [{ say: 'hi' }] });
    expect(ofType(events, 'usage')).toEqual([]);
    expect(terminal.type).toBe('run.completed');
    expect(terminal).not.toHaveProperty('usage');
  });

  it('stop reasons: refusal and max_turn_requests fail, max_tokens completes with a warning', async () => {
    expect((await runScripted({ stopReason: 'refusal' })).terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: expect.stringContaining('refusal'),
    });
    expect((await runScripted({ stopReason: 'max_turn_requests' })).terminal).toMatchObject({
      type: 'run.failed',
      message: expect.stringContaining('max_turn_requests'),
    });
    const max = await runScripted({ stopReason: 'max_tokens' });
    expect(max.terminal.type).toBe('run.completed');
    expect(ofType(max.events, 'warning').map((w) => w.code)).toContain('max-output-tokens');
  });
});

describe('permission requests answered by --permission-mode (each answer is an event)', () => {
  const decisions = (events: Awaited<ReturnType<typeof runScripted>>['events']) =>
    Object.fromEntries(
      events
        .filter(
          (e) =>
            (e.type === 'status' || e.type === 'warning') &&
            (e.code === 'permission' || e.code === 'permission-denied'),
        )
        .map((e) => {
          const p = (e as { raw: { permission: { callId: string; decision: string } } }).raw.permission;
          return [p.callId, p.decision];
        }),
    );

  it('read-only allows looking, rejects edits and commands; a rejected call completes as denied and changes nothing', async () => {
    const { events, terminal } = await runScripted(TOOLS, { permissionMode: 'read-only' });
    assertRunInvariants(events);
    expect(decisions(events)).toEqual({ 'read-1': 'allow', 'edit-1': 'reject', 'exec-1': 'reject' });
    expect(said(events)).toContain('permission: no');
    expect(ofType(events, 'tool.completed').map((t) => [t.callId, t.status])).toEqual([
      ['read-1', 'ok'],
      ['edit-1', 'denied'],
      ['exec-1', 'denied'],
    ]);
    expect(ofType(events, 'warning').filter((w) => w.code === 'permission-denied')).toHaveLength(2);
    expect(terminal.type).toBe('run.completed');
  });

  it('accept-edits allows edits, still rejects commands (no rule allows them)', async () => {
    const { events } = await runScripted(TOOLS, { permissionMode: 'accept-edits' });
    expect(decisions(events)).toEqual({ 'read-1': 'allow', 'edit-1': 'allow', 'exec-1': 'reject' });
  });

  it('bypass allows everything', async () => {
    const { events } = await runScripted(TOOLS, { permissionMode: 'bypass' });
    expect(decisions(events)).toEqual({ 'read-1': 'allow', 'edit-1': 'allow', 'exec-1': 'allow' });
    expect(ofType(events, 'tool.completed').every((t) => t.status === 'ok')).toBe(true);
  });

  it('default mode follows the allow/deny lists of the options (deny wins), --allowed-tools counts as allow', async () => {
    const none = await runScripted(TOOLS, {});
    expect(decisions(none.events)).toEqual({ 'read-1': 'allow', 'edit-1': 'reject', 'exec-1': 'reject' });
    const listed = await runScripted(TOOLS, {
      options: { permissions: { allow: ['execute', 'edit'], deny: ['Edit *'] } },
    });
    expect(decisions(listed.events)).toEqual({ 'read-1': 'allow', 'edit-1': 'reject', 'exec-1': 'allow' });
    const flags = await runScripted(TOOLS, { allowedTools: ['Run npm *'] });
    expect(decisions(flags.events)).toEqual({ 'read-1': 'allow', 'edit-1': 'reject', 'exec-1': 'allow' });
    const fallback = await runScripted(TOOLS, { options: { permissions: { fallback: 'allow', deny: ['read'] } } });
    expect(decisions(fallback.events)).toEqual({ 'read-1': 'reject', 'edit-1': 'allow', 'exec-1': 'allow' });
  });
});

describe('client fs/* and terminal/* served inside the run cwd', () => {
  it('reads and writes inside the cwd; refuses paths outside it, also through a symlink', async () => {
    const cwd = workdir();
    const outside = workdir();
    writeFileSync(join(cwd, 'in.txt'), 'line1\nline2\n');
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(outside, join(cwd, 'link'));
    const { events, terminal } = await runScripted(
      {
        steps: [
          { readFile: join(cwd, 'in.txt') },
          { readFile: join(outside, 'secret.txt') },
          { readFile: join(cwd, 'link', 'secret.txt') },
          { readFile: join(cwd, '..', 'x') },
          { writeFile: { path: join(cwd, 'sub', 'new.txt'), content: 'made' } },
          { writeFile: { path: join(cwd, 'link', 'evil.txt'), content: 'no' } },
        ],
      },
      { cwd },
    );
    expect(terminal.type).toBe('run.completed');
    const text = said(events);
    expect(text).toContain('read: line1\nline2');
    expect(text).not.toContain('secret\n');
    expect(text.match(/read refused: .*outside the run's working directory/g)).toHaveLength(3);
    expect(readFileSync(join(cwd, 'sub', 'new.txt'), 'utf8')).toBe('made');
    expect(existsSync(join(outside, 'evil.txt'))).toBe(false);
    expect(ofType(events, 'file.changed')).toMatchObject([{ path: join(cwd, 'sub', 'new.txt'), change: 'add' }]);
    expect(ofType(events, 'warning').filter((w) => w.code === 'client-request-refused')).toHaveLength(4);
  });

  it('read-only refuses writes and terminals; an unknown client method is refused, never hangs', async () => {
    const cwd = workdir();
    const { events, terminal } = await runScripted(
      {
        steps: [
          { writeFile: { path: join(cwd, 'w.txt'), content: 'x' } },
          { terminal: { command: 'touch made' } },
          { call: 'x/unknown' },
        ],
      },
      { cwd, permissionMode: 'read-only' },
    );
    expect(terminal.type).toBe('run.completed');
    expect(said(events)).toMatch(/write refused: .*read-only/);
    expect(said(events)).toMatch(/terminal refused: .*read-only/);
    expect(said(events)).toMatch(/x\/unknown refused/);
    expect(existsSync(join(cwd, 'w.txt'))).toBe(false);
    expect(existsSync(join(cwd, 'made'))).toBe(false);
  });

  it('runs a terminal command in the cwd and returns its exit code and output', async () => {
    const cwd = workdir();
    mkdirSync(join(cwd, 'd'));
    const { events } = await runScripted(
      { steps: [{ terminal: { command: 'ls; exit 3' } }] },
      { cwd, permissionMode: 'bypass' },
    );
    expect(said(events)).toContain('terminal: exit 3 output d');
    expect(ofType(events, 'status').find((s) => s.code === 'terminal')?.message).toContain('ls; exit 3');
  });

  it('options fs: false / terminal: false: not advertised, and refused if the agent asks anyway', async () => {
    const cwd = workdir();
    writeFileSync(join(cwd, 'f'), 'x');
    const { events } = await runScripted(
      { steps: [{ readFile: join(cwd, 'f') }, { terminal: { command: 'true' } }] },
      { cwd, options: { fs: false, terminal: false } },
    );
    expect(said(events)).toMatch(/read refused: .*fs: false/);
    expect(said(events)).toMatch(/terminal refused: .*terminal: false/);
  });
});

describe('a command that is not an ACP agent', () => {
  const notAcp = async (script: string, options: Record<string, unknown> = {}) => {
    const run = startRun({
      plugin: acpHarness,
      bin: process.execPath,
      request: { prompt: 'x', extraArgs: ['-e', script], options },
    });
    const events: OmnigentEvent[] = [];
    run.bus.on('*', (e) => void events.push(e));
    const terminal = await run.result();
    return { events, terminal, pid: run.pid };
  };

  it('one that prints text and exits: the text is kept as a warning and the failure names it', async () => {
    const { events, terminal } = await notAcp("console.log('Usage: my-agent [--acp]')");
    assertRunInvariants(events);
    expect(ofType(events, 'warning').find((w) => w.code === 'unparsed-line')?.raw).toBe('Usage: my-agent [--acp]');
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: expect.stringContaining('it printed "Usage: my-agent [--acp]": is it an ACP agent'),
    });
  });

  it('one that stays silent: fails after options.startTimeout instead of waiting for the idle watchdog, and is stopped', async () => {
    const started = Date.now();
    const { terminal, pid } = await notAcp('setInterval(() => {}, 1000)', { startTimeout: 1 });
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: expect.stringContaining('did not answer the ACP initialize request within 1s'),
    });
    expect(Date.now() - started).toBeLessThan(8000);
    expect(isAlive(pid!)).toBe(false);
  });
});

describe('cancel, crash, resume, model, auth', () => {
  it('abort sends session/cancel: the agent ends its turn cancelled, the run is aborted, no process of the run is left', async () => {
    const started = Date.now();
    const { events, terminal } = await runScripted(
      { steps: [{ say: 'working' }, { waitForCancel: true }, { say: 'never' }] },
      {},
      { abortAfterMs: 800, cancelGraceMs: 20_000 },
    );
    assertRunInvariants(events);
    expect(terminal).toMatchObject({ type: 'run.failed', reason: 'aborted' });
    // it ended through the cancel, well before the 20 s grace would have let the kill path run
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(said(events)).not.toContain('never');
    expect(processesOfRun(terminal.runId)).toEqual([]);
  });

  it('an agent that ignores the cancel and stays up is killed after the grace: aborted, nothing left in /proc', async () => {
    const { terminal, pid } = await runScripted(
      { ignoreStdinEnd: true, ignoreCancel: true, steps: [{ sleepMs: 60_000 }] },
      {},
      { abortAfterMs: 500, cancelGraceMs: 300 },
    );
    expect(terminal).toMatchObject({ type: 'run.failed', reason: 'aborted' });
    expect(isAlive(pid!)).toBe(false);
    expect(processesOfRun(terminal.runId)).toEqual([]);
  });

  it('an agent that crashes mid-turn fails the run with its exit code and stderr; open tool calls are closed', async () => {
    const { events, terminal } = await runScripted({
      steps: [
        {
          update: { sessionUpdate: 'tool_call', toolCallId: 'k', title: 'Run', kind: 'execute', status: 'in_progress' },
        },
        { crash: { code: 3, stderr: 'agent: out of memory' } },
      ],
    });
    assertRunInvariants(events);
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'exit',
      exitCode: 3,
      message: expect.stringContaining('out of memory'),
    });
    expect(ofType(events, 'tool.completed')).toMatchObject([{ callId: 'k', status: 'interrupted' }]);
  });

  it('the inactivity watchdog cancels a silent agent: reason timeout', async () => {
    const { terminal } = await runScripted({ steps: [{ waitForCancel: true }] }, {}, { inactivityMs: 700 });
    expect(terminal).toMatchObject({ type: 'run.failed', reason: 'timeout' });
  });

  it('--resume loads the session (history replayed by the agent is not re-emitted as new events)', async () => {
    const history = [{ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'OLD ANSWER' } }];
    const { events, terminal } = await runScripted(
      { loadSession: true, history, steps: [{ say: 'new answer' }] },
      { resume: 'sess-42' },
    );
    expect(terminal).toMatchObject({ type: 'run.completed', result: 'new answer' });
    expect(ofType(events, 'session.started')[0]).toMatchObject({
      sessionId: 'sess-42',
      details: { resumed: true, replayedUpdates: 1 },
    });
    expect(said(events)).not.toContain('OLD ANSWER');
  });

  it('--resume against an agent without loadSession fails with a clear message', async () => {
    const { terminal } = await runScripted({ loadSession: false }, { resume: 'sess-42' });
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: expect.stringContaining('cannot resume'),
    });
  });

  it('--model switches the session model when the agent offers models, else warns', async () => {
    const ok = await runScripted({ models: ['small', 'big'] }, { model: 'big' });
    expect(ofType(ok.events, 'session.started')[0]).toMatchObject({ model: 'big' });
    const bad = await runScripted({ models: ['small'] }, { model: 'huge' });
    expect(ofType(bad.events, 'warning').find((w) => w.code === 'unsupported-option')?.message).toMatch(
      /did not switch to model huge.*offers small/,
    );
    const none = await runScripted({}, { model: 'x' });
    expect(ofType(none.events, 'warning').find((w) => w.code === 'unsupported-option')?.message).toContain(
      'offers no model choice',
    );
  });

  it("options.modes sets the agent's own mode for the permission mode; an unknown one is a warning", async () => {
    const ok = await runScripted(
      { modes: ['ask', 'full'] },
      { permissionMode: 'bypass', options: { modes: { bypass: 'full' } } },
    );
    expect(ofType(ok.events, 'session.started')[0]).toMatchObject({ details: { modes: { currentModeId: 'full' } } });
    const bad = await runScripted(
      { modes: ['ask'] },
      { permissionMode: 'bypass', options: { modes: { bypass: 'yolo' } } },
    );
    expect(ofType(bad.events, 'warning').find((w) => w.code === 'unsupported-option')?.message).toContain(
      'did not switch to its mode "yolo"',
    );
    const untouched = await runScripted(
      { modes: ['ask', 'full'] },
      { permissionMode: 'read-only', options: { modes: { bypass: 'full' } } },
    );
    expect(ofType(untouched.events, 'session.started')[0]).toMatchObject({
      details: { modes: { currentModeId: 'ask' } },
    });
  });

  it('MCP servers of the request reach session/new in ACP form (stdio as is, http when the agent takes it)', async () => {
    const cwd = workdir();
    const { events } = await runScripted(
      { steps: [{ tellSession: true }] },
      {
        cwd,
        mcpServers: {
          docs: { type: 'stdio', command: 'docs-mcp', args: ['--stdio'], env: { TOKEN: 't' } },
          web: { type: 'http', url: 'http://127.0.0.1:9/mcp', headers: { authorization: 'Bearer x' } },
        },
      },
    );
    const sent = JSON.parse(said(events).replace(/^session: /, '')) as { cwd: string; mcpServers: unknown[] };
    expect(sent.cwd).toBe(cwd);
    expect(sent.mcpServers).toEqual([
      { name: 'docs', command: 'docs-mcp', args: ['--stdio'], env: [{ name: 'TOKEN', value: 't' }] },
      {
        type: 'http',
        name: 'web',
        url: 'http://127.0.0.1:9/mcp',
        headers: [{ name: 'authorization', value: 'Bearer x' }],
      },
    ]);
  });

  it('an agent that needs authentication fails with what to do', async () => {
    const { terminal } = await runScripted({
      authMethods: [{ id: 'login', name: 'Log in with the CLI' }],
      newSessionError: { code: -32000, message: 'Authentication required' },
    });
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: expect.stringMatching(/needs authentication.*Log in with the CLI/),
    });
  });

  it('request fields ACP cannot carry are reported as warnings, not dropped', async () => {
    const { events } = await runScripted({}, { systemPrompt: 'be terse', maxTurns: 3 });
    const w = ofType(events, 'warning')
      .filter((x) => x.code === 'unsupported-option')
      .map((x) => x.message);
    expect(w.some((m) => m.includes('--system-prompt'))).toBe(true);
    expect(w.some((m) => m.includes('--max-turns'))).toBe(true);
  });
});
