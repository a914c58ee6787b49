import { spawn, type ChildProcess } from 'node:child_process';

// Core spawns with node:child_process directly: execa (106 files, ~95 ms to import on the 2-vCPU
// bench machine) was a third of `omnigent run`'s own start-up, and the runner used none of what it
// adds (its `cleanup` does nothing for a detached child; the reaper and terminateTree do the killing).

/** How a process spawned by {@link spawnProcess} ended. */
export interface ProcessEnd {
  /** Exit code; undefined when it was killed by a signal or never started. */
  exitCode?: number;
  /** The signal that killed it. */
  signal?: NodeJS.Signals;
  /** Why it could not be started (`spawn /bin/x ENOENT`); the other fields are then undefined. */
  spawnError?: string;
}

/** Options of {@link spawnProcess}. */
export interface SpawnProcessOptions {
  cwd?: string | undefined;
  /** The whole environment of the child (nothing is inherited beyond it). */
  env: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed (unless `keepStdin`). Default: stdin is /dev/null. */
  input?: string | undefined;
  /** Leave stdin an open pipe for the caller to write to (`child.stdin`; a protocol session). Default: false. */
  keepStdin?: boolean | undefined;
  /** Own process group (for group kills). Default: false. */
  detached?: boolean;
}

/** A spawned process: the Node child (pid, stdout, stderr, events) and its end. */
export interface SpawnedProcess {
  /** Undefined when spawning threw (then `ended` carries the reason). */
  readonly child: ChildProcess | undefined;
  /** Resolves once the process has exited and its stdout/stderr are closed (or it could not start). Never rejects. */
  readonly ended: Promise<ProcessEnd>;
}

/**
 * Spawn `bin args` with piped stdout/stderr (Buffers). Contract: never throws and `ended` never
 * rejects: a binary that cannot be started (missing, not executable, bad cwd) ends with
 * `spawnError`; a child that exits without reading its `input` costs nothing (EPIPE is ignored).
 */
export function spawnProcess(bin: string, args: readonly string[], options: SpawnProcessOptions): SpawnedProcess {
  let child: ChildProcess;
  try {
    child = spawn(bin, args, {
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      env: options.env,
      stdio: [options.input !== undefined || options.keepStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      detached: options.detached ?? false,
    });
  } catch (error) {
    // synchronous failures (a NUL byte in an argument, EINVAL): no process, the same outcome as ENOENT
    return {
      child: undefined,
      ended: Promise.resolve({ spawnError: error instanceof Error ? error.message : String(error) }),
    };
  }
  let spawnError: string | undefined;
  const ended = new Promise<ProcessEnd>((resolve) => {
    child.once('error', (error) => {
      // also emitted when a kill fails after a successful start: only a missing pid means "never started"
      if (child.pid === undefined) spawnError = error.message;
    });
    child.once('close', (code, signal) => {
      if (spawnError !== undefined) resolve({ spawnError });
      else resolve({ ...(code !== null ? { exitCode: code } : {}), ...(signal ? { signal } : {}) });
    });
  });
  if (child.stdin) {
    child.stdin.on('error', () => undefined);
    if (options.keepStdin) {
      if (options.input !== undefined) child.stdin.write(options.input);
    } else if (options.input !== undefined) child.stdin.end(options.input);
  }
  return { child, ended };
}
