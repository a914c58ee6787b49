import { readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';

/**
 * Watch, without writing, whether anyone still reads our stdout (Linux). EPIPE only shows on a
 * write, so a harness that goes quiet while the reader is gone (`omnigent run … | head -1`) would
 * otherwise run until the idle watchdog. Calls `onGone` once. Returns the stop function.
 * Contract: a no-op where it cannot tell (not Linux, a TTY or a file, readers it cannot see);
 * never reads data meant for anyone else; the timer never keeps the process alive.
 * Default: checks every second.
 */
export function watchStdoutReader(onGone: () => void, intervalMs = 1000): () => void {
  const check = probeFor(1);
  if (!check) return () => undefined;
  const timer = setInterval(() => {
    if (check()) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** A check that returns false once the reader of `fd` is gone, or undefined when `fd` is not watchable. */
function probeFor(fd: number): (() => boolean) | undefined {
  if (process.platform !== 'linux') return undefined;
  let link: string;
  let flags: number;
  try {
    link = readlinkSync(`/proc/self/fd/${fd}`);
    flags = Number.parseInt(/flags:\s*(\d+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1] ?? 'x', 8);
  } catch {
    return undefined;
  }
  if (link.startsWith('socket:') && (flags & 0o3) === 0o2 && (flags & 0o4000) !== 0) return socketProbe(fd);
  const pipe = /^pipe:\[(\d+)\]$/.exec(link);
  if (pipe) return pipeProbe(link);
  return undefined;
}

/**
 * stdout is one end of a socket pair (how Node and most runners spawn a child with `pipe`): a
 * non-blocking read of it says EAGAIN while the peer is there and 0 (end of file) once it closed.
 */
function socketProbe(fd: number): () => boolean {
  const byte = Buffer.alloc(1);
  return () => {
    try {
      return readSync(fd, byte, 0, 1, null) !== 0;
    } catch {
      // EAGAIN: connected, nothing to read
      return true;
    }
  };
}

/**
 * stdout is a pipe (a shell's `| head`): look for processes holding its read end. Found ones are
 * re-checked cheaply; only when all of them let go is every process scanned again (the read end
 * may have been handed on). Processes we may not inspect are invisible: seeing no reader at all
 * at the start means "cannot tell", never "gone".
 */
function pipeProbe(link: string): (() => boolean) | undefined {
  const readersOf = (pids: Iterable<number>): Map<number, number[]> => {
    const found = new Map<number, number[]>();
    for (const pid of pids) {
      if (pid === process.pid) continue;
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        try {
          if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== link) continue;
          const flags = Number.parseInt(
            /flags:\s*(\d+)/.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))?.[1] ?? '1',
            8,
          );
          if ((flags & 0o3) !== 0o1) found.set(pid, [...(found.get(pid) ?? []), Number(fd)]);
        } catch {
          // closed meanwhile
        }
      }
    }
    return found;
  };
  const everyone = (): number[] => {
    try {
      return readdirSync('/proc')
        .map(Number)
        .filter((n) => Number.isInteger(n) && n > 0);
    } catch {
      return [];
    }
  };
  let known = readersOf(everyone());
  if (known.size === 0) return undefined;
  return () => {
    for (const [pid, fds] of known) {
      for (const fd of fds) {
        try {
          if (readlinkSync(`/proc/${pid}/fd/${fd}`) === link) return true;
        } catch {
          // that reader closed it or exited
        }
      }
    }
    known = readersOf(everyone());
    return known.size > 0;
  };
}
