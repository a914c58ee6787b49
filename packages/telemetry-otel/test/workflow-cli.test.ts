// The workflow path as the CLI wires it: openWorkflowTrace (packages/cli/src/sinks/telemetry.ts)
// opens the root, each step runs through runHarness with `workflow.traceparent`, then end().
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spanTreeLines, startOtlpReceiver } from '@omnigent/testkit';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const CLI_DIST = join(here, '../../cli/dist');
const FAKE_PLUGIN = join(here, '../../testkit/dist/fake-plugin.js');
const FAKE_BIN = join(here, '../../testkit/dist/fake-harness-bin.js');

interface CliTelemetry {
  openWorkflowTrace: (ctx: {
    env: NodeJS.ProcessEnv;
    config: { config: object; dir: string };
    workflowRunId: string;
    name?: string;
    input?: unknown;
    steps?: string[];
  }) => Promise<
    { traceparent: string; end: (status: string, output?: unknown, message?: string) => Promise<void> } | undefined
  >;
}
interface CliRunHarness {
  runHarness: (options: Record<string, unknown>) => Promise<{ terminal: { type: string } }>;
}

describe('a workflow run is one trace (CLI wiring)', () => {
  it('invoke_workflow root with one invoke_agent child per step; nothing when telemetry is off', async () => {
    const { openWorkflowTrace } = (await import(join(CLI_DIST, 'sinks/telemetry.js'))) as CliTelemetry;
    const { runHarness } = (await import(join(CLI_DIST, 'run-harness.js'))) as CliRunHarness;
    const rx = await startOtlpReceiver();
    const dir = mkdtempSync(join(tmpdir(), 'omnigent-otel-wf-'));
    try {
      const transcript = join(dir, 't.jsonl');
      writeFileSync(
        transcript,
        [
          { type: 'message', role: 'assistant', text: 'step done' },
          { type: 'result', ok: true, result: 'step done' },
        ]
          .map((l) => JSON.stringify(l))
          .join('\n') + '\n',
      );
      const env = {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-mlflow-experiment-id=0',
        OMNIGENT_TELEMETRY_ENABLED: 'true',
        OMNIGENT_OTEL_CAPTURE_CONTENT: 'true',
      };
      const config = { config: { plugins: [FAKE_PLUGIN] }, dir };
      expect(
        await openWorkflowTrace({ env: { ...env, OMNIGENT_TELEMETRY_ENABLED: 'false' }, config, workflowRunId: 'off' }),
      ).toBeUndefined();

      const wf = await openWorkflowTrace({
        env,
        config,
        workflowRunId: 'wf-42',
        name: 'plan-and-fix',
        input: 'fix the bug',
        steps: ['plan', 'fix'],
      });
      expect(wf?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      for (const [step, needs] of [
        ['plan', []],
        ['fix', ['plan']],
      ] as const) {
        const { terminal } = await runHarness({
          harness: 'fake',
          request: { prompt: `do ${step}`, cwd: dir, env: { OMNIGENT_FAKE_TRANSCRIPT: transcript } },
          config,
          bin: FAKE_BIN,
          store: false,
          env,
          workflow: {
            workflowRunId: 'wf-42',
            workflowName: 'plan-and-fix',
            step,
            needs: [...needs],
            traceparent: wf!.traceparent,
          },
        });
        expect(terminal.type).toBe('run.completed');
      }
      await wf!.end('ok', 'fixed');
      expect(spanTreeLines(rx.spans.filter((s) => !s.name.startsWith('chat')))).toEqual([
        'invoke_workflow plan-and-fix',
        '  invoke_agent fake',
        '  invoke_agent fake',
      ]);
      const root = rx.spans.find((s) => s.name === 'invoke_workflow plan-and-fix')!;
      expect(new Set(rx.spans.map((s) => s.traceId))).toEqual(new Set([root.traceId]));
      expect(root.attributes).toMatchObject({
        'mlflow.spanType': 'CHAIN',
        'session.id': 'wf-42',
        'mlflow.spanInputs': '{"messages":[{"role":"user","content":"fix the bug"}]}',
        'mlflow.spanOutputs': '{"messages":[{"role":"assistant","content":"fixed"}]}',
      });
      expect(
        rx.spans
          .filter((s) => s.name === 'invoke_agent fake')
          .map((s) => s.attributes['omnigent.workflow.step'])
          .sort(),
      ).toEqual(['fix', 'plan']);
    } finally {
      await rx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
