import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ProcessIdentity } from './process-tree.js';

/**
 * The reaper's program. It reads lines from stdin, whose write end only the omnigent process holds:
 * `+ <pgid> <marker>` a harness group started, `- <pgid>` it ended, `p <pgid> <pid> <start>` a
 * descendant of that group seen while the run lived. On end of input (omnigent exited, however: exit, crash, SIGKILL, OOM) it
 * SIGTERMs every registered group, its descendants, the remembered descendants that are still the
 * same process (start time) and every process carrying a registered marker in its environment,
 * waits up to 2 s, SIGKILLs what is left, and exits.
 */
const REAPER_SCRIPT = String.raw`
const fs = require('fs');
const groups = new Map(); const seen = new Map(); let buf = '';
process.on('SIGINT', () => {}); process.on('SIGHUP', () => {}); process.on('SIGTERM', () => {});
function stat(pid) { try { const s = fs.readFileSync('/proc/' + pid + '/stat', 'utf8'); const r = s.slice(s.lastIndexOf(')') + 2).split(' '); return { state: r[0], ppid: +r[1], start: r[19] }; } catch { return undefined; } }
function pids() { try { return fs.readdirSync('/proc').map(Number).filter((p) => p > 0 && p !== process.pid); } catch { return []; } }
function onLine(l) { const [op, a, b, c] = l.split(' '); if (op === '+') { groups.set(+a, b || ''); seen.set(+a, new Map()); } else if (op === '-') { groups.delete(+a); seen.delete(+a); } else if (op === 'p') seen.get(+a)?.set(+b, c); }
function targets() {
  const all = pids(); const kids = new Map(); const out = new Set();
  for (const p of all) { const s = stat(p); if (!s) continue; if (!kids.has(s.ppid)) kids.set(s.ppid, []); kids.get(s.ppid).push(p); }
  const stack = [...groups.keys()];
  while (stack.length) { const p = stack.pop(); out.add(p); for (const c of kids.get(p) || []) stack.push(c); }
  for (const m of seen.values()) for (const [p, start] of m) { const s = stat(p); if (s && s.start === start) out.add(p); }
  const marks = [...groups.values()].filter(Boolean).map((m) => Buffer.from('OMNIGENT_RUN_ID=' + m + '\0'));
  if (marks.length) for (const p of all) { let e; try { e = fs.readFileSync('/proc/' + p + '/environ'); } catch { continue; } for (const m of marks) { const i = e.indexOf(m); if (i === 0 || (i > 0 && e[i - 1] === 0)) out.add(p); } }
  return out;
}
function alive(p) { try { process.kill(p, 0); } catch { return false; } const s = stat(p); return !s || s.state !== 'Z'; }
function send(sig, list) { for (const g of groups.keys()) { try { process.kill(-g, sig); } catch {} } for (const p of list) { try { process.kill(p, sig); } catch {} } }
process.stdin.on('data', (d) => { buf += d; let i; while ((i = buf.indexOf('\n')) >= 0) { onLine(buf.slice(0, i)); buf = buf.slice(i + 1); } });
process.stdin.on('end', () => {
  if (groups.size === 0) process.exit(0);
  let list = targets(); send('SIGTERM', list);
  const deadline = Date.now() + 2000;
  const tick = () => {
    if ([...list].some(alive) && Date.now() < deadline) return setTimeout(tick, 50);
    list = new Set([...list, ...targets()]); send('SIGKILL', list); process.exit(0);
  };
  tick();
});
`;

/**
 * A POSIX sh front for the reaper: it only collects the lines while omnigent lives, and starts the
 * node program above (with every line) only if a group is still registered when its input ends
 * (omnigent died mid-run). Why: a node process costs as much CPU as omnigent's own start-up (≈ 70 ms
 * on the bench machine, competing with the harness on a 2-core host); `sh` costs ≈ 1 ms, and a normal
 * run, which forgets its group before exiting, never starts node at all. `$0` is node, `$1` the program.
 */
const SH_FRONT = `trap '' INT HUP TERM
lines=''; live=0
while IFS= read -r line; do
  lines="$lines$line
"
  case $line in
    '+ '*) live=$((live + 1)) ;;
    '- '*) live=$((live - 1)) ;;
  esac
done
[ "$live" -gt 0 ] || exit 0
printf '%s' "$lines" | "$0" -e "$1"
`;

/** The reaper's argv: the sh front where there is a /bin/sh, else node with the program directly. */
function reaperCommand(): [string, string[]] {
  return existsSync('/bin/sh')
    ? ['/bin/sh', ['-c', SH_FRONT, process.execPath, REAPER_SCRIPT]]
    : [process.execPath, ['-e', REAPER_SCRIPT]];
}

let reaper: ChildProcess | undefined;
let broken = false;

function write(line: string): void {
  if (broken) return;
  if (!reaper) {
    try {
      // its own process group and session: a terminal's Ctrl-C or hang-up reaches omnigent, not the reaper
      const [bin, args] = reaperCommand();
      reaper = spawn(bin, args, { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    } catch {
      broken = true;
      return;
    }
    reaper.on('error', () => {
      broken = true;
    });
    reaper.stdin?.on('error', () => {
      broken = true;
    });
    // the reaper must never keep omnigent alive: neither the process nor its pipe hold the event loop
    reaper.unref();
    (reaper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  }
  reaper.stdin?.write(line);
}

/**
 * Register a harness process group with the process-wide reaper (started at the first call).
 * Contract: if this process dies in any way while the group is registered, the reaper terminates
 * the group, its descendants and every process whose environment holds `OMNIGENT_RUN_ID=<marker>`.
 */
export function reaperWatch(pgid: number, marker: string): void {
  write(`+ ${pgid} ${marker}\n`);
}

/** Tell the reaper about a descendant seen while the run lives (caught even after it left the tree). */
export function reaperRemember(pgid: number, id: ProcessIdentity): void {
  if (id.start !== undefined) write(`p ${pgid} ${id.pid} ${id.start}\n`);
}

/** The group ended: the reaper forgets it and the descendants remembered for it. */
export function reaperForget(pgid: number): void {
  write(`- ${pgid}\n`);
}

/** Pid of the reaper, once started (for tests and diagnostics). */
export function reaperPid(): number | undefined {
  return reaper?.pid;
}
