// A workflow on the real MLflow server (one trace, session = workflow run id, step tags), its
// export (one trace under its workflow root, once), and the hanging-collector regression.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOtlpReceiver } from '@omnigent/testkit';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createWarnOnce, startRunTelemetry, startWorkflowTrace } from '../src/index.js';
import { ev, info } from './helpers.js';
import { mlflowRest, spanType, tokenUsage } from './mlflow-rest.js';
import { OMNIGENT, seedEnv } from './omnigent-child.js';

const url = inject('mlflowUrl');
const here = dirname(fileURLToPath(import.meta.url));
const FAKE_PLUGIN = join(here, '../../testkit/dist/fake-plugin.js');
const FAKE_BIN = join(here, '../../testkit/dist/fake-harness-bin.js');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function cli(
  cwd: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
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
  });
}

/** A 3-step workflow of the fake harness (each step: one tool call, one model call of 100/10 tokens). */
function workflowDir(): { dir: string; file: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'omnigent-mlflow-wf-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'omnigent.config.json'), JSON.stringify({ plugins: [FAKE_PLUGIN] }));
  const t = join(dir, 't.jsonl');
  writeFileSync(
    t,
    [
      { type: 'session.started', sessionId: 'fake-step-session', cwd: dir, model: 'fake-model-1' },
      { type: 'tool.started', callId: 'c1', name: 'Bash', kind: 'shell', input: { command: 'ls' } },
      { type: 'tool.completed', callId: 'c1', name: 'Bash', output: 'a.txt', isError: false },
      { type: 'message', role: 'assistant', text: 'step done' },
      {
        type: 'usage',
        scope: 'call',
        source: 'stream',
        confidence: 'exact',
        callId: 'm1',
        model: 'fake-model-1',
        input: 100,
        output: 10,
      },
      { type: 'result', ok: true, result: 'step done' },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n') + '\n',
  );
  const file = join(dir, 'wf.yaml');
  writeFileSync(
    file,
    [
      'name: build-test-review',
      'steps:',
      '  - { id: build, harness: fake, prompt: build it }',
      '  - { id: test, harness: fake, needs: build, prompt: test it }',
      '  - { id: review, harness: fake, needs: test, prompt: review it }',
    ].join('\n'),
  );
  return {
    dir,
    file,
    env: { OMNIGENT_FAKE_TRANSCRIPT: t, OMNIGENT_FAKE_BIN: FAKE_BIN, OMNIGENT_STORE: join(dir, 'store') },
  };
}

describe.skipIf(!url)('a workflow on the real MLflow server', () => {
  it('is one trace: session = the workflow run id, name = the workflow, a tag per step; tokens of all steps', async () => {
    const api = mlflowRest(url!);
    const exp = await api.createExperiment('workflow');
    const { dir, file, env } = workflowDir();
    const r = await cli(dir, ['workflow', 'run', file, '--json', '--tag', 'wf-e2e'], {
      ...env,
      ...seedEnv(url!),
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: `x-mlflow-experiment-id=${exp}`,
      OMNIGENT_OTEL_USER: 'wf-user',
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const traces = await api.search(exp);
    expect(traces).toHaveLength(1);
    const [trace] = traces;
    const wfRunId = trace!.tags['omnigent.run_id']!;
    expect(trace!.trace_metadata).toMatchObject({ 'mlflow.trace.session': wfRunId, 'mlflow.trace.user': 'wf-user' });
    expect(trace!.tags).toMatchObject({
      'mlflow.traceName': 'build-test-review',
      'omnigent.workflow': 'build-test-review',
      'omnigent.status': 'ok',
      'omnigent.step.build.harness': 'fake',
      'omnigent.step.test.model': 'fake-model-1',
      'omnigent.step.review.status': 'ok',
      'wf-e2e': 'true',
    });
    expect(tokenUsage(trace!)).toEqual({ input_tokens: 300, output_tokens: 30, total_tokens: 330 });
    const spans = await api.spans(trace!.trace_id);
    const root = spans.find((s) => !s.parent_span_id)!;
    expect([root.name, spanType(root)]).toEqual(['invoke_workflow build-test-review', 'CHAIN']);
    expect(spans.filter((s) => s.parent_span_id === root.span_id).map((s) => s.name)).toEqual([
      'invoke_agent fake',
      'invoke_agent fake',
      'invoke_agent fake',
    ]);
    for (const f of [
      `metadata.\`mlflow.trace.session\` = '${wfRunId}'`,
      "tag.omnigent.workflow = 'build-test-review'",
      "tag.`omnigent.step.build.harness` = 'fake'",
      "trace.name = 'build-test-review'",
    ]) {
      expect(
        (await api.search(exp, f)).map((t) => t.trace_id),
        f,
      ).toEqual([trace!.trace_id]);
    }
    // the stored steps export to the same trace id: skipped, nothing duplicated
    const again = await cli(dir, ['export', '--since', '1h'], {
      ...env,
      ...seedEnv(url!),
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: `x-mlflow-experiment-id=${exp}`,
    });
    expect(again.stdout).toContain('skipped 3 runs already in MLflow');
    expect(await api.search(exp)).toHaveLength(1);
  });

  it('a stored workflow exports as one trace under its workflow root, and only once', async () => {
    const api = mlflowRest(url!);
    const exp = await api.createExperiment('workflow-export');
    const { dir, file, env } = workflowDir();
    const r = await cli(dir, ['workflow', 'run', file, '--json'], { ...env, OMNIGENT_TELEMETRY_ENABLED: 'false' });
    expect(r.exitCode, r.stderr).toBe(0);
    const target = { ...env, ...seedEnv(url!), OTEL_EXPORTER_OTLP_TRACES_HEADERS: `x-mlflow-experiment-id=${exp}` };
    const first = await cli(dir, ['export', '--since', '1h'], target);
    expect([first.exitCode, first.stdout]).toEqual([0, `exported 3 runs to ${url}/v1/traces\n`]);
    const second = await cli(dir, ['export', '--since', '1h'], target);
    expect(second.stdout).toMatch(/^skipped 3 runs already in MLflow/);
    const traces = await api.search(exp);
    expect(traces).toHaveLength(1);
    expect(traces[0]!.tags).toMatchObject({
      'omnigent.workflow': 'build-test-review',
      'omnigent.exported': 'true',
      'omnigent.step.review.harness': 'fake',
    });
    expect(tokenUsage(traces[0]!)).toEqual({ input_tokens: 300, output_tokens: 30, total_tokens: 330 });
    const spans = await api.spans(traces[0]!.trace_id);
    const root = spans.find((s) => !s.parent_span_id)!;
    expect(root.name).toBe('invoke_workflow build-test-review');
    expect(spans.filter((s) => s.parent_span_id === root.span_id)).toHaveLength(3);
  });
});

describe('a hanging collector never stalls a workflow step', () => {
  it('steps close without waiting for the collector; the workflow flushes once, bounded, with one warning', async () => {
    const rx = await startOtlpReceiver({ mode: 'hang' });
    try {
      const lines: string[] = [];
      const warn = createWarnOnce((t) => void lines.push(t));
      const env = { ...seedEnv(rx.url), OMNIGENT_MLFLOW_API: 'false' };
      const wf = startWorkflowTrace(
        { workflowRunId: 'wf-hang', name: 'three' },
        { env, warn, flushTimeoutMs: 1_500, exportTimeoutMs: 1_000 },
      )!;
      const STALLED = Symbol('stalled');
      for (const step of ['a', 'b', 'c']) {
        // a step that flushed on its own would wait for this hanging collector for a minute
        const run = startRunTelemetry(
          info({ runId: `step-${step}`, workflow: { workflowRunId: 'wf-hang', step, traceparent: wf.traceparent } }),
          { env, warn, flushTimeoutMs: 60_000, exportTimeoutMs: 60_000 },
        )!;
        const done = ev(10, { type: 'run.completed', durationMs: 10, result: 'ok' });
        run.onEvent(
          ev(0, { type: 'usage', scope: 'call', source: 'stream', confidence: 'exact', input: 1, output: 1 }),
        );
        const closed = await Promise.race([
          run.close(done as never).then(() => 'closed'),
          new Promise((r) => setTimeout(() => r(STALLED), 20_000)),
        ]);
        expect(closed, `step ${step}`).toBe('closed');
      }
      await wf.end('ok', 'done');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/no answer|timed out/);
    } finally {
      await rx.close();
    }
  });
});
