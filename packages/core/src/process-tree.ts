import { readdirSync, readFileSync } from 'node:fs';

/** Parent pid and process group of `pid` from /proc (Linux), or undefined. */
function statOf(pid: number): { ppid: number; pgid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name is in parentheses and may contain spaces: parse after the last ')'
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(rest[1]), pgid: Number(rest[2]) };
  } catch {
    return undefined;
  }
}

/**
 * Every live descendant of `root` (children, grandchildren…), including those that moved to a
 * process group of their own (Pi's detached bash children do). Empty where /proc is missing.
 */
export function descendants(root: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const e of entries) {
    const pid = Number(e);
    if (!Number.isInteger(pid) || pid <= 0) continue;
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

/**
 * Terminate a child, its process group and every descendant: SIGTERM first, SIGKILL to whatever
 * is left after `graceMs`. Resolves when nothing is left (or after the KILL).
 */
export async function terminateTree(pid: number, graceMs = 3000): Promise<void> {
  const tree = [pid, ...descendants(pid)];
  const groups = new Set<number>([pid]);
  for (const p of tree) {
    const st = statOf(p);
    if (st && st.pgid > 1 && st.pgid !== process.pid && st.pgid !== getOwnPgid()) groups.add(st.pgid);
  }
  for (const g of groups) signal(-g, 'SIGTERM');
  for (const p of tree) signal(p, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!tree.some(isAlive)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  // late children spawned during the grace period are caught here too
  const late = [...tree, ...tree.flatMap((p) => descendants(p))];
  for (const g of groups) signal(-g, 'SIGKILL');
  for (const p of late) signal(p, 'SIGKILL');
}

let ownPgid: number | undefined;
function getOwnPgid(): number {
  ownPgid ??= statOf(process.pid)?.pgid ?? -1;
  return ownPgid;
}
