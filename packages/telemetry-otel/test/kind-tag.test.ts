import { startOtlpReceiver, type OtlpReceiver } from '@omnigent/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createWarnOnce, startRunTelemetry } from '../src/index.js';
import { ev, info } from './helpers.js';
import { seedEnv } from './omnigent-child.js';

const RUN = [
  ev(0, { type: 'session.started', sessionId: 's-1', cwd: '/w', model: 'claude-sonnet-4-5' }),
  ev(10, { type: 'run.completed', durationMs: 10, result: 'ok' }),
];

describe('the kind of work on the trace', () => {
  let rx: OtlpReceiver | undefined;
  afterEach(async () => {
    await rx?.close();
    rx = undefined;
  });

  it('is the omnigent.kind MLflow tag and an attribute of the root span', async () => {
    rx = await startOtlpReceiver();
    const lines: string[] = [];
    const run = startRunTelemetry(
      { ...info(), kind: 'bugfix' },
      { env: seedEnv(rx.url), warn: createWarnOnce((t) => void lines.push(t)) },
    )!;
    for (const e of RUN) run.onEvent(e);
    await run.close(RUN.at(-1) as never);
    expect(lines).toEqual([]);
    const root = rx.spans.find((s) => !s.parentSpanId)!;
    expect(root.attributes['omnigent.kind']).toBe('bugfix');
    expect(rx.mlflowTraces.get(`tr-${root.traceId}`)!.tags).toMatchObject({
      'omnigent.kind': 'bugfix',
      'omnigent.status': 'ok',
    });
  });

  it('a run without a kind gets no kind tag', async () => {
    rx = await startOtlpReceiver();
    const run = startRunTelemetry(info(), { env: seedEnv(rx.url), warn: createWarnOnce(() => undefined) })!;
    for (const e of RUN) run.onEvent(e);
    await run.close(RUN.at(-1) as never);
    const root = rx.spans.find((s) => !s.parentSpanId)!;
    expect(root.attributes['omnigent.kind']).toBeUndefined();
    expect(rx.mlflowTraces.get(`tr-${root.traceId}`)!.tags['omnigent.kind']).toBeUndefined();
  });
});
