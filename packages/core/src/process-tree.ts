import { readdirSync, readFileSync } from 'node:fs';

/** Parent pid, process group and start time (clock ticks since boot) of `pid` from /proc (Linux), or undefined. */
function statOf(pid: number): { ppid: number; pgid: number; start: number; state: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name is in parentheses and may contain spaces: parse after the last ')'
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0]!, ppid: Number(rest[1]), pgid: Number(rest[2]), start: Number(rest[19]) };
  } catch {
    return undefined;
  }
}

/** A process as remembered across time: the pid and its start time, so a reused pid is never mistaken for it. */
export interface ProcessIdentity {
  pid: number;
  /** Start time from /proc/<pid>/stat (clock ticks since boot); undefined where /proc is missing. */
  start: number | undefined;
}

/** The identity of a live process, or undefined when it is gone. */
export function identityOf(pid: number): ProcessIdentity | undefined {
  const st = statOf(pid);
  if (st) return st.state === 'Z' ? undefined : { pid, start: st.start };
  return isAlive(pid) ? { pid, start: undefined } : undefined;
}

/** True when the remembered process is still the same live process (not a reused pid). */
export function isSameProcess(id: ProcessIdentity): boolean {
  const now = identityOf(id.pid);
  return now !== undefined && (id.start === undefined || now.start === id.start);
}

function allPids(): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const e of entries) {
    const pid = Number(e);
    if (Number.isInteger(pid) && pid > 0) out.push(pid);
  }
  return out;
}

/**
 * Every live descendant of `root` (children, grandchildren…), including those that moved to a
 * process group of their own (Pi's detached bash children do). Empty where /proc is missing.
 */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const st = statOf(pid);
    if (!st) continue;
    const list = children.get(st.ppid);
    if (list) list.push(pid);
    else children.set(st.ppid, [pid]);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop()!;
    for (const c of children.get(p) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

/**
 * Live processes whose environment holds `name=value` (a marker the runner puts in every harness's
 * environment). Contract: finds a daemon that double-forked away from the harness's tree as long as
 * it kept its environment; only processes this user may read are seen; never includes this process.
 */
export function processesWithEnv(name: string, value: string): number[] {
  const needle = Buffer.from(`${name}=${value}\0`);
  const out: number[] = [];
  for (const pid of allPids()) {
    if (pid === process.pid) continue;
    let env: Buffer;
    try {
      env = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    // the marker may be the first entry (no NUL before it) or follow a NUL
    const at = env.indexOf(needle);
    if (at === 0 || (at > 0 && env[at - 1] === 0)) out.push(pid);
  }
  return out;
}

/** True if the process exists (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z';
  } catch {
    return true;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Options of {@link terminateTree}. */
export interface TerminateOptions {
  /** Aborting it ends the grace period at once: SIGKILL now (a second Ctrl-C). */
  hurry?: AbortSignal;
  /** More processes to end with the tree (daemons remembered while the run lived); reused pids are skipped. */
  also?: () => ProcessIdentity[];
}

/**
 * Terminate a child, its process group and every descendant: SIGTERM first, SIGKILL to whatever
 * is left after `graceMs` (or at once when `options.hurry` aborts). Resolves when nothing is left
 * (or after the KILL). Contract: the KILL is never skipped while something of the tree is alive.
 */
export async function terminateTree(pid: number, graceMs = 3000, options: TerminateOptions = {}): Promise<void> {
  const extra = (): number[] => (options.also?.() ?? []).filter(isSameProcess).map((p) => p.pid);
  const tree = [...new Set([pid, ...descendants(pid), ...extra()])];
  const groups = new Set<number>([pid]);
  for (const p of tree) {
    const st = statOf(p);
    if (st && st.pgid > 1 && st.pgid !== process.pid && st.pgid !== getOwnPgid()) groups.add(st.pgid);
  }
  for (const g of groups) signal(-g, 'SIGTERM');
  for (const p of tree) signal(p, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  const hurried = new Promise<void>((r) => {
    if (options.hurry?.aborted) r();
    options.hurry?.addEventListener('abort', () => r(), { once: true });
  });
  while (Date.now() < deadline && !options.hurry?.aborted) {
    if (!tree.some(isAlive)) return;
    await Promise.race([new Promise((r) => setTimeout(r, 50)), hurried]);
  }
  // late children spawned during the grace period are caught here too
  const late = [...tree, ...tree.flatMap((p) => descendants(p)), ...extra()];
  for (const g of groups) signal(-g, 'SIGKILL');
  for (const p of late) signal(p, 'SIGKILL');
}

/**
 * SIGKILL a child, its process group, the groups of its descendants, every descendant and the
 * `also` processes, now. Contract: synchronous (safe right before `process.exit`); never signals
 * omnigent's own group; reused pids in `also` are skipped.
 */
export function killTreeNow(pid: number, also?: () => ProcessIdentity[]): void {
  const tree = [...new Set([pid, ...descendants(pid), ...(also?.() ?? []).filter(isSameProcess).map((p) => p.pid)])];
  const groups = new Set<number>([pid]);
  for (const p of tree) {
    const st = statOf(p);
    if (st && st.pgid > 1 && st.pgid !== process.pid && st.pgid !== getOwnPgid()) groups.add(st.pgid);
  }
  for (const g of groups) signal(-g, 'SIGKILL');
  for (const p of tree) signal(p, 'SIGKILL');
}

let ownPgid: number | undefined;
function getOwnPgid(): number {
  ownPgid ??= statOf(process.pid)?.pgid ?? -1;
  return ownPgid;
}
