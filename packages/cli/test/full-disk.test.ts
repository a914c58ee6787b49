import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, scratch, transcript } from './helpers.js';

type Json = Record<string, any>;

const mounted: string[] = [];
afterEach(() => {
  for (const dir of mounted.splice(0)) execFileSync('umount', [dir]);
});

/** A real 64 KiB filesystem at `dir` (tmpfs; needs root), or false where it cannot be mounted. */
function tinyDisk(dir: string): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return false;
  }
  mounted.push(dir);
  return true;
}

describe('a full disk under the store', () => {
  it('says so once, finishes the run, and lists it as incomplete with how the run ended', async (ctx) => {
    const dir = scratch();
    const store = join(dir, '.store');
    if (!tinyDisk(store)) ctx.skip('cannot mount a tmpfs here (needs root)');
    const lines: unknown[] = [{ type: 'session.started', cwd: dir, model: 'fake-model' }];
    for (let i = 0; i < 1500; i++)
      lines.push({ type: 'message', role: 'assistant', text: `line ${i} ${'x'.repeat(60)}` });
    lines.push({ type: 'result', ok: true, result: 'done' });
    const t = transcript(dir, 't.jsonl', lines);
    const r = await runCli(['run', '-H', 'fake', 'fill it'], { cwd: dir, env: { OMNIGENT_FAKE_TRANSCRIPT: t } });
    // the run itself completed: the store is not the run
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/completed/);
    const warnings = r.stderr.split('\n').filter((l) => l.trim());
    expect(warnings).toEqual([
      `omnigent: warning: cannot write the run store at ${store} (no space left on device); the run goes on, but its record stops here and is marked incomplete. Free some space (or point OMNIGENT_STORE elsewhere) for the next runs.`,
    ]);

    const [run] = JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout) as Json[];
    expect(run).toMatchObject({
      status: 'incomplete',
      outcome: 'completed',
      reason: 'store-write-failed',
      events: 1502,
    });
    expect(run!.message).toMatch(
      /^the store could not be written \(no space left on device\): \d+ of 1502 events were not stored$/,
    );
    const table = await runCli(['runs'], { cwd: dir });
    expect(table.stdout).toMatch(/fake\s+fake-model\s+incomplete \(completed\)/);
    const show = await runCli(['runs', 'show', run!.id as string], { cwd: dir });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('(record incomplete: the store could not be written (no space left on device)');
    expect((await runCli(['runs', '--status', 'incomplete', '--json'], { cwd: dir })).stdout).toContain(
      run!.id as string,
    );
  });

  it('a store with no room at all: one clear warning, the run still runs and exits 0', async (ctx) => {
    const dir = scratch();
    const store = join(dir, '.store');
    if (!tinyDisk(store)) ctx.skip('cannot mount a tmpfs here (needs root)');
    // fill the disk before the run
    try {
      writeFileSync(join(store, 'filler'), Buffer.alloc(128 * 1024));
    } catch {
      // ENOSPC: full, as wanted
    }
    const t = transcript(dir, 't.jsonl', [
      { type: 'message', role: 'assistant', text: 'still here' },
      { type: 'result', ok: true },
    ]);
    const r = await runCli(['run', '-H', 'fake', 'go'], { cwd: dir, env: { OMNIGENT_FAKE_TRANSCRIPT: t } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('still here');
    const warnings = r.stderr.split('\n').filter((l) => l.trim());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      `cannot write the run store at ${store} (no space left on device): this run is not recorded.`,
    );
  });
});
