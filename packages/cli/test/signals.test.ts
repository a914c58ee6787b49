// Regression tests for #17 "Agents left running": omnigent is driven as a child process and sent
// real signals; what is checked is /proc: no process that omnigent started may outlive it.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, scratch, transcript } from './helpers.js';

const session = { type: 'session.started', cwd: '/w', sessionId: 's-1', model: 'fake-model' };

/** Pids of every live (non-zombie) process whose environment carries `marker`: omnigent's whole tree. */
function processesWith(marker: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    const pid = Number(e);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker)) out.push(pid);
    } catch {
      // gone, or not ours
    }
  }
  return out;
}

/** Wait (bounded) until no process carries `marker`; returns those still alive at the end. */
async function leftOver(marker: string): Promise<number[]> {
  for (let i = 0; i < 40; i++) {
    const left = processesWith(marker);
    if (left.length === 0) return [];
    await new Promise((r) => setTimeout(r, 50));
  }
  return processesWith(marker);
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Processes of the tree alive while omnigent was still running (proves the check can fail). */
  aliveBefore: number;
}

/**
 * Start omnigent with `args`; once stdout contains `ready`, send `signals` (the first at once, the
 * next ones `gapMs` apart).
 */
function runAndSignal(
  args: string[],
  opts: {
    cwd: string;
    env: Record<string, string>;
    ready?: string;
    readyFile?: string;
    signals: NodeJS.Signals[];
    gapMs?: number;
    marker: string;
  },
): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, OMNIGENT_STORE: join(opts.cwd, '.store'), OMNIGENT_TEST_TREE: opts.marker, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    let aliveBefore = 0;
    const fire = (): void => {
      sent = true;
      // the harness wrote its pid file before its first line: the tree is up
      aliveBefore = processesWith(opts.marker).length;
      opts.signals.forEach((s, i) => setTimeout(() => child.kill(s), i * (opts.gapMs ?? 300)));
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!sent && opts.ready !== undefined && stdout.includes(opts.ready)) fire();
    });
    if (opts.readyFile) {
      const poll = setInterval(() => {
        if (
          sent ||
          !existsSync(opts.readyFile!) ||
          readFileSync(opts.readyFile!, 'utf8').split('\n').filter(Boolean).length < 3
        )
          return;
        clearInterval(poll);
        fire();
      }, 50);
      child.on('close', () => clearInterval(poll));
    }
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, aliveBefore }));
  });
}

/** A harness that ignores SIGTERM, hangs after its transcript, and has a child in its group and a detached one. */
function stubbornHarness(dir: string): Record<string, string> {
  const t = transcript(dir, 't.jsonl', [
    session,
    { type: 'tool.started', callId: 'c1', name: 'Bash', kind: 'shell', input: { command: 'sleep 300' } },
  ]);
  return {
    OMNIGENT_FAKE_TRANSCRIPT: t,
    OMNIGENT_FAKE_HANG: '1',
    OMNIGENT_FAKE_IGNORE_SIGTERM: '1',
    OMNIGENT_FAKE_DETACHED_CHILD: '1',
    OMNIGENT_FAKE_PID_FILE: join(dir, 'pids'),
  };
}

describe('omnigent run under signals', () => {
  it('regression: a second Ctrl-C kills a harness that ignores SIGTERM at once (never skips the kill), exit 130', async () => {
    const dir = scratch();
    const marker = randomUUID();
    const r = await runAndSignal(['run', '-H', 'fake', '--json', 'x'], {
      cwd: dir,
      env: stubbornHarness(dir),
      ready: 'tool.started',
      signals: ['SIGINT', 'SIGINT'],
      marker,
    });
    expect(r.aliveBefore).toBeGreaterThanOrEqual(4); // omnigent, the fake, its sleep, the detached sleep
    expect(r.code).toBe(130);
    expect(await leftOver(marker)).toEqual([]);
  });

  it('regression: SIGHUP (terminal closed) stops the harness and its tools like SIGTERM, ends the run aborted, exit 130', async () => {
    const dir = scratch();
    const marker = randomUUID();
    const r = await runAndSignal(['run', '-H', 'fake', '--json', 'x'], {
      cwd: dir,
      env: stubbornHarness(dir),
      ready: 'tool.started',
      signals: ['SIGHUP'],
      marker,
    });
    expect(r.aliveBefore).toBeGreaterThanOrEqual(4);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(130);
    const last = JSON.parse(r.stdout.trim().split('\n').pop()!) as { type: string; reason?: string };
    expect(last).toMatchObject({ type: 'run.failed', reason: 'aborted' });
    expect(await leftOver(marker)).toEqual([]);
  });

  it('SIGHUP then SIGTERM: killed at once, exit 130, nothing left', async () => {
    const dir = scratch();
    const marker = randomUUID();
    const r = await runAndSignal(['run', '-H', 'fake', 'x'], {
      cwd: dir,
      env: stubbornHarness(dir),
      ready: 'Bash',
      signals: ['SIGHUP', 'SIGTERM'],
      marker,
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('omnigent: interrupted: stopping fake (Ctrl-C again to kill it at once)');
    expect(await leftOver(marker)).toEqual([]);
  });
});

describe('omnigent workflow run under signals', () => {
  it('regression: a second Ctrl-C kills steps that ignore SIGTERM, exit 130, nothing left', async () => {
    const dir = scratch();
    const marker = randomUUID();
    const env = stubbornHarness(dir);
    const file = join(dir, 'wf.yaml');
    const stepEnv = Object.entries(env)
      .map(([k, v]) => `${k}: "${v}"`)
      .join(', ');
    writeFileSync(
      file,
      ['name: stubborn', 'steps:', `  - { id: a, harness: fake, env: { ${stepEnv} }, prompt: x }`].join('\n'),
    );
    const r = await runAndSignal(['workflow', 'run', '--json', file], {
      cwd: dir,
      env: {},
      ready: 'tool.started',
      signals: ['SIGINT', 'SIGINT'],
      marker,
    });
    expect(r.aliveBefore).toBeGreaterThanOrEqual(4);
    expect(r.code).toBe(130);
    expect(await leftOver(marker)).toEqual([]);
  });

  it('regression: SIGHUP cancels the workflow and stops its harnesses, exit 130', async () => {
    const dir = scratch();
    const marker = randomUUID();
    const env = stubbornHarness(dir);
    const file = join(dir, 'wf.yaml');
    const stepEnv = Object.entries(env)
      .map(([k, v]) => `${k}: "${v}"`)
      .join(', ');
    writeFileSync(
      file,
      ['name: stubborn', 'steps:', `  - { id: a, harness: fake, env: { ${stepEnv} }, prompt: x }`].join('\n'),
    );
    const r = await runAndSignal(['workflow', 'run', '--json', file], {
      cwd: dir,
      env: {},
      ready: 'tool.started',
      signals: ['SIGHUP'],
      marker,
    });
    expect(r.code).toBe(130);
    expect(await leftOver(marker)).toEqual([]);
  });
});

describe('omnigent matrix under signals', () => {
  it('regression: a second Ctrl-C kills runs that ignore SIGTERM (matrix had no second-Ctrl-C rule), exit 130', async () => {
    const dir = scratch();
    const marker = randomUUID();
    const env = stubbornHarness(dir);
    const task = join(dir, 'task.yaml');
    writeFileSync(
      task,
      `prompt: x\nenv:\n${Object.entries(env)
        .map(([k, v]) => `  ${k}: "${v}"`)
        .join('\n')}\n`,
    );
    // matrix prints no harness events: the harness is up once it wrote its pid file
    const r = await runAndSignal(['matrix', task, '-H', 'fake'], {
      cwd: dir,
      env: {},
      readyFile: env.OMNIGENT_FAKE_PID_FILE!,
      signals: ['SIGINT', 'SIGINT'],
      marker,
    });
    expect(r.aliveBefore).toBeGreaterThanOrEqual(4);
    expect(r.code).toBe(130);
    expect(await leftOver(marker)).toEqual([]);
  });
});

// A real terminal that goes away: omnigent runs on a pseudo-terminal whose master side is closed
// (what closing the window or a dropped ssh does), so the kernel sends SIGHUP and the tty is dead.
const HANGUP_PY = `
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b''
deadline = time.time() + 20
while time.time() < deadline and sys.argv[-1].encode() not in out and b'Bash' not in out:
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try:
            out += os.read(fd, 4096)
        except OSError:
            break
os.close(fd)
_, status = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(status))
`;

describe('the terminal is closed', () => {
  it('regression: omnigent on a real terminal that hangs up stops the harness and exits 130 (was: harness left running; then a Node abort at exit)', async () => {
    const dir = scratch();
    const marker = randomUUID();
    const env = {
      ...process.env,
      ...stubbornHarness(dir),
      OMNIGENT_STORE: join(dir, '.store'),
      OMNIGENT_TEST_TREE: marker,
    };
    const python = ['python3', '/usr/bin/python3'].find(
      (p) => spawnSync(p, ['-c', 'import pty'], { stdio: 'ignore' }).status === 0,
    );
    if (!python)
      throw new Error('python3 (with its pty module) is needed to give omnigent a real terminal; install python3');
    const r = spawnSync(python, ['-c', HANGUP_PY, process.execPath, CLI, 'run', '-H', 'fake', 'x'], {
      cwd: dir,
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.stdout.trim()).toBe('130');
    expect(await leftOver(marker)).toEqual([]);
  }, 40_000);
});
