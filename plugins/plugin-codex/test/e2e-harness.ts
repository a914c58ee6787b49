import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OmnigentEvent } from '@omnigent/core';
import { startMockResponses, type MockResponsesScenario, type MockResponsesServer } from '@omnigent/testkit';

const here = dirname(fileURLToPath(import.meta.url));
/** The real codex CLI installed as a dev dependency. */
export const CODEX_BIN = join(here, '..', 'node_modules', '.bin', 'codex');
/** The omnigent CLI entry (workspace package `omnigent`). */
export const OMNIGENT_BIN = join(
  dirname(createRequire(import.meta.url).resolve('omnigent/package.json')),
  'bin',
  'omnigent.js',
);

/** A scratch project: mock model server, codex home, work dir and an omnigent.config.json pointing codex at the mock. */
export interface Sandbox {
  root: string;
  work: string;
  codexHome: string;
  mock: MockResponsesServer;
}

/** How to set up a sandbox. */
export interface SandboxOptions {
  /** Share this sandbox's directories (codex home included), e.g. to resume its thread. */
  reuse?: Sandbox;
  /** More codex plugin options for omnigent.config.json. */
  options?: Record<string, unknown>;
  /** The provider's `env_key`. Default: `MOCK_API_KEY` (set by {@link omnigentRun}). */
  envKey?: string;
}

/** Start a mock and write a scratch config whose codex provider is the mock (passed to codex as `-c` flags). */
export async function sandbox(
  scenario: MockResponsesScenario,
  { reuse, options = {}, envKey = 'MOCK_API_KEY' }: SandboxOptions = {},
): Promise<Sandbox> {
  const root = reuse?.root ?? mkdtempSync(join(tmpdir(), 'codex-e2e-'));
  const work = join(root, 'work');
  const codexHome = join(root, 'codexhome');
  mkdirSync(work, { recursive: true });
  mkdirSync(codexHome, { recursive: true });
  const mock = await startMockResponses(scenario);
  const provider = {
    id: 'mock',
    name: 'Mock',
    base_url: mock.url,
    env_key: envKey,
    request_max_retries: 0,
    stream_max_retries: 0,
  };
  writeFileSync(
    join(root, 'omnigent.config.json'),
    JSON.stringify({ harnesses: { codex: { options: { provider, ...options } } } }, null, 2),
  );
  return { root, work, codexHome, mock };
}

/** Result of one `omnigent run`. */
export interface CliRun {
  exitCode: number | null;
  events: OmnigentEvent[];
  stdout: string;
  stderr: string;
  pid: number;
}

/** Run `omnigent run -H codex --json … <prompt>` in the sandbox; `onEvent` may interrupt it. */
export function omnigentRun(
  box: Sandbox,
  prompt: string,
  flags: string[] = [],
  onEvent?: (event: OmnigentEvent, pid: number) => void,
): Promise<CliRun> {
  const args = [
    OMNIGENT_BIN,
    'run',
    '-H',
    'codex',
    '--json',
    '--no-store',
    '--bin',
    CODEX_BIN,
    '-C',
    box.work,
    ...flags,
    prompt,
  ];
  const child = spawn(process.execPath, args, {
    cwd: box.root,
    env: { ...process.env, HOME: box.root, CODEX_HOME: box.codexHome, MOCK_API_KEY: 'sk-mock', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid!;
  let stdout = '';
  let stderr = '';
  let pending = '';
  const events: OmnigentEvent[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    pending += chunk.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (!line.trim()) continue;
      const event = JSON.parse(line) as OmnigentEvent;
      events.push(event);
      onEvent?.(event, pid);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const guard = setTimeout(() => child.kill('SIGKILL'), 100_000);
  return new Promise((resolve) => {
    child.on('close', (exitCode) => {
      clearTimeout(guard);
      resolve({ exitCode, events, stdout, stderr, pid });
    });
  });
}

/** Pids of live processes whose command line mentions `needle` (from /proc). */
export function processesMentioning(needle: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // zombies are already dead; their parent just has not reaped them
      if (/\) Z /.test(stat)) continue;
      if (cmdline.includes(needle)) found.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Events of one type, narrowed. */
export function eventsOf<T extends OmnigentEvent['type']>(run: CliRun, type: T): Extract<OmnigentEvent, { type: T }>[] {
  return run.events.filter((e): e is Extract<OmnigentEvent, { type: T }> => e.type === type);
}
