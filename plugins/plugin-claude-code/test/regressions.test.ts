// Regression tests from the second review against shared/reference/harness-claude-cursor.md §1:
// each test is named after the bug it pins down.
import { describe, expect, it } from 'vitest';
import type { ExitInfo } from '@omnigent/core';
import { ofType, translateTranscript } from '@omnigent/testkit';
import { claudeCommand } from '../src/command.js';
import { claudeCode } from '../src/plugin.js';
import { createClaudeState } from '../src/state.js';
import { translateClaude } from '../src/translate.js';

function run(lines: unknown[], exit: Partial<ExitInfo> = { exitCode: 0 }) {
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
  modelUsage: { m: { inputTokens: 10, outputTokens: 2, costUSD: 0.5 } },
};
const se = (event: unknown, extra: Record<string, unknown> = {}) => ({
  type: 'stream_event',
  event,
  session_id: SID,
  parent_tool_use_id: null,
  ...extra,
});

describe('second review: Claude Code translator', () => {
  it('run.failed keeps the result subtype and terminal reason in details, not as stray top-level fields', () => {
    const { terminal } = run(
      [
        init,
        {
          type: 'result',
          subtype: 'error_max_turns',
          is_error: true,
          errors: ['Reached maximum number of turns (2)'],
          num_turns: 3,
          terminal_reason: 'max_turns',
          session_id: SID,
        },
      ],
      { exitCode: 1 },
    );
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      details: { subtype: 'error_max_turns', terminalReason: 'max_turns' },
    });
    expect(terminal).not.toHaveProperty('subtype');
    const api = run(
      [
        init,
        {
          type: 'result',
          subtype: 'success',
          is_error: true,
          api_error_status: 400,
          result: 'API Error: 400 x',
          session_id: SID,
        },
      ],
      { exitCode: 1 },
    ).terminal;
    expect(api).toMatchObject({ type: 'run.failed', details: { subtype: 'success', apiErrorStatus: 400 } });
  });

  it('a result that failed at startup names startup_failure_reason in the message and details', () => {
    const { terminal } = run(
      [
        init,
        {
          type: 'result',
          subtype: 'error_during_execution',
          is_error: true,
          errors: [],
          startup_failure_reason: 'MCP server "db" failed to start',
          session_id: SID,
        },
      ],
      { exitCode: 1 },
    );
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: 'MCP server "db" failed to start',
      details: { startupFailureReason: 'MCP server "db" failed to start' },
    });
  });

  it('a rejected or warning rate_limit_event is a warning, not a status', () => {
    const { events } = run([
      init,
      {
        type: 'rate_limit_event',
        rate_limit_info: { status: 'rejected', resetsAt: 1789467000, rateLimitType: 'five_hour' },
        session_id: SID,
      },
      {
        type: 'rate_limit_event',
        rate_limit_info: { status: 'allowed_warning', utilization: 0.9, rateLimitType: 'seven_day' },
        session_id: SID,
      },
      { type: 'rate_limit_event', rate_limit_info: { status: 'allowed' }, session_id: SID },
      okResult,
    ]);
    const warnings = ofType(events, 'warning').filter((w) => w.code === 'rate-limit');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]!.message).toContain('five_hour');
    expect(warnings[0]!.message).toContain(new Date(1789467000 * 1000).toISOString());
    expect(warnings[1]!.message).toContain('seven_day');
    // an "allowed" update is only status, never dropped
    expect(ofType(events, 'status').filter((s) => s.code === 'rate-limit-event')).toHaveLength(1);
  });

  it('a rate_limit_event with resetsAt in milliseconds or out of range never breaks the line', () => {
    const at = (resetsAt: number) =>
      translateClaude(
        { type: 'rate_limit_event', rate_limit_info: { status: 'rejected', resetsAt }, session_id: SID },
        createClaudeState({ prompt: 'x' }),
      )[0];
    expect(at(1789467000000)).toMatchObject({
      type: 'warning',
      code: 'rate-limit',
      message: expect.stringContaining(new Date(1789467000000).toISOString()),
    });
    expect(at(1e300)).toMatchObject({ type: 'warning', code: 'rate-limit' });
  });

  it('a failing hook (hook_response outcome error) is a warning with its name and stderr', () => {
    const { events } = run([
      init,
      {
        type: 'system',
        subtype: 'hook_started',
        hook_id: 'h1',
        hook_name: 'PreToolUse:Bash',
        hook_event: 'PreToolUse',
        session_id: SID,
      },
      {
        type: 'system',
        subtype: 'hook_response',
        hook_id: 'h1',
        hook_name: 'PreToolUse:Bash',
        hook_event: 'PreToolUse',
        output: '',
        stdout: '',
        stderr: 'lint failed\n',
        exit_code: 2,
        outcome: 'error',
        session_id: SID,
      },
      {
        type: 'system',
        subtype: 'hook_response',
        hook_id: 'h2',
        hook_name: 'Stop',
        hook_event: 'Stop',
        output: '',
        stdout: 'fine',
        stderr: '',
        exit_code: 0,
        outcome: 'success',
        session_id: SID,
      },
      okResult,
    ]);
    const warning = ofType(events, 'warning').find((w) => w.code === 'hook-error');
    expect(warning?.message).toContain('PreToolUse:Bash');
    expect(warning?.message).toContain('lint failed');
    expect(ofType(events, 'status').map((s) => s.code)).toEqual(
      expect.arrayContaining(['hook-started', 'hook-response']),
    );
  });

  it('an assistant line marked aborted keeps its text and warns that the reply was cut off', () => {
    const { events } = run([
      init,
      {
        type: 'assistant',
        message: { id: 'm1', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'half an ans' }] },
        aborted: true,
        session_id: SID,
      },
      okResult,
    ]);
    expect(ofType(events, 'message').map((m) => m.text)).toEqual(['half an ans']);
    expect(ofType(events, 'warning').find((w) => w.code === 'aborted')?.message).toContain('m1');
  });

  it('streamed text of a call cut off before its assistant line still ends in one message equal to its deltas', () => {
    const { events } = run(
      [
        init,
        se({ type: 'message_start', message: { id: 'm1', usage: { input_tokens: 5, output_tokens: 1 } } }),
        se({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Let me ' } }),
        se({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'think.' } }),
        {
          type: 'assistant',
          message: { id: 'm1', content: [{ type: 'thinking', thinking: 'Let me think.' }] },
          session_id: SID,
        },
        se({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hello ' } }),
        se({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'wor' } }),
      ],
      { signal: 'SIGKILL' },
    );
    expect(
      ofType(events, 'message.delta')
        .map((d) => d.text)
        .join(''),
    ).toBe('Hello wor');
    expect(ofType(events, 'message').map((m) => m.text)).toEqual(['Hello wor']);
    // the thinking block was consolidated by its assistant line: not repeated
    expect(
      ofType(events, 'reasoning')
        .filter((r) => !r.delta)
        .map((r) => r.text),
    ).toEqual(['Let me think.']);
  });

  it('a retried call whose first stream broke off closes the broken text before the retry streams', () => {
    const { events } = run([
      init,
      se({ type: 'message_start', message: { id: 'm1', usage: { input_tokens: 5, output_tokens: 1 } } }),
      se({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } }),
      {
        type: 'system',
        subtype: 'api_retry',
        attempt: 1,
        max_retries: 10,
        retry_delay_ms: 500,
        error_status: 529,
        error: 'overloaded',
        session_id: SID,
      },
      se({ type: 'message_start', message: { id: 'm2', usage: { input_tokens: 5, output_tokens: 1 } } }),
      se({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello!' } }),
      { type: 'assistant', message: { id: 'm2', content: [{ type: 'text', text: 'Hello!' }] }, session_id: SID },
      okResult,
    ]);
    // every run of deltas is followed by the message it adds up to
    const seq = events
      .filter((e) => e.type === 'message.delta' || e.type === 'message')
      .map((e) => [e.type, (e as { text: string }).text]);
    expect(seq).toEqual([
      ['message.delta', 'Hel'],
      ['message', 'Hel'],
      ['message.delta', 'Hello!'],
      ['message', 'Hello!'],
    ]);
  });

  it('api_retry after a dropped connection (error_status null) names the error alone', () => {
    const [w] = translateClaude(
      {
        type: 'system',
        subtype: 'api_retry',
        attempt: 1,
        max_retries: 10,
        retry_delay_ms: 900,
        error_status: null,
        error: 'connection_error',
        session_id: SID,
      },
      createClaudeState({ prompt: 'x' }),
    );
    expect(w).toMatchObject({ type: 'warning', code: 'api-retry' });
    expect((w as { message: string }).message).toContain('(connection_error)');
    expect((w as { message: string }).message).not.toContain('null');
  });

  it('auth_status with an error is a warning', () => {
    const { events } = run([
      init,
      { type: 'auth_status', isAuthenticating: false, output: [], error: 'OAuth token has expired', session_id: SID },
      okResult,
    ]);
    expect(ofType(events, 'warning').find((w) => w.code === 'auth-status')?.message).toContain(
      'OAuth token has expired',
    );
  });

  it('a failed compaction (system/status with compact_error) is a warning with the code Pi uses too (compaction-failed)', () => {
    const { events } = run([
      init,
      {
        type: 'system',
        subtype: 'status',
        status: null,
        compact_result: 'failed',
        compact_error: 'prompt too long',
        session_id: SID,
      },
      okResult,
    ]);
    expect(ofType(events, 'warning').find((w) => w.code === 'compaction-failed')?.message).toContain('prompt too long');
  });
});

describe('second review: Claude Code runs the fixtures do not show (shapes captured from the real 2.1.197)', () => {
  it('two result lines (stream-json input): cumulative modelUsage and cost come from the latest, per-turn num_turns are summed', () => {
    // captured: two turns over stdin; modelUsage and total_cost_usd are running totals, usage and num_turns are per turn
    const result = (
      n: number,
      text: string,
      turnUsage: { input_tokens: number; output_tokens: number },
      total: { inputTokens: number; outputTokens: number },
      cost: number,
    ) => ({
      type: 'result',
      subtype: 'success',
      is_error: false,
      num_turns: n,
      result: text,
      session_id: SID,
      total_cost_usd: cost,
      usage: { ...turnUsage, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      modelUsage: {
        'claude-sonnet-4-5': { ...total, cacheReadInputTokens: 0, cacheCreationInputTokens: 0, costUSD: cost },
      },
    });
    const { terminal } = run([
      init,
      result(1, 'one', { input_tokens: 100, output_tokens: 10 }, { inputTokens: 100, outputTokens: 10 }, 0.00045),
      init,
      result(1, 'two', { input_tokens: 200, output_tokens: 20 }, { inputTokens: 300, outputTokens: 30 }, 0.00135),
    ]);
    expect(terminal).toMatchObject({
      type: 'run.completed',
      result: 'two',
      turns: 2,
      usage: { input: 300, output: 30, costUsd: 0.00135, confidence: 'exact' },
    });
  });

  it('two result lines without modelUsage: the per-turn result.usage figures are summed, not replaced', () => {
    const r = (input: number, output: number) => ({
      type: 'result',
      subtype: 'success',
      is_error: false,
      num_turns: 1,
      result: 'x',
      session_id: SID,
      usage: { input_tokens: input, output_tokens: output },
    });
    const { terminal } = run([init, r(100, 10), init, r(200, 20)]);
    expect(terminal).toMatchObject({
      type: 'run.completed',
      usage: { input: 300, output: 30, source: 'result', confidence: 'partial' },
    });
  });

  it('a tool call blocked by a PreToolUse hook ends with status denied', () => {
    const { events } = run([
      init,
      {
        type: 'assistant',
        message: {
          id: 'm1',
          model: 'claude-sonnet-4-5',
          content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'echo hi' } }],
        },
        parent_tool_use_id: null,
        session_id: SID,
      },
      {
        type: 'system',
        subtype: 'hook_response',
        hook_id: 'h',
        hook_name: 'PreToolUse:Bash',
        hook_event: 'PreToolUse',
        output: 'blocked-by-hook\n',
        stdout: '',
        stderr: 'blocked-by-hook\n',
        exit_code: 2,
        outcome: 'error',
        session_id: SID,
      },
      {
        type: 'user',
        message: {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              content: 'PreToolUse:Bash hook error: [echo blocked-by-hook >&2; exit 2]: blocked-by-hook\n',
              is_error: true,
              tool_use_id: 't1',
            },
          ],
        },
        parent_tool_use_id: null,
        session_id: SID,
        tool_use_result: 'Error: PreToolUse:Bash hook error: [echo blocked-by-hook >&2; exit 2]: blocked-by-hook\n',
      },
      okResult,
    ]);
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({ callId: 't1', isError: true, status: 'denied' });
  });
});

describe('second review: permission refusals worded as the real 2.1.197 words them', () => {
  const refusal = (name: string, text: string) =>
    run([
      init,
      {
        type: 'assistant',
        message: { id: 'm1', model: 'claude-sonnet-4-5', content: [{ type: 'tool_use', id: 't1', name, input: {} }] },
        parent_tool_use_id: null,
        session_id: SID,
      },
      {
        type: 'user',
        message: { role: 'user', content: [{ type: 'tool_result', content: text, is_error: true, tool_use_id: 't1' }] },
        parent_tool_use_id: null,
        session_id: SID,
        tool_use_result: `Error: ${text}`,
      },
      { ...okResult, permission_denials: [{ tool_name: name, tool_use_id: 't1', tool_input: {} }] },
    ]).events;

  it('read-only (plan mode) refusals are denials, reported once', () => {
    const events = refusal('Write', 'Cannot write to /tmp/x.txt while in plan mode.');
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({ isError: true, status: 'denied' });
    expect(ofType(events, 'warning').filter((w) => w.code === 'permission-denied')).toHaveLength(0);
  });

  it('dontAsk refusals are denials, reported once', () => {
    const events = refusal(
      'Bash',
      "Permission to use Bash has been denied because Claude Code is running in don't ask mode. IMPORTANT: You *may* attempt to accomplish this action using other tools",
    );
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({ isError: true, status: 'denied' });
    expect(ofType(events, 'warning').filter((w) => w.code === 'permission-denied')).toHaveLength(0);
  });
});

describe('second review: Claude Code command()', () => {
  const ctx = { bin: '/usr/bin/claude', isRoot: false };

  it('warns when the requested session id is dropped because --resume wins', () => {
    const spec = claudeCommand({ prompt: 'p', resume: 'r', sessionId: '0f8e7a8c-1111-4222-8333-444455556666' }, ctx);
    expect(spec.args).not.toContain('--session-id');
    expect(spec.warnings?.join('\n')).toMatch(/session id/i);
    expect(
      claudeCommand({ prompt: 'p', sessionId: '0f8e7a8c-1111-4222-8333-444455556666' }, ctx).warnings,
    ).toBeUndefined();
    // resuming the very id that was asked for drops nothing
    expect(
      claudeCommand(
        {
          prompt: 'p',
          resume: '0f8e7a8c-1111-4222-8333-444455556666',
          sessionId: '0f8e7a8c-1111-4222-8333-444455556666',
        },
        ctx,
      ).warnings,
    ).toBeUndefined();
  });

  it('warns that a provider other than anthropic is not applied', () => {
    expect(claudeCommand({ prompt: 'p', provider: 'openai' }, ctx).warnings?.join('\n')).toContain('openai');
    expect(claudeCommand({ prompt: 'p', provider: 'anthropic' }, ctx).warnings).toBeUndefined();
  });

  it('bug: a result line without a subtype ended with a run.failed that had no message', () => {
    for (const result of [
      { type: 'result', is_error: true, session_id: SID },
      { type: 'result', subtype: '', is_error: true, session_id: SID },
      { type: 'result', is_error: true, errors: [], result: '', session_id: SID },
    ]) {
      const { terminal } = run([init, result], { exitCode: 1, stderrTail: 'Error: stream closed\n' });
      expect(terminal).toMatchObject({ type: 'run.failed', reason: 'error', exitCode: 1 });
      expect(terminal?.type === 'run.failed' ? terminal.message : '').toBe(
        'Claude Code ended with an error result without a subtype: Error: stream closed',
      );
    }
    // and a subtype-less result that is not an error is no success either
    expect(run([init, { type: 'result', result: 'hm', session_id: SID }]).terminal).toMatchObject({
      type: 'run.failed',
      message: 'hm',
    });
  });

  it('bug: JSON that is not an event was reported as unparsed-line, the code the runner keeps for non-JSON', () => {
    const { events } = run([init, 42, { type: 'assistant' }, okResult]);
    expect(ofType(events, 'warning').map((w) => w.code)).toEqual(['unknown-record', 'unknown-record']);
  });
});
