import { describe, expect, it } from 'vitest';
import type { NonTerminalDraft, RunRequest } from '@omnigent/core';
import { ofType, readTranscript, translateTranscript } from '@omnigent/testkit';
import { cursorCommand } from '../src/command.js';
import { cursorHarness } from '../src/plugin.js';
import { createCursorState } from '../src/state.js';
import { translateCursor } from '../src/translate.js';
import { normalizeCursorUsage } from '../src/usage.js';
import { ACTION_REQUIRED_STDERR, TRUST_STDERR, fixturePath } from './helpers.js';

/** Translate hand-written records (for cases no fixture covers). */
function translateRecords(records: unknown[], request: Partial<RunRequest> = {}) {
  const req: RunRequest = { prompt: 'p', ...request };
  const state = createCursorState(req);
  const events: NonTerminalDraft[] = [];
  for (const r of records)
    events.push(...translateCursor(r, state, { request: req, line: JSON.stringify(r), elapsedMs: 0 }));
  return { state, events };
}

const INIT = {
  type: 'system',
  subtype: 'init',
  apiKeySource: 'login',
  cwd: '/w',
  session_id: 's-1',
  model: 'Auto',
  permissionMode: 'default',
};

describe('official docs example (2025 shape)', () => {
  const { events, terminal } = translateTranscript(cursorHarness, fixturePath('official-read-write'));

  it('starts the session with the display model, the session id and the extras', () => {
    expect(events[0]).toEqual({
      type: 'session.started',
      cwd: '/Users/user/project',
      model: 'Claude 4 Sonnet',
      sessionId: 'c6b62c6f-7ead-4fd6-9922-e952131177ff',
      details: { permissionMode: 'default', apiKeySource: 'login' },
    });
  });

  it('keeps the prompt echo as one user message and each assistant segment as one message', () => {
    expect(ofType(events, 'message').map((m) => [m.role, m.text])).toEqual([
      ['user', 'Read README.md and create a summary'],
      ['assistant', "I'll read the README.md file"],
      ['assistant', "Based on the README, I'll create a summary"],
      ['assistant', 'Done! I created summary.txt.'],
    ]);
    expect(ofType(events, 'message.delta')).toHaveLength(0);
  });

  it('maps read and write calls with their inputs and outputs, and reports the written file', () => {
    const started = ofType(events, 'tool.started');
    expect(started.map((t) => [t.callId, t.name, t.kind])).toEqual([
      ['toolu_vrtx_01NnjaR886UcE8whekg2MGJd', 'readToolCall', 'read'],
      ['toolu_vrtx_01Q3VHVnW3tJHpVn5NGGbn2N', 'writeToolCall', 'write'],
    ]);
    expect(started[0]!.input).toEqual({ path: 'README.md' });
    const done = ofType(events, 'tool.completed');
    expect(done[0]).toMatchObject({
      isError: false,
      status: 'ok',
      output: { content: '# Project\n\nThis is a sample project.\n', totalLines: 54 },
    });
    expect(done[1]).toMatchObject({
      isError: false,
      output: { path: '/Users/user/project/summary.txt', linesCreated: 19 },
    });
    expect(ofType(events, 'file.changed')).toEqual([
      {
        type: 'file.changed',
        path: '/Users/user/project/summary.txt',
        change: 'add',
        callId: 'toolu_vrtx_01Q3VHVnW3tJHpVn5NGGbn2N',
      },
    ]);
  });

  it('counts a new model call each time text follows finished tools, and completes without usage', () => {
    expect(ofType(events, 'turn.started').map((t) => t.turn)).toEqual([1, 2, 3]);
    expect(ofType(events, 'turn.completed').map((t) => t.turn)).toEqual([1, 2, 3]);
    expect(ofType(events, 'usage')).toHaveLength(0);
    expect(terminal).toEqual({
      type: 'run.completed',
      turns: 3,
      result: "I'll read the README.md fileBased on the README, I'll create a summaryDone! I created summary.txt.",
    });
  });
});

describe('every tool kind (2026 shape with model_call_id)', () => {
  const { events, terminal } = translateTranscript(cursorHarness, fixturePath('all-tool-kinds'), {
    request: { model: 'auto' },
  });

  it('reports the display name as model and the requested id as requestedModel', () => {
    expect(events[0]).toMatchObject({
      type: 'session.started',
      model: 'Auto',
      requestedModel: 'auto',
      sessionId: 'f7d05f71-3c1e-4b8a-9d2e-6a0b4c8e1f93',
    });
  });

  it('names and classifies each kind', () => {
    const started = ofType(events, 'tool.started');
    expect(Object.fromEntries(started.map((t) => [t.callId, [t.name, t.kind]]))).toEqual({
      call_read_1: ['readToolCall', 'read'],
      call_ls_1: ['lsToolCall', 'search'],
      call_glob_1: ['globToolCall', 'search'],
      call_grep_1: ['grepToolCall', 'search'],
      call_write_1: ['writeToolCall', 'write'],
      call_edit_1: ['editToolCall', 'edit'],
      call_delete_1: ['deleteToolCall', 'write'],
      call_shell_1: ['shellToolCall', 'shell'],
      call_mcp_1: ['linear-get_issue', 'mcp'],
      call_todo_1: ['updateTodosToolCall', 'todo'],
      call_web_1: ['webFetchToolCall', 'web'],
      call_fn_1: ['multi_tool_use.parallel', 'other'],
      call_sem_1: ['semanticSearchToolCall', 'other'],
    });
    expect(started.find((t) => t.callId === 'call_fn_1')!.input).toEqual({
      tool_uses: [{ recipient_name: 'functions.Read', parameters: { path: 'a.txt' } }],
    });
    expect(started.find((t) => t.callId === 'call_mcp_1')!.input).toMatchObject({
      toolName: 'get_issue',
      providerIdentifier: 'linear',
      args: { id: 'ENG-42' },
    });
  });

  it('completes every call once, in completion order, with its output', () => {
    const done = ofType(events, 'tool.completed');
    expect(done.map((t) => t.callId).slice(0, 4)).toEqual(['call_glob_1', 'call_read_1', 'call_grep_1', 'call_ls_1']);
    expect(done).toHaveLength(13);
    expect(done.every((t) => !t.isError && t.status === 'ok')).toBe(true);
    const shell = done.find((t) => t.callId === 'call_shell_1')!;
    expect(shell.exitCode).toBe(0);
    expect(shell.output).toMatchObject({ exitCode: 0, stdout: 'ok 1 - tidy\n', stderr: '' });
    expect(done.find((t) => t.callId === 'call_mcp_1')).toMatchObject({
      name: 'linear-get_issue',
      output: 'ENG-42: Tidy the project',
    });
    // normalized MCP ref: the server as named in mcp.json (providerIdentifier) and the tool
    const started = ofType(events, 'tool.started');
    expect(started.find((t) => t.callId === 'call_mcp_1')!.mcp).toEqual({ server: 'linear', tool: 'get_issue' });
    expect(done.find((t) => t.callId === 'call_mcp_1')!.mcp).toEqual({ server: 'linear', tool: 'get_issue' });
    expect(started.filter((t) => t.kind !== 'mcp').every((t) => t.mcp === undefined)).toBe(true);
    expect(done.find((t) => t.callId === 'call_web_1')!.output).toMatchObject({
      markdown: '# Style guide\nUse semicolons.\n',
    });
  });

  it('reports written, edited and deleted files with absolute paths', () => {
    expect(ofType(events, 'file.changed').map((f) => [f.change, f.path, f.callId])).toEqual([
      ['add', '/work/project/NOTES.md', 'call_write_1'],
      ['update', '/work/project/src/index.ts', 'call_edit_1'],
      ['delete', '/work/project/src/old.ts', 'call_delete_1'],
    ]);
  });

  it('groups calls into turns by model_call_id (4 model calls)', () => {
    const turnOf = new Map<string, number>();
    let turn = 0;
    for (const e of events) {
      if (e.type === 'turn.started') turn = e.turn;
      if (e.type === 'tool.started') turnOf.set(e.callId, turn);
    }
    expect(Object.fromEntries(turnOf)).toEqual({
      call_read_1: 1,
      call_ls_1: 1,
      call_glob_1: 1,
      call_grep_1: 1,
      call_write_1: 2,
      call_edit_1: 2,
      call_delete_1: 2,
      call_shell_1: 2,
      call_mcp_1: 3,
      call_todo_1: 3,
      call_web_1: 3,
      call_fn_1: 3,
      call_sem_1: 3,
    });
    expect(ofType(events, 'turn.started')).toHaveLength(4);
    const lastMessage = ofType(events, 'message').at(-1)!;
    expect(lastMessage.text).toBe('All tidy: tests pass and ENG-42 is done.');
  });

  it('turns thinking deltas into reasoning deltas plus one whole block', () => {
    expect(ofType(events, 'reasoning')).toEqual([
      { type: 'reasoning', text: '**Surveying', delta: true },
      { type: 'reasoning', text: ' the project**', delta: true },
      { type: 'reasoning', text: '**Surveying the project**' },
    ]);
  });

  it('emits ONE run usage with input including cache reads and writes', () => {
    const usage = ofType(events, 'usage');
    expect(usage).toEqual([
      {
        type: 'usage',
        scope: 'run',
        source: 'result',
        confidence: 'partial',
        input: 13112 + 7808 + 0,
        output: 28,
        cacheRead: 7808,
        cacheWrite: 0,
        model: 'Auto',
      },
    ]);
    expect(terminal).toMatchObject({
      type: 'run.completed',
      turns: 4,
      usage: { input: 20920, output: 28, cacheRead: 7808, cacheWrite: 0, source: 'result', confidence: 'partial' },
    });
  });
});

describe('error, rejected and failing tool results', () => {
  const { events, terminal } = translateTranscript(cursorHarness, fixturePath('tool-failures'));
  const done = Object.fromEntries(ofType(events, 'tool.completed').map((t) => [t.callId, t]));

  it('marks errors with the error message', () => {
    expect(done.call_err_1).toMatchObject({
      name: 'readToolCall',
      isError: true,
      status: 'error',
      output: 'File not found: missing.txt',
    });
  });

  it('marks rejected calls as denied errors with the reason', () => {
    expect(done.call_rej_1).toMatchObject({
      name: 'shellToolCall',
      isError: true,
      status: 'denied',
      output: 'Blocked by preToolUse hook',
    });
    // the completed line carries no args: the name comes from the started line
    expect(done.toolu_test_001).toMatchObject({
      name: 'bitbucket_R1-get_pull_request',
      isError: true,
      status: 'denied',
      output: 'MCP tool execution rejected by user: bitbucket_R1-get_pull_request ',
      // the completed line has no args either: the MCP server comes from the started line too
      mcp: { server: 'bitbucket_R1', tool: 'get_pull_request' },
    });
  });

  it('treats a non-zero shell exit and an MCP isError as errors', () => {
    expect(done.call_exit_1).toMatchObject({
      isError: true,
      status: 'error',
      exitCode: 1,
      output: { stderr: 'boom\n', exitCode: 1 },
    });
    expect(done.call_mcp_err).toMatchObject({
      name: 'linear-get_issue',
      isError: true,
      status: 'error',
      output: 'Issue NOPE-1 not found',
    });
  });

  it('reports no file change for failed calls, and the run still completes (exit 0)', () => {
    expect(ofType(events, 'file.changed')).toHaveLength(0);
    expect(terminal?.type).toBe('run.completed');
  });
});

describe('thinking without partial output', () => {
  const { events, terminal } = translateTranscript(cursorHarness, fixturePath('thinking'));

  it('emits the deltas, then the whole block, then the answer, in one turn', () => {
    const kinds = events
      .filter((e) => e.type === 'reasoning' || e.type === 'message')
      .map((e) => (e.type === 'reasoning' ? `r${e.delta ? 'Δ' : ''}` : `m:${e.role}`));
    expect(kinds).toEqual(['m:user', 'rΔ', 'rΔ', 'rΔ', 'r', 'm:assistant']);
    expect(ofType(events, 'reasoning').at(-1)!.text).toBe('**Adding numbers**\n\nTwo plus two is four.');
    expect(ofType(events, 'turn.started')).toHaveLength(1);
    expect(terminal).toMatchObject({ type: 'run.completed', result: '4', turns: 1 });
  });
});

describe('--stream-partial-output', () => {
  const { events, terminal } = translateTranscript(cursorHarness, fixturePath('partial-output'), {
    request: { options: { streamPartialOutput: true } },
  });

  it('never doubles text: deltas as message.delta, exactly one message per segment', () => {
    const assistant = ofType(events, 'message').filter((m) => m.role === 'assistant');
    expect(assistant.map((m) => m.text)).toEqual(["I'll check.", 'PONG']);
    expect(ofType(events, 'message.delta').map((d) => d.text)).toEqual(["I'll ", 'check.', 'PO', 'NG']);
    expect(assistant.map((m) => m.text).join('')).toBe(terminal?.result);
    expect(
      assistant
        .map((m) => m.text)
        .join('')
        .match(/PONG/g),
    ).toHaveLength(1);
  });

  it('has the deltas of each segment add up to the message that follows them', () => {
    let pending = '';
    for (const e of events) {
      if (e.type === 'message.delta') pending += e.text;
      if (e.type === 'message' && e.role === 'assistant') {
        expect(pending).toBe(e.text);
        pending = '';
      }
    }
    expect(pending).toBe('');
  });

  it('reads the run usage with cache reads folded into input', () => {
    expect(ofType(events, 'usage')[0]).toMatchObject({
      input: 19270 + 38208 + 0,
      output: 473,
      cacheRead: 38208,
      cacheWrite: 0,
    });
  });

  it('still gives one message when the consolidated line never comes', () => {
    const records = readTranscript(fixturePath('partial-output')).filter(
      (r) =>
        JSON.stringify(r) !==
        JSON.stringify({
          type: 'assistant',
          message: { role: 'assistant', content: [{ type: 'text', text: 'PONG' }] },
          session_id: '8e2d6b1a-44c0-4f7e-a3b9-5c1d0e7f9a26',
        }),
    );
    const { events: ev } = translateRecords(records);
    expect(
      ofType(ev, 'message')
        .filter((m) => m.role === 'assistant')
        .map((m) => m.text),
    ).toEqual(["I'll check.", 'PONG']);
  });
});

describe('call ids with a newline', () => {
  const { events, terminal } = translateTranscript(cursorHarness, fixturePath('newline-call-id'));
  const id = 'call-973a51c2d8e04f6b-0\nfc_8b6e2d7f41a9c035_0';

  it('keeps the id intact and matches start and end', () => {
    expect(ofType(events, 'tool.started').map((t) => t.callId)).toEqual([id]);
    expect(ofType(events, 'tool.completed').map((t) => t.callId)).toEqual([id]);
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({
      exitCode: 0,
      isError: false,
      output: { stdout: '2026-11-24\n' },
    });
    expect(terminal?.type).toBe('run.completed');
  });

  it('takes the duration from startedAtMs/completedAtMs when the CLI sends them', () => {
    expect(ofType(events, 'tool.completed')[0]!.durationMs).toBe(42);
  });

  it('serializes every event on one line (the newline stays escaped)', () => {
    for (const e of events) expect(JSON.stringify(e)).not.toContain('\n');
  });
});

describe('interaction_query', () => {
  const { events, terminal } = translateTranscript(cursorHarness, fixturePath('interaction-query'));

  it('becomes a warning naming the query type, and the run goes on', () => {
    const warnings = ofType(events, 'warning').filter((w) => w.code === 'interaction-query');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('shellRequestQuery');
    expect(warnings[0]!.message).toContain('stdin closed');
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({
      callId: 'call_npm_1',
      status: 'denied',
      output: 'No approval received',
    });
    expect(terminal?.type).toBe('run.completed');
  });
});

describe('failure truth', () => {
  it('ActionRequiredError: init + user, then exit 1 without a result', () => {
    const { events, terminal } = translateTranscript(cursorHarness, fixturePath('action-required'), {
      request: { model: 'claude-4.5-opus' },
      exit: { exitCode: 1, stderrTail: ACTION_REQUIRED_STDERR },
    });
    expect(events.map((e) => e.type)).toEqual(['session.started', 'message']);
    expect(terminal).toMatchObject({ type: 'run.failed', reason: 'exit', stderrTail: ACTION_REQUIRED_STDERR });
    expect(terminal?.type === 'run.failed' && terminal.message).toContain('ActionRequiredError');
    expect(terminal?.type === 'run.failed' && terminal.message).toContain('--model auto');
    expect(terminal?.type === 'run.failed' && terminal.message).toContain('without a result line');
  });

  it('Workspace Trust Required: nothing on stdout, exit 1', () => {
    const { events, terminal } = translateTranscript(cursorHarness, fixturePath('trust-required'), {
      exit: { exitCode: 1, stderrTail: TRUST_STDERR },
    });
    expect(events).toEqual([]);
    expect(terminal).toMatchObject({ type: 'run.failed', reason: 'exit', stderrTail: TRUST_STDERR });
    expect(terminal?.type === 'run.failed' && terminal.message).toContain('Workspace Trust Required');
  });

  it('a sign-in problem points at CURSOR_API_KEY and cursor-agent login', () => {
    const { terminal } = translateTranscript(cursorHarness, fixturePath('trust-required'), {
      exit: { exitCode: 1, stderrTail: 'Error: Authentication required. Please run `cursor-agent login`' },
    });
    expect(terminal?.type === 'run.failed' && terminal.message).toContain(
      'set CURSOR_API_KEY or run `cursor-agent login`',
    );
  });

  it('result is_error fails the run even with exit 0, and keeps the usage it reported', () => {
    const { terminal, events } = translateTranscript(cursorHarness, fixturePath('result-is-error'));
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      result: 'Model provider returned an error: overloaded',
    });
    expect(terminal?.type === 'run.failed' && terminal.message).toBe(
      'Cursor reported an error (error): Model provider returned an error: overloaded',
    );
    // no cache figures were sent: they stay undefined, never 0
    expect(ofType(events, 'usage')).toEqual([
      { type: 'usage', scope: 'run', source: 'result', confidence: 'partial', input: 1200, output: 0, model: 'Auto' },
    ]);
  });

  it('EOF without a result (exit 0) fails and closes the running tool and turn', () => {
    const { events, terminal } = translateTranscript(cursorHarness, fixturePath('eof-without-result'));
    expect(events.slice(-2)).toEqual([
      {
        type: 'tool.completed',
        callId: 'call_build_1',
        name: 'shellToolCall',
        output: null,
        isError: true,
        status: 'interrupted',
      },
      { type: 'turn.completed', turn: 1 },
    ]);
    expect(terminal).toMatchObject({ type: 'run.failed', reason: 'exit', turns: 1 });
    expect(terminal?.type === 'run.failed' && terminal.message).toBe(
      'cursor-agent exited with code 0 without a result line and printed nothing on stderr',
    );
  });

  it('a result line followed by a non-zero exit is still a failure', () => {
    const { terminal } = translateTranscript(cursorHarness, fixturePath('official-read-write'), {
      exit: { exitCode: 3, stderrTail: 'fatal: crashed on exit' },
    });
    expect(terminal).toMatchObject({ type: 'run.failed', reason: 'exit' });
    expect(terminal?.type === 'run.failed' && terminal.message).toBe(
      'cursor-agent exited with code 3 after its result line (stderr: fatal: crashed on exit)',
    );
  });

  it('a signal without a result line says so', () => {
    const { terminal } = translateTranscript(cursorHarness, fixturePath('action-required'), {
      exit: { signal: 'SIGKILL', stderrTail: '' },
    });
    expect(terminal?.type === 'run.failed' && terminal.message).toBe(
      'cursor-agent was killed by SIGKILL without a result line and printed nothing on stderr',
    );
  });
});

describe('robustness', () => {
  it('warns about unknown record types and values without a type, and reports other system lines as status', () => {
    const { events } = translateRecords([
      INIT,
      { type: 'telemetry', x: 1 },
      [1, 2],
      { type: 'system', subtype: 'compact' },
    ]);
    expect(events.map((e) => [e.type, 'code' in e ? e.code : undefined])).toEqual([
      ['session.started', undefined],
      ['warning', 'unknown-record'],
      ['warning', 'unknown-record'],
      ['status', 'system-compact'],
    ]);
  });

  it('starts a call that only ever completes, and ignores a repeated completion', () => {
    const done = {
      type: 'tool_call',
      subtype: 'completed',
      call_id: 'c9',
      tool_call: { grepToolCall: { args: { pattern: 'x' }, result: { success: { matches: 0 } } } },
    };
    const { events } = translateRecords([INIT, done, done]);
    expect(events.filter((e) => e.type.startsWith('tool.')).map((e) => e.type)).toEqual([
      'tool.started',
      'tool.completed',
    ]);
    expect(ofType(events, 'tool.started')[0]).toMatchObject({
      callId: 'c9',
      name: 'grepToolCall',
      kind: 'search',
      input: { pattern: 'x' },
    });
  });

  it('finds the kind key beside the extras some builds put inside tool_call', () => {
    const { events } = translateRecords([
      INIT,
      {
        type: 'tool_call',
        subtype: 'started',
        call_id: 'c1',
        tool_call: { toolCallId: 'c1', hookAdditionalContexts: {}, readToolCall: { args: { path: 'a' } } },
      },
    ]);
    expect(ofType(events, 'tool.started')[0]).toMatchObject({ name: 'readToolCall', kind: 'read' });
  });

  it('turns a progress line of a running call into tool.updated', () => {
    const { events } = translateRecords([
      INIT,
      {
        type: 'tool_call',
        subtype: 'started',
        call_id: 'c1',
        tool_call: { shellToolCall: { args: { command: 'make' } } },
      },
      {
        type: 'tool_call',
        subtype: 'progress',
        call_id: 'c1',
        tool_call: { shellToolCall: { result: { partial: 'cc -c a.c' } } },
      },
    ]);
    expect(ofType(events, 'tool.updated')).toEqual([
      { type: 'tool.updated', callId: 'c1', name: 'shellToolCall', output: { partial: 'cc -c a.c' } },
    ]);
  });

  it('warns once per option cursor-agent cannot honour, through command() warnings (the one route)', () => {
    const request = { prompt: 'p', maxTurns: 3, systemPrompt: 'be brief', disallowedTools: ['Shell'] };
    expect(cursorCommand(request).warnings).toEqual([
      'cursor-agent has no --max-turns; the turn limit was not applied',
      'cursor-agent has no system-prompt flag; --system-prompt was not applied',
      'cursor-agent has no supported tool deny flag; disallowed tools were not applied (use .cursor/hooks.json)',
    ]);
    expect(cursorCommand({ prompt: 'p' }).warnings).toBeUndefined();
    // neither the translator nor finish() repeats them, with or without a session
    expect(ofType(translateTranscript(cursorHarness, [INIT], { request }).events, 'warning')).toEqual([]);
    expect(
      translateTranscript(cursorHarness, [], { request, exit: { exitCode: 1, stderrTail: TRUST_STDERR } }).events,
    ).toEqual([]);
  });
});

describe('normalizeCursorUsage', () => {
  it('adds cache reads and writes to input and keeps absent figures undefined', () => {
    expect(
      normalizeCursorUsage({ inputTokens: 100, outputTokens: 5, cacheReadTokens: 50, cacheWriteTokens: 7 }),
    ).toEqual({ input: 157, output: 5, cacheRead: 50, cacheWrite: 7 });
    expect(normalizeCursorUsage({ outputTokens: 5 })).toEqual({ output: 5 });
    expect(normalizeCursorUsage({})).toBeUndefined();
    expect(normalizeCursorUsage(undefined)).toBeUndefined();
  });
});
