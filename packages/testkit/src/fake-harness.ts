import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Behaviour of the fake harness. Every option can be given as a flag (`--delay-ms 5`) or, for use
 * behind a real plugin whose argv the fake cannot choose, as an environment variable
 * (`OMNIGENT_FAKE_DELAY_MS=5`). Unknown flags are ignored (they belong to the real CLI).
 */
export interface FakeHarnessOptions {
  /** JSONL file replayed line by line, verbatim (malformed lines included). */
  transcript?: string;
  /** Milliseconds between lines. Default: 0. */
  delayMs?: number;
  /** Exit code at the end. Default: 0. */
  exitCode?: number;
  /** Text written to stderr before exiting. */
  stderr?: string;
  /** Write only the first half of the last transcript line (no newline), then exit. */
  crashMidLine?: boolean;
  /** After the transcript, never exit (and keep a child `sleep` in the same group). */
  hang?: boolean;
  /** Also start a grandchild in a process group of its own (like Pi's detached bash). */
  detachedChild?: boolean;
  /** Ignore SIGTERM (tests the SIGKILL escalation). */
  ignoreSigterm?: boolean;
  /** Print this many generated `message` lines as fast as possible. */
  flood?: number;
  /** Print one `message` line of about this many bytes. */
  bigLineBytes?: number;
  /** Write the pids of the fake and its children to this file (for leak checks). */
  pidFile?: string;
  /** Print this many lines that are not JSON, as fast as possible. */
  notJson?: number;
  /** After the transcript, print the same retry warning forever (`Reconnecting... n/5`, code `api-retry`), every `delayMs` (default 50). */
  retryForever?: boolean;
  /** Start a daemon that double-forks out of the fake's tree and process group (`setsid sleep 300` from a shell that exits). */
  doubleFork?: boolean;
  /** With `doubleFork`: the daemon starts with an empty environment (`env -i`). */
  daemonClearEnv?: boolean;
  /** With `doubleFork`: how long the intermediate shell lives before it exits. Default: 0. */
  daemonLingerMs?: number;
}

const FLAGS: Record<string, keyof FakeHarnessOptions> = {
  '--transcript': 'transcript',
  '--delay-ms': 'delayMs',
  '--exit-code': 'exitCode',
  '--stderr': 'stderr',
  '--crash-mid-line': 'crashMidLine',
  '--hang': 'hang',
  '--detached-child': 'detachedChild',
  '--ignore-sigterm': 'ignoreSigterm',
  '--flood': 'flood',
  '--big-line-bytes': 'bigLineBytes',
  '--pid-file': 'pidFile',
  '--not-json': 'notJson',
  '--retry-forever': 'retryForever',
  '--double-fork': 'doubleFork',
  '--daemon-clear-env': 'daemonClearEnv',
  '--daemon-linger-ms': 'daemonLingerMs',
};
const BOOLEAN = new Set<keyof FakeHarnessOptions>([
  'crashMidLine',
  'hang',
  'detachedChild',
  'ignoreSigterm',
  'retryForever',
  'doubleFork',
  'daemonClearEnv',
]);
const NUMERIC = new Set<keyof FakeHarnessOptions>([
  'delayMs',
  'exitCode',
  'flood',
  'bigLineBytes',
  'notJson',
  'daemonLingerMs',
]);

/** Environment variable for an option: `delayMs` -> `OMNIGENT_FAKE_DELAY_MS`. */
export function fakeEnvName(key: keyof FakeHarnessOptions): string {
  return `OMNIGENT_FAKE_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** Environment that makes the fake harness behave as `options` say. */
export function fakeHarnessEnv(options: FakeHarnessOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined || v === false) continue;
    env[fakeEnvName(k as keyof FakeHarnessOptions)] = v === true ? '1' : String(v);
  }
  return env;
}

/** Parse flags and environment into options (flags win). */
export function parseFakeOptions(argv: string[], env: NodeJS.ProcessEnv): FakeHarnessOptions {
  const opts: Record<string, unknown> = {};
  for (const key of Object.values(FLAGS)) {
    const v = env[fakeEnvName(key)];
    if (v === undefined || v === '') continue;
    opts[key] = BOOLEAN.has(key) ? v === '1' || v === 'true' : NUMERIC.has(key) ? Number(v) : v;
  }
  for (let i = 0; i < argv.length; i++) {
    const key = FLAGS[argv[i]!];
    if (!key) continue;
    if (BOOLEAN.has(key)) opts[key] = true;
    else {
      const v = argv[++i];
      opts[key] = NUMERIC.has(key) ? Number(v) : v;
    }
  }
  return opts as FakeHarnessOptions;
}

/** Lines of a transcript file, read in chunks (a 1 GB transcript does not fit in one string). */
function* transcriptLines(file: string): Generator<string> {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let rest = Buffer.alloc(0);
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      let data = rest.length ? Buffer.concat([rest, buf.subarray(0, n)]) : Buffer.from(buf.subarray(0, n));
      let start = 0;
      for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
        yield data.toString('utf8', start, nl);
        start = nl + 1;
      }
      rest = data.subarray(start);
      data = rest;
    }
    if (rest.length) yield rest.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function write(text: string): Promise<void> {
  return new Promise((resolveWrite) => {
    if (process.stdout.write(text)) resolveWrite();
    else process.stdout.once('drain', () => resolveWrite());
  });
}

/** Start `setsid sleep 300` from a shell that then exits: a daemon reparented to init, in a session of its own. Resolves its pid. */
function doubleFork(opts: FakeHarnessOptions): Promise<number> {
  const linger = (opts.daemonLingerMs ?? 0) / 1000;
  const script = `${opts.daemonClearEnv ? 'env -i ' : ''}setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $!; sleep ${linger}`;
  const sh = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolvePid, reject) => {
    let out = '';
    sh.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolvePid(Number(out.trim()));
    });
    sh.once('error', reject);
  });
}

/** Read the prompt: the last positional argument, or stdin when it is a pipe with data. */
function promptFrom(argv: string[]): string {
  const positional = argv.filter((a, i) => !a.startsWith('-') && !(argv[i - 1] ?? '').startsWith('--'));
  return positional[positional.length - 1] ?? '';
}

/**
 * Run the fake harness. Besides plain lines, a transcript may hold directives, objects with a
 * `$fake` key that are acted on instead of printed:
 * `{"$fake":"sleep","ms":100}`, `{"$fake":"write","path":"a.txt","content":"x"}` (relative to the
 * cwd), `{"$fake":"echo-prompt"}` (prints `{"type":"message","role":"assistant","text":<prompt>}`),
 * `{"$fake":"orphan","ms":30000}` (starts a `sleep` that inherits stdout and outlives the fake).
 */
export async function runFakeHarness(argv: string[], env: NodeJS.ProcessEnv): Promise<never> {
  if (argv[0] === '--version') {
    // like a real CLI: `omnigent doctor` and the version cache ask this
    process.stdout.write(`omnigent-fake-harness ${env.OMNIGENT_FAKE_VERSION ?? '0.0.0-fake'}\n`);
    process.exit(0);
  }
  const opts = parseFakeOptions(argv, env);
  const pids: number[] = [process.pid];
  if (opts.ignoreSigterm) process.on('SIGTERM', () => undefined);
  if (opts.detachedChild) {
    const c = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    c.unref();
    if (c.pid) pids.push(c.pid);
  }
  if (opts.hang) {
    const c = spawn('sleep', ['300'], { stdio: 'ignore' });
    c.unref();
    if (c.pid) pids.push(c.pid);
  }
  if (opts.doubleFork) pids.push(await doubleFork(opts));
  if (opts.pidFile) writeFileSync(opts.pidFile, pids.join('\n') + '\n');

  const prompt = env.OMNIGENT_FAKE_PROMPT ?? promptFrom(argv);
  const lines = opts.transcript ? transcriptLines(opts.transcript) : [][Symbol.iterator]();
  let next = lines.next();
  while (!next.done) {
    const line = next.value;
    next = lines.next();
    const last = next.done === true;
    if (opts.crashMidLine && last) {
      await write(line.slice(0, Math.max(1, Math.floor(line.length / 2))));
      break;
    }
    let directive: { $fake?: string; ms?: number; path?: string; content?: string } | undefined;
    if (line.startsWith('{"$fake"')) {
      try {
        directive = JSON.parse(line) as typeof directive;
      } catch {
        directive = undefined;
      }
    }
    if (directive?.$fake === 'sleep') await sleep(directive.ms ?? 0);
    else if (directive?.$fake === 'write' && directive.path) {
      const file = resolve(directive.path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, directive.content ?? '');
    } else if (directive?.$fake === 'orphan') {
      // a background child that inherits stdout and outlives the harness (like `npm run dev &`)
      const c = spawn('sleep', [String(directive.ms ? directive.ms / 1000 : 30)], {
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      c.unref();
      if (c.pid && opts.pidFile) writeFileSync(opts.pidFile, [...pids, c.pid].join('\n') + '\n');
    } else if (directive?.$fake === 'echo-prompt') {
      await write(JSON.stringify({ type: 'message', role: 'assistant', text: prompt }) + '\n');
    } else await write(line + '\n');
    if (opts.delayMs) await sleep(opts.delayMs);
  }

  if (opts.flood) {
    let buf = '';
    for (let i = 0; i < opts.flood; i++) {
      buf += `{"type":"message","role":"assistant","text":"flood line ${i}"}\n`;
      if (buf.length > 65536) {
        await write(buf);
        buf = '';
      }
    }
    if (buf) await write(buf);
  }
  if (opts.notJson) {
    let buf = '';
    for (let i = 0; i < opts.notJson; i++) {
      buf += `progress: step ${i} of ${opts.notJson} (not json)\n`;
      if (buf.length > 65536) {
        await write(buf);
        buf = '';
      }
    }
    if (buf) await write(buf);
  }
  if (opts.retryForever) {
    for (let i = 1; ; i++) {
      await write(
        JSON.stringify({
          type: 'warning',
          code: 'api-retry',
          message: `Reconnecting... ${(i % 5) + 1}/5 (stream disconnected before completion)`,
        }) + '\n',
      );
      await sleep(opts.delayMs || 50);
    }
  }
  if (opts.bigLineBytes) {
    await write(`{"type":"message","role":"assistant","text":"${'x'.repeat(opts.bigLineBytes)}"}\n`);
  }
  if (opts.stderr) process.stderr.write(opts.stderr.endsWith('\n') ? opts.stderr : `${opts.stderr}\n`);
  if (opts.hang) {
    for (;;) await sleep(60_000);
  }
  await new Promise<void>((r) => process.stdout.write('', () => r()));
  process.exit(opts.exitCode ?? (opts.crashMidLine ? 1 : 0));
}
