import { describe, expect, it } from 'vitest';
import {
  compareCsv,
  compareRuns,
  noRunsText,
  openStore,
  quantile,
  renderCompareTable,
  toolCsv,
  toolFigures,
  type RunSummary,
} from '../src/index.js';
import { fixtureStore } from './helpers.js';

describe('quantile', () => {
  it('interpolates linearly between closest ranks', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 10);
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([], 0.5)).toBeUndefined();
  });
});

describe('compare on the fixture runs (figures worked out by hand)', () => {
  const runs = openStore(fixtureStore()).all();

  it('groups by harness with counts, success rate and duration percentiles', () => {
    const [alpha, beta] = compareRuns(runs, ['harness']);
    expect(alpha!.label).toBe('alpha');
    expect(alpha).toMatchObject({ runs: 3, completed: 2, failed: 1, interrupted: 0, running: 0 });
    expect(alpha!.successRate).toBeCloseTo(2 / 3, 10);
    // durations 1000, 2000, 3000: median 2000; p90 at rank 1.8 -> 2000 + 0.8 * 1000
    expect(alpha!.medianDurationMs).toBe(2000);
    expect(alpha!.p90DurationMs).toBeCloseTo(2800, 10);
    expect(beta).toMatchObject({ runs: 3, completed: 1, failed: 0, interrupted: 1, running: 1 });
    // the running run does not count for success or duration: 1 of 2 finished; 4000, 6000
    expect(beta!.successRate).toBe(0.5);
    expect(beta!.medianDurationMs).toBe(5000);
    expect(beta!.p90DurationMs).toBeCloseTo(5800, 10);
  });

  it('sums only reported usage: unknown is left out, partial is flagged, never 0', () => {
    const [alpha, beta] = compareRuns(runs, ['harness']);
    expect(alpha!.tokens.input).toEqual({ total: 600, mean: 200, reported: 3, partial: true, estimated: false });
    expect(alpha!.tokens.output).toEqual({ total: 60, mean: 20, reported: 3, partial: true, estimated: false });
    expect(alpha!.tokens.cache).toEqual({ total: 200, mean: 100, reported: 2, partial: false, estimated: false });
    expect(alpha!.costUsd.total).toBeCloseTo(0.04, 10);
    expect(alpha!.costUsd.mean).toBeCloseTo(0.02, 10);
    expect(alpha!.costUsd.reported).toBe(2);
    expect(beta!.tokens.input).toEqual({ total: 500, mean: 500, reported: 1, partial: true, estimated: false });
    expect(beta!.tokens.output).toEqual({ reported: 0, partial: false, estimated: false });
    expect(beta!.costUsd.total).toBeUndefined();
  });

  it('counts tool calls per run and the top tools with median duration and error rate', () => {
    const [alpha, beta] = compareRuns(runs, ['harness']);
    expect(alpha!.toolCalls).toBe(4);
    expect(alpha!.toolCallsPerRun).toBeCloseTo(4 / 3, 10);
    // beta: 4 + 0 calls over its two finished runs; the running one has not reported its calls (not counted as 0)
    expect([beta!.toolCalls, beta!.toolCallsReported, beta!.toolCallsPerRun]).toEqual([4, 2, 2]);
    expect(alpha!.tools.map((t) => t.name)).toEqual(['Bash', 'Read']);
    const bash = alpha!.tools[0]!;
    expect(bash).toMatchObject({ calls: 3, runs: 2, errors: 1, medianMs: 200 });
    expect(bash.errorRate).toBeCloseTo(1 / 3, 10);
    expect(bash.p90Ms).toBeCloseTo(280, 10);
    const edit = beta!.tools[0]!;
    expect(edit).toMatchObject({ name: 'Edit', calls: 4, runs: 1, errors: 1, errorRate: 0.25, medianMs: 25 });
    expect(edit.p90Ms).toBeCloseTo(37, 10);
  });

  it('groups workflow runs by step; runs outside a workflow fall under —', () => {
    const withSteps = runs.map((r, i) =>
      i < 2 ? { ...r, workflow: { runId: 'wf', step: i === 0 ? 'plan' : 'build' } } : r,
    );
    expect(compareRuns(withSteps, ['step']).map((g) => [g.label, g.runs])).toEqual([
      ['—', 4],
      ['build', 1],
      ['plan', 1],
    ]);
  });

  it('groups by harness,model and by tool', () => {
    expect(compareRuns(runs, ['harness', 'model']).map((g) => g.label)).toEqual(['alpha · m1', 'beta · m2']);
    expect(toolFigures(runs).map((t) => [t.name, t.calls])).toEqual([
      ['Edit', 4],
      ['Bash', 3],
      ['Read', 1],
    ]);
  });

  it('the table marks lower bounds with +, partly reported figures with *, unknown with — and explains them', () => {
    const text = renderCompareTable(compareRuns(runs, ['harness']), ['harness']);
    const alphaRow = text.split('\n').find((l) => l.startsWith('alpha'))!;
    const betaRow = text.split('\n').find((l) => l.startsWith('beta'))!;
    expect(alphaRow.split(/\s{2,}/)).toEqual([
      'alpha',
      '3',
      '67%',
      '2.0s',
      '2.8s',
      '200+',
      '20+',
      '100*',
      '$0.0200*',
      '$0.0400*',
      '1.3',
    ]);
    expect(betaRow.split(/\s{2,}/)).toEqual(['beta', '3', '50%', '5.0s', '5.8s', '500+*', '—', '—', '—', '—', '2.0*']);
    expect(text).toMatch(/Top tools[\s\S]*alpha\s+Bash\s+3\s+1\.0\s+200ms\s+33%/);
    expect(text).toMatch(/beta\s+Edit\s+4\s+1\.3\s+25ms\s+25%/);
    expect(text).toContain('+ lower bound');
    expect(text).toContain('* average over the runs that reported it');
    expect(text).toContain('— not reported');
  });

  it('CSV has raw numbers and empty cells for unknown', () => {
    const csv = compareCsv(compareRuns(runs, ['harness']), ['harness'])
      .trim()
      .split('\n');
    const header = csv[0]!.split(',');
    const beta = csv[2]!.split(',');
    const col = (name: string): string => beta[header.indexOf(name)]!;
    expect(col('harness')).toBe('beta');
    expect(col('input_tokens_total')).toBe('500');
    expect(col('input_tokens_partial')).toBe('true');
    expect(col('output_tokens_total')).toBe('');
    expect(col('median_duration_ms')).toBe('5000');
  });
});

describe('CSV numbers', () => {
  it('carry no float noise (regression: 0.0033099999999999996, 1410.3000000000002)', () => {
    const run = (id: string, costUsd: number, durationMs: number): RunSummary => ({
      id,
      harness: 'h',
      startedAt: '2026-01-01T00:00:00.000Z',
      cwd: '/w',
      tags: [],
      status: 'completed',
      durationMs,
      usage: { input: 1, output: 1, costUsd, confidence: 'exact' },
      toolCalls: 1,
      toolErrors: 0,
      tools: { Bash: { calls: 1, errors: 0, durations: [durationMs] } },
    });
    // 0.1 + 0.2 is 0.30000000000000004 in floating point; the p90 of 738 and 1.5s interpolates to 1410.3000000000002
    const runs = [run('a', 0.1, 738), run('b', 0.2, 1485)];
    const [header, row] = compareCsv(compareRuns(runs, ['harness']), ['harness'])
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const col = (name: string): string => row![header!.indexOf(name)]!;
    expect(col('cost_usd_total')).toBe('0.3');
    expect(col('cost_usd_mean')).toBe('0.15');
    expect(col('p90_duration_ms')).toBe('1410.3');
    expect(toolCsv(toolFigures(runs)).trim().split('\n')[1]).toBe('Bash,2,2,1,1111.5,1410.3,0,0');
  });
});

describe('noRunsText', () => {
  it('tells an empty store (how to fill it) from filters that matched nothing (what the store holds)', () => {
    expect(noRunsText('/s', 0)).toContain('No runs recorded yet (store: /s).');
    expect(noRunsText('/s', 0)).toContain('omnigent run');
    expect(noRunsText('/s', 7)).toBe('No stored run matches these filters (the store at /s holds 7 runs).\n');
  });
});
