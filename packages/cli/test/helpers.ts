import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI entry. */
export const CLI = fileURLToPath(new URL('../bin/omnigent.js', import.meta.url));
/** The fake harness plugin module (built testkit). */
export const FAKE_PLUGIN = fileURLToPath(new URL('../../testkit/dist/fake-plugin.js', import.meta.url));

/** A scratch dir whose omnigent.config.json loads the fake plugin; store off unless asked. */
export function scratch(config: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'omnigent-cli-test-'));
  writeFileSync(join(dir, 'omnigent.config.json'), JSON.stringify({ plugins: [FAKE_PLUGIN], ...config }));
  return dir;
}

/** Write a JSONL transcript of these records. */
export function transcript(dir: string, name: string, lines: unknown[]): string {
  const file = join(dir, name);
  writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return file;
}

/** Result of running the CLI. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI as a child process; `onStdout` may act mid-run (e.g. send SIGINT). */
export function runCli(
  args: string[],
  opts: {
    cwd: string;
    env?: Record<string, string | undefined>;
    onStdout?: (text: string, child: ReturnType<typeof spawn>) => void;
    input?: string;
  },
): Promise<CliResult> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, OMNIGENT_STORE: join(opts.cwd, '.store'), ...opts.env };
    for (const [k, v] of Object.entries(opts.env ?? {})) if (v === undefined) delete env[k];
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      opts.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Parse JSONL stdout, failing loudly on any non-JSON line. */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
