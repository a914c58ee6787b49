// Regression (#17): a quiet harness whose reader went away (`omnigent run … | head -1`) is stopped
// at once (exit 130), in text mode too, instead of running until the idle watchdog.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '@omnigent/core/internal';
import { describe, expect, it } from 'vitest';
import { CLI, scratch, transcript } from './helpers.js';

const session = { type: 'session.started', cwd: '/w', sessionId: 's-1', model: 'fake-model' };

/** A harness that says one thing and then hangs silently (with a child in its group). */
function quietHarness(dir: string): Record<string, string> {
  const t = transcript(dir, 't.jsonl', [session, { type: 'message', role: 'assistant', text: 'thinking…' }]);
  return {
    OMNIGENT_STORE: join(dir, '.store'),
    OMNIGENT_FAKE_TRANSCRIPT: t,
    OMNIGENT_FAKE_HANG: '1',
    OMNIGENT_FAKE_PID_FILE: join(dir, 'pids'),
  };
}

const alive = (dir: string): number[] =>
  readFileSync(join(dir, 'pids'), 'utf8').trim().split('\n').map(Number).filter(isAlive);

describe('the reader of stdout goes away while the harness is quiet', () => {
  for (const json of [false, true]) {
    it(`regression: a shell pipeline \`omnigent run${json ? ' --json' : ''} … | head -1\` ends with 130 and stops the harness`, async () => {
      const dir = scratch();
      const script = `"${process.execPath}" "${CLI}" run -H fake ${json ? '--json ' : ''}x | head -1; echo "omnigent-exit=\${PIPESTATUS[0]}" >&2`;
      const r = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
        // --idle-timeout is the default 600 s: only noticing the reader can end this run
        const child = spawn('bash', ['-c', script], {
          cwd: dir,
          env: { ...process.env, ...quietHarness(dir) },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', () => resolve({ stdout, stderr }));
      });
      expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
      expect(r.stderr).toContain('omnigent-exit=130');
      expect(r.stderr).not.toContain('EPIPE');
      await new Promise((res) => setTimeout(res, 100));
      expect(alive(dir)).toEqual([]);
    }, 20_000);
  }

  it('regression: a parent that closes its end of a socket pair (Node spawn) stops a quiet text-mode run, 130', async () => {
    const dir = scratch();
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'run', '-H', 'fake', 'x'], {
        cwd: dir,
        env: { ...process.env, ...quietHarness(dir) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('thinking')) child.stdout.destroy();
      });
      child.on('close', (c) => resolve(c));
    });
    expect(code).toBe(130);
    await new Promise((res) => setTimeout(res, 100));
    expect(alive(dir)).toEqual([]);
  }, 20_000);
});
