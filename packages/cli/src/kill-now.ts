import { readFileSync } from 'node:fs';
import { descendants } from '@omnigent/core';

/**
 * Send SIGKILL at once to every process this omnigent started (harnesses, their tools, and the
 * process groups they made). Used by a second Ctrl-C: it hurries the kill, never skips it.
 * Contract: synchronous (safe right before `process.exit`); never throws; never signals omnigent's
 * own process group.
 *
 * Local shim until core exports its process-wide kill (core-runner's `killRunsNow()`): swap the
 * body for `export { killRunsNow } from '@omnigent/core'`.
 */
export function killRunsNow(): void {
  const tree = descendants(process.pid);
  const own = ownGroup();
  const groups = new Set<number>();
  for (const pid of tree) {
    const g = groupOf(pid);
    if (g !== undefined && g > 1 && g !== own) groups.add(g);
  }
  for (const g of groups) kill(-g);
  for (const pid of tree) kill(pid);
}

function kill(target: number): void {
  try {
    process.kill(target, 'SIGKILL');
  } catch {
    // already gone
  }
}

function groupOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

let own: number | undefined;
function ownGroup(): number {
  own ??= groupOf(process.pid) ?? -1;
  return own;
}

