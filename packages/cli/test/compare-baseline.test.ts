import { describe, expect, it } from 'vitest';
import { runCli, scratch, transcript } from './helpers.js';

interface SideJson {
  baseline: { runs: number };
  candidate: { runs: number };
  groups: Array<{
    label: string;
    summary: { runs: number; passes: number; cost: { perPass?: number } };
    vsBaseline?: { method: string; difference: number; pValue: number; verdict: string };
  }>;
}

describe('omnigent compare --baseline --candidate', () => {
  it('before/after on stored runs: success rates, cost per success, Fisher p and the verdict; filters must not overlap', async () => {
    const dir = scratch();
    const ok = transcript(dir, 'ok.jsonl', [
      { type: 'session.started', cwd: '.' },
      { type: 'usage', scope: 'turn', source: 'stream', confidence: 'exact', input: 100, output: 10, costUsd: 0.1 },
      { type: 'result', ok: true, result: 'done' },
    ]);
    const env = { OMNIGENT_FAKE_TRANSCRIPT: ok };
    // before: 1 of 4 runs succeeds (the others exit 3); after: 4 of 4
    for (let i = 0; i < 4; i++) {
      const r = await runCli(['run', '-H', 'fake', '--tag', 'before', 'p'], {
        cwd: dir,
        env: { ...env, ...(i > 0 ? { OMNIGENT_FAKE_EXIT_CODE: '3' } : {}) },
      });
      expect(r.code).toBe(i > 0 ? 1 : 0);
      await runCli(['run', '-H', 'fake', '--tag', 'after', 'p'], { cwd: dir, env });
    }
    const j = await runCli(['compare', '--baseline', 'tag=before', '--candidate', 'after', '--json'], { cwd: dir });
    expect(j.code, j.stderr).toBe(0);
    const out = JSON.parse(j.stdout) as SideJson;
    expect([out.baseline.runs, out.candidate.runs]).toEqual([4, 4]);
    const [base, cand] = out.groups;
    expect([base!.label, base!.summary.passes, cand!.label, cand!.summary.passes]).toEqual([
      'baseline',
      1,
      'candidate',
      4,
    ]);
    expect(cand!.summary.cost.perPass).toBeCloseTo(0.1, 10);
    // Fisher by hand: P(a) = C(4,a)C(4,5-a)/C(8,5); tables as unlikely as 4/4 vs 1/4: a = 4 and a = 1, 2 * 4/56
    expect(cand!.vsBaseline).toMatchObject({ method: 'unpaired', difference: 0.75, verdict: 'not-enough-runs' });
    expect(cand!.vsBaseline!.pValue).toBeCloseTo(8 / 56, 12);

    const table = await runCli(['compare', '--baseline', 'tag=before', '--candidate', 'tag=after'], { cwd: dir });
    expect(table.stdout).toMatch(/baseline:\s+tag=before \(4 runs\)/);
    expect(table.stdout).toMatch(/candidate\s+4\s+4\s+100% \[51–100\]/);
    expect(table.stdout).toContain('+75 pts');

    const overlap = await runCli(['compare', '--baseline', 'harness=fake', '--candidate', 'tag=after'], { cwd: dir });
    expect(overlap.code).toBe(2);
    expect(overlap.stderr).toContain('match both --baseline and --candidate');
    const alone = await runCli(['compare', '--baseline', 'tag=before'], { cwd: dir });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--baseline and --candidate go together');
    const bad = await runCli(['compare', '--baseline', 'colour=red', '--candidate', 'after'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown criterion "colour"');
  }, 120_000);
});
