import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunRequest } from '@omnigent/core';
import { codexCommand } from '../src/command.js';
import { fixture, ofType, replay } from './replay.js';

describe('codex translator on transcripts of the real CLI', () => {
  it('maps a shell round trip: session, reasoning, tool start/end with output and exit code, message, turn usage', () => {
    const { events, terminal } = replay(fixture('tool'), { request: { model: 'gpt-5.5' } });
    expect(events[0]).toMatchObject({
      type: 'session.started',
      sessionId: '01a20d30-8fac-79f1-a79f-5032dcd6f1e5',
      cwd: '/work',
      model: 'gpt-5.5',
    });
    expect(ofType(events, 'reasoning')).toEqual([{ type: 'reasoning', text: '**Planning** run a shell command' }]);
    expect(ofType(events, 'tool.started')).toEqual([
      {
        type: 'tool.started',
        callId: 'item_1',
        name: 'command_execution',
        kind: 'shell',
        input: { command: "/bin/bash -lc 'echo hi'" },
      },
    ]);
    expect(ofType(events, 'tool.completed')).toEqual([
      {
        type: 'tool.completed',
        callId: 'item_1',
        name: 'command_execution',
        output: 'hi\n',
        isError: false,
        status: 'ok',
        exitCode: 0,
      },
    ]);
    expect(ofType(events, 'message')).toEqual([
      {
        type: 'message',
        role: 'assistant',
        text: 'Done: the command printed hi',
        model: 'gpt-5.5',
        provider: 'openai',
      },
    ]);
    // the mock sent 120/20/15/5 then 130/30/7/2: one process, so the total is this turn's usage
    expect(ofType(events, 'usage')).toEqual([
      {
        type: 'usage',
        scope: 'turn',
        source: 'derived',
        confidence: 'exact',
        input: 250,
        cacheRead: 50,
        cacheWrite: 0,
        output: 22,
        reasoning: 7,
        model: 'gpt-5.5',
        provider: 'openai',
      },
    ]);
    expect(ofType(events, 'turn.started')).toEqual([{ type: 'turn.started', turn: 1 }]);
    expect(ofType(events, 'turn.completed')[0]).toMatchObject({ turn: 1, usage: { input: 250, output: 22 } });
    expect(terminal).toMatchObject({
      type: 'run.completed',
      result: 'Done: the command printed hi',
      turns: 1,
      usage: { input: 250, cacheRead: 50, output: 22, reasoning: 7, source: 'derived', confidence: 'exact' },
    });
  });

  it('marks a failed command (status failed, exit 2) as an error with its exit code', () => {
    const { events, terminal } = replay(fixture('cmdfail'));
    const done = ofType(events, 'tool.completed');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ isError: true, status: 'error', exitCode: 2, name: 'command_execution' });
    expect(String(done[0]!.output)).toContain('No such file or directory');
    expect(terminal?.type).toBe('run.completed');
  });

  it('turns a file_change into an edit tool call and one file.changed per path, only once applied', () => {
    const { events } = replay(fixture('patch'));
    expect(ofType(events, 'tool.started')).toEqual([
      {
        type: 'tool.started',
        callId: 'item_0',
        name: 'file_change',
        kind: 'edit',
        input: { changes: [{ path: '$SCRATCH/work/hello.txt', kind: 'add' }] },
      },
    ]);
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({ isError: false, status: 'ok' });
    expect(ofType(events, 'file.changed')).toEqual([
      { type: 'file.changed', path: '$SCRATCH/work/hello.txt', change: 'add', callId: 'item_0' },
    ]);
    // the file.changed follows the completion, not the in-progress start
    const types = events.map((e) => e.type);
    expect(types.indexOf('file.changed')).toBeGreaterThan(types.indexOf('tool.completed'));
  });

  it('reports the unknown-model notice (an error ITEM) as a warning and still completes', () => {
    const { events, terminal } = replay(fixture('unknown-model'));
    expect(ofType(events, 'warning')).toEqual([
      expect.objectContaining({
        code: 'harness-warning',
        message: expect.stringContaining('Model metadata for `mock-model` not found'),
      }),
    ]);
    expect(terminal?.type).toBe('run.completed');
  });

  it("fails with codex's message on HTTP 500 (turn.failed), keeping the exit code", () => {
    const { terminal, events } = replay(fixture('http500'), { exit: { exitCode: 1 } });
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      exitCode: 1,
      message: expect.stringContaining('experiencing high demand'),
    });
    expect(ofType(events, 'turn.completed')).toEqual([{ type: 'turn.completed', turn: 1 }]);
    expect(ofType(events, 'usage')).toEqual([]);
  });

  it('keeps the partial answer of a response.failed stream but fails the run', () => {
    const { terminal, events } = replay(fixture('response-failed'), { exit: { exitCode: 1 } });
    expect(ofType(events, 'message').map((m) => m.text)).toEqual(['partial answer']);
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: 'stream disconnected before completion: mock failure',
      result: 'partial answer',
    });
  });

  it('fails with the missing-key message', () => {
    const { terminal } = replay(fixture('missing-key'), { exit: { exitCode: 1 } });
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: 'Missing environment variable: `MOCK_API_KEY`.',
    });
  });

  it('explains the git-repository refusal (exit 1, no JSON, stderr only)', () => {
    const stderrTail =
      'WARNING: proceeding, even though we could not create PATH aliases: Refusing to create helper binaries under temporary dir "/tmp"\nNot inside a trusted directory and --skip-git-repo-check was not specified.';
    const { terminal, events } = replay(fixture('not-git'), { exit: { exitCode: 1, stderrTail } });
    expect(events).toEqual([]);
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'exit',
      exitCode: 1,
      message: expect.stringContaining('git repository'),
    });
  });

  it('fails an exit with no JSON with the last meaningful stderr line, skipping codex noise', () => {
    const stderrTail = 'boom: config.toml is invalid at line 3\nReading additional input from stdin...';
    const { terminal } = replay([], { exit: { exitCode: 1, stderrTail } });
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'exit',
      message: 'codex exited with code 1 before starting a thread: boom: config.toml is invalid at line 3',
    });
  });

  it('fails a SIGINT-interrupted run (exit 1, no turn end) and leaves the tool open for the runner to close', () => {
    const { terminal, events, state } = replay(fixture('sigint'), {
      exit: { exitCode: 1, stderrTail: 'ERROR codex_core::session: failed to record rollout items' },
    });
    expect(ofType(events, 'tool.started')).toHaveLength(1);
    expect(ofType(events, 'tool.completed')).toHaveLength(0);
    expect(state.openTools.size).toBe(1);
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'exit',
      exitCode: 1,
      message: expect.stringContaining('before its turn finished'),
    });
  });

  it('fails a run omnigent stopped (SIGTERM, exit 143) as aborted', () => {
    expect(replay(fixture('sigterm'), { exit: { exitCode: 143, endedByRunner: 'aborted' } }).terminal).toMatchObject({
      type: 'run.failed',
      reason: 'aborted',
      exitCode: 143,
    });
    expect(
      replay(fixture('sigterm'), { exit: { signal: 'SIGTERM', exitCode: undefined, endedByRunner: 'aborted' } })
        .terminal,
    ).toMatchObject({ type: 'run.failed', reason: 'aborted', signal: 'SIGTERM' });
  });

  it('bug: codex killed by a signal omnigent did not send (SIGKILL, SIGSEGV, an outside SIGTERM) was reported as a user interrupt', () => {
    for (const sig of ['SIGKILL', 'SIGSEGV', 'SIGTERM']) {
      expect(replay(fixture('sigterm'), { exit: { signal: sig, exitCode: undefined } }).terminal).toMatchObject({
        type: 'run.failed',
        reason: 'exit',
        signal: sig,
        message: expect.stringContaining(`codex was killed by ${sig} before its turn finished`),
      });
    }
    expect(replay(fixture('sigterm'), { exit: { exitCode: 143 } }).terminal).toMatchObject({
      type: 'run.failed',
      reason: 'exit',
      exitCode: 143,
      message: expect.stringContaining('exited with code 143 (SIGTERM from outside omnigent)'),
    });
  });

  it('fails a run that exits 0 without turn.completed', () => {
    const { terminal } = replay(fixture('tool').slice(0, 3));
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'exit',
      message: expect.stringContaining('without finishing its turn'),
    });
  });

  it('fails a completed turn whose process still exits non-zero', () => {
    expect(replay(fixture('tool'), { exit: { exitCode: 3 } }).terminal).toMatchObject({
      type: 'run.failed',
      reason: 'exit',
      exitCode: 3,
    });
  });
});

describe('reference transcripts (shared/fixtures/codex, captured by the research probe)', () => {
  it('text: one message, usage 120/20/15/5, unknown-model warning', () => {
    const { events, terminal } = replay(fixture('reference-text'));
    expect(ofType(events, 'message').map((m) => m.text)).toEqual(['Hello from the mock model']);
    expect(ofType(events, 'warning')).toHaveLength(1);
    expect(ofType(events, 'usage')[0]).toMatchObject({
      input: 120,
      cacheRead: 20,
      output: 15,
      reasoning: 5,
      confidence: 'exact',
    });
    expect(terminal?.type).toBe('run.completed');
  });

  it('tool: a completed echo', () => {
    const { events } = replay(fixture('reference-tool'));
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({ output: 'hi\n', exitCode: 0, isError: false });
  });

  it('error: the generic 500 message fails the run', () => {
    expect(replay(fixture('reference-error'), { exit: { exitCode: 1 } }).terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: expect.stringContaining('high demand'),
    });
  });

  it('resume without a known baseline reports the cumulative figure as partial', () => {
    const { events } = replay(fixture('reference-resume'), {
      request: {
        resume: '01a20d10-34e9-7a42-bc89-fd13f00c5540',
        env: { CODEX_HOME: join(tmpdir(), 'omnigent-codex-no-such-home') },
      },
    });
    expect(ofType(events, 'usage')[0]).toMatchObject({ input: 240, confidence: 'partial' });
    expect(ofType(events, 'session.started')[0]).toMatchObject({
      details: { resumed: true, usageBaseline: 'unknown' },
    });
  });

  it('resume with options.previousUsage subtracts the earlier turn exactly (240 - 120)', () => {
    const { events } = replay(fixture('reference-resume'), {
      request: {
        resume: '01a20d10-34e9-7a42-bc89-fd13f00c5540',
        options: {
          previousUsage: { input_tokens: 120, cached_input_tokens: 20, output_tokens: 15, reasoning_output_tokens: 5 },
        },
      },
    });
    expect(ofType(events, 'usage')[0]).toMatchObject({
      input: 120,
      cacheRead: 20,
      output: 15,
      reasoning: 5,
      confidence: 'exact',
    });
  });
});

describe('resume usage from the rollout file', () => {
  it('reads the last token_count total of the thread before this run as the baseline', () => {
    const threadId = '01a20d30-a948-7441-a9ff-9f894a3fc8bf';
    const home = mkdtempSync(join(tmpdir(), 'codex-home-'));
    const day = join(home, 'sessions', '2026', '11', '24');
    mkdirSync(day, { recursive: true });
    const tokenCount = (input: number, cached: number, output: number, reasoning: number): string =>
      JSON.stringify({
        type: 'event_msg',
        payload: {
          type: 'token_count',
          info: {
            total_token_usage: {
              input_tokens: input,
              cached_input_tokens: cached,
              cache_write_input_tokens: 0,
              output_tokens: output,
              reasoning_output_tokens: reasoning,
            },
          },
        },
      });
    writeFileSync(
      join(day, `rollout-2026-11-24T10-53-45-${threadId}.jsonl`),
      [
        JSON.stringify({ type: 'session_meta', payload: { id: threadId } }),
        JSON.stringify({ type: 'event_msg', payload: { type: 'token_count', info: null } }),
        tokenCount(60, 0, 5, 1),
        tokenCount(120, 20, 15, 5),
        '{"torn',
      ].join('\n'),
    );
    const { events, terminal } = replay(fixture('resume-2'), {
      request: { resume: threadId, env: { CODEX_HOME: home } },
    });
    // resume-2 reported the thread total 420/220/35/9; the first run ended at 120/20/15/5
    expect(ofType(events, 'usage')).toEqual([
      {
        type: 'usage',
        scope: 'turn',
        source: 'derived',
        confidence: 'exact',
        input: 300,
        cacheRead: 200,
        cacheWrite: 0,
        output: 20,
        reasoning: 4,
        provider: 'openai',
      },
    ]);
    expect(terminal).toMatchObject({ usage: { input: 300, output: 20, confidence: 'exact' } });
    expect(ofType(events, 'session.started')[0]).toMatchObject({ details: { usageBaseline: 'rollout' } });
    rmSync(home, { recursive: true, force: true });
  });
});

describe('model without -m', () => {
  it('takes the top-level model of $CODEX_HOME/config.toml, ignoring tables', () => {
    const home = mkdtempSync(join(tmpdir(), 'codex-home-'));
    writeFileSync(
      join(home, 'config.toml'),
      '# comment\nmodel = "gpt-5.5" # default\nmodel_provider = "mock"\n[profiles.x]\nmodel = "other"\n',
    );
    const { events } = replay(fixture('reference-text'), { request: { env: { CODEX_HOME: home } } });
    expect(ofType(events, 'session.started')[0]).toMatchObject({ model: 'gpt-5.5' });
    expect(ofType(events, 'usage')[0]).toMatchObject({ model: 'gpt-5.5' });
    writeFileSync(join(home, 'config.toml'), '[model_providers.mock]\nmodel = "not-root"\n');
    expect(
      ofType(
        replay(fixture('reference-text'), { request: { env: { CODEX_HOME: home } } }).events,
        'session.started',
      )[0]!.model,
    ).toBeUndefined();
    rmSync(home, { recursive: true, force: true });
  });
});

describe('items without a recorded transcript (schema of codex-rs exec_events.rs)', () => {
  it('maps MCP calls (kind mcp, name server/tool), errors included', () => {
    const { events } = replay([
      { type: 'thread.started', thread_id: 't' },
      { type: 'turn.started' },
      {
        type: 'item.started',
        item: {
          id: 'item_0',
          type: 'mcp_tool_call',
          server: 'docs',
          tool: 'search',
          arguments: { q: 'x' },
          status: 'in_progress',
        },
      },
      {
        type: 'item.completed',
        item: {
          id: 'item_0',
          type: 'mcp_tool_call',
          server: 'docs',
          tool: 'search',
          arguments: { q: 'x' },
          result: { content: [{ type: 'text', text: 'found' }], structured_content: null },
          status: 'completed',
        },
      },
      {
        type: 'item.started',
        item: {
          id: 'item_1',
          type: 'mcp_tool_call',
          server: 'docs',
          tool: 'fetch',
          arguments: {},
          status: 'in_progress',
        },
      },
      {
        type: 'item.completed',
        item: {
          id: 'item_1',
          type: 'mcp_tool_call',
          server: 'docs',
          tool: 'fetch',
          arguments: {},
          error: { message: 'denied by server' },
          status: 'failed',
        },
      },
      {
        type: 'turn.completed',
        usage: { input_tokens: 10, cached_input_tokens: 0, output_tokens: 2, reasoning_output_tokens: 0 },
      },
    ]);
    expect(ofType(events, 'tool.started').map((e) => [e.name, e.kind, e.input])).toEqual([
      ['docs/search', 'mcp', { q: 'x' }],
      ['docs/fetch', 'mcp', {}],
    ]);
    const done = ofType(events, 'tool.completed');
    expect(done[0]).toMatchObject({ isError: false, output: { content: [{ type: 'text', text: 'found' }] } });
    expect(done[1]).toMatchObject({ isError: true, status: 'error', output: { error: 'denied by server' } });
    // normalized: whichever harness, the MCP server and tool of the call
    expect(ofType(events, 'tool.started').map((e) => e.mcp)).toEqual([
      { server: 'docs', tool: 'search' },
      { server: 'docs', tool: 'fetch' },
    ]);
    expect(done.map((e) => e.mcp)).toEqual([
      { server: 'docs', tool: 'search' },
      { server: 'docs', tool: 'fetch' },
    ]);
  });

  it('maps a completed-only web_search to a start and an end (kind web)', () => {
    const { events } = replay([
      { type: 'thread.started', thread_id: 't' },
      { type: 'item.completed', item: { id: 'item_0', type: 'web_search', query: 'codex exec json' } },
    ]);
    expect(events.filter((e) => e.type.startsWith('tool.'))).toEqual([
      { type: 'tool.started', callId: 'item_0', name: 'web_search', kind: 'web', input: { query: 'codex exec json' } },
      {
        type: 'tool.completed',
        callId: 'item_0',
        name: 'web_search',
        output: { query: 'codex exec json' },
        isError: false,
        status: 'ok',
      },
    ]);
  });

  it('maps todo_list started/updated/completed to a todo tool with updates', () => {
    const items = (done: boolean) => [
      { text: 'write tests', completed: done },
      { text: 'ship', completed: false },
    ];
    const { events } = replay([
      { type: 'thread.started', thread_id: 't' },
      { type: 'item.started', item: { id: 'item_0', type: 'todo_list', items: items(false) } },
      { type: 'item.updated', item: { id: 'item_0', type: 'todo_list', items: items(true) } },
      { type: 'item.completed', item: { id: 'item_0', type: 'todo_list', items: items(true) } },
    ]);
    expect(events.slice(1).map((e) => e.type)).toEqual(['tool.started', 'tool.updated', 'tool.completed']);
    expect(ofType(events, 'tool.started')[0]).toMatchObject({ kind: 'todo', name: 'todo_list' });
    expect(ofType(events, 'tool.updated')[0]).toMatchObject({ output: { items: items(true) } });
  });

  it('marks a declined command as denied, and a failed patch as an error that still names its paths', () => {
    const { events } = replay([
      { type: 'thread.started', thread_id: 't' },
      {
        type: 'item.started',
        item: {
          id: 'item_0',
          type: 'command_execution',
          command: 'rm -rf /',
          aggregated_output: '',
          exit_code: null,
          status: 'in_progress',
        },
      },
      {
        type: 'item.completed',
        item: {
          id: 'item_0',
          type: 'command_execution',
          command: 'rm -rf /',
          aggregated_output: '',
          exit_code: null,
          status: 'declined',
        },
      },
      {
        type: 'item.completed',
        item: {
          id: 'item_1',
          type: 'file_change',
          changes: [
            { path: '/w/a.txt', kind: 'update' },
            { path: '/w/b.txt', kind: 'delete' },
          ],
          status: 'failed',
        },
      },
      {
        type: 'item.completed',
        item: {
          id: 'item_2',
          type: 'file_change',
          changes: [
            { path: '/w/a.txt', kind: 'update' },
            { path: '/w/b.txt', kind: 'delete' },
          ],
          status: 'completed',
        },
      },
    ]);
    expect(ofType(events, 'tool.completed').map((e) => [e.callId, e.isError, e.status])).toEqual([
      ['item_0', true, 'denied'],
      ['item_1', true, 'error'],
      ['item_2', false, 'ok'],
    ]);
    // codex applies a patch file by file: a `failed` one may have changed some of its paths
    expect(ofType(events, 'file.changed').map((e) => [e.callId, e.path, e.change])).toEqual([
      ['item_1', '/w/a.txt', 'update'],
      ['item_1', '/w/b.txt', 'delete'],
      ['item_2', '/w/a.txt', 'update'],
      ['item_2', '/w/b.txt', 'delete'],
    ]);
  });

  it('maps collab_tool_call to an agent tool, warns once on unknown items and unknown events', () => {
    const { events } = replay([
      { type: 'thread.started', thread_id: 't' },
      {
        type: 'item.started',
        item: {
          id: 'item_0',
          type: 'collab_tool_call',
          tool: 'spawn_agent',
          prompt: 'help',
          receiver_thread_ids: ['t2'],
          status: 'in_progress',
        },
      },
      {
        type: 'item.completed',
        item: {
          id: 'item_0',
          type: 'collab_tool_call',
          tool: 'spawn_agent',
          prompt: 'help',
          receiver_thread_ids: ['t2'],
          status: 'completed',
        },
      },
      { type: 'item.started', item: { id: 'item_1', type: 'hologram' } },
      { type: 'item.completed', item: { id: 'item_1', type: 'hologram' } },
      { type: 'thread.renamed', name: 'x' },
    ]);
    expect(ofType(events, 'tool.started')[0]).toMatchObject({
      name: 'spawn_agent',
      kind: 'agent',
      input: { prompt: 'help', receiverThreadIds: ['t2'] },
    });
    expect(ofType(events, 'warning').map((w) => w.code)).toEqual(['unknown-item', 'unknown-record']);
  });

  it('warns once per request field codex exec cannot honour, through command() warnings (the one route)', () => {
    const request = { prompt: 'p', cwd: '/work', maxTurns: 3, allowedTools: ['shell'] };
    expect(codexCommand(request).warnings).toEqual([
      'codex exec has no equivalent of maxTurns; it was ignored',
      'codex exec has no equivalent of allowedTools; it was ignored',
    ]);
    expect(codexCommand({ prompt: 'p', cwd: '/work' }).warnings).toBeUndefined();
    // the translator no longer repeats them
    const { events } = replay(fixture('reference-text'), { request });
    expect(ofType(events, 'warning').filter((w) => w.code === 'unsupported-option')).toEqual([]);
  });

  it('prices usage when options.price is configured', () => {
    const { events } = replay(fixture('tool'), {
      request: { options: { price: { input: 1, output: 2, cacheRead: 0.1 } } },
    });
    // (250-50)*1 + 50*0.1 + 22*2 = 249 per million
    const usage = ofType(events, 'usage')[0]!;
    expect(usage.costSource).toBe('configured-price');
    expect(usage.costUsd).toBeCloseTo(249 / 1_000_000, 12);
  });

  it('does not invent a cost without a price', () => {
    const usage = ofType(replay(fixture('tool')).events, 'usage')[0]!;
    expect(usage.costUsd).toBeUndefined();
  });

  it('a recovered stream error becomes a warning when the turn still completes', () => {
    const records = fixture('reference-text');
    records.splice(3, 0, { type: 'error', message: 'Reconnecting... 1/5' });
    const { events, terminal } = replay(records);
    expect(terminal?.type).toBe('run.completed');
    expect(ofType(events, 'warning').map((w) => w.message)).toContain('Reconnecting... 1/5');
  });
});

describe('review regressions (cases of the reference the first version missed)', () => {
  it('bug: failed patch changed a file on disk but reported no file.changed', () => {
    // recorded: hunk 1 updated a.txt, hunk 2 could not add b.txt/x.txt; codex reports `failed`
    const { events, terminal } = replay(fixture('patch-failed'));
    expect(ofType(events, 'tool.completed')).toEqual([
      expect.objectContaining({ callId: 'item_0', name: 'file_change', isError: true, status: 'error' }),
    ]);
    expect(ofType(events, 'file.changed')).toEqual([
      { type: 'file.changed', path: '$SCRATCH/work/a.txt', change: 'update', callId: 'item_0' },
      { type: 'file.changed', path: '$SCRATCH/work/b.txt/x.txt', change: 'add', callId: 'item_0' },
    ]);
    expect(terminal).toMatchObject({ type: 'run.completed', result: 'Only a.txt was updated' });
  });

  it('bug: declined patch (never applied) must not report file.changed', () => {
    const { events } = replay([
      { type: 'thread.started', thread_id: 't' },
      {
        type: 'item.completed',
        item: {
          id: 'item_0',
          type: 'file_change',
          changes: [{ path: '/w/a.txt', kind: 'update' }],
          status: 'declined',
        },
      },
    ]);
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({ isError: true, status: 'denied' });
    expect(ofType(events, 'file.changed')).toEqual([]);
  });

  it('bug: plan item (plan mode) was an unknown item and its text was lost', () => {
    const plan = '1. Read the code\n2. Fix the bug';
    const { events, terminal } = replay([
      { type: 'thread.started', thread_id: 't' },
      { type: 'turn.started' },
      { type: 'item.plan.delta', item_id: 'item_0', delta: '1. Read the code\n' },
      { type: 'item.plan.delta', item_id: 'item_0', delta: '2. Fix the bug' },
      { type: 'item.completed', item: { id: 'item_0', type: 'plan', text: plan } },
      { type: 'turn.completed', usage: { input_tokens: 10, cached_input_tokens: 0, output_tokens: 5 } },
    ]);
    expect(ofType(events, 'warning')).toEqual([]);
    expect(ofType(events, 'message')).toEqual([{ type: 'message', role: 'assistant', text: plan, provider: 'openai' }]);
    // codex's own final message is the last agent message, else the plan
    expect(terminal).toMatchObject({ type: 'run.completed', result: plan });
    const withAnswer = replay([
      { type: 'thread.started', thread_id: 't' },
      { type: 'item.completed', item: { id: 'item_0', type: 'agent_message', text: 'answer' } },
      { type: 'item.completed', item: { id: 'item_1', type: 'plan', text: plan } },
      { type: 'turn.completed', usage: { input_tokens: 10, output_tokens: 5 } },
    ]);
    expect(withAnswer.terminal).toMatchObject({ result: 'answer' });
  });

  it('bug: request_user_input was reported as an unknown event instead of an unanswerable question', () => {
    const { events, terminal } = replay([
      { type: 'thread.started', thread_id: 't' },
      { type: 'turn.started' },
      {
        type: 'request_user_input',
        id: 'turn-1',
        call_id: 'call_9',
        questions: [{ id: 'q1', header: 'Target', question: 'Which branch should I use?', options: null }],
      },
      { type: 'item.completed', item: { id: 'item_0', type: 'agent_message', text: 'Using main.' } },
      { type: 'turn.completed', usage: { input_tokens: 10, output_tokens: 5 } },
    ]);
    const warnings = ofType(events, 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      code: 'user-input-requested',
      message: expect.stringContaining('Which branch should I use?'),
    });
    expect(warnings[0]!.message).toContain('cannot be answered');
    expect(terminal).toMatchObject({ type: 'run.completed', result: 'Using main.' });
  });

  it('bug: web_search (newer shape) lost the action codex resolved at completion', () => {
    const action = { type: 'search', query: 'codex exec json', queries: ['codex exec json'] };
    const { events } = replay([
      { type: 'thread.started', thread_id: 't' },
      { type: 'item.started', item: { id: 'ws_1', type: 'web_search', query: '', action: { type: 'other' } } },
      { type: 'item.completed', item: { id: 'ws_1', type: 'web_search', query: 'codex exec json', action } },
    ]);
    expect(ofType(events, 'tool.started')).toHaveLength(1);
    expect(ofType(events, 'tool.completed')).toEqual([
      {
        type: 'tool.completed',
        callId: 'ws_1',
        name: 'web_search',
        output: { query: 'codex exec json', action },
        isError: false,
        status: 'ok',
      },
    ]);
  });
});

describe('review regressions: stderr of a failed start', () => {
  it('bug: codex error with RUST_BACKTRACE set was reported as its last backtrace frame', () => {
    const frames = Array.from({ length: 12 }, (_, i) => `  ${i}: <unknown>`).join('\n');
    const stderrTail = [
      'WARNING: proceeding, even though we could not create PATH aliases: Refusing to create helper binaries under temporary dir "/tmp"',
      'Error: thread/resume: thread/resume failed: no rollout found for thread id 01a2 (code -32600)',
      '',
      'Stack backtrace:',
      frames,
    ].join('\n');
    const { terminal } = replay([], { request: { resume: '01a2' }, exit: { exitCode: 1, stderrTail } });
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'exit',
      message:
        'codex exited with code 1 before starting a thread: Error: thread/resume: thread/resume failed: no rollout found for thread id 01a2 (code -32600)',
    });
  });
});

describe('review regressions: model with a profile', () => {
  it('bug: with -p <profile> the model came from config.toml instead of <profile>.config.toml', () => {
    const home = mkdtempSync(join(tmpdir(), 'codex-home-'));
    writeFileSync(join(home, 'config.toml'), 'model = "gpt-5.5"\n');
    writeFileSync(join(home, 'fast.config.toml'), 'model = "gpt-5.5-mini"\n');
    const started = (options: Record<string, unknown>) =>
      ofType(
        replay(fixture('reference-text'), { request: { env: { CODEX_HOME: home }, options } }).events,
        'session.started',
      )[0]!;
    expect(started({ profile: 'fast' }).model).toBe('gpt-5.5-mini');
    // a profile without a model of its own inherits the base config's
    expect(started({ profile: 'other' }).model).toBe('gpt-5.5');
    expect(started({}).model).toBe('gpt-5.5');
    rmSync(home, { recursive: true, force: true });
  });
});

describe('review regressions: provider', () => {
  it('gap: session, message and usage events did not name the model provider codex used', () => {
    const home = mkdtempSync(join(tmpdir(), 'codex-home-'));
    const provider = (request: Partial<RunRequest>) => {
      const { events } = replay(fixture('reference-text'), { request: { env: { CODEX_HOME: home }, ...request } });
      const names = [
        ofType(events, 'session.started')[0]!.provider,
        ofType(events, 'message')[0]!.provider,
        ofType(events, 'usage')[0]!.provider,
      ];
      expect(new Set(names).size).toBe(1);
      return names[0];
    };
    expect(provider({})).toBe('openai');
    expect(provider({ options: { provider: { id: 'mock', base_url: 'http://127.0.0.1:9/v1' } } })).toBe('mock');
    expect(provider({ options: { provider: { base_url: 'http://127.0.0.1:9/v1' } } })).toBe('omnigent');
    expect(provider({ provider: 'ollama' })).toBe('ollama');
    expect(provider({ options: { config: { model_provider: 'azure' } } })).toBe('azure');
    writeFileSync(
      join(home, 'config.toml'),
      'model = "gpt-5.5"\nmodel_provider = "mock"\n[model_providers.mock]\nname = "Mock"\n',
    );
    expect(provider({})).toBe('mock');
    expect(provider({ options: { ignoreUserConfig: true } })).toBe('openai');
    rmSync(home, { recursive: true, force: true });
  });
});

describe('review regressions: reconnects', () => {
  it('bug: codex reconnect notices (top-level error "Reconnecting... n/m") surfaced only after the run ended', () => {
    // recorded: the built-in provider tries a WebSocket 4 times, falls back to HTTPS and answers
    const { events, terminal } = replay(fixture('reconnect'));
    const types = events.map((e) => (e.type === 'warning' ? `warning:${e.code}` : e.type));
    expect(types).toEqual([
      'session.started',
      'turn.started',
      'warning:api-retry',
      'warning:api-retry',
      'warning:api-retry',
      'warning:api-retry',
      'warning:harness-warning',
      'message',
      'usage',
      'turn.completed',
    ]);
    expect(ofType(events, 'warning')[0]!.message).toMatch(/^Reconnecting\.\.\. 2\/5 /);
    expect(terminal).toMatchObject({ type: 'run.completed', result: 'hi' });
  });

  it('a reconnect that never recovers still fails with the turn.failed message', () => {
    const { terminal, events } = replay(
      [
        { type: 'thread.started', thread_id: 't' },
        { type: 'turn.started' },
        { type: 'error', message: 'Reconnecting... 1/2 (stream disconnected)' },
        { type: 'error', message: 'stream disconnected before completion: boom' },
        { type: 'turn.failed', error: { message: 'stream disconnected before completion: boom' } },
      ],
      { exit: { exitCode: 1 } },
    );
    expect(ofType(events, 'warning').map((w) => w.code)).toEqual(['api-retry']);
    expect(terminal).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: 'stream disconnected before completion: boom',
    });
  });
});
