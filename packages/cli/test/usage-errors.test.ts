// Regression tests for #17 "clear usage errors": bad input exits 2 with a message naming what was
// wrong and what is allowed, and nothing is run or stored.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, scratch, transcript } from './helpers.js';

const session = { type: 'session.started', cwd: '/w', sessionId: 's-1', model: 'fake-model' };

/** A scratch dir whose fake harness would run fine, with the store switched on. */
function ready(): { dir: string; env: Record<string, string> } {
  const dir = scratch();
  const t = transcript(dir, 't.jsonl', [session, { type: 'result', ok: true, result: 'done' }]);
  return { dir, env: { OMNIGENT_FAKE_TRANSCRIPT: t } };
}

/** A bomb of nested aliases: 10^9 nodes when expanded. */
function aliasBomb(): string {
  const levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++)
    levels.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(',')}]`,
    );
  return levels.join('\n');
}

describe('numeric options', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--max-turns', 'abc'], /--max-turns expects a whole number of turns of at least 1, got "abc"/],
    [['--max-turns', '0'], /--max-turns expects a whole number of turns of at least 1, got "0"/],
    [['--max-turns', '2.5'], /--max-turns expects a whole number/],
    [['--timeout', '-1'], /--timeout expects a number of seconds greater than 0, got "-1"/],
    [['--timeout', 'abc'], /--timeout expects a number of seconds greater than 0, got "abc"/],
    [['--timeout=0'], /--timeout expects a number of seconds greater than 0, got "0"/],
    [['--idle-timeout', '-5'], /--idle-timeout expects a number of seconds 0 or more \(0 = never\), got "-5"/],
    [['--idle-timeout', 'soon'], /--idle-timeout expects a number of seconds 0 or more/],
  ];
  for (const [flags, message] of cases) {
    it(`run ${flags.join(' ')}: exit 2 naming the option and what is allowed; nothing runs or is stored`, async () => {
      const { dir, env } = ready();
      const r = await runCli(['run', '-H', 'fake', ...flags, 'x'], { cwd: dir, env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain('internal error');
      expect(r.stdout).toBe('');
      expect(existsSync(join(dir, '.store'))).toBe(false);
    });
  }

  it('good values still run: --timeout 30 --idle-timeout 0 --max-turns 3', async () => {
    const { dir, env } = ready();
    const r = await runCli(
      ['run', '-H', 'fake', '--json', '--timeout', '30', '--idle-timeout', '0', '--max-turns', '3', 'x'],
      { cwd: dir, env },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('workflow run -j 0 and matrix --repeat x / -j -2 are usage errors', async () => {
    const { dir } = ready();
    const wf = join(dir, 'wf.yaml');
    writeFileSync(wf, 'steps:\n  - { id: a, harness: fake, prompt: x }\n');
    const w = await runCli(['workflow', 'run', '-j', '0', wf], { cwd: dir });
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('--concurrency expects a whole number of steps of at least 1, got "0"');
    const task = join(dir, 'task.yaml');
    writeFileSync(task, 'prompt: x\n');
    const m1 = await runCli(['matrix', task, '-H', 'fake', '--repeat', 'x'], { cwd: dir });
    expect(m1.code).toBe(2);
    expect(m1.stderr).toContain('--repeat expects a whole number of runs of at least 1, got "x"');
    const m2 = await runCli(['matrix', task, '-H', 'fake', '-j', '-2'], { cwd: dir });
    expect(m2.code).toBe(2);
    expect(m2.stderr).toContain('--concurrency expects a whole number of runs of at least 1');
  });
});

describe('a working directory that does not exist', () => {
  it('regression: run -C /nonexistent is a usage error (2) before anything is stored', async () => {
    const { dir, env } = ready();
    const missing = join(dir, 'no-such-dir');
    const r = await runCli(['run', '-H', 'fake', '-C', missing, 'x'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--cwd ${missing}: no such directory`);
    expect(r.stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(2);
    expect(existsSync(join(dir, '.store'))).toBe(false);
  });

  it('run -C a-file: not a directory, exit 2', async () => {
    const { dir, env } = ready();
    const r = await runCli(['run', '-H', 'fake', '-C', join(dir, 't.jsonl'), 'x'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a directory');
  });
});

describe('YAML alias bombs', () => {
  it('regression: a workflow with an alias bomb exits 2 naming the file', async () => {
    const { dir } = ready();
    const wf = join(dir, 'bomb.yaml');
    writeFileSync(wf, `${aliasBomb()}\nname: bomb\nsteps:\n  - { id: a, harness: fake, prompt: x }\n`);
    for (const cmd of [
      ['workflow', 'run', wf],
      ['workflow', 'validate', wf],
    ]) {
      const r = await runCli(cmd, { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(wf);
      expect(r.stderr).toMatch(/alias/i);
      expect(r.stderr).not.toContain('internal error');
    }
  });

  it('a matrix task with an alias bomb exits 2 naming the file', async () => {
    const { dir } = ready();
    const task = join(dir, 'task.yaml');
    writeFileSync(task, `${aliasBomb()}\nprompt: x\n`);
    const r = await runCli(['matrix', task, '-H', 'fake'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(task);
    expect(r.stderr).not.toContain('internal error');
  });

  it('a config file with an alias bomb exits 2 naming the file', async () => {
    const { dir, env } = ready();
    const cfg = join(dir, 'omnigent.config.yaml');
    writeFileSync(cfg, `${aliasBomb()}\n`);
    const r = await runCli(['run', '-H', 'fake', '--config', cfg, 'x'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(cfg);
  });
});
