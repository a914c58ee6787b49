// Telemetry benchmarks: OTLP span export throughput to the testkit receiver (MLflow rules on), and
// the wall time of the same fake-harness `omnigent run` with telemetry off, on, and with a collector
// that is down or hangs (the bounded flush), and a 3-step workflow with telemetry off vs a hanging
// collector (one bounded flush at the workflow's end, none per step). Run after `pnpm build`.
// Prints one JSON object.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'packages/cli/bin/omnigent.js');
const otel = await import(join(root, 'packages/telemetry-otel/dist/index.js'));
const { startOtlpReceiver } = await import(join(root, 'packages/testkit/dist/index.js'));
const api = await import(join(root, 'packages/telemetry-otel/node_modules/@opentelemetry/api/build/src/index.js'));
const quick = process.argv.includes('--quick');
const scratch = mkdtempSync(join(tmpdir(), 'omnigent-bench-otel-'));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const round = (x) => Math.round(x * 10) / 10;

function seedEnv(endpoint) {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-mlflow-experiment-id=0',
    OMNIGENT_TELEMETRY_ENABLED: 'true',
    OMNIGENT_OTEL_HTTP_CLIENT_INSTRUMENTATION: 'false',
    OMNIGENT_OTEL_CAPTURE_CONTENT: 'true',
  };
}

async function exportThroughput(count) {
  const rx = await startOtlpReceiver();
  const warnings = [];
  const config = otel.resolveTelemetryConfig(seedEnv(rx.url));
  const pipeline = otel.createExportPipeline(config, {
    warn: otel.createWarnOnce((t) => warnings.push(t)),
    flushTimeoutMs: 120_000,
    exportTimeoutMs: 60_000,
  });
  const t0 = performance.now();
  const rootSpan = pipeline.tracer.startSpan('invoke_agent bench', { kind: api.SpanKind.CLIENT }, api.ROOT_CONTEXT);
  const ctx = api.trace.setSpan(api.ROOT_CONTEXT, rootSpan);
  for (let i = 0; i < count - 1; i++) {
    const s = pipeline.tracer.startSpan(
      `execute_tool t${i % 50}`,
      {
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'mlflow.spanType': 'TOOL',
          'gen_ai.tool.call.id': `call_${i}`,
          'gen_ai.tool.call.arguments': '{"command":"ls -la"}',
        },
      },
      ctx,
    );
    s.end();
  }
  rootSpan.end();
  const created = performance.now() - t0;
  await pipeline.shutdown();
  const total = performance.now() - t0;
  const received = rx.spans.length;
  await rx.close();
  return {
    spans: count,
    received,
    dropped: count - received,
    requests: rx.requests.length,
    createMs: round(created),
    totalMs: round(total),
    spansPerSecond: Math.round(count / (total / 1000)),
    warnings: warnings.length,
  };
}

function writeTranscript() {
  const lines = [
    { type: 'session.started', sessionId: 'bench', cwd: '/tmp', model: 'fake-model', harnessVersion: '1.0.0' },
  ];
  for (let i = 0; i < 20; i++) {
    lines.push({ type: 'message', role: 'assistant', text: `step ${i}` });
    lines.push({ type: 'tool.started', callId: `c${i}`, name: 'Bash', kind: 'shell', input: { command: `echo ${i}` } });
    lines.push({
      type: 'usage',
      scope: 'call',
      source: 'stream',
      confidence: 'exact',
      callId: `m${i}`,
      input: 1000 + i,
      output: 20,
    });
    lines.push({ type: 'tool.completed', callId: `c${i}`, name: 'Bash', output: String(i), isError: false });
  }
  lines.push({ type: 'result', ok: true, result: 'done' });
  const file = join(scratch, 'transcript.jsonl');
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  writeFileSync(
    join(scratch, 'omnigent.config.json'),
    JSON.stringify({ plugins: [join(root, 'packages/testkit/dist/fake-plugin.js')] }),
  );
  return file;
}

function runOnce(transcript, env) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [cli, 'run', '-H', 'fake', '--no-store', '--json', 'bench'], {
      cwd: scratch,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: scratch,
        OMNIGENT_FAKE_TRANSCRIPT: transcript,
        OMNIGENT_FAKE_BIN: join(root, 'packages/testkit/dist/fake-harness-bin.js'),
        ...env,
      },
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code, warned: stderr.includes('warning') }));
  });
}

function workflowOnce(transcript, env) {
  const file = join(scratch, 'wf.yaml');
  writeFileSync(
    file,
    [
      'name: bench',
      'steps:',
      '  - { id: a, harness: fake, prompt: a }',
      '  - { id: b, harness: fake, needs: a, prompt: b }',
      '  - { id: c, harness: fake, needs: b, prompt: c }',
    ].join('\n'),
  );
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [cli, 'workflow', 'run', file, '--no-store', '--json'], {
      cwd: scratch,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: scratch,
        OMNIGENT_FAKE_TRANSCRIPT: transcript,
        OMNIGENT_FAKE_BIN: join(root, 'packages/testkit/dist/fake-harness-bin.js'),
        ...env,
      },
    });
    child.stderr.on('data', () => undefined);
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: round(performance.now() - t0), code }));
  });
}

async function runTimes(transcript, env, n) {
  const samples = [];
  let codes = new Set();
  for (let i = 0; i < n; i++) {
    const r = await runOnce(transcript, env);
    samples.push(r.ms);
    codes.add(r.code);
  }
  return { medianMs: round(median(samples)), exitCodes: [...codes] };
}

try {
  const throughput = await exportThroughput(quick ? 2_000 : 10_000);
  const transcript = writeTranscript();
  const n = quick ? 3 : 7;
  const ok = await startOtlpReceiver();
  const off = await runTimes(transcript, {}, n);
  const on = await runTimes(transcript, seedEnv(ok.url), n);
  const spansPerRun = ok.spans.length / n;
  await ok.close();
  const down = await startOtlpReceiver({ mode: 'down' });
  const whenDown = await runTimes(transcript, seedEnv(down.url), 1);
  const hang = await startOtlpReceiver({ mode: 'hang' });
  const whenHanging = await runTimes(transcript, seedEnv(hang.url), 1);
  const workflowOff = await workflowOnce(transcript, {});
  const workflowHanging = await workflowOnce(transcript, seedEnv(hang.url));
  await hang.close();
  process.stdout.write(
    JSON.stringify(
      {
        exportThroughput: throughput,
        fakeRunWallTime: {
          samples: n,
          spansPerRun,
          telemetryOffMs: off.medianMs,
          telemetryOnMs: on.medianMs,
          overheadMs: round(on.medianMs - off.medianMs),
          collectorDownMs: whenDown.medianMs,
          collectorHangingMs: whenHanging.medianMs,
          exitCodes: { off: off.exitCodes, on: on.exitCodes, down: whenDown.exitCodes, hanging: whenHanging.exitCodes },
        },
        threeStepWorkflowWallTime: {
          telemetryOffMs: workflowOff.ms,
          collectorHangingMs: workflowHanging.ms,
          exitCodes: [workflowOff.code, workflowHanging.code],
        },
      },
      null,
      2,
    ) + '\n',
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
