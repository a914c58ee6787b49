// Regression tests from the second review against shared/reference/harness-claude-cursor.md §2-§3:
// each test is named after the bug it pins down.
import { describe, expect, it } from 'vitest';
import type { NonTerminalDraft, RunRequest } from '@omnigent/core';
import { createCursorState, finishCursor, translateCursor } from '../src/translate.js';
import { identifyTool } from '../src/tools.js';
import { ofType } from './helpers.js';

function run(lines: unknown[], request: Partial<RunRequest> = {}, exit: { exitCode?: number; stderrTail?: string } = { exitCode: 0 }) {
  const req: RunRequest = { prompt: 'p', ...request };
  const state = createCursorState(req);
  const events: NonTerminalDraft[] = [];
  for (const l of lines) events.push(...translateCursor(l, state, { request: req, line: JSON.stringify(l), elapsedMs: 0 }));
  const fin = finishCursor(state, { stderrTail: '', durationMs: 1, ...exit });
  return { events: [...events, ...(fin.events ?? [])], terminal: fin.terminal };
}

const SID = 'c6b62c6f-7ead-4fd6-9922-e952131177ff';
const init = { type: 'system', subtype: 'init', apiKeySource: 'env', cwd: '/w', session_id: SID, model: 'Auto', permissionMode: 'default' };
const ok = { type: 'result', subtype: 'success', duration_ms: 10, duration_api_ms: 10, is_error: false, result: 'done', session_id: SID };

describe('second review: Cursor translator', () => {
  it('a function tool whose result is a plain string keeps it as the output', () => {
    const { events } = run([
      init,
      { type: 'tool_call', subtype: 'started', call_id: 'f1', tool_call: { function: { name: 'web_search', arguments: '{"q":"omnigent"}' } }, session_id: SID },
      { type: 'tool_call', subtype: 'completed', call_id: 'f1', tool_call: { function: { name: 'web_search', arguments: '{"q":"omnigent"}', result: 'found 3 pages' } }, session_id: SID },
      ok,
    ]);
    expect(ofType(events, 'tool.started')[0]).toMatchObject({ name: 'web_search', kind: 'other', input: { q: 'omnigent' } });
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({ callId: 'f1', name: 'web_search', output: 'found 3 pages', isError: false, status: 'ok' });
  });

  it('reads startedAtMs/completedAtMs inside the tool_call object too', () => {
    const { events } = run([
      init,
      { type: 'tool_call', subtype: 'started', call_id: 'r1', tool_call: { readToolCall: { args: { path: 'a.txt' } }, toolCallId: 'r1', startedAtMs: '1789467300100' }, session_id: SID },
      {
        type: 'tool_call',
        subtype: 'completed',
        call_id: 'r1',
        tool_call: { readToolCall: { args: { path: 'a.txt' }, result: { success: { content: 'hi' } } }, toolCallId: 'r1', startedAtMs: '1789467300100', completedAtMs: '1789467300175' },
        session_id: SID,
      },
      ok,
    ]);
    expect(ofType(events, 'tool.started')[0]).toMatchObject({ name: 'readToolCall', kind: 'read' });
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({ output: { content: 'hi' }, durationMs: 75 });
  });

  it('a result with an error subtype fails the run even when is_error is missing', () => {
    const { terminal } = run([init, { type: 'result', subtype: 'error', duration_ms: 5, result: 'Model provider returned an error', session_id: SID }]);
    expect(terminal).toMatchObject({ type: 'run.failed', reason: 'error' });
    expect(terminal && 'message' in terminal ? terminal.message : '').toContain('Model provider returned an error');
  });

  it('maps the other tool keys seen in public adapters (webSearch, todo, find) to their kinds', () => {
    expect(identifyTool({ webSearchToolCall: { args: { searchTerm: 'x' } } })).toMatchObject({ name: 'webSearchToolCall', kind: 'web' });
    expect(identifyTool({ todoToolCall: { args: {} } })).toMatchObject({ name: 'todoToolCall', kind: 'todo' });
    expect(identifyTool({ findToolCall: { args: { query: 'x' } } })).toMatchObject({ name: 'findToolCall', kind: 'search' });
    // a key nobody has seen yet still works, as kind other
    expect(identifyTool({ brandNewToolCall: { args: { a: 1 } } })).toMatchObject({ name: 'brandNewToolCall', kind: 'other', input: { a: 1 } });
  });

  it('an error result worded as error.message (not errorMessage) keeps that text as the output', () => {
    const { events } = run([
      init,
      { type: 'tool_call', subtype: 'started', call_id: 'e1', tool_call: { readToolCall: { args: { path: 'gone.txt' } } }, session_id: SID },
      { type: 'tool_call', subtype: 'completed', call_id: 'e1', tool_call: { readToolCall: { args: { path: 'gone.txt' }, result: { error: { message: 'File not found: gone.txt' } } } }, session_id: SID },
      ok,
    ]);
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({ output: 'File not found: gone.txt', isError: true, status: 'error' });
  });

  it('warns that a provider other than cursor is not applied', () => {
    const { events } = run([init, ok], { provider: 'openai' });
    expect(ofType(events, 'warning').map((w) => w.message).join('\n')).toContain('openai');
    expect(ofType(run([init, ok], { provider: 'cursor' }).events, 'warning')).toHaveLength(0);
  });
});
