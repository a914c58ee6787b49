import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed CLI output, read field by field in the assertions
type Json = Record<string, any>;

/** A scratch dir holding a copy of the hand-made fixture store (11 runs over 3 weeks, figures worked out in the comments). */
function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'omnigent-insights-'));
  cpSync(fileURLToPath(new URL('./fixtures/insights-store', import.meta.url)), join(dir, '.store'), {
    recursive: true,
  });
  return dir;
}

describe('omnigent insights on a fixture store (every figure checked by hand)', () => {
  it('--json answers every section', async () => {
    const dir = fixture();
    const r = await runCli(['insights', '--since', '2026-01-01', '--json', '--min-runs', '2'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ins = JSON.parse(r.stdout) as Json;
    expect(ins).toMatchObject({
      runs: 11,
      from: '2026-11-02T10:00:00.000Z',
      to: '2026-11-20T10:00:00.000Z',
      kindsClassifiedHere: 1,
    });

    // Work mix. Week of 11-02: r01 feature 60 s $0.10, r02 bugfix 30 s $0.05, r03 feature 120 s (no cost).
    // Week of 11-09: r04 bugfix 90 s $0.20, r05 bugfix 45 s $0.07, r06 analysis 10 s.
    // Week of 11-16: r07 feature 30 s $0.10, r08 feature 40 s $0.10, r09 bugfix 20 s, r10 (no kind: "plan how…" -> plan) 15 s, r11 feature 50 s.
    const weeks = ins.workMix.weeks as Json[];
    expect(weeks.map((w) => [w.week, w.runs, w.durationMs, w.costRuns])).toEqual([
      ['2026-11-02', 3, 210_000, 2],
      ['2026-11-09', 3, 145_000, 2],
      ['2026-11-16', 5, 155_000, 2],
    ]);
    expect(weeks.map((w) => w.costUsd)).toEqual([
      expect.closeTo(0.15, 10),
      expect.closeTo(0.27, 10),
      expect.closeTo(0.2, 10),
    ]);
    expect(weeks[2]!.byKind).toMatchObject({
      feature: { runs: 3, durationMs: 120_000 },
      bugfix: { runs: 1 },
      plan: { runs: 1 },
    });
    // feature share per week: 2/3, 0/2, 3/4
    expect(weeks.map((w) => w.featureShare)).toEqual([expect.closeTo(2 / 3, 10), 0, 0.75]);
    // overall: 5 feature vs 4 bugfix runs; time 300 s vs 185 s
    expect(ins.workMix.feature).toMatchObject({ runs: 5, durationMs: 300_000 });
    expect(ins.workMix.bugfix).toMatchObject({ runs: 4, durationMs: 185_000 });
    expect(ins.workMix.featureShare).toBeCloseTo(5 / 9, 10);
    expect(ins.workMix.featureTimeShare).toBeCloseTo(300 / 485, 10);
    // slope of (0, 2/3), (1, 0), (2, 3/4): ((-1)(2/3 - m) + (1)(3/4 - m)) / 2 = (3/4 - 2/3) / 2 = 1/24
    expect(ins.workMix.trend).toEqual({
      weeks: 3,
      slopePerWeek: expect.closeTo(1 / 24, 10),
      direction: 'more features',
    });

    // Slowest kinds. feature durations 30,40,50,60,120 s: p50 50 s, p90 at rank 3.6 = 60 + 0.6 * 60 = 96 s;
    // bugfix 20,30,45,90 s: p50 37.5 s, p90 at rank 2.7 = 45 + 0.7 * 45 = 76.5 s.
    const slow = ins.slowest as Json[];
    expect(slow.map((s) => [s.kind, s.runs, s.p50Ms, s.p90Ms])).toEqual([
      ['feature', 5, 50_000, 96_000],
      ['bugfix', 4, 37_500, 76_500],
      ['plan', 1, 15_000, 15_000],
      ['analysis', 1, 10_000, 10_000],
    ]);
    expect(slow[0]!.examples.map((e: Json) => e.id)).toEqual(['r03', 'r01', 'r11']);
    // feature tokens (in+out) of r01, r03, r07, r08 = 1100, 2200, 1100, 1100 -> p50 1100; cost $0.10 x3 -> p50 0.10, total 0.30
    expect(slow[0]!.tokens).toEqual({ reported: 4, p50: 1100, p90: expect.closeTo(1100 + 0.7 * 1100, 6) });
    expect(slow[0]!.costUsd).toEqual({ reported: 3, p50: 0.1, total: expect.closeTo(0.3, 10) });

    // Failures. r02 and r05 fail with the same TypeError at different places.
    const failed = ins.failures.failedRuns;
    expect(failed.total).toBe(2);
    expect(failed.groups).toHaveLength(1);
    expect(failed.groups[0]).toMatchObject({
      count: 2,
      runs: 2,
      label: 'TypeError: Cannot read properties of undefined (reading <str>) at <path>',
      harnesses: ['codex'],
    });
    expect([...failed.groups[0].exampleRunIds].sort()).toEqual(['r02', 'r05']);
    // Tool calls: two `pnpm test` failures (different dirs, counts, flags), a missing file, an MCP error.
    const tools = ins.failures.toolCalls;
    expect(tools).toMatchObject({ total: 4, runsScanned: 3, runsNotScanned: 0 });
    expect(tools.groups[0]).toMatchObject({
      count: 2,
      runs: 2,
      label: 'Bash · pnpm test · exit 1: FAIL <path> > <n> tests failed',
      signature: { tool: 'Bash', commandHead: 'pnpm test', errorClass: 'exit 1' },
    });
    expect(
      tools.groups
        .slice(1)
        .map((g: Json) => [g.label, g.count, g.paths])
        .sort(),
    ).toEqual([
      ['Read · ENOENT: no such file or directory, open <str>', 1, ['/w/missing.ts']],
      ['mcp__docs__search · error: rate limited', 1, []],
    ]);

    // Best per kind, ranked from 2 finished runs. feature: claude-code 5/5, Wilson low 0.5655.
    const best = Object.fromEntries((ins.best.kinds as Json[]).map((k) => [k.kind, k]));
    expect(ins.best.minRuns).toBe(2);
    expect(best.feature.best).toBe('claude-code · claude-sonnet-4-5');
    expect(best.feature.contenders[0]).toMatchObject({
      runs: 5,
      successes: 5,
      successRate: 1,
      enough: true,
      medianCostUsd: 0.1,
      medianDurationMs: 50_000,
    });
    expect(best.feature.contenders[0].interval.low).toBeCloseTo(0.5655, 4);
    expect(best.feature.verdict).toMatch(/the only one with enough runs/);
    // bugfix: claude-code 2/2 [0.342, 1] vs codex 0/2 [0, 0.658]: overlapping, so "not clearly"
    expect(best.bugfix.contenders.map((c: Json) => [c.label, c.runs, c.successes])).toEqual([
      ['claude-code · claude-sonnet-4-5', 2, 2],
      ['codex · gpt-5', 2, 0],
    ]);
    expect(best.bugfix.verdict).toMatch(/leads, not clearly/);
    expect(best.plan).toMatchObject({
      verdict: 'not enough runs (each harness/model needs 2 finished plan runs; most: 1)',
    });
    expect(best.plan.best).toBeUndefined();

    // MCP: r11 called docs/search twice (200 ms ok, 400 ms failed): p50 300, p90 380.
    expect(ins.mcp).toEqual({
      runsScanned: 1,
      servers: [
        {
          server: 'docs',
          calls: 2,
          errors: 1,
          errorRate: 0.5,
          p50Ms: 300,
          p90Ms: 380,
          runs: 1,
          tools: [{ tool: 'search', calls: 2, errors: 1 }],
        },
      ],
    });
  });

  it('the default --min-runs (5) leaves bugfix unranked; filters apply; text and HTML have every section', async () => {
    const dir = fixture();
    const j = JSON.parse((await runCli(['insights', '--since', '2026-01-01', '--json'], { cwd: dir })).stdout) as Json;
    const bugfix = (j.best.kinds as Json[]).find((k) => k.kind === 'bugfix')!;
    expect(bugfix.verdict).toBe('not enough runs (each harness/model needs 5 finished bugfix runs; most: 2)');
    const codex = JSON.parse(
      (await runCli(['insights', '--since', '2026-01-01', '--json', '-H', 'codex'], { cwd: dir })).stdout,
    ) as Json;
    expect(codex.runs).toBe(3);

    const html = join(dir, 'ins.html');
    const text = await runCli(['insights', '--since', '2026-01-01', '--html', html], { cwd: dir });
    expect(text.code).toBe(0);
    for (const h of [
      'WORK MIX PER WEEK',
      'SLOWEST KINDS OF REQUEST',
      'FAILURES BY SIGNATURE',
      'BEST HARNESS/MODEL PER KIND',
      'MCP SERVERS',
    ])
      expect(text.stdout).toContain(h);
    expect(text.stdout).toMatch(/2026-11-16\s+5\s+2m35s\s+\$0\.2000\+\s+3\s+1\s+1\s+0\s+75%/);
    expect(text.stderr).toContain(`wrote ${html}`);
    const page = readFileSync(html, 'utf8');
    expect(page).not.toMatch(/<script src|<link |https?:\/\/(?!www\.w3\.org)/);
    expect(page).toContain('id="chart-mix-runs"');
    expect(page).toContain('id="chart-feature-share"');
    // runs, time and cost charts: a feature bar in the weeks of 11-02 and 11-16 each (11-09 had none)
    expect(page.match(/data-kind="feature"/g)).toHaveLength(3 * 2);
    expect(page).toContain('data-week="2026-11-16" data-share="0.75"');
  });

  it('report --html carries the insights sections; bad values are usage errors', async () => {
    const dir = fixture();
    const out = join(dir, 'report.html');
    const r = await runCli(['report', '--html', out, '--since', '2026-01-01'], { cwd: dir });
    expect(r.code).toBe(0);
    const page = readFileSync(out, 'utf8');
    expect(page).toContain('id="insights"');
    expect(page).toContain('Failures by signature');
    expect(page).toContain('id="chart-mix-time"');
    const bad = await runCli(['insights', '--min-runs', '0'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--min-runs expects a whole number of at least 1, got 0/);
    const nowhere = await runCli(['insights', '--html', join(dir, 'no', 'such', 'dir', 'x.html')], { cwd: dir });
    expect(nowhere.code).toBe(2);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });
});
