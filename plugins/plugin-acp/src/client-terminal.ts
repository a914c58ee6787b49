import { spawn, type ChildProcess } from 'node:child_process';
import { isRecord, num, str } from '@omnigent/core/kit';
import { insideRoot, Refusal } from './client-fs.js';

/** Output kept per terminal when the agent names no limit. */
const DEFAULT_OUTPUT_BYTES = 1024 * 1024;

interface Term {
  child: ChildProcess;
  output: string;
  truncated: boolean;
  limit: number;
  exit: Promise<{ exitCode: number | null; signal: string | null }>;
  exitStatus: { exitCode: number | null; signal: string | null } | undefined;
}

/**
 * The client side of ACP `terminal/*`: commands run in their own process group inside the run's
 * cwd, with the run's environment (which carries omnigent's run marker, so the runner's kill path
 * finds them too). Contract: `dispose()` kills every terminal still running.
 */
export class Terminals {
  private readonly terms = new Map<string, Term>();
  private next = 1;

  constructor(
    private readonly root: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** `terminal/create` → `{ terminalId }`. */
  create(params: unknown): { terminalId: string; command: string } {
    const p = isRecord(params) ? params : {};
    const command = str(p.command);
    if (!command) throw new Refusal('terminal/create needs a command');
    const args = Array.isArray(p.args) ? p.args.filter((a): a is string => typeof a === 'string') : [];
    const cwd = p.cwd == null ? this.root : insideRoot(this.root, p.cwd);
    const env = { ...this.env };
    if (Array.isArray(p.env))
      for (const e of p.env)
        if (isRecord(e) && typeof e.name === 'string' && typeof e.value === 'string') env[e.name] = e.value;
    // a bare command line (no args) is a shell command, as editors run it
    const child = args.length
      ? spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('/bin/sh', ['-c', command], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const term: Term = {
      child,
      output: '',
      truncated: false,
      limit: num(p.outputByteLimit) ?? DEFAULT_OUTPUT_BYTES,
      exitStatus: undefined,
      exit: new Promise((resolve) => {
        child.once('error', (error) => {
          term.output += `${error.message}\n`;
          resolve({ exitCode: 127, signal: null });
        });
        child.once('close', (exitCode, signal) => resolve({ exitCode, signal }));
      }),
    };
    void term.exit.then((s) => (term.exitStatus = s));
    const onData = (chunk: Buffer): void => {
      term.output += chunk.toString('utf8');
      if (Buffer.byteLength(term.output) > term.limit) {
        // keep the tail: the end of a command's output is what tells how it went
        const buf = Buffer.from(term.output);
        term.output = buf.subarray(buf.length - term.limit).toString('utf8');
        term.truncated = true;
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const terminalId = `term-${this.next++}`;
    this.terms.set(terminalId, term);
    return { terminalId, command: [command, ...args].join(' ') };
  }

  /** `terminal/output`. */
  output(params: unknown): {
    output: string;
    truncated: boolean;
    exitStatus?: { exitCode: number | null; signal: string | null };
  } {
    const t = this.get(params);
    return { output: t.output, truncated: t.truncated, ...(t.exitStatus ? { exitStatus: t.exitStatus } : {}) };
  }

  /** `terminal/wait_for_exit`. */
  async waitForExit(params: unknown): Promise<{ exitCode: number | null; signal: string | null }> {
    return this.get(params).exit;
  }

  /** `terminal/kill`: the command's process group gets SIGKILL; the terminal stays readable. */
  kill(params: unknown): Record<string, never> {
    killGroup(this.get(params));
    return {};
  }

  /** `terminal/release`: kill if running, then forget. */
  release(params: unknown): Record<string, never> {
    const p = isRecord(params) ? params : {};
    const t = this.get(params);
    killGroup(t);
    this.terms.delete(String(p.terminalId));
    return {};
  }

  /** Kill every terminal still running (the session ended). */
  dispose(): void {
    for (const t of this.terms.values()) killGroup(t);
    this.terms.clear();
  }

  private get(params: unknown): Term {
    const id = isRecord(params) ? str(params.terminalId) : undefined;
    const t = id ? this.terms.get(id) : undefined;
    if (!t) throw new Refusal(`no terminal ${id ?? '(none given)'}`);
    return t;
  }
}

function killGroup(t: Term): void {
  if (t.exitStatus || t.child.pid === undefined) return;
  try {
    process.kill(-t.child.pid, 'SIGKILL');
  } catch {
    t.child.kill('SIGKILL');
  }
}
