import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive } from '@omnigent/core/internal';
import { jsonLines, runCli, scratch, transcript } from './helpers.js';

const session = { type: 'session.started', cwd: '/w', sessionId: 's-1', model: 'fake-model', harnessVersion: '9.9.9' };
const story = [
  session,
  { type: 'message.delta', role: 'assistant', text: 'Looking ' },
  { type: 'message.delta', role: 'assistant', text: 'around.' },
  { type: 'message', role: 'assistant', text: 'Looking around.' },
  { type: 'tool.started', callId: 't1', name: 'Bash', kind: 'shell', input: { command: 'ls -la /tmp' } },
  { type: 'tool.completed', callId: 't1', name: 'Bash', output: 'total 0', isError: false },
  { type: 'tool.started', callId: 't2', name: 'Bash', kind: 'shell', input: { command: 'exit 3' } },
  { type: 'tool.completed', callId: 't2', name: 'Bash', output: 'Exit code 3\noops', isError: true, exitCode: 3 },
  { type: 'usage', scope: 'call', source: 'stream', confidence: 'exact', input: 1200, cacheRead: 1000, output: 56 },
  { type: 'result', ok: true, result: 'Looking around.' },
];

describe('omnigent run', () => {
  it('--json prints only the normalized events on stdout, ending in run.completed, exit 0', async () => {
    const dir = scratch();
    const t = transcript(dir, 't.jsonl', story);
    const r = await runCli(['run', '-H', 'fake', '--json', 'look around'], {
      cwd: dir,
      env: { OMNIGENT_FAKE_TRANSCRIPT: t },
    });
    expect(r.code).toBe(0);
    const events = jsonLines(r.stdout);
    expect(events.map((e) => e.type)).toEqual([
      'session.started',
      'message.delta',
      'message.delta',
      'message',
      'tool.started',
      'tool.completed',
      'tool.started',
      'tool.completed',
      'usage',
      'run.completed',
    ]);
    expect(events.every((e) => typeof e.runId === 'string' && e.harness === 'fake' && typeof e.time === 'string')).toBe(
      true,
    );
    expect(events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('plain text off a TTY: the answer, each tool with its arguments and status, tokens, a summary; no color codes', async () => {
    const dir = scratch();
    const t = transcript(dir, 't.jsonl', story);
    const r = await runCli(['run', '-H', 'fake', 'look around'], {
      cwd: dir,
      env: { OMNIGENT_FAKE_TRANSCRIPT: t, FORCE_COLOR: undefined },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\u001b\[/);
    expect(r.stdout).toContain('Looking around.');
    expect(r.stdout).toContain('> Bash ls -la /tmp');
    expect(r.stdout).toMatch(/FAILED Bash exit 3 \d+ms: Exit code 3/);
    expect(r.stdout).toContain('tokens: in 1,200 (cache 1,000) · out 56');
    expect(r.stdout).toMatch(/ok completed .*1 turn/);
  });

  it('regression: without run totals the summary line sums every model call (not the last one)', async () => {
    const dir = scratch();
    const t = transcript(dir, 't.jsonl', [
      session,
      { type: 'usage', scope: 'call', source: 'stream', confidence: 'exact', input: 1000, cacheRead: 800, output: 10 },
      { type: 'usage', scope: 'call', source: 'stream', confidence: 'exact', input: 2000, cacheRead: 1000, output: 30 },
      { type: 'result', ok: true },
    ]);
    const r = await runCli(['run', '-H', 'fake', 'x'], { cwd: dir, env: { OMNIGENT_FAKE_TRANSCRIPT: t } });
    expect(r.stdout).toMatch(/ok completed .*2 turns · tokens in 3,000 \(cache 1,800\) · out 40/);
  });

  it('reads the prompt from stdin with "-"', async () => {
    const dir = scratch();
    const t = transcript(dir, 't.jsonl', [session, { $fake: 'echo-prompt' }]);
    const r = await runCli(['run', '-H', 'fake', '--json', '-'], {
      cwd: dir,
      env: { OMNIGENT_FAKE_TRANSCRIPT: t },
      input: 'prompt from a pipe\n',
    });
    const msg = jsonLines(r.stdout).find((e) => e.type === 'message');
    expect(msg?.text).toBe('prompt from a pipe');
  });

  it('regression: repeatable flags (--allowed-tools, --arg, --env, --tag) do not swallow the prompt after them', async () => {
    const dir = scratch();
    const t = transcript(dir, 't.jsonl', [session, { $fake: 'echo-prompt' }]);
    const r = await runCli(
      [
        'run',
        '-H',
        'fake',
        '--json',
        '--allowed-tools',
        'Bash',
        '--arg=--verbose',
        '--arg',
        'x',
        '--env',
        'A=1',
        '--tag',
        't1',
        'the prompt',
      ],
      { cwd: dir, env: { OMNIGENT_FAKE_TRANSCRIPT: t } },
    );
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout).find((e) => e.type === 'message')?.text).toBe('the prompt');
  });

  it('a failing harness exits 1 and shows the stderr tail', async () => {
    const dir = scratch();
    const t = transcript(dir, 't.jsonl', [session]);
    const r = await runCli(['run', '-H', 'fake', 'x'], {
      cwd: dir,
      env: { OMNIGENT_FAKE_TRANSCRIPT: t, OMNIGENT_FAKE_EXIT_CODE: '4', OMNIGENT_FAKE_STDERR: 'fatal: no credentials' },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAILED failed (exit, exit 4): fake exited with code 4: fatal: no credentials');
  });

  it('an unknown harness names the installed ones and exits 2', async () => {
    const dir = scratch();
    const r = await runCli(['run', '-H', 'nope', 'x'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No plugin provides the harness "nope"\. Installed harnesses: .*fake/);
  });

  it('a harness whose binary is missing prints the install command and exits 127', async () => {
    const dir = scratch();
    const r = await runCli(['run', '-H', 'fake', 'x'], {
      cwd: dir,
      env: { OMNIGENT_FAKE_BIN: join(dir, 'missing-binary') },
    });
    expect(r.code).toBe(127);
    expect(r.stderr).toContain('The fake CLI was not found');
    expect(r.stderr).toContain('Install it with: npm install -D @omnigent/testkit');
  });

  it('no prompt and a bad flag are usage errors (exit 2)', async () => {
    const dir = scratch();
    expect((await runCli(['run', '-H', 'fake'], { cwd: dir })).code).toBe(2);
    const bad = await runCli(['run', '-H', 'fake', '--bogus-flag', 'x'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bogus-flag');
  });

  it('SIGINT during a run terminates the whole process group, ends run.failed aborted, exits 130', async () => {
    const dir = scratch();
    const t = transcript(dir, 't.jsonl', [
      session,
      { type: 'tool.started', callId: 'x', name: 'Bash', kind: 'shell', input: { command: 'sleep 300' } },
    ]);
    const pidFile = join(dir, 'pids');
    let sent = false;
    const r = await runCli(['run', '-H', 'fake', '--json', 'x'], {
      cwd: dir,
      env: {
        OMNIGENT_FAKE_TRANSCRIPT: t,
        OMNIGENT_FAKE_HANG: '1',
        OMNIGENT_FAKE_DETACHED_CHILD: '1',
        OMNIGENT_FAKE_PID_FILE: pidFile,
      },
      onStdout: (out, child) => {
        if (!sent && out.includes('tool.started')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(r.code).toBe(130);
    const events = jsonLines(r.stdout);
    const last = events[events.length - 1]!;
    expect(last.type).toBe('run.failed');
    expect(last.reason).toBe('aborted');
    expect(events.find((e) => e.type === 'tool.completed')?.status).toBe('interrupted');
    const pids = readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
    expect(pids).toHaveLength(3);
    expect(pids.filter(isAlive)).toEqual([]);
  });
});

describe('a reader that goes away', () => {
  it('regression: `omnigent run --json | head -1` neither crashes on EPIPE nor leaves the harness running', async () => {
    const dir = scratch();
    const t = transcript(dir, 't.jsonl', [
      session,
      ...Array.from({ length: 50 }, (_, i) => ({ type: 'status', message: `tick ${i}` })),
    ]);
    const pidFile = join(dir, 'pids');
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('./helpers.js');
    const result = await new Promise<{ code: number | null; stderr: string; first: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'run', '-H', 'fake', '--json', 'x'], {
        cwd: dir,
        env: {
          ...process.env,
          OMNIGENT_STORE: join(dir, '.store'),
          OMNIGENT_FAKE_TRANSCRIPT: t,
          OMNIGENT_FAKE_DELAY_MS: '20',
          OMNIGENT_FAKE_HANG: '1',
          OMNIGENT_FAKE_PID_FILE: pidFile,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      let first = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // like `head -1`: read one line, then close our end of the pipe
      child.stdout.once('data', (d: Buffer) => {
        first = d.toString().split('\n')[0]!;
        child.stdout.destroy();
      });
      child.on('close', (code) => resolve({ code, stderr, first }));
    });
    expect(JSON.parse(result.first).type).toBe('session.started');
    expect(result.stderr).not.toContain('EPIPE');
    expect(result.code).toBe(130);
    const pids = readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
    expect(pids.filter(isAlive)).toEqual([]);
  });
});

describe('configuration errors', () => {
  it('name the file, the line and the key, and exit 2', async () => {
    const dir = scratch();
    const { writeFileSync, rmSync } = await import('node:fs');
    rmSync(join(dir, 'omnigent.config.json'));
    writeFileSync(join(dir, 'omnigent.config.yaml'), 'defaults:\n  model: x\n  timeout: "soon"\n');
    const r = await runCli(['run', '-H', 'fake', 'x'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'omnigent.config.yaml')}:3: defaults.timeout: expected number`);
  });

  it('report YAML syntax errors with their line', async () => {
    const dir = scratch();
    const { writeFileSync, rmSync } = await import('node:fs');
    rmSync(join(dir, 'omnigent.config.json'));
    writeFileSync(join(dir, 'omnigent.config.yml'), 'plugins:\n  - a\n bad: [\n');
    const r = await runCli(['plugins'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/omnigent\.config\.yml:\d+: not valid YAML/);
  });
});
