// End to end on the REAL MLflow server (test/mlflow.global-setup.ts): `omnigent run` with the real
// Claude Code, Codex and Pi CLIs against the testkit's offline mock model servers, a workflow, and
// `omnigent export`; every figure is read back through MLflow's REST API.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockAnthropic, startMockChatCompletions, startMockResponses } from '@omnigent/testkit';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { attr, mlflowRest, spanType, tokenUsage, type MlflowSpan, type MlflowTraceInfo } from './mlflow-rest.js';
import { OMNIGENT, omnigentRun, seedEnv } from './omnigent-child.js';

const url = inject('mlflowUrl');
const here = dirname(fileURLToPath(import.meta.url));
const CODEX_BIN = join(here, '../../../plugins/plugin-codex/node_modules/.bin/codex');
const FAKE_PLUGIN = join(here, '../../testkit/dist/fake-plugin.js');
const FAKE_BIN = join(here, '../../testkit/dist/fake-harness-bin.js');

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function scratch(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `omnigent-mlflow-${prefix}-`));
  dirs.push(d);
  return d;
}

function mlflowEnv(experimentId: string): Record<string, string> {
  return {
    ...seedEnv(url!),
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: `x-mlflow-experiment-id=${experimentId}`,
    OMNIGENT_OTEL_USER: 'e2e-user',
  };
}

function events(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function theTrace(exp: string): Promise<{ trace: MlflowTraceInfo; spans: MlflowSpan[] }> {
  const api = mlflowRest(url!);
  const traces = await api.search(exp);
  expect(traces).toHaveLength(1);
  return { trace: traces[0]!, spans: await api.spans(traces[0]!.trace_id) };
}

async function expectFound(exp: string, traceId: string, filters: string[]): Promise<void> {
  const api = mlflowRest(url!);
  for (const f of filters)
    expect(
      (await api.search(exp, f)).map((t) => t.trace_id),
      f,
    ).toEqual([traceId]);
}

const byStart = (a: MlflowSpan, b: MlflowSpan): number =>
  Number(a.start_time_unix_nano) - Number(b.start_time_unix_nano);
const claudeEnv = (mockUrl: string): Record<string, string> => ({
  ANTHROPIC_BASE_URL: mockUrl,
  ANTHROPIC_API_KEY: 'test-key',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_ERROR_REPORTING: '1',
});

describe.skipIf(!url)('real harnesses on the real MLflow server', () => {
  it('Claude Code with a tool call: session/model tags, chat spans as messages, tokens equal what the mock served', async () => {
    const api = mlflowRest(url!);
    const exp = await api.createExperiment('claude-tool');
    const mock = await startMockAnthropic({
      turns: [
        {
          content: [
            { type: 'text', text: 'I will run a command.' },
            { type: 'tool_use', name: 'Bash', input: { command: 'echo hi', description: 'Print hi' } },
          ],
          usage: { input: 1200, cacheRead: 300, cacheWrite: 50, output: 40 },
        },
        {
          content: [{ type: 'text', text: 'Done: the command printed hi.' }],
          usage: { input: 1500, cacheRead: 0, cacheWrite: 0, output: 24 },
        },
      ],
    });
    try {
      const dir = scratch('cc');
      // no -m: Claude Code names its model `claude-opus-4-8[1m]`-style; MLflow gets one name
      const o = await omnigentRun(
        dir,
        [
          '-H',
          'claude-code',
          '--json',
          '--no-store',
          '--allowed-tools',
          'Bash',
          '--tag',
          'suite=e2e',
          'Run echo hi for me',
        ],
        { ...mlflowEnv(exp), ...claudeEnv(mock.url) },
      );
      expect(o.exitCode, o.stderr).toBe(0);
      const sessionId = events(o.stdout).find((e) => e.type === 'session.started')!.sessionId as string;
      const { trace, spans } = await theTrace(exp);
      const model = trace.tags['omnigent.model']!;
      expect(model).toMatch(/^claude-[a-z0-9.-]+$/);
      expect(trace.trace_metadata).toMatchObject({
        'mlflow.trace.session': sessionId,
        'mlflow.trace.user': 'e2e-user',
      });
      expect(trace.tags).toMatchObject({
        'mlflow.traceName': `claude-code · ${model}`,
        'omnigent.harness': 'claude-code',
        'omnigent.status': 'ok',
        suite: 'e2e',
      });
      expect(trace.tags['omnigent.harness_version']).toMatch(/^\d+\.\d+\.\d+/);
      // served: input + cache read + cache write, and output, summed over the two calls
      expect(tokenUsage(trace)).toEqual({ input_tokens: 1550 + 1500, output_tokens: 64, total_tokens: 3114 });
      await expectFound(exp, trace.trace_id, [
        `metadata.\`mlflow.trace.session\` = '${sessionId}'`,
        "tag.omnigent.harness = 'claude-code'",
        `tag.omnigent.model = '${model}'`,
        "span.type = 'TOOL'",
        "tag.suite = 'e2e'",
      ]);
      const chats = spans.filter((s) => spanType(s) === 'CHAT_MODEL').sort(byStart);
      expect(chats.map((c) => c.name)).toEqual([`chat ${model}`, `chat ${model}`]);
      const out0 = attr(chats[0]!, 'mlflow.spanOutputs') as {
        messages: Array<{ role: string; content: string; tool_calls?: Array<{ function: { name: string } }> }>;
      };
      expect(out0.messages[0]).toMatchObject({ role: 'assistant', content: 'I will run a command.' });
      expect(out0.messages[0]!.tool_calls!.map((t) => t.function.name)).toEqual(['Bash']);
      expect(attr(chats[1]!, 'mlflow.spanInputs')).toMatchObject({ messages: [{ role: 'tool', content: 'hi' }] });
      const root = spans.find((s) => !s.parent_span_id)!;
      expect(attr(root, 'gen_ai.response.model')).toBe(model);
      expect([trace.request_preview, trace.response_preview]).toEqual([
        'Run echo hi for me',
        'Done: the command printed hi.',
      ]);
      // the tool call: arguments as an object, its result, its own duration
      const [bash] = spans.filter((s) => spanType(s) === 'TOOL');
      expect([bash!.name, attr(bash!, 'mlflow.spanInputs'), attr(bash!, 'mlflow.spanOutputs')]).toEqual([
        'execute_tool Bash',
        { command: 'echo hi', description: 'Print hi' },
        'hi',
      ]);
      expect(Number(bash!.end_time_unix_nano) - Number(bash!.start_time_unix_nano)).toBeGreaterThan(0);
    } finally {
      await mock.close();
    }
  });

  it('Claude Code with a sub-agent: trace tokens equal the harness total, the sub-agent keeps its output', async () => {
    const api = mlflowRest(url!);
    const exp = await api.createExperiment('claude-subagent');
    const mock = await startMockAnthropic({
      turns: [
        {
          content: [
            {
              type: 'tool_use',
              name: 'Agent',
              input: {
                description: 'Check echo',
                prompt: 'SUBTASK: run echo from-sub',
                subagent_type: 'general-purpose',
              },
            },
          ],
          usage: { input: 2000, output: 60 },
        },
        {
          match: 'SUBTASK: run echo from-sub',
          content: [
            {
              type: 'tool_use',
              name: 'Bash',
              input: { command: 'echo from-sub', description: 'Echo from the sub-agent' },
            },
          ],
          usage: { input: 3000, output: 25 },
        },
        { content: [{ type: 'text', text: 'Sub-agent result: from-sub.' }], usage: { input: 3100, output: 9 } },
        { content: [{ type: 'text', text: 'The sub-agent reported from-sub.' }], usage: { input: 2200, output: 11 } },
      ],
    });
    try {
      const dir = scratch('cc-sub');
      const o = await omnigentRun(
        dir,
        [
          '-H',
          'claude-code',
          '--json',
          '--no-store',
          '-m',
          'claude-sonnet-4-5',
          '--allowed-tools',
          'Bash,Agent,Task',
          'Delegate a check to a sub-agent',
        ],
        { ...mlflowEnv(exp), ...claudeEnv(mock.url) },
      );
      expect(o.exitCode, o.stderr).toBe(0);
      const done = events(o.stdout).at(-1) as { type: string; usage?: { input: number; output: number } };
      expect(done.type).toBe('run.completed');
      const { trace, spans } = await theTrace(exp);
      // what the mock served over the four calls, sub-agent included, counted once
      expect(tokenUsage(trace)).toEqual({ input_tokens: 10300, output_tokens: 105, total_tokens: 10405 });
      expect([done.usage!.input, done.usage!.output]).toEqual([10300, 105]);
      const sub = spans.find((s) => s.name === 'invoke_agent general-purpose')!;
      expect(attr(sub, 'mlflow.spanOutputs')).toMatchObject({
        messages: [{ role: 'assistant', content: expect.stringContaining('from-sub') }],
      });
      expect(attr(sub, 'mlflow.spanInputs')).toEqual({
        messages: [{ role: 'user', content: 'SUBTASK: run echo from-sub' }],
      });
      const subChats = spans.filter((s) => s.parent_span_id === sub.span_id && spanType(s) === 'CHAT_MODEL');
      expect(subChats.length).toBeGreaterThan(0);
      expect(subChats.every((c) => attr(c, 'mlflow.spanOutputs') !== undefined)).toBe(true);
      await expectFound(exp, trace.trace_id, [
        "tag.omnigent.model = 'claude-sonnet-4-5'",
        "span.type = 'AGENT'",
        "span.type = 'TOOL'",
      ]);
    } finally {
      await mock.close();
    }
  });

  it('Claude Code whose model call fails: an ERROR trace and ERROR model call, no invented zero tokens, found by status', async () => {
    const api = mlflowRest(url!);
    const exp = await api.createExperiment('claude-error');
    const mock = await startMockAnthropic({ turns: [{ status: 400, errorMessage: 'mock: forced error' }] });
    try {
      const dir = scratch('cc-err');
      const o = await omnigentRun(
        dir,
        ['-H', 'claude-code', '--json', '--no-store', '-m', 'claude-sonnet-4-5', 'say hi'],
        { ...mlflowEnv(exp), ...claudeEnv(mock.url) },
      );
      expect(o.exitCode).toBe(1);
      const { trace, spans } = await theTrace(exp);
      expect(trace.state).toBe('ERROR');
      expect(trace.tags['omnigent.status']).toBe('failed');
      const chats = spans.filter((s) => spanType(s) === 'CHAT_MODEL');
      expect(chats).toHaveLength(1);
      expect(chats[0]!.status?.code).toMatch(/ERROR/);
      expect(attr(chats[0]!, 'mlflow.chat.tokenUsage')).toBeUndefined();
      expect(tokenUsage(trace)?.total_tokens ?? 0).toBe(0);
      await expectFound(exp, trace.trace_id, ["tag.omnigent.status = 'failed'", "trace.status = 'ERROR'"]);
    } finally {
      await mock.close();
    }
  });

  it("Codex with a tool call: tag.omnigent.harness = 'codex' finds it, tokens equal the mock's", async () => {
    const api = mlflowRest(url!);
    const exp = await api.createExperiment('codex');
    const mock = await startMockResponses({
      turns: [
        {
          output: [
            { type: 'message', text: 'Let me run it.' },
            { type: 'exec_command', cmd: 'echo hi' },
          ],
          usage: { input: 120, cached: 20, output: 15 },
        },
        {
          output: [{ type: 'message', text: 'Done: the command printed hi' }],
          usage: { input: 130, cached: 30, output: 7 },
        },
      ],
    });
    try {
      const root = scratch('codex');
      const work = join(root, 'work');
      const codexHome = join(root, 'codexhome');
      mkdirSync(work);
      mkdirSync(codexHome);
      const provider = {
        id: 'mock',
        name: 'Mock',
        base_url: mock.url,
        env_key: 'MOCK_API_KEY',
        request_max_retries: 0,
        stream_max_retries: 0,
      };
      writeFileSync(
        join(root, 'omnigent.config.json'),
        JSON.stringify({ harnesses: { codex: { options: { provider } } } }),
      );
      const store = { OMNIGENT_STORE: join(root, 'store') };
      const o = await omnigentRun(
        root,
        ['-H', 'codex', '--json', '--bin', CODEX_BIN, '-m', 'gpt-5.5', '-C', work, 'Run echo hi'],
        { ...mlflowEnv(exp), ...store, CODEX_HOME: codexHome, MOCK_API_KEY: 'sk-mock' },
      );
      expect(o.exitCode, o.stderr).toBe(0);
      const sessionId = events(o.stdout).find((e) => e.type === 'session.started')!.sessionId as string;
      const { trace, spans } = await theTrace(exp);
      expect(trace.trace_metadata['mlflow.trace.session']).toBe(sessionId);
      expect(trace.tags).toMatchObject({
        'omnigent.harness': 'codex',
        'omnigent.model': 'gpt-5.5',
        'mlflow.traceName': 'codex · gpt-5.5',
        'omnigent.status': 'ok',
      });
      expect(tokenUsage(trace)).toEqual({ input_tokens: 250, output_tokens: 22, total_tokens: 272 });
      await expectFound(exp, trace.trace_id, [
        "tag.omnigent.harness = 'codex'",
        "tag.omnigent.model = 'gpt-5.5'",
        "span.type = 'TOOL'",
        `metadata.\`mlflow.trace.session\` = '${sessionId}'`,
      ]);
      const chats = spans.filter((s) => spanType(s) === 'CHAT_MODEL');
      expect(chats.length).toBeGreaterThan(0);
      expect(
        chats.every((c) => Array.isArray((attr(c, 'mlflow.spanOutputs') as { messages?: unknown })?.messages)),
      ).toBe(true);
      // exporting the stored run (twice) finds the live trace: the count stays one, usage not doubled
      for (let i = 0; i < 2; i++) {
        const e = await omnigentCli(root, ['export', '--since', '1h'], { ...mlflowEnv(exp), ...store });
        expect([e.exitCode, e.stdout], e.stderr).toEqual([
          0,
          `skipped 1 run already in MLflow (experiment ${exp}): ${String(events(o.stdout)[0]!.runId).slice(0, 12)}\n`,
        ]);
      }
      const after = await api.search(exp);
      expect(after).toHaveLength(1);
      expect(tokenUsage(after[0]!)).toEqual({ input_tokens: 250, output_tokens: 22, total_tokens: 272 });
    } finally {
      await mock.close();
    }
  });

  it('Pi with a tool call: the tool call sits on the model call that asked for it, tokens equal the mock', async () => {
    const api = mlflowRest(url!);
    const exp = await api.createExperiment('pi');
    const mock = await startMockChatCompletions({
      scripts: [
        {
          match: 'Run echo hi',
          turns: [
            {
              content: 'Let me run it.',
              toolCalls: [{ name: 'bash', arguments: { command: 'echo hi' } }],
              usage: { prompt: 120, completion: 15, cached: 20 },
            },
            { content: 'Done: the command printed hi', usage: { prompt: 150, completion: 8, cached: 100 } },
          ],
        },
      ],
      fallback: [{ content: 'OK', usage: { prompt: 10, completion: 1 } }],
    });
    try {
      const root = scratch('pi');
      const agentDir = join(root, 'agent');
      const work = join(root, 'work');
      for (const d of [agentDir, work, join(root, 'home')]) mkdirSync(d, { recursive: true });
      writeFileSync(
        join(agentDir, 'models.json'),
        JSON.stringify({
          providers: {
            mock: {
              baseUrl: mock.url,
              api: 'openai-completions',
              apiKey: 'MOCK_API_KEY',
              compat: { supportsDeveloperRole: false, supportsReasoningEffort: false },
              models: [{ id: 'mock-model', name: 'Mock Model', contextWindow: 32000, maxTokens: 4096 }],
            },
          },
        }),
      );
      writeFileSync(join(agentDir, 'settings.json'), JSON.stringify({ retry: { enabled: false } }));
      writeFileSync(
        join(work, 'omnigent.config.json'),
        JSON.stringify({ harnesses: { pi: { options: { agentDir, offline: true, provider: 'mock' } } } }),
      );
      const o = await omnigentRun(
        work,
        ['-H', 'pi', '-m', 'mock-model', '--json', '--no-store', 'Run echo hi and tell me what it printed'],
        { ...mlflowEnv(exp), MOCK_API_KEY: 'sk-mock', HOME: join(root, 'home') },
      );
      expect(o.exitCode, o.stderr).toBe(0);
      const { trace, spans } = await theTrace(exp);
      expect(trace.tags).toMatchObject({ 'omnigent.harness': 'pi', 'omnigent.model': 'mock-model' });
      expect(tokenUsage(trace)).toEqual({ input_tokens: 270, output_tokens: 23, total_tokens: 293 });
      const chats = spans.filter((s) => spanType(s) === 'CHAT_MODEL').sort(byStart);
      expect(chats).toHaveLength(2);
      // Pi reports a call's usage before its tool start: the tool call still lands on call 1
      const [first, second] = chats.map(
        (c) =>
          (
            attr(c, 'mlflow.spanOutputs') as {
              messages: Array<{
                content: string;
                tool_calls?: Array<{ function: { name: string; arguments: string } }>;
              }>;
            }
          ).messages[0]!,
      );
      expect(first!.content).toBe('Let me run it.');
      expect(first!.tool_calls!.map((t) => [t.function.name, JSON.parse(t.function.arguments)])).toEqual([
        ['bash', { command: 'echo hi' }],
      ]);
      expect(second!.tool_calls).toBeUndefined();
      expect(second!.content).toBe('Done: the command printed hi');
      await expectFound(exp, trace.trace_id, ["tag.omnigent.harness = 'pi'", "span.type = 'TOOL'"]);
    } finally {
      await mock.close();
    }
  });
});

describe.skipIf(!url)('omnigent export to the real MLflow server', () => {
  it('exporting twice leaves one trace (the second says it skipped it); a run traced live is not sent again', async () => {
    const api = mlflowRest(url!);
    const exp = await api.createExperiment('export');
    const dir = scratch('export');
    const transcript = join(dir, 't.jsonl');
    writeFileSync(join(dir, 'omnigent.config.json'), JSON.stringify({ plugins: [FAKE_PLUGIN] }));
    writeFileSync(
      transcript,
      [
        { type: 'session.started', sessionId: 'exp-sess-1', cwd: dir, model: 'fake-model-1' },
        { type: 'tool.started', callId: 'c1', name: 'Bash', kind: 'shell', input: { command: 'ls' } },
        { type: 'tool.completed', callId: 'c1', name: 'Bash', output: 'a.txt', isError: false },
        { type: 'message', role: 'assistant', text: 'Found a.txt' },
        {
          type: 'usage',
          scope: 'call',
          source: 'stream',
          confidence: 'exact',
          callId: 'm1',
          model: 'fake-model-1',
          input: 700,
          output: 30,
        },
        { type: 'result', ok: true, result: 'Found a.txt' },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n',
    );
    const base = {
      OMNIGENT_FAKE_TRANSCRIPT: transcript,
      OMNIGENT_FAKE_BIN: FAKE_BIN,
      OMNIGENT_STORE: join(dir, 'store'),
    };
    const stored = await omnigentRun(dir, ['-H', 'fake', '--json', '--tag', 'exported-run', 'list the files'], {
      ...base,
      OMNIGENT_TELEMETRY_ENABLED: 'false',
    });
    expect(stored.exitCode, stored.stderr).toBe(0);
    const runId = events(stored.stdout)[0]!.runId as string;
    const exportRun = (extra: string[] = []): ReturnType<typeof omnigentRun> =>
      omnigentCli(dir, ['export', runId.slice(0, 8), ...extra], { ...base, ...mlflowEnv(exp) });
    const first = await exportRun();
    expect([first.exitCode, first.stdout, first.stderr]).toEqual([0, `exported 1 run to ${url}/v1/traces\n`, '']);
    const second = await exportRun();
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toBe(`skipped 1 run already in MLflow (experiment ${exp}): ${runId.slice(0, 12)}\n`);
    const traces = await api.search(exp);
    expect(traces).toHaveLength(1);
    expect(traces[0]!.tags).toMatchObject({
      'omnigent.exported': 'true',
      'omnigent.run_id': runId,
      'omnigent.harness': 'fake',
      'exported-run': 'true',
    });
    expect(traces[0]!.trace_metadata['mlflow.trace.session']).toBe('exp-sess-1');
    // usage not doubled by a re-send
    expect(tokenUsage(traces[0]!)).toEqual({ input_tokens: 700, output_tokens: 30, total_tokens: 730 });

    // live telemetry and the store together: the later export finds the live trace
    const live = await omnigentRun(dir, ['-H', 'fake', '--json', 'list the files again'], {
      ...base,
      ...mlflowEnv(exp),
    });
    expect(live.exitCode, live.stderr).toBe(0);
    const liveId = events(live.stdout)[0]!.runId as string;
    const again = await omnigentCli(dir, ['export', liveId.slice(0, 8)], { ...base, ...mlflowEnv(exp) });
    expect(again.stdout).toContain('skipped 1 run already in MLflow');
    expect(await api.search(exp)).toHaveLength(2);
  });
});

/** `omnigent <args>` (not only `run`) as a child process. */
function omnigentCli(cwd: string, args: string[], env: Record<string, string>): ReturnType<typeof omnigentRun> {
  // omnigentRun prepends `run`; this goes through the same spawn with the raw arguments
  return import('node:child_process').then(
    ({ spawn }) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [OMNIGENT, ...args], {
          cwd,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
            HOME: cwd,
            TERM: 'dumb',
            CI: 'true',
            NO_COLOR: '1',
            ...env,
          },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
        child.on('error', reject);
        child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
      }),
  );
}
