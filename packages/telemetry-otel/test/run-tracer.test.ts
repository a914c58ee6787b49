import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  RunTracer,
  createExportPipeline,
  createRedactor,
  resolveTelemetryConfig,
  startWorkflowTrace,
  createWarnOnce,
  traceIdFor,
} from '../src/index.js';
import { CollectingExporter, T0, edges, ev, exportedText, info, one, times, trace, treeLines } from './helpers.js';

const SID = 'sess-42';

/** A Claude-Code-like run: one tool call, a sub-agent with its own tool, per-call usage. */
function claudeRun() {
  return [
    ev(100, {
      type: 'session.started',
      sessionId: SID,
      cwd: '/w',
      model: 'claude-sonnet-4-5',
      harnessVersion: '2.1.197',
    }),
    ev(150, { type: 'turn.started', turn: 1, sessionId: SID }),
    ev(900, {
      type: 'message',
      role: 'assistant',
      text: 'I will list them.',
      model: 'claude-sonnet-4-5',
      sessionId: SID,
    }),
    ev(1000, {
      type: 'tool.started',
      callId: 'toolu_1',
      name: 'Bash',
      kind: 'shell',
      input: { command: 'ls' },
      sessionId: SID,
    }),
    ev(1010, {
      type: 'usage',
      scope: 'call',
      source: 'stream',
      confidence: 'exact',
      callId: 'msg_1',
      model: 'claude-sonnet-4-5',
      input: 8486,
      output: 120,
      cacheRead: 8000,
      cacheWrite: 400,
      sessionId: SID,
    }),
    ev(1500, {
      type: 'tool.completed',
      callId: 'toolu_1',
      name: 'Bash',
      output: 'a.txt\nb.txt',
      isError: false,
      status: 'ok',
      exitCode: 0,
      durationMs: 500,
      sessionId: SID,
    }),
    ev(1600, { type: 'turn.completed', turn: 1, usage: { input: 8486, output: 120 }, sessionId: SID }),
    ev(1700, { type: 'turn.started', turn: 2, sessionId: SID }),
    ev(2000, {
      type: 'tool.started',
      callId: 'toolu_2',
      name: 'Agent',
      kind: 'agent',
      input: { subagent_type: 'general-purpose', prompt: 'count the files' },
      sessionId: SID,
    }),
    ev(2010, {
      type: 'usage',
      scope: 'call',
      source: 'stream',
      confidence: 'exact',
      callId: 'msg_2',
      input: 9000,
      output: 40,
      cacheRead: 8400,
      cacheWrite: 0,
      sessionId: SID,
    }),
    ev(2100, { type: 'message', role: 'user', text: 'count the files', parentCallId: 'toolu_2', sessionId: SID }),
    ev(2500, {
      type: 'tool.started',
      callId: 'toolu_3',
      name: 'Glob',
      kind: 'search',
      input: { pattern: '*' },
      parentCallId: 'toolu_2',
      sessionId: SID,
    }),
    ev(2510, {
      type: 'usage',
      scope: 'call',
      source: 'stream',
      confidence: 'exact',
      callId: 'msg_3',
      input: 3000,
      output: 25,
      parentCallId: 'toolu_2',
      sessionId: SID,
    }),
    ev(2700, {
      type: 'tool.completed',
      callId: 'toolu_3',
      name: 'Glob',
      output: ['a.txt', 'b.txt'],
      isError: false,
      parentCallId: 'toolu_2',
      sessionId: SID,
    }),
    ev(2900, {
      type: 'message',
      role: 'assistant',
      text: 'There are 2 files.',
      parentCallId: 'toolu_2',
      sessionId: SID,
    }),
    ev(2950, {
      type: 'usage',
      scope: 'call',
      source: 'stream',
      confidence: 'exact',
      callId: 'msg_4',
      input: 3100,
      output: 8,
      parentCallId: 'toolu_2',
      sessionId: SID,
    }),
    ev(3000, {
      type: 'tool.completed',
      callId: 'toolu_2',
      name: 'Agent',
      output: 'There are 2 files.',
      isError: false,
      sessionId: SID,
    }),
    ev(3400, { type: 'reasoning', text: 'Summarize.', sessionId: SID }),
    ev(3500, {
      type: 'message',
      role: 'assistant',
      text: 'a.txt and b.txt (2 files)',
      model: 'claude-sonnet-4-5',
      sessionId: SID,
    }),
    ev(3510, {
      type: 'usage',
      scope: 'call',
      source: 'stream',
      confidence: 'exact',
      callId: 'msg_5',
      input: 9200,
      output: 12,
      reasoning: 5,
      sessionId: SID,
    }),
    ev(3600, { type: 'turn.completed', turn: 2, sessionId: SID }),
    ev(3700, {
      type: 'run.completed',
      durationMs: 3700,
      result: 'a.txt and b.txt (2 files)',
      turns: 2,
      exitCode: 0,
      usage: {
        input: 32786,
        output: 205,
        cacheRead: 16400,
        cacheWrite: 400,
        costUsd: 0.0312,
        costSource: 'harness-estimate',
        source: 'result',
        confidence: 'exact',
      },
      sessionId: SID,
    }),
  ];
}

const CONTENT_KEYS = [
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  'mlflow.spanInputs',
  'mlflow.spanOutputs',
];

describe('RunTracer permission answers (ACP plugin)', () => {
  it('each answer is an instant span under its tool call, with decision, reason and mode; a rejection is an error', async () => {
    const perm = (callId: string, decision: string) => ({
      permission: { callId, tool: 'Bash', kind: 'execute', decision, because: `rule for ${callId}`, mode: 'default' },
    });
    const { spans } = await trace([
      ev(100, { type: 'session.started', sessionId: SID, cwd: '/w' }),
      ev(200, {
        type: 'tool.started',
        callId: 'c1',
        name: 'Bash',
        kind: 'shell',
        input: { command: 'ls' },
        sessionId: SID,
      }),
      ev(210, {
        type: 'status',
        code: 'permission',
        message: 'allowed Bash',
        raw: perm('c1', 'allow'),
        sessionId: SID,
      }),
      ev(300, { type: 'tool.completed', callId: 'c1', name: 'Bash', output: 'a', isError: false, sessionId: SID }),
      ev(400, {
        type: 'tool.started',
        callId: 'c2',
        name: 'Bash',
        kind: 'shell',
        input: { command: 'rm -rf /' },
        sessionId: SID,
      }),
      ev(410, {
        type: 'warning',
        code: 'permission-denied',
        message: 'rejected Bash',
        raw: perm('c2', 'reject'),
        sessionId: SID,
      }),
      ev(420, {
        type: 'tool.completed',
        callId: 'c2',
        name: 'Bash',
        output: 'denied',
        isError: true,
        status: 'denied',
        sessionId: SID,
      }),
      ev(500, { type: 'status', code: 'plan', message: 'plan: 0/1 done', sessionId: SID }),
      ev(600, { type: 'run.completed', durationMs: 600, sessionId: SID }),
    ]);
    expect(treeLines(spans).filter((l) => !l.includes('chat'))).toEqual([
      'invoke_agent claude-code',
      '  execute_tool Bash',
      '    permission Bash',
      '  execute_tool Bash',
      '    permission Bash',
    ]);
    const answers = spans.filter((s) => s.name === 'permission Bash');
    expect(answers.map((s) => s.attributes['omnigent.permission.decision'])).toEqual(['allow', 'reject']);
    expect(answers[1]!.attributes).toMatchObject({
      'omnigent.permission.reason': 'rule for c2',
      'omnigent.permission.mode': 'default',
      'gen_ai.tool.call.id': 'c2',
    });
    expect(answers[1]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(answers[0]!.status.code).not.toBe(SpanStatusCode.ERROR);
  });
});

describe('RunTracer span model', () => {
  it("an MCP tool span names its server and tool; gen_ai.tool.name stays the harness's name", async () => {
    const mcp = { server: 'docs-a', tool: 'search_docs' };
    const { spans } = await trace([
      ev(100, { type: 'session.started', sessionId: SID, cwd: '/w', model: 'claude-sonnet-4-5' }),
      ev(200, {
        type: 'tool.started',
        callId: 't1',
        name: 'mcp__docs-a__search_docs',
        kind: 'mcp',
        input: { query: 'q' },
        mcp,
        sessionId: SID,
      }),
      ev(300, {
        type: 'tool.completed',
        callId: 't1',
        name: 'mcp__docs-a__search_docs',
        output: 'x',
        isError: false,
        mcp,
        sessionId: SID,
      }),
      ev(400, {
        type: 'tool.started',
        callId: 't2',
        name: 'Bash',
        kind: 'shell',
        input: { command: 'ls' },
        sessionId: SID,
      }),
      ev(500, { type: 'tool.completed', callId: 't2', name: 'Bash', output: '', isError: false, sessionId: SID }),
      ev(600, { type: 'run.completed', durationMs: 600, sessionId: SID }),
    ]);
    const tool = one(spans, 'execute_tool mcp__docs-a__search_docs');
    expect(tool.attributes).toMatchObject({
      'gen_ai.tool.name': 'mcp__docs-a__search_docs',
      'gen_ai.tool.type': 'extension',
      'omnigent.mcp.server': 'docs-a',
      'omnigent.mcp.tool': 'search_docs',
    });
    expect(one(spans, 'execute_tool Bash').attributes['omnigent.mcp.server']).toBeUndefined();
  });

  it("builds invoke_agent > chat / execute_tool > sub-agent tree with the events' own times", async () => {
    const { spans } = await trace(claudeRun(), { capture: true });
    expect(treeLines(spans)).toEqual([
      'invoke_agent claude-code',
      '  chat claude-sonnet-4-5',
      '  execute_tool Bash',
      '  chat claude-sonnet-4-5',
      '  execute_tool Agent',
      '    invoke_agent general-purpose',
      '      chat claude-sonnet-4-5',
      '      execute_tool Glob',
      '      chat claude-sonnet-4-5',
      '  chat claude-sonnet-4-5',
    ]);
    const root = one(spans, 'invoke_agent claude-code');
    expect(root.parentSpanContext).toBeUndefined();
    expect(root.kind).toBe(SpanKind.CLIENT);
    expect(times(root)).toEqual([T0, T0 + 3700]);
    expect(times(one(spans, 'execute_tool Bash'))).toEqual([T0 + 1000, T0 + 1500]);
    expect(times(one(spans, 'execute_tool Glob'))).toEqual([T0 + 2500, T0 + 2700]);
    expect(times(one(spans, 'invoke_agent general-purpose'))).toEqual([T0 + 2000, T0 + 3000]);
    // Every span shares the root's trace.
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it('puts MLflow-ready attributes on the root span', async () => {
    const { spans } = await trace(claudeRun(), { capture: true });
    const root = one(spans, 'invoke_agent claude-code');
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'mlflow.spanType': 'AGENT',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.agent.name': 'claude-code',
      'gen_ai.agent.id': SID,
      'gen_ai.agent.version': '2.1.197',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.response.model': 'claude-sonnet-4-5',
      'gen_ai.conversation.id': SID,
      'session.id': SID,
      'omnigent.run.id': 'run-1',
      'omnigent.usage.total.input_tokens': 32786,
      'omnigent.usage.total.output_tokens': 205,
      'omnigent.usage.cost_usd': 0.0312,
      'omnigent.usage.source': 'result',
      'omnigent.usage.confidence': 'exact',
      'omnigent.turns': 2,
    });
    expect(JSON.parse(root.attributes['mlflow.spanInputs'] as string)).toEqual({
      messages: [{ role: 'user', content: 'list the files' }],
    });
    expect(JSON.parse(root.attributes['mlflow.spanOutputs'] as string)).toEqual({
      messages: [{ role: 'assistant', content: 'a.txt and b.txt (2 files)' }],
    });
    expect(JSON.parse(root.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'list the files' }] },
    ]);
    // Usage roll-ups never use gen_ai.usage.* on an ancestor (MLflow would count them twice).
    expect(Object.keys(root.attributes).filter((k) => k.startsWith('gen_ai.usage.'))).toEqual([]);
    expect(root.status.code).toBe(SpanStatusCode.OK);
  });

  it("puts integer token counts and the model call's content on each chat span", async () => {
    const { spans } = await trace(claudeRun(), { capture: true });
    const chats = spans.filter((s) => s.name.startsWith('chat ')).sort((a, b) => times(a)[0] - times(b)[0]);
    expect(chats.map((c) => c.attributes['gen_ai.response.id'])).toEqual(['msg_1', 'msg_2', 'msg_3', 'msg_4', 'msg_5']);
    const first = chats[0]!;
    expect(first.kind).toBe(SpanKind.CLIENT);
    expect(first.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'mlflow.spanType': 'CHAT_MODEL',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.response.model': 'claude-sonnet-4-5',
      'gen_ai.conversation.id': SID,
      'gen_ai.usage.input_tokens': 8486,
      'gen_ai.usage.output_tokens': 120,
      'gen_ai.usage.cache_read.input_tokens': 8000,
      'gen_ai.usage.cache_creation.input_tokens': 400,
      'omnigent.usage.source': 'stream',
      'omnigent.usage.confidence': 'exact',
      'omnigent.usage.scope': 'call',
    });
    expect(JSON.parse(first.attributes['mlflow.chat.tokenUsage'] as string)).toEqual({
      input_tokens: 8486,
      output_tokens: 120,
      total_tokens: 8606,
    });
    for (const c of chats)
      for (const [k, v] of Object.entries(c.attributes))
        if (k.startsWith('gen_ai.usage.')) expect(Number.isInteger(v), k).toBe(true);
    expect(chats[4]!.attributes['gen_ai.usage.reasoning.output_tokens']).toBe(5);
    // First call: from the run start to its usage; it asked for the Bash tool.
    expect(times(first)).toEqual([T0 + 150, T0 + 1010]);
    expect(JSON.parse(first.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'list the files' }] },
    ]);
    expect(JSON.parse(first.attributes['gen_ai.output.messages'] as string)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'I will list them.' },
          { type: 'tool_call', id: 'toolu_1', name: 'Bash', arguments: { command: 'ls' } },
        ],
        finish_reason: 'tool_call',
      },
    ]);
    // The next call starts after the tool finished and receives its result.
    expect(times(chats[1]!)[0]).toBe(T0 + 1700);
    expect(JSON.parse(chats[1]!.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'toolu_1', result: 'a.txt\nb.txt' }] },
    ]);
    const last = JSON.parse(chats[4]!.attributes['gen_ai.output.messages'] as string);
    expect(last[0].parts).toEqual([
      { type: 'reasoning', content: 'Summarize.' },
      { type: 'text', content: 'a.txt and b.txt (2 files)' },
    ]);
    expect(last[0].finish_reason).toBe('stop');
  });

  it('describes tool calls, and nests the sub-agent under the tool call that started it', async () => {
    const { spans } = await trace(claudeRun(), { capture: true });
    const bash = one(spans, 'execute_tool Bash');
    expect(bash.kind).toBe(SpanKind.INTERNAL);
    expect(bash.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'mlflow.spanType': 'TOOL',
      'gen_ai.tool.name': 'Bash',
      'gen_ai.tool.call.id': 'toolu_1',
      'gen_ai.tool.type': 'function',
      'omnigent.tool.kind': 'shell',
      'omnigent.tool.exit_code': 0,
      'omnigent.tool.status': 'ok',
    });
    expect(JSON.parse(bash.attributes['gen_ai.tool.call.arguments'] as string)).toEqual({ command: 'ls' });
    expect(JSON.parse(bash.attributes['gen_ai.tool.call.result'] as string)).toBe('a.txt\nb.txt');
    const sub = one(spans, 'invoke_agent general-purpose');
    expect(sub.parentSpanContext?.spanId).toBe(one(spans, 'execute_tool Agent').spanContext().spanId);
    expect(sub.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'mlflow.spanType': 'AGENT',
      'gen_ai.agent.name': 'general-purpose',
      'omnigent.parent_call_id': 'toolu_2',
    });
    expect(JSON.parse(sub.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'count the files' }] },
    ]);
    const subChats = spans.filter(
      (s) => s.parentSpanContext?.spanId === sub.spanContext().spanId && s.name.startsWith('chat'),
    );
    expect(subChats.map((c) => c.attributes['gen_ai.usage.input_tokens']).sort()).toEqual([3000, 3100]);
    // The sub-agent's prompt is its first call's input, once.
    const firstSub = subChats.find((c) => c.attributes['gen_ai.response.id'] === 'msg_3')!;
    expect(JSON.parse(firstSub.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'count the files' }] },
    ]);
  });

  it('with content capture off, exports no content at all, only sizes', async () => {
    const { spans } = await trace(claudeRun(), { capture: false });
    for (const s of spans) for (const k of CONTENT_KEYS) expect(s.attributes[k], `${s.name} ${k}`).toBeUndefined();
    const text = exportedText(spans);
    for (const secret of ['list the files', 'I will list them', 'a.txt', 'count the files', 'Summarize', '"ls"'])
      expect(text).not.toContain(secret);
    expect(one(spans, 'invoke_agent claude-code').attributes['omnigent.prompt.chars']).toBe('list the files'.length);
    expect(one(spans, 'execute_tool Bash').attributes['omnigent.tool.result.bytes']).toBe(
      Buffer.byteLength('a.txt\nb.txt'),
    );
    // Structure and numbers stay.
    expect(treeLines(spans)).toHaveLength(10);
    expect(
      spans
        .filter((s) => s.name.startsWith('chat'))
        .map((s) => s.attributes['gen_ai.usage.output_tokens'])
        .sort((a, b) => Number(a) - Number(b)),
    ).toEqual([8, 12, 25, 40, 120]);
  });

  it('one model span per turn for turn-scoped usage (Codex-like)', async () => {
    const events = [
      ev(0, { type: 'session.started', sessionId: 'th-1', cwd: '/w' }, 'codex'),
      ev(10, { type: 'turn.started', turn: 1, sessionId: 'th-1' }, 'codex'),
      ev(
        20,
        {
          type: 'tool.started',
          callId: 'item_1',
          name: 'command_execution',
          kind: 'shell',
          input: { command: 'ls' },
          sessionId: 'th-1',
        },
        'codex',
      ),
      ev(
        60,
        {
          type: 'tool.completed',
          callId: 'item_1',
          name: 'command_execution',
          output: 'x',
          isError: false,
          sessionId: 'th-1',
        },
        'codex',
      ),
      ev(90, { type: 'message', role: 'assistant', text: 'done', sessionId: 'th-1' }, 'codex'),
      ev(
        95,
        {
          type: 'usage',
          scope: 'turn',
          source: 'derived',
          confidence: 'exact',
          input: 240,
          output: 30,
          cacheRead: 40,
          cacheWrite: 0,
          reasoning: 10,
          sessionId: 'th-1',
        },
        'codex',
      ),
      ev(96, { type: 'turn.completed', turn: 1, usage: { input: 240, output: 30 }, sessionId: 'th-1' }, 'codex'),
      ev(
        100,
        {
          type: 'run.completed',
          durationMs: 100,
          result: 'done',
          sessionId: 'th-1',
          usage: { input: 240, output: 30, source: 'derived', confidence: 'exact' },
        },
        'codex',
      ),
    ];
    const { spans } = await trace(events, {
      info: info({ harness: 'codex', provider: 'openai', request: { prompt: 'p', model: 'gpt-5' } }),
    });
    expect(treeLines(spans)).toEqual(['invoke_agent codex', '  chat gpt-5', '  execute_tool command_execution']);
    const chat = one(spans, 'chat gpt-5');
    expect(times(chat)).toEqual([T0 + 10, T0 + 95]);
    expect(chat.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 240,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.usage.cache_read.input_tokens': 40,
      'gen_ai.usage.reasoning.output_tokens': 10,
      'omnigent.usage.scope': 'turn',
    });
  });

  it('one model span per run when the harness only reports a run total (Cursor-like) or nothing', async () => {
    const events = [
      ev(0, { type: 'session.started', sessionId: 'c-1', cwd: '/w', model: 'Claude 4 Sonnet' }, 'cursor'),
      ev(10, { type: 'message', role: 'assistant', text: 'hello', sessionId: 'c-1' }, 'cursor'),
      ev(
        20,
        {
          type: 'usage',
          scope: 'run',
          source: 'result',
          confidence: 'partial',
          input: 100,
          output: 7,
          sessionId: 'c-1',
        },
        'cursor',
      ),
      ev(30, { type: 'run.completed', durationMs: 30, result: 'hello', sessionId: 'c-1' }, 'cursor'),
    ];
    const { spans } = await trace(events, {
      info: info({ harness: 'cursor', provider: 'cursor', request: { prompt: 'p' } }),
    });
    expect(treeLines(spans)).toEqual(['invoke_agent cursor', '  chat Claude 4 Sonnet']);
    const chat = one(spans, 'chat Claude 4 Sonnet');
    expect(times(chat)).toEqual([T0, T0 + 30]);
    expect(chat.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 7,
      'omnigent.usage.scope': 'run',
      'omnigent.usage.confidence': 'partial',
    });
    expect(one(spans, 'invoke_agent cursor').attributes['gen_ai.request.model']).toBe('Claude 4 Sonnet');
  });

  it('marks failures: run.failed, failed and interrupted tools', async () => {
    const events = [
      ev(0, { type: 'session.started', sessionId: 's', cwd: '/w' }),
      ev(10, { type: 'tool.started', callId: 't1', name: 'Bash', kind: 'shell', input: { command: 'false' } }),
      ev(20, {
        type: 'tool.completed',
        callId: 't1',
        name: 'Bash',
        output: 'exit status 1',
        isError: true,
        status: 'error',
        exitCode: 1,
      }),
      ev(30, { type: 'tool.started', callId: 't2', name: 'Write', kind: 'write', input: { path: '/etc/x' } }),
      ev(40, {
        type: 'tool.completed',
        callId: 't2',
        name: 'Write',
        output: 'denied',
        isError: true,
        status: 'denied',
      }),
      ev(50, { type: 'tool.started', callId: 't3', name: 'Bash', kind: 'shell', input: { command: 'sleep 99' } }),
      ev(60, {
        type: 'run.failed',
        reason: 'timeout',
        message: 'the run timed out after 0.06s',
        durationMs: 60,
        exitCode: 143,
      }),
    ];
    const { spans } = await trace(events, { capture: true });
    const root = one(spans, 'invoke_agent claude-code');
    expect(root.status).toEqual({ code: SpanStatusCode.ERROR, message: 'the run timed out after 0.06s' });
    expect(root.attributes).toMatchObject({
      'error.type': 'timeout',
      'omnigent.failure.reason': 'timeout',
      'omnigent.exit_code': 143,
    });
    expect(root.events.map((e) => [e.name, e.attributes?.['exception.type']])).toEqual([['exception', 'timeout']]);
    const tools = spans.filter((s) => s.name.startsWith('execute_tool')).sort((a, b) => times(a)[0] - times(b)[0]);
    expect(tools.map((t) => [t.status.code, t.attributes['error.type']])).toEqual([
      [SpanStatusCode.ERROR, 'tool_error'],
      [SpanStatusCode.ERROR, 'denied'],
      [SpanStatusCode.ERROR, 'interrupted'],
    ]);
    expect(tools[0]!.status.message).toBe('exit status 1');
    expect(times(tools[2]!)).toEqual([T0 + 50, T0 + 60]);
  });

  it('gives the harness child a W3C TRACEPARENT of the run span', async () => {
    const { spans, traceparent } = await trace(claudeRun());
    const root = one(spans, 'invoke_agent claude-code');
    expect(traceparent).toBe(`00-${root.spanContext().traceId}-${root.spanContext().spanId}-01`);
  });

  it('nests a workflow step under the workflow root via the traceparent', async () => {
    const exporter = new CollectingExporter();
    const env = { OMNIGENT_TELEMETRY_ENABLED: 'true', OMNIGENT_OTEL_CAPTURE_CONTENT: 'true' };
    const wf = startWorkflowTrace(
      { workflowRunId: 'wf-1', name: 'review', input: 'review the diff', steps: ['plan', 'fix'] },
      { env, exporter, warn: createWarnOnce(() => undefined) },
    );
    expect(wf).toBeDefined();
    const { spans: stepSpans } = await trace(
      [
        ev(0, { type: 'message', role: 'assistant', text: 'ok' }),
        ev(10, { type: 'run.completed', durationMs: 10, result: 'ok' }),
      ],
      {
        capture: true,
        info: info({
          workflow: {
            workflowRunId: 'wf-1',
            workflowName: 'review',
            step: 'plan',
            needs: [],
            traceparent: wf!.traceparent,
          },
        }),
      },
    );
    await wf!.end('ok', 'all good');
    const root = one(exporter.spans, 'invoke_workflow review');
    // the step exported through the workflow's pipeline (one flush when the workflow ends)
    expect(stepSpans).toEqual([]);
    const step = one(exporter.spans, 'invoke_agent claude-code');
    expect(step.spanContext().traceId).toBe(root.spanContext().traceId);
    expect(step.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(step.attributes).toMatchObject({
      'omnigent.workflow.run_id': 'wf-1',
      'omnigent.workflow.step': 'plan',
      'gen_ai.workflow.name': 'review',
    });
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_workflow',
      'mlflow.spanType': 'CHAIN',
      'gen_ai.workflow.name': 'review',
      'session.id': 'wf-1',
      'omnigent.workflow.steps': ['plan', 'fix'],
    });
    expect(JSON.parse(root.attributes['mlflow.spanInputs'] as string)).toEqual({
      messages: [{ role: 'user', content: 'review the diff' }],
    });
    expect(JSON.parse(root.attributes['mlflow.spanOutputs'] as string)).toEqual({
      messages: [{ role: 'assistant', content: 'all good' }],
    });
    expect(root.parentSpanContext).toBeUndefined();
  });

  it("a workflow's step outputs: the trace preview is the last step's answer, the map an attribute", async () => {
    const exporter = new CollectingExporter();
    const wf = startWorkflowTrace(
      { workflowRunId: 'wf-out', name: 'demo' },
      {
        env: { OMNIGENT_TELEMETRY_ENABLED: 'true', OMNIGENT_OTEL_CAPTURE_CONTENT: 'true' },
        exporter,
        warn: createWarnOnce(() => undefined),
      },
    )!;
    await wf.end('ok', { build: 'Added farewell', test: 'PASS', review: 'Verdict: ship it' });
    const root = one(exporter.spans, 'invoke_workflow demo');
    expect(JSON.parse(root.attributes['mlflow.spanOutputs'] as string)).toEqual({
      messages: [{ role: 'assistant', content: 'Verdict: ship it' }],
    });
    expect(JSON.parse(root.attributes['omnigent.workflow.outputs'] as string)).toEqual({
      build: 'Added farewell',
      test: 'PASS',
      review: 'Verdict: ship it',
    });
  });

  it('marks a failed workflow as an error, its message redacted', async () => {
    const exporter = new CollectingExporter();
    const wf = startWorkflowTrace(
      { workflowRunId: 'wf-2', name: 'w' },
      { env: { OMNIGENT_TELEMETRY_ENABLED: 'true' }, exporter, warn: createWarnOnce(() => undefined) },
    )!;
    await wf.end('failed', undefined, 'step fix failed: key sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345');
    const root = one(exporter.spans, 'invoke_workflow w');
    expect(root.status).toEqual({ code: SpanStatusCode.ERROR, message: 'step fix failed: key [REDACTED]' });
    expect(root.attributes['error.type']).toBe('failed');
    expect(startWorkflowTrace({ workflowRunId: 'x' }, { env: {}, exporter })).toBeUndefined();
  });

  it('keeps captured JSON valid when it truncates large values', async () => {
    const big = 'x'.repeat(200_000);
    const events = [
      ev(0, { type: 'tool.started', callId: 't', name: 'Read', kind: 'read', input: { path: 'big.txt' } }),
      ev(10, { type: 'tool.completed', callId: 't', name: 'Read', output: { content: big, lines: 1 }, isError: false }),
      ev(20, { type: 'run.completed', durationMs: 20, result: big }),
    ];
    const { spans } = await trace(events, { capture: true });
    const result = one(spans, 'execute_tool Read').attributes['gen_ai.tool.call.result'] as string;
    expect(result.length).toBeLessThanOrEqual(65_536);
    const parsed = JSON.parse(result) as { content: string; lines: number };
    expect(parsed.lines).toBe(1);
    expect(parsed.content).toMatch(/^x+…\[truncated \d+ chars\]$/);
    const out = JSON.parse(one(spans, 'invoke_agent claude-code').attributes['mlflow.spanOutputs'] as string) as {
      messages: Array<{ content: string }>;
    };
    expect(out.messages[0]!.content.length).toBeLessThan(20_000);
  });

  it('replaces lone surrogates in captured content with U+FFFD (MLflow decodes JSON attributes and stores them as UTF-8)', async () => {
    // A harness that cut its output mid-emoji leaves half a surrogate pair; JSON.stringify would
    // send it as a "\ud83d" escape, which MLflow decodes back into a string UTF-8 cannot store.
    const cut = 'ok \ud83d';
    const events = [
      ev(0, { type: 'tool.started', callId: 't', name: 'Read', kind: 'read', input: { path: `a\udc00.txt` } }),
      ev(10, { type: 'tool.completed', callId: 't', name: 'Read', output: cut, isError: false }),
      ev(15, { type: 'tool.started', callId: 'e', name: 'Bash', kind: 'shell', input: { command: 'x' } }),
      ev(16, { type: 'tool.completed', callId: 'e', name: 'Bash', output: `failed ${cut}`, isError: true }),
      ev(20, { type: 'message', role: 'assistant', text: cut }),
      ev(30, { type: 'run.completed', durationMs: 30, result: cut }),
    ];
    const { spans } = await trace(events, {
      capture: true,
      info: info({ request: { prompt: `p \udfff q`, model: 'm' } }),
    });
    const loneEscape = /\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i;
    const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
    for (const s of spans) {
      for (const [k, v] of Object.entries(s.attributes)) {
        if (typeof v !== 'string') continue;
        expect(loneEscape.test(v), `${s.name} ${k}`).toBe(false);
        expect(lone.test(v), `${s.name} ${k}`).toBe(false);
      }
      expect(lone.test(s.status.message ?? ''), s.name).toBe(false);
    }
    expect(JSON.parse(one(spans, 'execute_tool Read').attributes['gen_ai.tool.call.result'] as string)).toBe(
      'ok \ufffd',
    );
    expect(JSON.parse(one(spans, 'execute_tool Read').attributes['gen_ai.tool.call.arguments'] as string)).toEqual({
      path: 'a\ufffd.txt',
    });
    expect(JSON.parse(one(spans, 'invoke_agent claude-code').attributes['mlflow.spanInputs'] as string)).toEqual({
      messages: [{ role: 'user', content: 'p \ufffd q' }],
    });
    expect(one(spans, 'execute_tool Bash').status.message).toBe('failed ok \ufffd');
  });

  it('keeps captured JSON valid and within OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT instead of letting the SDK cut it mid-string', async () => {
    const saved = process.env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT;
    process.env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT = '300';
    try {
      const long = 'word '.repeat(200);
      const events = [
        ev(0, { type: 'tool.started', callId: 't', name: 'Bash', kind: 'shell', input: { command: long, cwd: '/w' } }),
        ev(10, {
          type: 'tool.completed',
          callId: 't',
          name: 'Bash',
          output: { stdout: long, exit: 0 },
          isError: false,
        }),
        ev(20, { type: 'usage', scope: 'call', source: 'stream', confidence: 'exact', input: 5, output: 6 }),
        ev(30, { type: 'run.completed', durationMs: 30, result: long }),
      ];
      const { spans } = await trace(events, {
        capture: true,
        info: info({ request: { prompt: long, model: 'm' } }),
        env: { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '300' },
      });
      for (const s of spans) {
        for (const k of [
          'mlflow.spanInputs',
          'mlflow.spanOutputs',
          'gen_ai.input.messages',
          'gen_ai.output.messages',
          'gen_ai.tool.call.arguments',
          'gen_ai.tool.call.result',
          'mlflow.chat.tokenUsage',
        ]) {
          const v = s.attributes[k];
          if (v === undefined) continue;
          expect(() => JSON.parse(v as string), `${s.name} ${k}`).not.toThrow();
          expect((v as string).length, `${s.name} ${k}`).toBeLessThanOrEqual(300);
        }
      }
      const root = one(spans, 'invoke_agent claude-code');
      expect(JSON.parse(root.attributes['mlflow.spanInputs'] as string).messages[0].role).toBe('user');
      expect(JSON.parse(one(spans, 'execute_tool Bash').attributes['gen_ai.tool.call.result'] as string).exit).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT;
      else process.env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT = saved;
    }
  });

  it("a RunTracer on a pipeline's tracer keeps captured JSON within the configured length limit without being told (omnigent export)", async () => {
    const exporter = new CollectingExporter();
    const config = resolveTelemetryConfig({
      OMNIGENT_TELEMETRY_ENABLED: 'true',
      OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '200',
    });
    const pipeline = createExportPipeline(config, { exporter, warn: createWarnOnce(() => undefined) });
    const long = 'word '.repeat(100);
    const tracer = new RunTracer(info({ request: { prompt: long, model: 'm' } }), {
      tracer: pipeline.tracer,
      captureContent: true,
      redactor: createRedactor(),
    });
    tracer.onEvent(ev(0, { type: 'tool.started', callId: 't', name: 'Bash', kind: 'shell', input: { command: long } }));
    tracer.onEvent(ev(1, { type: 'tool.completed', callId: 't', name: 'Bash', output: long, isError: false }));
    tracer.end(ev(2, { type: 'run.completed', durationMs: 2, result: long }) as never);
    await pipeline.shutdown();
    const values = exporter.spans.flatMap((s) =>
      ['mlflow.spanInputs', 'mlflow.spanOutputs', 'gen_ai.tool.call.arguments', 'gen_ai.tool.call.result']
        .map((k) => s.attributes[k])
        .filter((v): v is string => typeof v === 'string'),
    );
    // root in/out, tool args/result, and the run's one model call in/out (messages shape)
    expect(values).toHaveLength(6);
    for (const v of values) {
      expect(v.length).toBeLessThanOrEqual(200);
      expect(() => JSON.parse(v)).not.toThrow();
    }
  });

  it('Pi order (usage before the tool start): the tool call goes on the model call that asked for it', async () => {
    const events = [
      ev(0, { type: 'message', role: 'assistant', text: 'Let me run it.' }, 'pi'),
      ev(10, { type: 'usage', scope: 'call', source: 'stream', confidence: 'exact', input: 120, output: 15 }, 'pi'),
      ev(11, { type: 'tool.started', callId: 'b1', name: 'bash', kind: 'shell', input: { command: 'echo hi' } }, 'pi'),
      ev(30, { type: 'tool.completed', callId: 'b1', name: 'bash', output: 'hi', isError: false }, 'pi'),
      ev(40, { type: 'message', role: 'assistant', text: 'Done' }, 'pi'),
      ev(50, { type: 'usage', scope: 'call', source: 'stream', confidence: 'exact', input: 150, output: 8 }, 'pi'),
      ev(60, { type: 'run.completed', durationMs: 60, result: 'Done' }, 'pi'),
    ];
    const { spans } = await trace(events, {
      capture: true,
      info: info({ harness: 'pi', request: { prompt: 'run echo hi', model: 'mock-model' } }),
    });
    const chats = spans.filter((s) => s.name === 'chat mock-model').sort((a, b) => times(a)[0] - times(b)[0]);
    const outputs = chats.map((c) => JSON.parse(c.attributes['mlflow.spanOutputs'] as string).messages[0]);
    expect(outputs[0]).toEqual({
      role: 'assistant',
      content: 'Let me run it.',
      tool_calls: [{ id: 'b1', type: 'function', function: { name: 'bash', arguments: '{"command":"echo hi"}' } }],
    });
    expect(outputs[1]).toEqual({ role: 'assistant', content: 'Done' });
    expect(JSON.parse(chats[1]!.attributes['mlflow.spanInputs'] as string)).toEqual({
      messages: [{ role: 'tool', tool_call_id: 'b1', content: 'hi' }],
    });
  });

  it('one model name per run: a context-window suffix like [1m] is dropped everywhere', async () => {
    const events = [
      ev(0, { type: 'session.started', sessionId: 's', cwd: '/w', model: 'claude-opus-4-8[1m]' }),
      ev(10, {
        type: 'usage',
        scope: 'call',
        source: 'stream',
        confidence: 'exact',
        model: 'claude-opus-4-8',
        input: 5,
        output: 1,
      }),
      ev(20, { type: 'run.completed', durationMs: 20, result: 'ok' }),
    ];
    const { spans } = await trace(events, { info: info({ request: { prompt: 'p' } }) });
    const root = one(spans, 'invoke_agent claude-code');
    expect([root.attributes['gen_ai.request.model'], root.attributes['gen_ai.response.model']]).toEqual([
      'claude-opus-4-8',
      'claude-opus-4-8',
    ]);
    expect(spans.filter((s) => s.name.startsWith('chat')).map((s) => s.name)).toEqual(['chat claude-opus-4-8']);
  });

  it('a failed model call is an ERROR span without invented zero token counts', async () => {
    const events = [
      ev(0, { type: 'message', role: 'assistant', text: 'API Error: 400 mock: forced error' }),
      ev(10, {
        type: 'run.failed',
        reason: 'error',
        message: 'API Error: 400 mock: forced error',
        durationMs: 10,
        usage: { input: 0, output: 0, source: 'result', confidence: 'partial' },
      }),
    ];
    const { spans } = await trace(events, { capture: true });
    const chat = one(spans, 'chat claude-sonnet-4-5');
    expect(chat.status).toEqual({ code: SpanStatusCode.ERROR, message: 'API Error: 400 mock: forced error' });
    for (const k of ['gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'mlflow.chat.tokenUsage'])
      expect(chat.attributes[k], k).toBeUndefined();
  });

  it('a run maps to the same trace id every time (live and exported), a workflow to its own', async () => {
    const a = await trace([ev(0, { type: 'run.completed', durationMs: 0 })], { info: info({ runId: 'run-same' }) });
    const b = await trace([ev(0, { type: 'run.completed', durationMs: 0 })], { info: info({ runId: 'run-same' }) });
    const c = await trace([ev(0, { type: 'run.completed', durationMs: 0 })], { info: info({ runId: 'run-other' }) });
    const id = (r: typeof a) => r.spans[0]!.spanContext().traceId;
    expect(id(a)).toBe(traceIdFor('run-same'));
    expect(id(b)).toBe(id(a));
    expect(id(c)).not.toBe(id(a));
  });

  it('ends the root with an error when the run vanished without a terminal event', async () => {
    const { spans } = await trace([ev(0, { type: 'session.started', sessionId: 's', cwd: '/w' })]);
    expect(one(spans, 'invoke_agent claude-code').status.code).toBe(SpanStatusCode.ERROR);
  });
});
