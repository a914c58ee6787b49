import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { identityOf, isSameProcess, processesWithEnv, terminateTree } from '../src/process-tree.js';

describe('process identity and the run marker', () => {
  it('a remembered process is the same only while pid and start time match (pid reuse is never mistaken for it)', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const id = identityOf(child.pid!)!;
    expect(id.start).toBeGreaterThan(0);
    expect(isSameProcess(id)).toBe(true);
    expect(isSameProcess({ pid: id.pid, start: id.start! + 1 })).toBe(false);
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
    expect(isSameProcess(id)).toBe(false);
  });

  it('finds the processes that carry a marker in their environment, and terminateTree kills the extras it is given', async () => {
    const marker = `test-${process.pid}-${Date.now()}`;
    const child = spawn('sleep', ['30'], {
      stdio: 'ignore',
      detached: true,
      env: { ...process.env, OMNIGENT_RUN_ID: marker },
    });
    const other = spawn('sleep', ['30'], {
      stdio: 'ignore',
      detached: true,
      env: { ...process.env, OMNIGENT_RUN_ID: `${marker}-not` },
    });
    expect(processesWithEnv('OMNIGENT_RUN_ID', marker)).toEqual([child.pid]);
    const gone = new Promise((r) => child.once('exit', r));
    // the "harness" here is another process; the marked one is reached only through `also`
    await terminateTree(other.pid!, 1000, {
      also: () => processesWithEnv('OMNIGENT_RUN_ID', marker).flatMap((p) => identityOf(p) ?? []),
    });
    await gone;
    expect(processesWithEnv('OMNIGENT_RUN_ID', marker)).toEqual([]);
  });
});
