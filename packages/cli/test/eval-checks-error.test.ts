// A check that cannot run at all (here: the shell runner's package fails to load, as in an install
// missing `execa`) fails with the reason, instead of leaving the cell judged as passed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('execa', () => {
  throw new Error("Cannot find package 'execa'");
});

describe('runChecks when a check cannot run', () => {
  it('every check fails with reason spawn-failed and says why', async () => {
    const { runChecks } = await import('../src/commands/eval/checks.js');
    const dir = mkdtempSync(join(tmpdir(), 'omnigent-checks-'));
    const results = await runChecks(
      [
        { name: 'hidden-tests', run: 'true', files: [] },
        { name: 'lint', run: 'true', files: [] },
      ],
      dir,
      process.env,
    );
    expect(results.map((r) => [r.name, r.pass, r.reason])).toEqual([
      ['hidden-tests', false, 'spawn-failed'],
      ['lint', false, 'spawn-failed'],
    ]);
    expect(results[0]!.outputTail).toMatch(/^the check could not run: ./);
  });
});
