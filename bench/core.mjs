// Core benchmarks: CLI start-up, framing+translate+bus throughput (bare, and through the runner's
// line reader and event sequencer), peak RSS on a 1 GB transcript.
// Run through `pnpm bench` (after `pnpm build`). Prints one JSON object on stdout.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'packages/cli/bin/omnigent.js');
const { EventBus, JsonlFramer } = await import(join(root, 'packages/core/dist/index.js'));
const scratch = mkdtempSync(join(tmpdir(), 'omnigent-bench-'));
const quick = process.argv.includes('--quick');

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeCommand(args, n) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
    times.push(performance.now() - t0);
  }
  return median(times);
}

// 1. start-up
const runs = quick ? 5 : 20;
timeCommand(['-e', '0'], 3);
const nodeMs = timeCommand(['-e', '0'], runs);
const helpMs = timeCommand([cli, '--help'], runs);
const versionMs = timeCommand([cli, '--version'], runs);

// 2. throughput: 100,000 real Claude Code stream-json lines through framer + translate + bus
// a real Claude Code transcript (recorded from claude 2.1.197, copied into the plugin's fixtures)
const fixture = join(root, 'plugins/plugin-claude-code/test/fixtures/shared/include-partial-messages.jsonl');
const sourceLines = readFileSync(fixture, 'utf8').split('\n').filter(Boolean);
const N = 100_000;
const lines = [];
for (let i = 0; lines.length < N; i++) lines.push(sourceLines[i % sourceLines.length]);
const text = Buffer.from(lines.join('\n') + '\n');
const plugin = (await import(join(root, 'plugins/plugin-claude-code/dist/index.js'))).default;

function rawParse() {
  const t0 = performance.now();
  let n = 0;
  for (const l of text.toString('utf8').split('\n'))
    if (l) {
      JSON.parse(l);
      n++;
    }
  return { ms: performance.now() - t0, n };
}
function pipeline() {
  const t0 = performance.now();
  const bus = new EventBus();
  let events = 0;
  bus.on('*', () => void events++);
  const state = plugin.createState({ prompt: 'bench' });
  let seq = 0;
  const framer = new JsonlFramer({
    line: (line) => {
      const drafts = plugin.translate(JSON.parse(line), state, { request: { prompt: 'bench' }, line, elapsedMs: 0 });
      for (const d of drafts)
        bus.emit({ ...d, runId: 'r', harness: 'claude-code', seq: seq++, time: new Date().toISOString() });
    },
  });
  // feed in 64 KiB chunks like a pipe would
  for (let off = 0; off < text.length; off += 65536) framer.push(text.subarray(off, off + 65536));
  framer.end();
  return { ms: performance.now() - t0, events };
}
// the same lines through the runner's own stages (line reader: parse + translate + warnings and
// progress; event sequencer: stamping, session gating, tool pairing), as startRun wires them
const { LineReader } = await import(join(root, 'packages/core/dist/line-reader.js'));
const { EventSequencer } = await import(join(root, 'packages/core/dist/event-sequencer.js'));
function runnerStages() {
  const t0 = performance.now();
  const bus = new EventBus();
  let events = 0;
  bus.on('*', () => void events++);
  const request = { prompt: 'bench' };
  const seqr = new EventSequencer({ runId: 'r', harness: 'claude-code', bus, cwd: '/w' });
  const reader = new LineReader({
    plugin,
    state: plugin.createState(request),
    request,
    emit: (d) => seqr.emit(d),
    t0,
    maxLineBytes: 64 * 1024 * 1024,
  });
  const framer = new JsonlFramer({ line: (line) => void reader.line(line) });
  for (let off = 0; off < text.length; off += 65536) framer.push(text.subarray(off, off + 65536));
  framer.end();
  reader.end();
  seqr.finish({ type: 'run.completed' }, 0);
  return { ms: performance.now() - t0, events };
}
rawParse();
pipeline();
runnerStages();
const raw = median([1, 2, 3, 4, 5].map(() => rawParse().ms));
const pipe = [1, 2, 3, 4, 5].map(() => pipeline());
const pipeMs = median(pipe.map((p) => p.ms));
const stages = [1, 2, 3, 4, 5].map(() => runnerStages());
const stagesMs = median(stages.map((p) => p.ms));

// 3. peak RSS of `omnigent run --json` replaying a large transcript through the fake harness
const targetBytes = quick ? 100 * 1024 * 1024 : 1024 * 1024 * 1024;
const bigFile = join(scratch, 'big.jsonl');
{
  const ws = createWriteStream(bigFile);
  const head = JSON.stringify({ type: 'session.started', cwd: '/w', sessionId: 's' }) + '\n';
  ws.write(head);
  const block =
    Array.from({ length: 1000 }, (_, i) =>
      JSON.stringify({ type: 'message', role: 'assistant', text: `line ${i} ${'lorem ipsum '.repeat(20)}` }),
    ).join('\n') + '\n';
  const buf = Buffer.from(block);
  let written = head.length;
  while (written < targetBytes) {
    if (!ws.write(buf)) await new Promise((r) => ws.once('drain', r));
    written += buf.length;
  }
  await new Promise((r) => ws.end(r));
}
writeFileSync(
  join(scratch, 'omnigent.config.json'),
  JSON.stringify({ plugins: [join(root, 'packages/testkit/dist/fake-plugin.js')], store: { enabled: false } }),
);
const rss = await new Promise((resolve, reject) => {
  const t0 = performance.now();
  const child = spawn(process.execPath, [cli, 'run', '-H', 'fake', '--json', '--no-store', 'bench'], {
    cwd: scratch,
    env: { ...process.env, OMNIGENT_FAKE_TRANSCRIPT: bigFile, OMNIGENT_TELEMETRY_ENABLED: 'false' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let peakKb = 0;
  let outBytes = 0;
  child.stdout.on('data', (d) => (outBytes += d.length));
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      /* exited */
    }
  }, 50);
  child.on('error', reject);
  child.on('close', (code) => {
    clearInterval(poll);
    resolve({ code, peakMb: peakKb / 1024, seconds: (performance.now() - t0) / 1000, outMb: outBytes / 1024 / 1024 });
  });
});
const inputMb = statSync(bigFile).size / 1024 / 1024;
rmSync(scratch, { recursive: true, force: true });

const result = {
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  startup: {
    nodeMs: +nodeMs.toFixed(1),
    helpMs: +helpMs.toFixed(1),
    versionMs: +versionMs.toFixed(1),
    helpRatio: +(helpMs / nodeMs).toFixed(2),
    target: '<= 3x',
  },
  throughput: {
    lines: N,
    eventsOut: pipe[0].events,
    rawSplitParseMs: +raw.toFixed(1),
    framerTranslateBusMs: +pipeMs.toFixed(1),
    linesPerSecond: Math.round(N / (pipeMs / 1000)),
    ratioOfRaw: +(raw / pipeMs).toFixed(2),
    target: '>= 0.33 of raw',
    runnerStagesMs: +stagesMs.toFixed(1),
    runnerStagesEventsOut: stages[0].events,
    runnerStagesLinesPerSecond: Math.round(N / (stagesMs / 1000)),
    runnerStagesRatioOfRaw: +(raw / stagesMs).toFixed(2),
  },
  replay: {
    inputMb: Math.round(inputMb),
    exitCode: rss.code,
    peakRssMb: +rss.peakMb.toFixed(1),
    seconds: +rss.seconds.toFixed(1),
    stdoutMb: Math.round(rss.outMb),
    target: '< 200 MB',
  },
};
console.log(JSON.stringify(result, null, 2));
