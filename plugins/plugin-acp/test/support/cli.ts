import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OmnigentEvent } from '@omnigent/core';

const here = dirname(fileURLToPath(import.meta.url));
/** The real omnigent CLI of the workspace. */
export const OMNIGENT = join(here, '..', '..', '..', '..', 'packages', 'cli', 'bin', 'omnigent.js');
/** This plugin's package directory (its node_modules hold the real adapters and CLIs). */
export const PLUGIN_DIR = join(here, '..', '..');

/** What one `omnigent run --json` printed and how it exited. */
export interface CliRun {
  events: OmnigentEvent[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Run the real CLI with `--json`; `onEvent` sees each event as it arrives (and may signal the CLI
 * through `kill`). Never rejects on a failed run.
 */
export function runCli(
  args: string[],
  opts: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    timeoutMs?: number;
    onEvent?: (e: OmnigentEvent, kill: (s: NodeJS.Signals) => void) => void;
  },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [OMNIGENT, ...args, '--json'], {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const events: OmnigentEvent[] = [];
    let buf = '';
    let stderr = '';
    const kill = (s: NodeJS.Signals): void => void child.kill(s);
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!line.trim()) continue;
        const e = JSON.parse(line) as OmnigentEvent;
        events.push(e);
        opts.onEvent?.(e, kill);
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 110_000);
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ events, exitCode, signal, stderr });
    });
  });
}
