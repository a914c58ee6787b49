import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExitInfo, NonTerminalDraft } from '@omnigent/core';
import { ofType, translateTranscript } from '@omnigent/testkit';
import { claudeCode } from '../src/plugin.js';
import { createClaudeState } from '../src/state.js';
import { toolKind } from '../src/tools.js';
import { translateClaude } from '../src/translate.js';
import { FIXTURES, RECORDED_EXIT, fixture } from './helpers.js';

/** Every text block's deltas must equal the whole message that follows them, and no text twice. */
function expectDeltasMatchMessages(events: NonTerminalDraft[]): void {
  let pending = '';
  for (const e of events) {
    if (e.type === 'message.delta') pending += e.text;
    if (e.type === 'message' && e.role === 'assistant') {
      if (pending !== '') expect(pending).toBe(e.text);
      pending = '';
    }
  }
  expect(pending, 'no dangling deltas').toBe('');
}

function run(lines: unknown[], exit: Partial<ExitInfo> = {}) {
  return translateTranscript(claudeCode, lines, { request: { prompt: 'x' }, exit });
}

const SID = '11111111-2222-3333-4444-555555555555';
const init = {
  type: 'system',
  subtype: 'init',
  cwd: '/w',
  session_id: SID,
  model: 'claude-sonnet-4-5',
  tools: ['Bash'],
  claude_code_version: '2.1.197',
};
const okResult = {
  type: 'result',
  subtype: 'success',
  is_error: false,
  num_turns: 1,
  result: 'ok',
  session_id: SID,
  total_cost_usd: 0.5,
  modelUsage: {
    m: { inputTokens: 10, outputTokens: 2, cacheReadInputTokens: 3, cacheCreationInputTokens: 4, costUSD: 0.5 },
  },
};

describe('shared transcripts of the real CLI (2.1.197)', () => {
  it('include-partial-messages: deltas + one message per text block, exact per-call usage, run totals', () => {
    const { events, terminal } = translateTranscript(claudeCode, fixture('shared/include-partial-messages.jsonl'));
    const [session] = ofType(events, 'session.started');
    expect(session).toMatchObject({
      sessionId: '56575174-52e3-4e8d-b40d-e1b91f75d4a7',
      model: 'claude-sonnet-4-5',
      harnessVersion: '2.1.197',
      cwd: '<RUN>/work',
    });
    expect(session!.tools).toContain('Bash');
    expect(ofType(events, 'message').map((m) => m.text)).toEqual([
      'I will run a command.',
      'Done: the tool ran and printed its output. Final answer from the mock.',
    ]);
    expectDeltasMatchMessages(events);
    expect(ofType(events, 'usage').map((u) => [u.scope, u.callId, u.input, u.output, u.source, u.confidence])).toEqual([
      ['call', 'msg_mock0004', 8486, 40, 'stream', 'exact'],
      ['call', 'msg_mock0006', 8563, 24, 'stream', 'exact'],
    ]);
    expect(ofType(events, 'turn.started').map((t) => t.turn)).toEqual([1, 2]);
    expect(ofType(events, 'turn.completed').map((t) => t.usage?.output)).toEqual([40, 24]);
    expect(ofType(events, 'tool.started')).toEqual([
      {
        type: 'tool.started',
        callId: 'toolu_mock0002',
        name: 'Bash',
        kind: 'shell',
        input: { command: 'echo hi', description: 'Print hi' },
      },
    ]);
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({
      callId: 'toolu_mock0002',
      output: 'hi',
      isError: false,
      status: 'ok',
      exitCode: 0,
    });
    expect(terminal).toMatchObject({
      type: 'run.completed',
      turns: 2,
      result: 'Done: the tool ran and printed its output. Final answer from the mock.',
      usage: {
        input: 17049,
        output: 64,
        costUsd: 0.052107,
        costSource: 'harness-estimate',
        source: 'result',
        confidence: 'exact',
      },
    });
  });

  it('basic-bash-tool (no stream events): whole blocks only, never a summed assistant usage', () => {
    const { events, terminal } = translateTranscript(claudeCode, fixture('shared/basic-bash-tool.jsonl'));
    expect(ofType(events, 'message.delta')).toHaveLength(0);
    expect(ofType(events, 'message').map((m) => m.text)).toHaveLength(2);
    for (const u of ofType(events, 'usage')) {
      // the assistant line's output_tokens is a start-of-message snapshot (1): never reported
      expect(u.output).toBeUndefined();
      expect(u.confidence).toBe('partial');
    }
    expect(terminal?.type).toBe('run.completed');
  });

  it('api-error-400: subtype success with is_error true is a failure carrying the API error text', () => {
    const { events, terminal } = translateTranscript(claudeCode, fixture('shared/api-error-400.jsonl'), {
      exit: { exitCode: 1 },
    });
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: 'API Error: 400 mock: forced error',
      exitCode: 1,
    });
    expect(ofType(events, 'warning').map((w) => w.code)).toContain('api-error');
    // the synthetic assistant message is not model output
    expect(ofType(events, 'message')).toHaveLength(0);
  });

  it('max-turns-2: error_max_turns -> run.failed with errors[] and num_turns', () => {
    const { terminal } = translateTranscript(claudeCode, fixture('shared/max-turns-2.jsonl'), {
      exit: { exitCode: 1 },
    });
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: 'Reached maximum number of turns (2)',
      errors: ['Reached maximum number of turns (2)'],
      turns: 3,
    });
  });

  it('resume-second-run: the session id is kept across --resume', () => {
    const first = ofType(
      translateTranscript(claudeCode, fixture('shared/resume-second-run-1.jsonl')).events,
      'session.started',
    )[0]!;
    const second = ofType(
      translateTranscript(claudeCode, fixture('shared/resume-second-run-2.jsonl')).events,
      'session.started',
    )[0]!;
    expect(second.sessionId).toBe(first.sessionId);
  });

  it('stream-json-without-verbose: no stdout, exit 1 -> run.failed "exit" with the stderr text', () => {
    const stderr = readFileSync(join(FIXTURES, 'shared/stream-json-without-verbose.stderr.txt'), 'utf8').trim();
    const { terminal } = run([], { exitCode: 1, stderrTail: stderr });
    expect(terminal).toMatchObject({ type: 'run.failed', reason: 'exit', exitCode: 1, stderrTail: stderr });
    expect(terminal && 'message' in terminal ? terminal.message : '').toContain('requires --verbose');
  });

  it('output-format-json-verbose: a JSON array is reported as a warning, not dropped', () => {
    const record: unknown = JSON.parse(readFileSync(join(FIXTURES, 'shared/output-format-json-verbose.json'), 'utf8'));
    const { events } = run([record]);
    expect(events[0]).toMatchObject({ type: 'warning', code: 'unknown-record' });
  });
});

describe('transcripts recorded from the real CLI against the mock', () => {
  it('recorded every case with the exit code the CLI had', () => {
    expect(Object.fromEntries(Object.entries(RECORDED_EXIT).map(([k, v]) => [k, v.exitCode]))).toMatchObject({
      'bash-tool': 0,
      'api-error-400': 1,
      'max-turns': 1,
      'overloaded-then-ok': 0,
      'permission-denied': 0,
    });
  });

  it('bash-tool: per-call input includes cache read + write', () => {
    const { events } = translateTranscript(claudeCode, fixture('bash-tool.jsonl'));
    const [first, second] = ofType(events, 'usage');
    expect(first).toMatchObject({
      input: 1200 + 300 + 50,
      cacheRead: 300,
      cacheWrite: 50,
      output: 40,
      confidence: 'exact',
      model: 'claude-sonnet-4-5',
    });
    expect(second).toMatchObject({ input: 1500, output: 24 });
    expectDeltasMatchMessages(events);
  });

  it('read-file: Read -> kind read; a missing is_error is a success', () => {
    const { events } = translateTranscript(claudeCode, fixture('read-file.jsonl'));
    expect(ofType(events, 'tool.started')[0]).toMatchObject({
      name: 'Read',
      kind: 'read',
      input: { file_path: '<RUN>/work/notes.txt' },
    });
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({
      name: 'Read',
      isError: false,
      status: 'ok',
      output: '1\talpha\n2\tbeta\n3\t',
    });
  });

  it('write-file: Write -> kind write and a file.changed add', () => {
    const { events } = translateTranscript(claudeCode, fixture('write-file.jsonl'));
    expect(ofType(events, 'tool.started')[0]).toMatchObject({ name: 'Write', kind: 'write' });
    expect(ofType(events, 'file.changed')).toEqual([
      { type: 'file.changed', path: '<RUN>/work/out.txt', change: 'add', callId: 'toolu_mock0002' },
    ]);
  });

  it('failing-command: exit 3 -> isError, status error, exitCode 3; the run still completes', () => {
    const { events, terminal } = translateTranscript(claudeCode, fixture('failing-command.jsonl'));
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({
      output: 'Exit code 3\noops',
      isError: true,
      status: 'error',
      exitCode: 3,
    });
    expect(terminal?.type).toBe('run.completed');
  });

  it('permission-denied: the blocked call ends with status denied, once', () => {
    const { events, terminal } = translateTranscript(claudeCode, fixture('permission-denied.jsonl'));
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({ name: 'Bash', isError: true, status: 'denied' });
    expect(ofType(events, 'warning').filter((w) => w.code === 'permission-denied')).toHaveLength(0);
    expect(terminal?.type).toBe('run.completed');
  });

  it('thinking: reasoning deltas and the whole block, then the answer', () => {
    const { events } = translateTranscript(claudeCode, fixture('thinking.jsonl'));
    const reasoning = ofType(events, 'reasoning');
    expect(
      reasoning
        .filter((r) => r.delta)
        .map((r) => r.text)
        .join(''),
    ).toBe('Two plus two is four.');
    expect(reasoning.filter((r) => !r.delta).map((r) => r.text)).toEqual(['Two plus two is four.']);
    expect(ofType(events, 'message').map((m) => m.text)).toEqual(['The answer is 4.']);
    expect(ofType(events, 'usage')[0]).toMatchObject({ input: 700, output: 55 });
  });

  it('subagent: nested calls carry parentCallId; run usage comes from modelUsage (sub-agent included)', () => {
    const { events, terminal } = translateTranscript(claudeCode, fixture('subagent.jsonl'));
    const [agent, sub] = ofType(events, 'tool.started');
    expect(agent).toMatchObject({ name: 'Agent', kind: 'agent', input: { prompt: 'SUBTASK: run echo from-sub' } });
    expect(agent!.parentCallId).toBeUndefined();
    expect(sub).toMatchObject({ name: 'Bash', input: { command: 'echo from-sub' }, parentCallId: agent!.callId });
    const done = ofType(events, 'tool.completed');
    expect(done.find((d) => d.callId === sub!.callId)).toMatchObject({
      output: 'from-sub',
      parentCallId: agent!.callId,
    });
    expect(String(done.find((d) => d.callId === agent!.callId)!.output)).toMatch(/^Sub-agent result: from-sub\./);
    expect(ofType(events, 'message').find((m) => m.role === 'user')).toMatchObject({
      text: 'SUBTASK: run echo from-sub',
      parentCallId: agent!.callId,
    });
    expect(ofType(events, 'status').map((s) => s.code)).toEqual(
      expect.arrayContaining(['task-started', 'task-progress', 'task-notification']),
    );
    // sub-agent calls have no stream events: exact input, unknown output
    const subUsage = ofType(events, 'usage').find((u) => u.parentCallId === agent!.callId);
    expect(subUsage).toMatchObject({ input: 3000, confidence: 'partial' });
    expect(subUsage).not.toHaveProperty('output');
    expect(ofType(events, 'turn.started')).toHaveLength(2);
    expect(terminal).toMatchObject({
      type: 'run.completed',
      usage: { input: 2000 + 3000 + 3100 + 2200, output: 60 + 25 + 9 + 11 },
    });
  });

  it('overloaded-then-ok: the 529 retry is a warning api-retry; the run completes', () => {
    const { events, terminal } = translateTranscript(claudeCode, fixture('overloaded-then-ok.jsonl'));
    const retry = ofType(events, 'warning').find((w) => w.code === 'api-retry');
    expect(retry?.message).toContain('529');
    expect(terminal).toMatchObject({
      type: 'run.completed',
      result: 'Hello after a retry.',
      usage: { input: 400, output: 6 },
    });
  });

  it('api-error-400 and max-turns recordings fail with the reason a user needs', () => {
    expect(
      translateTranscript(claudeCode, fixture('api-error-400.jsonl'), { exit: { exitCode: 1 } }).terminal,
    ).toMatchObject({ type: 'run.failed', reason: 'error', message: 'API Error: 400 mock: forced error' });
    expect(
      translateTranscript(claudeCode, fixture('max-turns.jsonl'), { exit: { exitCode: 1 } }).terminal,
    ).toMatchObject({ type: 'run.failed', errors: ['Reached maximum number of turns (2)'] });
  });

  it('resume: both runs report the same session id', () => {
    const a = ofType(translateTranscript(claudeCode, fixture('resume-run1.jsonl')).events, 'session.started')[0]!;
    const b = ofType(translateTranscript(claudeCode, fixture('resume-run2.jsonl')).events, 'session.started')[0]!;
    expect(b.sessionId).toBe(a.sessionId);
  });
});

describe('cases the fixtures do not show', () => {
  it('maps tool names to kinds', () => {
    const table: Record<string, string> = {
      Bash: 'shell',
      Read: 'read',
      Write: 'write',
      Edit: 'edit',
      MultiEdit: 'edit',
      NotebookEdit: 'edit',
      Grep: 'search',
      Glob: 'search',
      LS: 'search',
      WebFetch: 'web',
      WebSearch: 'web',
      mcp__github__create_issue: 'mcp',
      Agent: 'agent',
      Task: 'agent',
      TodoWrite: 'todo',
      Skill: 'other',
    };
    for (const [name, kind] of Object.entries(table)) expect(toolKind(name), name).toBe(kind);
  });

  it('a successful result but a non-zero exit is a failure with the exit code', () => {
    const { terminal } = run([init, okResult], { exitCode: 2, stderrTail: 'boom' });
    expect(terminal).toMatchObject({ type: 'run.failed', reason: 'exit', exitCode: 2, stderrTail: 'boom' });
  });

  it('exit 0 without a result line (stdin-from-file pitfall) is a failure, not a silent success', () => {
    expect(run([init], { exitCode: 0 }).terminal).toMatchObject({ type: 'run.failed', reason: 'exit' });
  });

  it('error_during_execution with errors[] fails with them', () => {
    const { terminal } = run(
      [
        init,
        { type: 'result', subtype: 'error_during_execution', is_error: true, errors: ['a', 'b'], session_id: SID },
      ],
      { exitCode: 1 },
    );
    expect(terminal).toMatchObject({ type: 'run.failed', reason: 'error', message: 'a; b', errors: ['a', 'b'] });
  });

  it('run usage normalizes input to include cache, sums models, and keeps cost as a harness estimate', () => {
    const { terminal } = run([
      init,
      {
        ...okResult,
        modelUsage: {
          ...okResult.modelUsage,
          haiku: { inputTokens: 5, outputTokens: 1, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
        },
      },
    ]);
    expect(terminal).toMatchObject({
      type: 'run.completed',
      usage: {
        input: 10 + 3 + 4 + 5,
        output: 3,
        cacheRead: 3,
        cacheWrite: 4,
        costUsd: 0.5,
        costSource: 'harness-estimate',
        source: 'result',
        confidence: 'exact',
      },
    });
  });

  it('unknown system subtypes and line types become status events, never dropped', () => {
    const { events } = run([
      init,
      { type: 'system', subtype: 'compact_boundary', session_id: SID },
      { type: 'rate_limit_event', session_id: SID },
      'not an object',
      okResult,
    ]);
    expect(events.map((e) => [e.type, 'code' in e ? e.code : undefined])).toEqual(
      expect.arrayContaining([
        ['status', 'compact-boundary'],
        ['status', 'rate-limit-event'],
        ['warning', 'unknown-record'],
      ]),
    );
  });

  it('system/permission_denied before the tool result marks the call denied; result denials not yet shown become warnings', () => {
    const tool = {
      type: 'assistant',
      message: {
        id: 'm1',
        content: [
          { type: 'tool_use', id: 't1', name: 'Write', input: { file_path: '/x' } },
          { type: 'tool_use', id: 't2', name: 'mcp__srv__do', input: {} },
        ],
      },
    };
    const { events } = run([
      init,
      tool,
      { type: 'system', subtype: 'permission_denied', tool_use_id: 't1' },
      {
        type: 'user',
        message: {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't1', content: 'nope', is_error: true }],
        },
      },
      {
        type: 'user',
        message: {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't2', content: 'refused by hook', is_error: true }],
        },
      },
      {
        ...okResult,
        permission_denials: [
          { tool_name: 'Write', tool_use_id: 't1' },
          { tool_name: 'mcp__srv__do', tool_use_id: 't2' },
        ],
      },
    ]);
    const done = ofType(events, 'tool.completed');
    expect(done.map((d) => [d.callId, d.status])).toEqual([
      ['t1', 'denied'],
      ['t2', 'error'],
    ]);
    expect(ofType(events, 'tool.started')[1]).toMatchObject({ kind: 'mcp' });
    expect(
      ofType(events, 'warning')
        .filter((w) => w.code === 'permission-denied')
        .map((w) => (w.raw as { tool_use_id: string }).tool_use_id),
    ).toEqual(['t2']);
  });

  it('"requested permissions" refusals (default mode, no allow rule) are denials too', () => {
    const { events } = run([
      init,
      { type: 'assistant', message: { id: 'm1', content: [{ type: 'tool_use', id: 't1', name: 'Write', input: {} }] } },
      {
        type: 'user',
        message: {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't1',
              content: "Claude requested permissions to write to /x, but you haven't granted it yet.",
              is_error: true,
            },
          ],
        },
      },
      okResult,
    ]);
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({ status: 'denied', isError: true });
  });

  it('a second init (stream-json input mode) does not start a second session', () => {
    const { events } = run([init, okResult, init, okResult]);
    expect(ofType(events, 'session.started')).toHaveLength(1);
    expect(ofType(events, 'status').some((s) => s.code === 'init')).toBe(true);
  });

  it('reports the requested model when the CLI resolved an alias', () => {
    const state = createClaudeState({ prompt: 'x', model: 'sonnet' });
    expect(translateClaude(init, state)[0]).toMatchObject({
      type: 'session.started',
      model: 'claude-sonnet-4-5',
      requestedModel: 'sonnet',
    });
  });

  it('an error flag on a real reply keeps its text and adds a warning', () => {
    const { events } = run([
      init,
      {
        type: 'assistant',
        message: { id: 'm1', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'partial answer' }] },
        error: 'max_output_tokens',
      },
      okResult,
    ]);
    expect(ofType(events, 'message').map((m) => m.text)).toEqual(['partial answer']);
    expect(ofType(events, 'warning').find((w) => w.code === 'api-error')?.message).toContain('max_output_tokens');
  });

  it('a call cut off mid-stream still reports its input usage, marked partial', () => {
    const start = {
      type: 'stream_event',
      event: {
        type: 'message_start',
        message: { id: 'm9', model: 'x', usage: { input_tokens: 70, cache_read_input_tokens: 30, output_tokens: 1 } },
      },
    };
    const { events, terminal } = run([init, start], { exitCode: 137 });
    const usage = ofType(events, 'usage');
    expect(usage).toEqual([
      expect.objectContaining({ callId: 'm9', input: 100, cacheRead: 30, confidence: 'partial' }),
    ]);
    expect(usage[0]).not.toHaveProperty('output');
    expect(ofType(events, 'turn.completed')).toHaveLength(1);
    expect(terminal).toMatchObject({ type: 'run.failed', reason: 'exit', exitCode: 137 });
  });

  it('message_delta input figures (newer APIs) override message_start', () => {
    const se = (event: unknown) => ({ type: 'stream_event', event });
    const { events } = run([
      init,
      se({ type: 'message_start', message: { id: 'm1', usage: { input_tokens: 5, output_tokens: 1 } } }),
      se({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { input_tokens: 8, output_tokens: 9 } }),
      se({ type: 'message_stop' }),
      okResult,
    ]);
    expect(ofType(events, 'usage')[0]).toMatchObject({ input: 8, output: 9, confidence: 'exact' });
  });
});
