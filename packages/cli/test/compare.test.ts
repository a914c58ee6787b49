import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('../../store/test/fixtures/compare-index.jsonl', import.meta.url));

/** A cwd whose store holds the hand-computed fixture runs (see packages/store/test/compare.test.ts). */
function fixtureCwd(): string {
  const dir = mkdtempSync(join(tmpdir(), 'omnigent-compare-test-'));
  cpSync(FIXTURE, join(dir, '.store', 'index.jsonl'));
  return dir;
}

type Json = Record<string, any>;

describe('omnigent compare', () => {
  it('--json: the figures worked out by hand', async () => {
    const r = await runCli(['compare', '--json'], { cwd: fixtureCwd() });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Json;
    expect(out.runs).toBe(6);
    const [alpha, beta] = out.groups as Json[];
    expect(alpha).toMatchObject({
      label: 'alpha',
      runs: 3,
      completed: 2,
      failed: 1,
      medianDurationMs: 2000,
      toolCalls: 4,
    });
    expect(alpha!.p90DurationMs).toBeCloseTo(2800, 6);
    expect(alpha!.successRate).toBeCloseTo(2 / 3, 6);
    expect(alpha!.tokens.input).toEqual({ total: 600, mean: 200, reported: 3, partial: true, estimated: false });
    expect(alpha!.tokens.cache).toEqual({ total: 200, mean: 100, reported: 2, partial: false, estimated: false });
    expect(alpha!.tools[0]).toMatchObject({ name: 'Bash', calls: 3, errors: 1, medianMs: 200 });
    expect(beta).toMatchObject({
      label: 'beta',
      runs: 3,
      completed: 1,
      interrupted: 1,
      running: 1,
      successRate: 0.5,
      medianDurationMs: 5000,
    });
    expect(beta!.tokens.output).toEqual({ reported: 0, partial: false, estimated: false });
  });

  it('the table shows partial figures as lower bounds and unknown as —, never 0', async () => {
    const r = await runCli(['compare'], { cwd: fixtureCwd() });
    const beta = r.stdout.split('\n').find((l) => l.startsWith('beta'))!;
    expect(beta.split(/\s{2,}/)).toEqual(['beta', '3', '50%', '5.0s', '5.8s', '500+*', '—', '—', '—', '—', '2.0*']);
    expect(r.stdout).toContain('+ lower bound');
    expect(r.stdout).toContain('— not reported');
  });

  it('filters, --by harness,model, --by tool and --csv', async () => {
    const cwd = fixtureCwd();
    const filtered = JSON.parse(
      (await runCli(['compare', '--json', '--harness', 'alpha', '--status', 'completed'], { cwd })).stdout,
    ) as Json;
    expect(filtered.groups).toHaveLength(1);
    expect(filtered.groups[0]).toMatchObject({ runs: 2, medianDurationMs: 2000 });
    const tagged = JSON.parse(
      (await runCli(['compare', '--json', '--tag', 'suite:x', '--since', '2026-01-10T10:30:00Z'], { cwd })).stdout,
    ) as Json;
    expect(tagged.runs).toBe(2);
    const byHm = await runCli(['compare', '--by', 'harness,model'], { cwd });
    expect(byHm.stdout).toMatch(/^HARNESS\s+MODEL\s+RUNS/);
    expect(byHm.stdout).toMatch(/\nalpha\s+m1\s+3\s+67%/);
    const tools = await runCli(['compare', '--by', 'tool'], { cwd });
    expect(
      tools.stdout
        .split('\n')
        .slice(1, 4)
        .map((l) => l.split(/\s+/).slice(0, 3)),
    ).toEqual([
      ['Edit', '1', '4'],
      ['Bash', '2', '3'],
      ['Read', '1', '1'],
    ]);
    const csv = (await runCli(['compare', '--csv'], { cwd })).stdout.trim().split('\n');
    expect(csv[0]).toMatch(/^harness,runs,completed,/);
    expect(csv[1]).toMatch(/^alpha,3,2,1,0,0,/);
    const bad = await runCli(['compare', '--by', 'colour'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--by expects');
    // regression: --top abc printed no top tools without a word
    const top = await runCli(['compare', '--top', 'abc'], { cwd });
    expect([top.code, top.stderr]).toEqual([2, 'omnigent: --top expects a whole number of tools (0 for none)\n']);
    expect((await runCli(['compare', '--top', '0'], { cwd })).stdout).not.toContain('Top tools');
  });
});
