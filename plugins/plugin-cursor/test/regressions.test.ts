// Regression tests from the second review against shared/reference/harness-claude-cursor.md §2-§3:
// each test is named after the bug it pins down.
import { describe, expect, it } from 'vitest';
import type { ExitInfo, RunRequest } from '@omnigent/core';
import { ofType, translateTranscript } from '@omnigent/testkit';
import { cursorCommand } from '../src/command.js';
import { cursorHarness } from '../src/plugin.js';
import { identifyTool } from '../src/tools.js';

const run = (lines: unknown[], request: Partial<RunRequest> = {}, exit: Partial<ExitInfo> = {}) =>
  translateTranscript(cursorHarness, lines, { request, exit });

const SID = 'c6b62c6f-7ead-4fd6-9922-e952131177ff';
const init = {
  type: 'system',
  subtype: 'init',
  apiKeySource: 'env',
  cwd: '/w',
  session_id: SID,
  model: 'Auto',
  permissionMode: 'default',
};
const ok = {
  type: 'result',
  subtype: 'success',
  duration_ms: 10,
  duration_api_ms: 10,
  is_error: false,
  result: 'done',
  session_id: SID,
};

describe('second review: Cursor translator', () => {
  it('a function tool whose result is a plain string keeps it as the output', () => {
    const { events } = run([
      init,
      {
        type: 'tool_call',
        subtype: 'started',
        call_id: 'f1',
        tool_call: { function: { name: 'web_search', arguments: '{"q":"omnigent"}' } },
        session_id: SID,
      },
      {
        type: 'tool_call',
        subtype: 'completed',
        call_id: 'f1',
        tool_call: { function: { name: 'web_search', arguments: '{"q":"omnigent"}', result: 'found 3 pages' } },
        session_id: SID,
      },
      ok,
    ]);
    expect(ofType(events, 'tool.started')[0]).toMatchObject({
      name: 'web_search',
      kind: 'other',
      input: { q: 'omnigent' },
    });
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({
      callId: 'f1',
      name: 'web_search',
      output: 'found 3 pages',
      isError: false,
      status: 'ok',
    });
  });

  it('reads startedAtMs/completedAtMs inside the tool_call object too', () => {
    const { events } = run([
      init,
      {
        type: 'tool_call',
        subtype: 'started',
        call_id: 'r1',
        tool_call: { readToolCall: { args: { path: 'a.txt' } }, toolCallId: 'r1', startedAtMs: '1789467300100' },
        session_id: SID,
      },
      {
        type: 'tool_call',
        subtype: 'completed',
        call_id: 'r1',
        tool_call: {
          readToolCall: { args: { path: 'a.txt' }, result: { success: { content: 'hi' } } },
          toolCallId: 'r1',
          startedAtMs: '1789467300100',
          completedAtMs: '1789467300175',
        },
        session_id: SID,
      },
      ok,
    ]);
    expect(ofType(events, 'tool.started')[0]).toMatchObject({ name: 'readToolCall', kind: 'read' });
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({ output: { content: 'hi' }, durationMs: 75 });
  });

  it('a result with an error subtype fails the run even when is_error is missing', () => {
    const { terminal } = run([
      init,
      { type: 'result', subtype: 'error', duration_ms: 5, result: 'Model provider returned an error', session_id: SID },
    ]);
    expect(terminal).toMatchObject({ type: 'run.failed', reason: 'error' });
    expect(terminal && 'message' in terminal ? terminal.message : '').toContain('Model provider returned an error');
  });

  it('maps the other tool keys seen in public adapters (webSearch, todo, find) to their kinds', () => {
    expect(identifyTool({ webSearchToolCall: { args: { searchTerm: 'x' } } })).toMatchObject({
      name: 'webSearchToolCall',
      kind: 'web',
    });
    expect(identifyTool({ todoToolCall: { args: {} } })).toMatchObject({ name: 'todoToolCall', kind: 'todo' });
    expect(identifyTool({ findToolCall: { args: { query: 'x' } } })).toMatchObject({
      name: 'findToolCall',
      kind: 'search',
    });
    // a key nobody has seen yet still works, as kind other
    expect(identifyTool({ brandNewToolCall: { args: { a: 1 } } })).toMatchObject({
      name: 'brandNewToolCall',
      kind: 'other',
      input: { a: 1 },
    });
  });

  it('an error result worded as error.message (not errorMessage) keeps that text as the output', () => {
    const { events } = run([
      init,
      {
        type: 'tool_call',
        subtype: 'started',
        call_id: 'e1',
        tool_call: { readToolCall: { args: { path: 'gone.txt' } } },
        session_id: SID,
      },
      {
        type: 'tool_call',
        subtype: 'completed',
        call_id: 'e1',
        tool_call: {
          readToolCall: { args: { path: 'gone.txt' }, result: { error: { message: 'File not found: gone.txt' } } },
        },
        session_id: SID,
      },
      ok,
    ]);
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({
      output: 'File not found: gone.txt',
      isError: true,
      status: 'error',
    });
  });

  it('warns that a provider other than cursor is not applied', () => {
    expect(cursorCommand({ prompt: 'p', provider: 'openai' }).warnings?.join('\n')).toContain('openai');
    expect(cursorCommand({ prompt: 'p', provider: 'cursor' }).warnings).toBeUndefined();
  });

  it("bug: tool durations were arrival times at omnigent; they come from the CLI's timestamp_ms of the started and completed lines", () => {
    const started = {
      type: 'tool_call',
      subtype: 'started',
      call_id: 's1',
      tool_call: { shellToolCall: { args: { command: 'make' } } },
      session_id: SID,
      timestamp_ms: 1789467005740,
    };
    const completed = {
      type: 'tool_call',
      subtype: 'completed',
      call_id: 's1',
      tool_call: { shellToolCall: { args: { command: 'make' }, result: { success: { exitCode: 0, stdout: '' } } } },
      session_id: SID,
      timestamp_ms: 1789467007017,
    };
    expect(ofType(run([init, started, completed, ok]).events, 'tool.completed')[0]!.durationMs).toBe(1277);
    // no usable timestamp on either line: left to the runner (arrival time), never a guess
    const { timestamp_ms: _drop, ...bare } = completed;
    expect(ofType(run([init, started, bare, ok]).events, 'tool.completed')[0]!.durationMs).toBeUndefined();
    expect(
      ofType(run([init, started, { ...completed, timestamp_ms: 1 }, ok]).events, 'tool.completed')[0]!.durationMs,
    ).toBeUndefined();
  });
});
