import { randomBytes } from 'node:crypto';
import { reaperForget, reaperWatch, trackChild, untrackChild } from '@omnigent/core/internal';

/** How a shell command of an eval (setup step, check) ended. */
export interface ShellResult {
  exitCode?: number;
  timedOut: boolean;
  spawnError?: string;
  /** The last 16 kB of stdout and stderr, interleaved. */
  output: string;
  durationMs: number;
}

/**
 * Run `sh -c command` in `cwd` in its own process group. Contract: the whole group is SIGKILLed on
 * timeout, on abort, on a second Ctrl-C (it is tracked like a harness) and, through the reaper,
 * when omnigent itself dies; leftover background children go with it when it exits.
 */
export async function runShell(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ShellResult> {
  // execa is loaded here, not at start-up: only eval setup steps and checks run shell commands
  const { execa } = await import('execa');
  const start = performance.now();
  let output = '';
  let timedOut = false;
  const marker = `eval-shell-${randomBytes(6).toString('hex')}`;
  // execa's own timeout and cancelSignal stop the shell only; the group kill below reaches its children
  const child = execa('sh', ['-c', command], {
    cwd,
    env: { ...env, OMNIGENT_RUN_ID: marker },
    extendEnv: false,
    stdin: 'ignore',
    all: true,
    buffer: false,
    reject: false,
    detached: true,
    cleanup: false,
  });
  const keep = (d: Buffer): void => {
    output = (output + d.toString()).slice(-16_000);
  };
  child.all?.on('data', keep);
  const kill = (): void => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const live = { pid: child.pid, killNow: kill };
  if (child.pid) {
    reaperWatch(child.pid, marker);
    trackChild(live);
  }
  const timer = options.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        kill();
      }, options.timeoutMs)
    : undefined;
  if (options.signal?.aborted) kill();
  options.signal?.addEventListener('abort', kill, { once: true });
  const result = await child;
  if (timer) clearTimeout(timer);
  options.signal?.removeEventListener('abort', kill);
  kill();
  untrackChild(live);
  if (child.pid) reaperForget(child.pid);
  const spawnError =
    result.failed && result.exitCode === undefined && !result.signal
      ? result.cause instanceof Error
        ? result.cause.message
        : result.shortMessage
      : undefined;
  return {
    ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
    ...(spawnError ? { spawnError } : {}),
    timedOut,
    output,
    durationMs: Math.round(performance.now() - start),
  };
}
