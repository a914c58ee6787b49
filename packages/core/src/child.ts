import { performance } from 'node:perf_hooks';
import type { Writable } from 'node:stream';
import type { ExitInfo } from './contract.js';
import { trackChild, untrackChild, type LiveChild } from './live-runs.js';
import {
  descendants,
  identityOf,
  killTreeNow,
  processesWithEnv,
  terminateTree,
  type ProcessIdentity,
} from './process-tree.js';
import { reaperForget, reaperRemember, reaperWatch } from './reaper.js';
import { spawnProcess } from './spawn-process.js';

/** Environment variable the runner sets on every harness: the run id, so its daemons can be found. */
export const RUN_MARKER_ENV = 'OMNIGENT_RUN_ID';

/** Options of {@link spawnHarness}. */
export interface ChildOptions {
  bin: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin?: string | undefined;
  /** The run id, put in the child's environment as {@link RUN_MARKER_ENV}. */
  marker: string;
  /** Wall-clock limit; 0 or undefined: none. */
  timeoutMs?: number | undefined;
  /** Stop when no progress was reported for this long; 0: never. */
  inactivityMs: number;
  killGraceMs: number;
  pipeGraceMs: number;
  /** Abort: the tree is terminated and the run ends `aborted`. */
  signal?: AbortSignal | undefined;
  /** A stdout chunk. Returns true when it was progress (re-arms the inactivity watchdog). */
  onStdout: (chunk: Buffer) => boolean;
  /** Messages of the watchdogs, asked when they fire. */
  timeoutMessage: () => string;
  idleMessage: () => string;
  /** How often the tree is sampled for descendants to remember. Default: 1000 ms. */
  sampleMs?: number;
  /**
   * Keep the child's stdin open as a pipe (a protocol session writes requests to it). Default: false
   * (stdin is `stdin` text, then closed, or closed at once).
   */
  keepStdin?: boolean;
  /**
   * A polite stop before the kill: on a stop that is not forced, `notify` is called once and, when it
   * returns true, the tree is terminated only after `ms` (sooner if the child exits or the stop is
   * forced). Default: none.
   */
  softStop?: { ms: number; notify: (why: 'timeout' | 'aborted') => boolean };
}

/** How the child ended: the plugin's {@link ExitInfo} plus what the runner alone knows. */
export interface ChildEnd {
  exit: ExitInfo;
  /** The watchdog or abort message, when the runner stopped the child. */
  runnerMessage?: string;
  /** The child could not be started. */
  spawnError?: string;
}

/** A spawned harness process. */
export interface HarnessChild {
  readonly pid: number | undefined;
  /** End the run: terminate the tree (SIGTERM, SIGKILL after the grace; at once with `force`). */
  stop(why: 'timeout' | 'aborted', message: string, options?: { force?: boolean }): void;
  /** Resolves when the child has exited and its stdout is drained (or given up on). Never rejects. */
  readonly ended: Promise<ChildEnd>;
  /** The child's stdin, with `keepStdin` only. */
  readonly stdin: Writable | undefined;
}

const STDERR_TAIL_BYTES = 8192;

function tailOf(text: string, maxLines = 40): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(-maxLines).join('\n');
}

/**
 * Spawn a harness in its own process group and watch it. Contract: the wall-clock and inactivity
 * watchdogs and `options.signal` stop it through {@link terminateTree} (group, descendants, daemons
 * remembered by sampling or found by the run marker); a second stop never cancels the first, and a
 * forced one only hurries the SIGKILL; after the harness exits, its stdout gets `pipeGraceMs` to
 * close (a background child may hold it) and is then abandoned; while it runs, a process-wide reaper
 * kills the tree if this process dies (see docs/process-guarantees.md).
 */
export function spawnHarness(o: ChildOptions): HarnessChild {
  const t0 = performance.now();
  let endedBy: 'timeout' | 'aborted' | undefined;
  let runnerMessage = '';
  let killing: Promise<void> | undefined;
  const hurry = new AbortController();
  const remembered = new Map<number, ProcessIdentity>();

  const { child, ended: processEnded } = spawnProcess(o.bin, o.args, {
    cwd: o.cwd,
    env: { ...o.env, [RUN_MARKER_ENV]: o.marker },
    input: o.stdin,
    keepStdin: o.keepStdin,
    detached: true,
  });
  const pid = child?.pid;

  // daemons that double-fork out of the group are still found at kill time if they were seen in the
  // tree once (sampled here) or kept the run marker in their environment
  const sample = (): void => {
    if (pid === undefined) return;
    for (const p of descendants(pid)) {
      if (remembered.has(p)) continue;
      const id = identityOf(p);
      if (!id) continue;
      remembered.set(p, id);
      reaperRemember(pid, id);
    }
  };
  const extras = (): ProcessIdentity[] => {
    sample();
    const marked = processesWithEnv(RUN_MARKER_ENV, o.marker).flatMap((p) => identityOf(p) ?? []);
    return [...remembered.values(), ...marked];
  };

  const stop = (why: 'timeout' | 'aborted', message: string, options: { force?: boolean } = {}): void => {
    if (options.force) hurry.abort();
    if (endedBy) {
      // the pending terminateTree would KILL only after a tick: a caller about to process.exit()
      // (a second Ctrl-C) must not lose it, so a forced stop also kills synchronously
      if (options.force && pid !== undefined) killTreeNow(pid, extras);
      return;
    }
    endedBy = why;
    runnerMessage = message;
    if (pid === undefined) return;
    const soft = o.softStop && !options.force ? o.softStop : undefined;
    if (!soft) {
      killing = terminateTree(pid, o.killGraceMs, { hurry: hurry.signal, also: extras });
      return;
    }
    if (!soft.notify(why)) {
      killing = terminateTree(pid, o.killGraceMs, { hurry: hurry.signal, also: extras });
      return;
    }
    // the kill path still runs after a clean exit: the group may hold children of the harness
    killing = politeWait(soft.ms, exitSeen, hurry.signal).then(() =>
      terminateTree(pid, o.killGraceMs, { hurry: hurry.signal, also: extras }),
    );
  };
  let exited = false;
  let markExited: () => void = () => undefined;
  const exitSeen = new Promise<void>((r) => (markExited = r));
  const live: LiveChild = {
    pid,
    // a harness that already ended on its own keeps its outcome; one being stopped is hurried
    killNow: () =>
      exited && !killing ? undefined : stop('aborted', 'the run was interrupted (killed at once)', { force: true }),
  };
  if (pid !== undefined) {
    trackChild(live);
    reaperWatch(pid, o.marker);
  }

  const timers: NodeJS.Timeout[] = [];
  if (o.timeoutMs && o.timeoutMs > 0) timers.push(setTimeout(() => stop('timeout', o.timeoutMessage()), o.timeoutMs));
  const sampler = setInterval(sample, o.sampleMs ?? 1000);
  sampler.unref();
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = (): void => {
    if (!o.inactivityMs) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => stop('timeout', o.idleMessage()), o.inactivityMs);
  };
  armIdle();
  const onAbort = (): void => stop('aborted', 'the run was interrupted');
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort, { once: true });

  let stderrTail = '';
  child?.stdout?.on('data', (chunk: Buffer) => {
    if (o.onStdout(chunk)) armIdle();
  });
  child?.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
  });
  const stdout = child?.stdout;
  const stdoutDone = stdout
    ? new Promise<void>((r) => {
        stdout.once('close', r);
        stdout.once('end', r);
      })
    : Promise.resolve();

  // A background process the harness started may keep our stdout pipe open after the harness
  // itself exited; once it has exited, give the pipe a short grace to drain, then stop reading
  // so the run ends (the orphan is left alone: it may be a server the agent meant to start).
  child?.once('exit', () => {
    exited = true;
    markExited();
    const grace = setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
    }, o.pipeGraceMs);
    grace.unref();
    void stdoutDone.then(() => clearTimeout(grace));
  });

  const ended = (async (): Promise<ChildEnd> => {
    const res = await processEnded;
    // a run being stopped stays with the reaper until the kill is done
    if (pid !== undefined && !killing) reaperForget(pid);
    clearInterval(sampler);
    await stdoutDone;
    for (const t of timers) clearTimeout(t);
    clearTimeout(idleTimer);
    o.signal?.removeEventListener('abort', onAbort);
    await killing;
    if (pid !== undefined) {
      untrackChild(live);
      if (killing) reaperForget(pid);
    }
    const exit: ExitInfo = {
      stderrTail: tailOf(stderrTail),
      durationMs: Math.round(performance.now() - t0),
      ...(res.exitCode !== undefined ? { exitCode: res.exitCode } : {}),
      ...(res.signal ? { signal: res.signal } : {}),
      ...(endedBy ? { endedByRunner: endedBy } : {}),
    };
    const spawnError = !endedBy ? res.spawnError : undefined;
    return { exit, ...(endedBy ? { runnerMessage } : {}), ...(spawnError !== undefined ? { spawnError } : {}) };
  })();

  return {
    get pid() {
      return pid;
    },
    stop,
    ended,
    stdin: o.keepStdin ? (child?.stdin ?? undefined) : undefined,
  };
}

/** Wait `ms`, or until the child exits or the stop is hurried, whichever comes first. */
function politeWait(ms: number, exited: Promise<void>, hurry: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      hurry.removeEventListener('abort', done);
      resolve();
    }
    if (hurry.aborted) done();
    hurry.addEventListener('abort', done, { once: true });
    void exited.then(done);
  });
}
