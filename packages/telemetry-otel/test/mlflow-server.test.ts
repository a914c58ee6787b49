// Against the REAL MLflow tracking server (3.6.1.dev0, started once by test/mlflow.global-setup.ts):
// what a user finds in MLflow after a run, read back through MLflow's REST API.
import { describe, expect, inject, it } from 'vitest';
import { createWarnOnce, startRunTelemetry, startWorkflowTrace } from '../src/index.js';
import { ev, info } from './helpers.js';
import { attr, mlflowRest, spanType, tokenUsage } from './mlflow-rest.js';
import { seedEnv } from './omnigent-child.js';

const url = inject('mlflowUrl');

function env(experimentId: string, over: Record<string, string> = {}): Record<string, string> {
  return {
    ...seedEnv(url!),
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: `x-mlflow-experiment-id=${experimentId}`,
    OMNIGENT_OTEL_USER: 'ana',
    ...over,
  };
}

const RUN = [
  ev(0, {
    type: 'session.started',
    sessionId: 'sess-mlflow-1',
    cwd: '/w',
    model: 'claude-sonnet-4-5[1m]',
    harnessVersion: '2.1.197',
  }),
  ev(5, { type: 'message', role: 'assistant', text: 'I will list them.' }),
  ev(10, { type: 'tool.started', callId: 't1', name: 'Bash', kind: 'shell', input: { command: 'ls' } }),
  ev(20, {
    type: 'usage',
    scope: 'call',
    source: 'stream',
    confidence: 'exact',
    callId: 'm1',
    input: 1200,
    output: 345,
  }),
  ev(30, { type: 'tool.completed', callId: 't1', name: 'Bash', output: 'a.txt', isError: false }),
  ev(40, { type: 'message', role: 'assistant', text: 'a.txt' }),
  ev(50, {
    type: 'usage',
    scope: 'call',
    source: 'stream',
    confidence: 'exact',
    callId: 'm2',
    input: 1300,
    output: 20,
  }),
  ev(60, {
    type: 'run.completed',
    durationMs: 60,
    result: 'a.txt',
    usage: {
      input: 2500,
      output: 365,
      costUsd: 0.0123,
      costSource: 'harness-estimate',
      source: 'stream',
      confidence: 'exact',
    },
  }),
];

describe.skipIf(!url)('the real MLflow server shows a run', () => {
  it('with session and user metadata, harness/model/run/status tags, a name, and the filters a user types find it', async () => {
    const api = mlflowRest(url!);
    const exp = await api.createExperiment('run-metadata');
    const lines: string[] = [];
    const run = startRunTelemetry(info({ runId: `run-meta-${exp}`, tags: ['team=ml', 'nightly'] }), {
      env: env(exp),
      warn: createWarnOnce((t) => void lines.push(t)),
    })!;
    for (const e of RUN) run.onEvent(e);
    await run.close(RUN.at(-1) as never);
    expect(lines).toEqual([]);

    const [trace] = await api.search(exp);
    expect(trace).toBeDefined();
    expect(trace!.trace_metadata).toMatchObject({
      'mlflow.trace.session': 'sess-mlflow-1',
      'mlflow.trace.user': 'ana',
    });
    expect(trace!.tags).toMatchObject({
      'mlflow.traceName': 'claude-code · claude-sonnet-4-5',
      'omnigent.harness': 'claude-code',
      'omnigent.harness_version': '2.1.197',
      'omnigent.model': 'claude-sonnet-4-5',
      'omnigent.run_id': `run-meta-${exp}`,
      'omnigent.status': 'ok',
      'omnigent.cost_usd': '0.0123',
      team: 'ml',
      nightly: 'true',
    });
    expect(trace!.state).toBe('OK');
    expect(tokenUsage(trace!)).toEqual({ input_tokens: 2500, output_tokens: 365, total_tokens: 2865 });
    expect([trace!.request_preview, trace!.response_preview]).toEqual(['list the files', 'a.txt']);

    for (const filter of [
      "metadata.`mlflow.trace.session` = 'sess-mlflow-1'",
      "metadata.`mlflow.trace.user` = 'ana'",
      "tag.omnigent.harness = 'claude-code'",
      "tag.`omnigent.harness` = 'claude-code'",
      "tag.omnigent.model = 'claude-sonnet-4-5'",
      "tag.omnigent.status = 'ok'",
      "tag.team = 'ml'",
      "trace.name = 'claude-code · claude-sonnet-4-5'",
      "span.type = 'TOOL'",
      "span.type = 'CHAT_MODEL'",
    ]) {
      expect(
        (await api.search(exp, filter)).map((t) => t.trace_id),
        filter,
      ).toEqual([trace!.trace_id]);
    }
    expect(await api.search(exp, "tag.omnigent.harness = 'codex'")).toEqual([]);

    // model calls read as a conversation: messages objects, the tool call on the call that asked for it
    const spans = await api.spans(trace!.trace_id);
    const chats = spans
      .filter((s) => spanType(s) === 'CHAT_MODEL')
      .sort((a, b) => Number(a.start_time_unix_nano) - Number(b.start_time_unix_nano));
    expect(chats.map((c) => c.name)).toEqual(['chat claude-sonnet-4-5', 'chat claude-sonnet-4-5']);
    expect(attr(chats[0]!, 'mlflow.spanInputs')).toEqual({ messages: [{ role: 'user', content: 'list the files' }] });
    expect(attr(chats[0]!, 'mlflow.spanOutputs')).toEqual({
      messages: [
        {
          role: 'assistant',
          content: 'I will list them.',
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'Bash', arguments: '{"command":"ls"}' } }],
        },
      ],
    });
    expect(attr(chats[1]!, 'mlflow.spanInputs')).toEqual({
      messages: [{ role: 'tool', tool_call_id: 't1', content: 'a.txt' }],
    });
    expect(attr(chats[1]!, 'mlflow.spanOutputs')).toEqual({ messages: [{ role: 'assistant', content: 'a.txt' }] });
    const root = spans.find((s) => !s.parent_span_id)!;
    expect([
      attr(root, 'session.id'),
      attr(root, 'gen_ai.conversation.id'),
      attr(root, 'user.id'),
      attr(root, 'gen_ai.response.model'),
    ]).toEqual(['sess-mlflow-1', 'sess-mlflow-1', 'ana', 'claude-sonnet-4-5']);
  });
});
