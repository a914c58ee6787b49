import { describe, expect, it } from 'vitest';
import {
  commandHead,
  computeInsights,
  errorClassOf,
  messageTemplate,
  signatureLabel,
  weekOf,
  wilsonInterval,
  type RunSummary,
} from '../src/index.js';

describe('wilsonInterval', () => {
  it('matches the textbook figures (95 %)', () => {
    // 5 of 5: centre (1 + 1.96²/10) / (1 + 1.96²/5) = 0.78276, half 0.21724
    const all = wilsonInterval(5, 5)!;
    expect(all.low).toBeCloseTo(0.5655, 4);
    expect(all.high).toBe(1);
    // 0 of 2 and 2 of 2 mirror each other
    expect(wilsonInterval(0, 2)!.high).toBeCloseTo(0.6576, 4);
    expect(wilsonInterval(2, 2)!.low).toBeCloseTo(0.3424, 4);
    // 8 of 10: [0.4902, 0.9433]
    const eight = wilsonInterval(8, 10)!;
    expect(eight.low).toBeCloseTo(0.4902, 4);
    expect(eight.high).toBeCloseTo(0.9433, 4);
    expect(wilsonInterval(0, 0)).toBeUndefined();
  });
});

describe('failure signatures', () => {
  it('the message template hides numbers, paths, ids, quotes and URLs, so repeats of one failure match', () => {
    expect(messageTemplate("TypeError: Cannot read properties of undefined (reading 'map') at /w/src/a.ts:12:5")).toBe(
      'TypeError: Cannot read properties of undefined (reading <str>) at <path>',
    );
    expect(messageTemplate('FAIL test/y.test.ts > 12 tests failed in 3.5s')).toBe(
      'FAIL <path> > <n> tests failed in <n>',
    );
    expect(messageTemplate('run 3f2a9c1e-1111-2222-3333-444455556666 hit https://api.x.com/v1/q?x=1 after 30s')).toBe(
      'run <id> hit <url> after <n>',
    );
    expect(messageTemplate('commit a1b2c3d4e5 not found\nsecond line ignored')).toBe('commit <id> not found');
  });

  it('the error class is a named error, an errno code, a TS code, or the exit code', () => {
    expect(errorClassOf('TypeError: x')).toBe('TypeError');
    expect(errorClassOf('ENOENT: no such file')).toBe('ENOENT');
    expect(errorClassOf('src/a.ts(3,1): error TS2307: Cannot find module')).toBe('TS2307');
    expect(errorClassOf('process exited with code 2')).toBe('exit 2');
    expect(errorClassOf('something odd', 'timeout')).toBe('timeout');
  });

  it('the command head is the program and, for runners, the subcommand; cd and env prefixes are skipped', () => {
    expect(commandHead('cd /w && pnpm test -- --run')).toBe('pnpm test');
    expect(commandHead('CI=1 npm run build')).toBe('npm run');
    expect(commandHead('git -C /w push origin main')).toBe('git push');
    expect(commandHead('/usr/bin/python3 -m pytest -x')).toBe('python3 pytest');
    expect(commandHead('ls -la | head')).toBe('ls');
    expect(commandHead('')).toBeUndefined();
  });

  it('a label names the tool, command head and failure once', () => {
    expect(
      signatureLabel({ tool: 'Bash', commandHead: 'pnpm test', errorClass: 'exit 1', template: 'FAIL <path>' }),
    ).toBe('Bash · pnpm test · exit 1: FAIL <path>');
    expect(signatureLabel({ tool: 'Read', errorClass: 'ENOENT', template: 'ENOENT: no such file' })).toBe(
      'Read · ENOENT: no such file',
    );
  });
});

describe('weekOf', () => {
  it('is the Monday (UTC) of the week', () => {
    expect(weekOf(Date.parse('2026-11-02T00:00:00Z'))).toBe('2026-11-02'); // a Monday
    expect(weekOf(Date.parse('2026-11-08T23:59:59Z'))).toBe('2026-11-02'); // the Sunday after
    expect(weekOf(Date.parse('2026-11-09T00:00:00Z'))).toBe('2026-11-09');
    expect(weekOf(Date.parse('2027-01-01T12:00:00Z'))).toBe('2026-12-28'); // across the year
  });
});

const base = (id: string, over: Partial<RunSummary>): RunSummary => ({
  id,
  harness: 'h',
  startedAt: '2026-11-02T10:00:00.000Z',
  cwd: '/w',
  tags: [],
  status: 'completed',
  ...over,
});

describe('computeInsights', () => {
  it('an empty set answers every section with nothing, not zeros', () => {
    const ins = computeInsights([], { now: new Date('2026-12-01T00:00:00Z') });
    expect(ins).toMatchObject({ runs: 0, kindsClassifiedHere: 0, slowest: [], best: { kinds: [] } });
    expect(ins.workMix.weeks).toEqual([]);
    expect(ins.workMix.featureShare).toBeUndefined();
    expect(ins.workMix.trend.direction).toBe('not enough weeks');
    expect(ins.mcp).toBeUndefined();
  });

  it('fills quiet weeks, leaves unreported cost out of sums, and calls a falling feature share "more bugfixes"', () => {
    const runs = [
      base('a', {
        kind: 'feature',
        startedAt: '2026-11-02T10:00:00Z',
        durationMs: 1000,
        usage: { confidence: 'exact', costUsd: 1 },
      }),
      base('b', { kind: 'feature', startedAt: '2026-11-16T10:00:00Z', durationMs: 1000 }),
      base('c', { kind: 'bugfix', startedAt: '2026-11-17T10:00:00Z', durationMs: 3000 }),
      base('d', { kind: 'bugfix', startedAt: '2026-11-30T10:00:00Z', durationMs: 1000 }),
    ];
    const mix = computeInsights(runs).workMix;
    expect(mix.weeks.map((w) => [w.week, w.runs, w.featureShare])).toEqual([
      ['2026-11-02', 1, 1],
      ['2026-11-09', 0, undefined],
      ['2026-11-16', 2, 0.5],
      ['2026-11-23', 0, undefined],
      ['2026-11-30', 1, 0],
    ]);
    expect(mix.weeks[0]).toMatchObject({ costUsd: 1, costRuns: 1 });
    expect(mix.weeks[2]!.costUsd).toBeUndefined();
    // points (0, 1), (2, 0.5), (4, 0): slope -0.25 a week
    expect(mix.trend.slopePerWeek).toBeCloseTo(-0.25, 10);
    expect(mix.trend.direction).toBe('more bugfixes');
    // time: features 2 s of 6 s
    expect(mix.featureTimeShare).toBeCloseTo(2 / 6, 10);
  });

  it('reads events only of runs with tool errors or MCP calls, newest first, up to the bound', () => {
    const read: string[] = [];
    const runs = [
      base('new', { startedAt: '2026-11-03T00:00:00Z', toolErrors: 1, toolCalls: 1, tools: {} }),
      base('old', { startedAt: '2026-11-02T00:00:00Z', toolErrors: 1, toolCalls: 1, tools: {} }),
      base('clean', {
        startedAt: '2026-11-04T00:00:00Z',
        toolErrors: 0,
        toolCalls: 3,
        tools: { Bash: { calls: 3, errors: 0, durations: [] } },
      }),
    ];
    const ins = computeInsights(runs, {
      events: (id) => {
        read.push(id);
        return [];
      },
      maxEventRuns: 1,
    });
    expect(read).toEqual(['new']);
    expect(ins.failures.toolCalls).toMatchObject({ runsScanned: 1, runsNotScanned: 1 });
  });
});

describe('importedRunId', () => {
  it('is a UUID derived from harness and session id: the same session always maps to the same run', async () => {
    const { importedRunId } = await import('../src/index.js');
    const a = importedRunId('codex', '01a22fb4-ef08-7260-9800-53f753fafb5c');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(importedRunId('codex', '01a22fb4-ef08-7260-9800-53f753fafb5c')).toBe(a);
    expect(importedRunId('pi', '01a22fb4-ef08-7260-9800-53f753fafb5c')).not.toBe(a);
  });
});

describe('best harness/model per kind', () => {
  it('counts completed and failed runs; running and interrupted ones are left out; eval checks that failed make a failure', () => {
    const runs = [
      base('a', { kind: 'test', status: 'completed' }),
      base('b', { kind: 'test', status: 'failed' }),
      base('c', { kind: 'test', status: 'interrupted' }),
      base('d', { kind: 'test', status: 'running' }),
      base('e', { kind: 'test', status: 'completed', checks: [{ name: 'tests', pass: false, durationMs: 1 }] }),
      base('f', { kind: 'test', status: 'incomplete', outcome: 'completed' }),
    ];
    const [test] = computeInsights(runs, { minRuns: 2 }).best.kinds;
    expect(test!.contenders[0]).toMatchObject({ runs: 4, successes: 2, successRate: 0.5 });
  });
});
