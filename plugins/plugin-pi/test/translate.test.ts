import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { piToolKind } from '../src/tools.js';
import { bashExitCode } from '../src/translate.js';
import { OWN_FIXTURES, SHARED_FIXTURES, ofType, readTranscript, replay } from './support/replay.js';

const own = (name: string) => join(OWN_FIXTURES, `${name}.jsonl`);
const shared = (name: string) => join(SHARED_FIXTURES, `${name}.jsonl`);

describe('pi translator on the research transcripts (shared/fixtures/pi)', () => {
  it('tool run: session, turns, text rebuilt from deltas (not the partial snapshots), bash call, usage and cost', () => {
    const { events, terminal } = replay(shared('tool'));
    expect(events[0]).toMatchObject({
      type: 'session.started',
      sessionId: '01a20d12-e33d-76a8-adad-60da979ec5d7',
      cwd: '$SCRATCH/work',
    });
    expect(ofType(events, 'turn.started').map((e) => e.turn)).toEqual([1, 2]);
    expect(ofType(events, 'turn.completed').map((e) => e.turn)).toEqual([1, 2]);

    const messages = ofType(events, 'message').filter((m) => m.role === 'assistant');
    expect(messages.map((m) => m.text)).toEqual(['Let me run it.', 'Done: the command printed hi']);
    // the deltas before each message add up to exactly its text
    const deltasBefore = (text: string) => {
      const end = events.findIndex((e) => e.type === 'message' && e.role === 'assistant' && e.text === text);
      let start = end - 1;
      while (start >= 0 && events[start]!.type === 'message.delta') start--;
      return ofType(events.slice(start + 1, end), 'message.delta')
        .map((d) => d.text)
        .join('');
    };
    expect(deltasBefore('Let me run it.')).toBe('Let me run it.');
    expect(deltasBefore('Done: the command printed hi')).toBe('Done: the command printed hi');
    expect(ofType(events, 'message.delta').map((d) => d.text)).toEqual([
      'Let me run it.',
      'Done: th',
      'e comman',
      'd printe',
      'd hi',
    ]);

    expect(ofType(events, 'tool.started')).toEqual([
      { type: 'tool.started', callId: 'call_2', name: 'bash', kind: 'shell', input: { command: 'echo hi' } },
    ]);
    expect(ofType(events, 'tool.updated').map((u) => u.output)).toEqual(['hi\n']);
    expect(ofType(events, 'tool.completed')).toEqual([
      {
        type: 'tool.completed',
        callId: 'call_2',
        name: 'bash',
        output: 'hi\n',
        isError: false,
        exitCode: 0,
        status: 'ok',
      },
    ]);

    const usage = ofType(events, 'usage');
    expect(usage).toHaveLength(2);
    for (const u of usage) {
      // pi said input 100 + cacheRead 20: omnigent's input includes the cache
      expect(u).toMatchObject({
        scope: 'call',
        source: 'stream',
        confidence: 'exact',
        input: 120,
        output: 15,
        cacheRead: 20,
        cacheWrite: 0,
        model: 'mock-model',
        costSource: 'configured-price',
      });
      expect(u.costUsd).toBeCloseTo(0.000132, 12);
    }
    expect(terminal).toMatchObject({
      type: 'run.completed',
      turns: 2,
      result: 'Done: the command printed hi',
      usage: { input: 240, output: 30, cacheRead: 40, cacheWrite: 0, source: 'stream', confidence: 'exact' },
    });
    expect(terminal?.usage?.costUsd).toBeCloseTo(0.000264, 12);
  });

  it('HTTP 500: exit 0 from pi, yet the run fails with the provider message after the retries', () => {
    const { events, terminal } = replay(shared('error'), { exit: { exitCode: 0 } });
    const retries = ofType(events, 'warning').filter((w) => w.code === 'api-retry');
    expect(retries.map((w) => w.message)).toEqual([
      'Pi retries the model call (attempt 1 of 3 in 2000 ms): 500 mock internal error',
      'Pi retries the model call (attempt 2 of 3 in 4000 ms): 500 mock internal error',
      'Pi retries the model call (attempt 3 of 3 in 8000 ms): 500 mock internal error',
    ]);
    expect(ofType(events, 'warning').filter((w) => w.code === 'api-retry-failed')).toHaveLength(1);
    // failed calls report zeros: unknown, so no usage at all
    expect(ofType(events, 'usage')).toEqual([]);
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: 'The model call failed (after 3 retries): 500 mock internal error',
      turns: 4,
    });
    expect(terminal?.usage).toBeUndefined();
  });

  it('RPC transcript: no session header, command replies ignored, the same events otherwise', () => {
    const { events, terminal } = replay(shared('rpc'));
    expect(ofType(events, 'session.started')).toEqual([]);
    expect(ofType(events, 'warning')).toEqual([]);
    expect(ofType(events, 'tool.completed').map((t) => t.output)).toEqual(['hi\n']);
    expect(terminal).toMatchObject({
      type: 'run.completed',
      result: 'Done: the command printed hi',
      usage: { input: 240, output: 30 },
    });
  });
});

describe('pi translator on transcripts recorded here from the real pi 0.73.1', () => {
  it('bash-tool: exact tokens and cost from the models.json prices', () => {
    const { events, terminal } = replay(own('bash-tool'));
    const usage = ofType(events, 'usage');
    expect(usage.map((u) => [u.input, u.output, u.cacheRead, u.cacheWrite, u.callId])).toEqual([
      [120, 15, 20, 0, 'chatcmpl_1'],
      [150, 8, 100, 0, 'chatcmpl_2'],
    ]);
    expect(usage[0]!.costUsd).toBeCloseTo(132e-6, 12);
    expect(usage[1]!.costUsd).toBeCloseTo(76e-6, 12);
    expect(terminal?.usage).toMatchObject({ input: 270, output: 23, cacheRead: 120, cacheWrite: 0 });
    expect(terminal?.usage?.costUsd).toBeCloseTo(208e-6, 12);
  });

  it('bash-fail: a failing command is an error tool result with the exit code parsed from the text', () => {
    const { events, terminal } = replay(own('bash-fail'));
    const done = ofType(events, 'tool.completed');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ name: 'bash', isError: true, exitCode: 2, status: 'error' });
    expect(String(done[0]!.output)).toContain('No such file or directory');
    expect(terminal).toMatchObject({ type: 'run.completed', result: 'The file is missing.' });
  });

  it('write-edit: write, read and edit calls with their kinds and inputs', () => {
    const { events } = replay(own('write-edit'));
    expect(ofType(events, 'tool.started').map((t) => [t.name, t.kind])).toEqual([
      ['write', 'write'],
      ['read', 'read'],
      ['edit', 'edit'],
    ]);
    expect(ofType(events, 'tool.started')[0]!.input).toEqual({ path: 'hello.txt', content: 'hello\n' });
    const done = ofType(events, 'tool.completed');
    expect(done.map((t) => [t.name, t.isError, t.exitCode])).toEqual([
      ['write', false, undefined],
      ['read', false, undefined],
      ['edit', false, undefined],
    ]);
    expect(done[0]!.output).toBe('Successfully wrote 6 bytes to hello.txt');
    expect(ofType(events, 'turn.started')).toHaveLength(3);
  });

  it('thinking: reasoning deltas, then the whole block; cache writes count as input', () => {
    const { events } = replay(own('thinking'));
    const reasoning = ofType(events, 'reasoning');
    expect(
      reasoning
        .filter((r) => r.delta)
        .map((r) => r.text)
        .join(''),
    ).toBe('The user wants a haiku.');
    expect(reasoning.filter((r) => !r.delta).map((r) => r.text)).toEqual(['The user wants a haiku.']);
    const [u] = ofType(events, 'usage');
    // the mock sent prompt 60 (10 cached, 5 of them written): pi says input 50, cacheRead 5, cacheWrite 5
    expect(u).toMatchObject({ input: 60, output: 25, cacheRead: 5, cacheWrite: 5 });
    expect(u!.costUsd).toBeCloseTo(103e-6, 12);
  });

  it('http-500 with short retries: run.failed with the provider message, exit 0 notwithstanding', () => {
    const { terminal } = replay(own('http-500'), { exit: { exitCode: 0 } });
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: 'The model call failed (after 2 retries): 500 mock internal error',
    });
  });

  it('retry-recovered: a warning for the retry, a status for the recovery, and success', () => {
    const { events, terminal } = replay(own('retry-recovered'));
    expect(ofType(events, 'warning').map((w) => w.code)).toEqual(['api-retry']);
    expect(ofType(events, 'warning')[0]!.message).toContain('500 mock overloaded');
    // the model is announced once, not again for the retried call
    expect(ofType(events, 'status').map((s) => s.code)).toEqual(['model', 'api-retry-recovered']);
    expect(ofType(events, 'status')[0]).toMatchObject({
      message: 'pi calls mock/mock-model (openai-completions)',
      raw: { provider: 'mock', model: 'mock-model', api: 'openai-completions' },
    });
    expect(terminal).toMatchObject({ type: 'run.completed', result: 'Recovered.', usage: { input: 50, output: 3 } });
  });

  it('length: the cut-off answer completes with a warning', () => {
    const { events, terminal } = replay(own('length'));
    expect(ofType(events, 'warning').map((w) => w.code)).toEqual(['max-output-tokens']);
    expect(terminal).toMatchObject({ type: 'run.completed', result: 'This answer is cut' });
  });

  it('resumed: the session id of the first run comes back', () => {
    const firstId = (readTranscript(own('bash-tool'))[0] as { id: string }).id;
    const { events, terminal } = replay(own('resumed'), { request: { resume: firstId } });
    expect(events[0]).toMatchObject({ type: 'session.started', sessionId: firstId, details: { resumed: true } });
    expect(terminal).toMatchObject({ type: 'run.completed', result: 'Continued: I remember the echo.' });
  });

  it('read-only-tools: a call to a tool that is not enabled is an error without an exit code', () => {
    const { events } = replay(own('read-only-tools'));
    const [done] = ofType(events, 'tool.completed');
    expect(done).toMatchObject({ name: 'bash', isError: true, output: 'Tool bash not found', status: 'error' });
    expect(done!.exitCode).toBeUndefined();
  });
});

const assistant = (extra: Record<string, unknown>) => ({
  role: 'assistant',
  content: [],
  api: 'openai-completions',
  provider: 'local',
  model: 'qwen',
  usage: {
    input: 0,
    output: 0,
    cacheRead: 0,
    cacheWrite: 0,
    totalTokens: 0,
    cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 },
  },
  stopReason: 'stop',
  ...extra,
});
const header = { type: 'session', version: 3, id: 'sess-1', cwd: '/w' };

describe('pi translator: cases the recordings do not show', () => {
  it('stopReason "aborted" fails the run with reason aborted', () => {
    const { terminal } = replay([
      header,
      { type: 'turn_start' },
      { type: 'message_end', message: assistant({ stopReason: 'aborted', errorMessage: 'Request was aborted' }) },
    ]);
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'aborted',
      message: 'The model call was aborted: Request was aborted',
    });
  });

  it('a last stopReason "error" without auto-retry fails with its errorMessage', () => {
    const { terminal } = replay([
      header,
      { type: 'message_end', message: assistant({ stopReason: 'error', errorMessage: '401 invalid api key' }) },
    ]);
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: 'The model call failed: 401 invalid api key',
    });
  });

  it('auto_retry_end without finalError falls back to the last errorMessage', () => {
    const { terminal } = replay([
      header,
      { type: 'message_end', message: assistant({ stopReason: 'error', errorMessage: '429 slow down' }) },
      { type: 'auto_retry_end', success: false, attempt: 1 },
    ]);
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: 'The model call failed (after 1 retries): 429 slow down',
    });
  });

  it('non-zero exit without output reports the stderr tail', () => {
    const { events, terminal } = replay([], {
      exit: { exitCode: 1, stderrTail: "Loading...\nNo session found matching 'abc'" },
    });
    expect(events).toEqual([]);
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'exit',
      message: "pi exited with code 1: No session found matching 'abc'",
      stderrTail: "Loading...\nNo session found matching 'abc'",
    });
  });

  it('exit 0 without any answer is a failure, not a silent success', () => {
    const { terminal } = replay([], { exit: { exitCode: 0, stderrTail: 'Error: Unknown option: --bogus' } });
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: 'pi ended without an answer: Error: Unknown option: --bogus',
    });
  });

  it('a runner timeout keeps the totals and lets the runner name the reason', () => {
    const usage = {
      input: 10,
      output: 2,
      cacheRead: 0,
      cacheWrite: 0,
      totalTokens: 12,
      cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 },
    };
    const { terminal } = replay(
      [header, { type: 'message_end', message: assistant({ content: [{ type: 'text', text: 'hi' }], usage }) }],
      { exit: { exitCode: 143, signal: 'SIGTERM', endedByRunner: 'timeout' } },
    );
    expect(terminal).toMatchObject({ type: 'run.failed', reason: 'timeout', usage: { input: 10, output: 2 } });
  });

  it('cost: 0 without configured prices is unknown; with pricesConfigured it is 0', () => {
    const usage = {
      input: 10,
      output: 2,
      cacheRead: 3,
      cacheWrite: 0,
      totalTokens: 15,
      cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 },
    };
    const rec = [
      header,
      { type: 'message_end', message: assistant({ content: [{ type: 'text', text: 'x' }], usage }) },
    ];
    const plain = ofType(replay(rec).events, 'usage')[0]!;
    expect(plain).toMatchObject({ input: 13, output: 2, cacheRead: 3 });
    expect(plain.costUsd).toBeUndefined();
    expect(plain.costSource).toBeUndefined();
    const priced = ofType(replay(rec, { request: { options: { pricesConfigured: true } } }).events, 'usage')[0]!;
    expect(priced).toMatchObject({ costUsd: 0, costSource: 'configured-price' });
  });

  it('compaction, extension errors and unknown records become status and warnings', () => {
    const { events } = replay([
      header,
      { type: 'compaction_start', reason: 'threshold' },
      { type: 'compaction_end', reason: 'threshold', result: {}, aborted: false, willRetry: false },
      { type: 'compaction_start', reason: 'overflow' },
      {
        type: 'compaction_end',
        reason: 'overflow',
        result: undefined,
        aborted: false,
        willRetry: true,
        errorMessage: 'summary call failed',
      },
      { type: 'extension_error', extensionPath: '/ext/gate.ts', event: 'tool_call', error: 'boom' },
      { type: 'queue_update', steering: [], followUp: [] },
      { type: 'brand_new_event', x: 1 },
      { type: 'response', command: 'parse', success: false, error: 'Failed to parse command' },
    ]);
    expect(
      ofType(events, 'status')
        .filter((s) => s.code !== 'model')
        .map((s) => [s.code, s.message]),
    ).toEqual([
      ['compaction', 'Pi is compacting the conversation (threshold)'],
      ['compaction-done', 'Pi compacted the conversation'],
      ['compaction', 'Pi is compacting the conversation (overflow)'],
    ]);
    expect(ofType(events, 'warning').map((w) => [w.code, w.message])).toEqual([
      ['compaction-failed', 'Pi could not compact the conversation: summary call failed (it will retry)'],
      ['extension-error', 'Pi extension /ext/gate.ts failed in tool_call: boom'],
      ['unknown-record', 'pi printed a record of unknown type "brand_new_event"'],
      ['harness-warning', 'Pi refused the parse command: Failed to parse command'],
    ]);
  });

  it("a user's !command (bashExecution message) is a shell tool call with its exit code", () => {
    const { events } = replay([
      header,
      {
        type: 'message_end',
        message: {
          role: 'bashExecution',
          command: 'false',
          output: '',
          exitCode: 1,
          cancelled: false,
          truncated: false,
          timestamp: 5,
        },
      },
    ]);
    expect(ofType(events, 'tool.started')).toEqual([
      { type: 'tool.started', callId: 'bash-execution-5', name: 'bash', kind: 'shell', input: { command: 'false' } },
    ]);
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({ isError: true, exitCode: 1, status: 'error' });
  });

  it('uses the model the provider answered with, and tool results with images stay whole', () => {
    const image = {
      content: [
        { type: 'text', text: 'see' },
        { type: 'image', data: 'AAA', mimeType: 'image/png' },
      ],
    };
    const { events } = replay([
      header,
      {
        type: 'message_end',
        message: assistant({ content: [{ type: 'text', text: 'a' }], responseModel: 'qwen-2.5-7b' }),
      },
      { type: 'tool_execution_start', toolCallId: 't1', toolName: 'read', args: { path: 'p.png' } },
      { type: 'tool_execution_end', toolCallId: 't1', toolName: 'read', result: image, isError: false },
    ]);
    expect(ofType(events, 'message')[0]).toMatchObject({ model: 'qwen-2.5-7b' });
    expect(ofType(events, 'tool.completed')[0]!.output).toEqual(image);
  });

  it('a call that fails mid-stream keeps the streamed text in its message, so the deltas add up', () => {
    const delta = (d: string) => ({
      type: 'message_update',
      assistantMessageEvent: {
        type: 'text_delta',
        contentIndex: 0,
        delta: d,
        partial: { content: [{ type: 'text', text: 'Hello, wor' }] },
      },
    });
    const { events, terminal } = replay([
      header,
      { type: 'message_start', message: assistant({}) },
      delta('Hel'),
      delta('lo'),
      { type: 'message_end', message: assistant({ stopReason: 'error', errorMessage: 'stream reset' }) },
    ]);
    expect(ofType(events, 'message')).toMatchObject([{ role: 'assistant', text: 'Hello' }]);
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: 'The model call failed: stream reset',
    });
  });

  it('announces the provider and model pi calls, again only when they change', () => {
    const { events } = replay([
      header,
      { type: 'message_start', message: assistant({}) },
      { type: 'message_start', message: assistant({}) },
      {
        type: 'message_start',
        message: assistant({ provider: 'anthropic', model: 'claude-sonnet-4-5', api: 'anthropic-messages' }),
      },
    ]);
    expect(ofType(events, 'status').map((s) => s.message)).toEqual([
      'pi calls local/qwen (openai-completions)',
      'pi calls anthropic/claude-sonnet-4-5 (anthropic-messages)',
    ]);
  });

  it('maps tool kinds and bash exit codes', () => {
    expect(
      [
        'bash',
        'read',
        'write',
        'edit',
        'grep',
        'find',
        'ls',
        'mcp__github',
        'web_fetch',
        'subagent',
        'todo_write',
        'custom',
      ].map(piToolKind),
    ).toEqual(['shell', 'read', 'write', 'edit', 'search', 'search', 'read', 'mcp', 'web', 'agent', 'todo', 'other']);
    expect(bashExitCode('x\n\n\nCommand exited with code 127', true)).toBe(127);
    expect(bashExitCode('ok', false)).toBe(0);
    expect(bashExitCode('Command timed out after 5 seconds', true)).toBeUndefined();
  });
});

describe('review regressions (cases of the reference the first version missed)', () => {
  it('bug: bashExecution with exitCode null (command killed) became an error carrying exitCode null', () => {
    const { events } = replay([
      header,
      {
        type: 'message_end',
        message: {
          role: 'bashExecution',
          command: 'sleep 9',
          output: '',
          exitCode: null,
          cancelled: false,
          truncated: false,
          timestamp: 7,
        },
      },
    ]);
    const [done] = ofType(events, 'tool.completed');
    expect(done).toEqual({
      type: 'tool.completed',
      callId: 'bash-execution-7',
      name: 'bash',
      output: '',
      isError: false,
      status: 'ok',
    });
    // a cancelled one is interrupted, whatever its exit code
    const cancelled = ofType(
      replay([
        header,
        {
          type: 'message_end',
          message: {
            role: 'bashExecution',
            command: 'x',
            output: 'a',
            exitCode: null,
            cancelled: true,
            truncated: false,
            timestamp: 8,
          },
        },
      ]).events,
      'tool.completed',
    )[0];
    expect(cancelled).toMatchObject({ isError: true, status: 'interrupted' });
    expect(cancelled!.exitCode).toBeUndefined();
  });

  it('bug: custom (extension) messages shown to the user were dropped', () => {
    const { events } = replay([
      header,
      {
        type: 'message_start',
        message: {
          role: 'custom',
          customType: 'gate',
          content: 'Blocked: rm -rf needs approval',
          display: true,
          timestamp: 1,
        },
      },
      {
        type: 'message_end',
        message: {
          role: 'custom',
          customType: 'gate',
          content: 'Blocked: rm -rf needs approval',
          display: true,
          timestamp: 1,
        },
      },
      {
        type: 'message_end',
        message: {
          role: 'custom',
          customType: 'ctx',
          content: [{ type: 'text', text: 'hidden context' }],
          display: false,
          timestamp: 2,
        },
      },
      {
        type: 'message_end',
        message: {
          role: 'custom',
          customType: 'note',
          content: [
            { type: 'text', text: 'part 1' },
            { type: 'text', text: ' part 2' },
          ],
          display: true,
          timestamp: 3,
        },
      },
    ]);
    expect(ofType(events, 'message')).toEqual([
      { type: 'message', role: 'system', text: 'Blocked: rm -rf needs approval' },
      { type: 'message', role: 'system', text: 'part 1 part 2' },
    ]);
    expect(ofType(events, 'warning')).toEqual([]);
  });

  it('bug: a bash call pi aborted (Command aborted) was a plain error instead of interrupted', () => {
    const { events } = replay([
      header,
      { type: 'tool_execution_start', toolCallId: 'c1', toolName: 'bash', args: { command: 'sleep 30' } },
      {
        type: 'tool_execution_end',
        toolCallId: 'c1',
        toolName: 'bash',
        result: { content: [{ type: 'text', text: 'partial\n\nCommand aborted' }] },
        isError: true,
      },
    ]);
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({
      isError: true,
      status: 'interrupted',
      output: 'partial\n\nCommand aborted',
    });
  });

  it('bug: pi killed by a signal omnigent did not send (SIGKILL, SIGSEGV, an outside SIGTERM/SIGINT) was reported as a user interrupt', () => {
    // only omnigent's own stop is an interrupt (issue #17: one rule for every plugin); the exit
    // code says which signal pi answered, so the message still names it
    for (const [exitCode, sig] of [
      [143, 'SIGTERM'],
      [130, 'SIGINT'],
      [129, 'SIGHUP'],
    ] as const) {
      const { terminal } = replay([header, { type: 'turn_start' }], { exit: { exitCode } });
      expect(terminal).toMatchObject({
        type: 'run.failed',
        reason: 'exit',
        message: expect.stringContaining(`exited with code ${exitCode} (${sig} from outside omnigent)`),
      });
    }
    for (const signal of ['SIGKILL', 'SIGSEGV']) {
      expect(replay([header], { exit: { exitCode: undefined, signal } }).terminal).toMatchObject({
        reason: 'exit',
        message: expect.stringContaining(`pi was killed by ${signal}`),
      });
    }
    // the runner's own stop keeps its reason
    expect(
      replay([header, { type: 'turn_start' }], { exit: { exitCode: 143, endedByRunner: 'aborted' } }).terminal,
    ).toMatchObject({ reason: 'aborted' });
    expect(replay([header], { exit: { exitCode: 1, stderrTail: 'boom' } }).terminal).toMatchObject({ reason: 'exit' });
  });
});

describe('review regressions: file changes', () => {
  it('gap: pi write/edit calls produced no file.changed (the other harnesses report them)', () => {
    const { events } = replay(own('write-edit'));
    const calls = ofType(events, 'tool.started');
    // the recording's cwd is the placeholder `$SCRATCH/work`; a real one is absolute already
    const file = resolve('$SCRATCH/work', 'hello.txt');
    expect(ofType(events, 'file.changed')).toEqual([
      { type: 'file.changed', path: file, change: 'add', callId: calls[0]!.callId },
      { type: 'file.changed', path: file, change: 'update', callId: calls[2]!.callId },
    ]);
    // each follows its tool's completion
    const types = events.map((e) => e.type);
    expect(types.indexOf('file.changed')).toBeGreaterThan(types.indexOf('tool.completed'));
  });

  it('a failed edit changes nothing; absolute and @ paths resolve like pi resolves them', () => {
    const { events } = replay([
      header,
      { type: 'tool_execution_start', toolCallId: 'e1', toolName: 'edit', args: { path: 'missing.txt', edits: [] } },
      {
        type: 'tool_execution_end',
        toolCallId: 'e1',
        toolName: 'edit',
        result: { content: [{ type: 'text', text: 'File not found: missing.txt' }] },
        isError: true,
      },
      { type: 'tool_execution_start', toolCallId: 'w1', toolName: 'write', args: { path: '/abs/a.txt', content: 'x' } },
      {
        type: 'tool_execution_end',
        toolCallId: 'w1',
        toolName: 'write',
        result: { content: [{ type: 'text', text: 'Successfully wrote 1 bytes to /abs/a.txt' }] },
        isError: false,
      },
      { type: 'tool_execution_start', toolCallId: 'w2', toolName: 'write', args: { path: '@sub/b.txt', content: 'x' } },
      {
        type: 'tool_execution_end',
        toolCallId: 'w2',
        toolName: 'write',
        result: { content: [{ type: 'text', text: 'ok' }] },
        isError: false,
      },
    ]);
    expect(ofType(events, 'file.changed').map((e) => [e.callId, e.path, e.change])).toEqual([
      ['w1', '/abs/a.txt', 'add'],
      ['w2', '/w/sub/b.txt', 'add'],
    ]);
  });
});
