import { describe, expect, it } from 'vitest';
import {
  compareOutcomes,
  fisherExact,
  latestEvalRuns,
  mcnemarExact,
  newcombePaired,
  newcombeUnpaired,
  runPassed,
  summarizeOutcomes,
  wilsonInterval,
  type EvalOutcome,
  type RunSummary,
} from '../src/index.js';

describe('Wilson interval (values from Newcombe 1998, Stat Med 17:857, table I)', () => {
  it('81/263 -> 0.2553..0.3662; 15/148 -> 0.0624..0.1605; 0/20 -> 0..0.1611', () => {
    const a = wilsonInterval(81, 263)!;
    expect(a.low).toBeCloseTo(0.2553, 4);
    expect(a.high).toBeCloseTo(0.3662, 4);
    const b = wilsonInterval(15, 148)!;
    expect(b.low).toBeCloseTo(0.0624, 4);
    expect(b.high).toBeCloseTo(0.1605, 4);
    const c = wilsonInterval(0, 20)!;
    expect(c.low).toBe(0);
    expect(c.high).toBeCloseTo(0.1611, 4);
  });
  it('all passed out of 4: 0.5101..1 (the interval an eval of 4 runs can honestly claim); nothing for n = 0', () => {
    const w = wilsonInterval(4, 4)!;
    expect(w.low).toBeCloseTo(0.5101, 4);
    expect(w.high).toBe(1);
    expect(wilsonInterval(0, 0)).toBeUndefined();
  });
});

describe('Newcombe intervals of a difference', () => {
  it('unpaired, method 10 (Newcombe 1998, Stat Med 17:873): 56/70 - 48/80 -> 0.0524..0.3339; 9/10 - 3/10 -> 0.1705..0.8090', () => {
    const a = newcombeUnpaired(56, 70, 48, 80)!;
    expect(a.low).toBeCloseTo(0.0524, 4);
    expect(a.high).toBeCloseTo(0.3339, 4);
    const b = newcombeUnpaired(9, 10, 3, 10)!;
    expect(b.low).toBeCloseTo(0.1705, 4);
    expect(b.high).toBeCloseTo(0.809, 4);
    expect(newcombeUnpaired(1, 0, 1, 1)).toBeUndefined();
  });
  it('paired, method 10: 12 both, 2 candidate only, 1 baseline only, 4 neither -> -0.1247..0.2281', () => {
    // by hand: p1 = 14/19, p2 = 13/19, phi = (12*4 - 2*1)/sqrt(14*5*13*6)
    const i = newcombePaired({ both: 12, candidateOnly: 2, baselineOnly: 1, neither: 4 })!;
    expect(i.low).toBeCloseTo(-0.1247, 4);
    expect(i.high).toBeCloseTo(0.2281, 4);
  });
  it('paired, every one of 4 tasks fixed only by the candidate: phi is 0 (empty margin), 0.3072..1', () => {
    const i = newcombePaired({ both: 0, candidateOnly: 4, baselineOnly: 0, neither: 0 })!;
    expect(i.low).toBeCloseTo(0.3072, 4);
    expect(i.high).toBe(1);
  });
});

describe('exact tests', () => {
  it('McNemar: 5 vs 0 discordant -> 2/32; 9 vs 1 -> 2 * 11/1024; none -> 1', () => {
    expect(mcnemarExact(5, 0)).toBeCloseTo(0.0625, 12);
    expect(mcnemarExact(0, 5)).toBeCloseTo(0.0625, 12);
    expect(mcnemarExact(9, 1)).toBeCloseTo(22 / 1024, 12);
    expect(mcnemarExact(3, 3)).toBe(1);
    expect(mcnemarExact(0, 0)).toBe(1);
    // large counts stay finite: 60 vs 40 -> about 0.0569
    expect(mcnemarExact(60, 40)).toBeCloseTo(0.0569, 3);
  });
  it('Fisher: the tea-tasting table 3/4 vs 1/4 -> 34/70; 4/4 vs 0/4 -> 2/70', () => {
    expect(fisherExact(3, 4, 1, 4)).toBeCloseTo(34 / 70, 10);
    expect(fisherExact(4, 4, 0, 4)).toBeCloseTo(2 / 70, 10);
  });
});

describe('summarizeOutcomes', () => {
  it('cost and time per run and per passed task, estimates flagged and mixing said', () => {
    const outcomes: EvalOutcome[] = [
      { pass: true, costUsd: 0.3, durationMs: 1000, toolCalls: 2, inputTokens: 100, outputTokens: 10 },
      { pass: false, costUsd: 0.1, durationMs: 3000, toolCalls: 0, inputTokens: 50, outputTokens: 5 },
      {
        pass: true,
        costUsd: 0.2,
        costEstimated: true,
        durationMs: 2000,
        toolCalls: 1,
        inputTokens: 150,
        outputTokens: 15,
      },
    ];
    const s = summarizeOutcomes(outcomes);
    expect(s).toMatchObject({ runs: 3, passes: 2 });
    expect(s.passRate).toBeCloseTo(2 / 3, 12);
    expect(s.cost.total).toBeCloseTo(0.6, 12);
    expect(s.cost.perRun).toBeCloseTo(0.2, 12);
    expect(s.cost.perPass).toBeCloseTo(0.3, 12);
    expect(s.cost.estimated).toBe(true);
    expect(s.cost.mixed).toBe(true);
    expect(s.durationMs.perPass).toBe(3000);
    expect(s.toolCalls.perRun).toBe(1);
    expect(s.inputTokens.total).toBe(300);
  });
  it('no per-pass figure from a partial total, none without a pass; a missing cost is not 0', () => {
    const s = summarizeOutcomes([{ pass: true, costUsd: 1 }, { pass: true }]);
    expect(s.cost).toMatchObject({ total: 1, perRun: 1, reported: 1 });
    expect(s.cost.perPass).toBeUndefined();
    const f = summarizeOutcomes([{ pass: false, costUsd: 1 }]);
    expect(f.cost.perPass).toBeUndefined();
    expect(f.passRate).toBe(0);
  });
});

describe('compareOutcomes', () => {
  const run = (pairKey: string, pass: boolean): EvalOutcome => ({ pairKey, pass });
  it('paired on task#repeat: 6 tasks fixed only by the candidate is "better" (p = 2/64)', () => {
    const keys = ['a#0', 'b#0', 'c#0', 'd#0', 'e#0', 'f#0'];
    const c = compareOutcomes(
      keys.map((k) => run(k, false)),
      keys.map((k) => run(k, true)),
    );
    expect(c.method).toBe('paired');
    expect(c.difference).toBe(1);
    expect(c.pValue).toBeCloseTo(2 / 64, 12);
    expect(c.pairs).toEqual({ both: 0, candidateOnly: 6, baselineOnly: 0, neither: 0 });
    expect(c.verdict).toBe('better');
    expect(
      compareOutcomes(
        keys.map((k) => run(k, true)),
        keys.map((k) => run(k, false)),
      ).verdict,
    ).toBe('worse');
  });
  it('4 of 4 against 0 of 4 is still "not enough runs to tell" (p = 2/16 > 0.05)', () => {
    const keys = ['a#0', 'b#0', 'c#0', 'd#0'];
    const c = compareOutcomes(
      keys.map((k) => run(k, false)),
      keys.map((k) => run(k, true)),
    );
    expect(c.pValue).toBeCloseTo(0.125, 12);
    expect(c.verdict).toBe('not-enough-runs');
  });
  it('many identical outcomes: "no clear difference"', () => {
    const keys = Array.from({ length: 60 }, (_, i) => `t${i}#0`);
    const c = compareOutcomes(
      keys.map((k, i) => run(k, i % 2 === 0)),
      keys.map((k, i) => run(k, i % 2 === 0)),
    );
    expect(c.difference).toBe(0);
    expect(c.pValue).toBe(1);
    expect(c.verdict).toBe('no-clear-difference');
  });
  it('unpaired when no key is shared: Fisher and Newcombe unpaired', () => {
    const c = compareOutcomes(
      [{ pass: true }, { pass: false }, { pass: false }, { pass: false }],
      [{ pass: true }, { pass: true }, { pass: true }, { pass: false }],
    );
    expect(c.method).toBe('unpaired');
    expect(c.difference).toBe(0.5);
    expect(c.pValue).toBeCloseTo(34 / 70, 10);
    expect(c.verdict).toBe('not-enough-runs');
    expect(compareOutcomes([], [{ pass: true }]).verdict).toBe('not-enough-runs');
  });
});

describe('eval runs as outcomes', () => {
  const run = (over: Partial<RunSummary>): RunSummary => ({
    id: 'r',
    harness: 'h',
    startedAt: '2026-01-01T00:00:00Z',
    cwd: '/',
    tags: [],
    status: 'completed',
    toolCalls: 0,
    toolErrors: 0,
    tools: {},
    events: 1,
    eval: { id: 'e', task: 't', variant: 'v', repeat: 0 },
    ...over,
  });
  it('a run passes when it completed and every check passed; no checks: completion decides', () => {
    expect(runPassed(run({}))).toBe(true);
    expect(runPassed(run({ status: 'failed' }))).toBe(false);
    expect(
      runPassed(
        run({
          checks: [
            { name: 'a', pass: true, durationMs: 1 },
            { name: 'b', pass: false, durationMs: 1 },
          ],
        }),
      ),
    ).toBe(false);
  });
  it('per cell the newest finished run counts; interrupted runs and interrupted checks never do (resume reruns them)', () => {
    const runs = [
      run({ id: 'old', startedAt: '2026-01-01T00:00:00Z', status: 'failed' }),
      run({ id: 'new', startedAt: '2026-01-02T00:00:00Z' }),
      run({ id: 'stopped', startedAt: '2026-01-03T00:00:00Z', status: 'interrupted' }),
      run({
        id: 'checks-stopped',
        startedAt: '2026-01-04T00:00:00Z',
        checks: [{ name: 'a', pass: false, durationMs: 0, reason: 'interrupted' }],
      }),
      run({ id: 'other-repeat', eval: { id: 'e', task: 't', variant: 'v', repeat: 1 } }),
    ];
    expect(
      latestEvalRuns(runs)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['new', 'other-repeat']);
  });
});
