import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '@omnigent/testkit';
import { runCli, scratch, transcript } from './helpers.js';

describe('workflow telemetry', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('one trace per workflow run: an invoke_workflow root (CHAIN) with one invoke_agent child per step, step id and needs as attributes', async () => {
    const dir = scratch();
    const t = transcript(dir, 't.jsonl', [
      { type: 'session.started', cwd: '/w', model: 'fake-model' },
      { type: 'message', role: 'assistant', text: 'done' },
      { type: 'result', ok: true, result: 'done' },
    ]);
    const file = join(dir, 'wf.yaml');
    writeFileSync(
      file,
      [
        'name: traced',
        'steps:',
        `  - { id: first, harness: fake, env: { OMNIGENT_FAKE_TRANSCRIPT: "${t}" }, prompt: a }`,
        `  - { id: second, harness: fake, needs: first, env: { OMNIGENT_FAKE_TRANSCRIPT: "${t}" }, prompt: b }`,
      ].join('\n'),
    );
    const r = await runCli(['workflow', 'run', file, '--json', '--no-store'], {
      cwd: dir,
      env: {
        OMNIGENT_TELEMETRY_ENABLED: 'true',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-mlflow-experiment-id=0',
      },
    });
    expect(r.code, r.stderr).toBe(0);
    const spans = await receiver.waitForSpans(3, 60_000);
    const root = spans.find((s) => s.name === 'invoke_workflow traced');
    expect(root).toBeDefined();
    expect(root!.parentSpanId).toBeUndefined();
    expect(root!.attributes['mlflow.spanType']).toBe('CHAIN');
    const agents = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'invoke_agent');
    expect(agents).toHaveLength(2);
    for (const a of agents) {
      expect(a.traceId).toBe(root!.traceId);
      expect(a.parentSpanId).toBe(root!.spanId);
    }
    const byStep = Object.fromEntries(agents.map((a) => [String(a.attributes['omnigent.workflow.step']), a]));
    expect(Object.keys(byStep).sort()).toEqual(['first', 'second']);
    expect(byStep.second!.attributes['omnigent.workflow.needs']).toEqual(['first']);
  });
});
