import type { ExampleRun, KindLabel, KindSpeed } from './insights-types.js';
import { quantile } from './stats.js';
import type { RunSummary } from './types.js';

/** A run as an example: id, harness, status, duration and prompt preview. */
export function exampleOf(r: RunSummary): ExampleRun {
  return {
    id: r.id,
    harness: r.harness,
    status: r.status,
    ...(r.durationMs !== undefined ? { durationMs: r.durationMs } : {}),
    ...(r.prompt ? { prompt: r.prompt.length > 80 ? `${r.prompt.slice(0, 79)}…` : r.prompt } : {}),
  };
}

/** Per kind: p50/p90 duration, tokens and cost, with the slowest runs as examples; slowest kind first. */
export function slowestKinds(runs: RunSummary[], kindOf: (r: RunSummary) => KindLabel, examples = 3): KindSpeed[] {
  const groups = new Map<KindLabel, RunSummary[]>();
  for (const r of runs) {
    if (r.status === 'running') continue;
    const k = kindOf(r);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(r);
  }
  const out: KindSpeed[] = [];
  for (const [kind, rs] of groups) {
    const durations = rs.filter((r) => r.durationMs !== undefined).map((r) => r.durationMs!);
    const tokens = rs
      .filter((r) => r.usage?.input !== undefined && r.usage.output !== undefined)
      .map((r) => r.usage!.input! + r.usage!.output!);
    const costs = rs.filter((r) => r.usage?.costUsd !== undefined).map((r) => r.usage!.costUsd!);
    const s: KindSpeed = {
      kind,
      runs: rs.length,
      tokens: { reported: tokens.length },
      costUsd: { reported: costs.length },
      examples: [],
    };
    const p50 = quantile(durations, 0.5);
    const p90 = quantile(durations, 0.9);
    if (p50 !== undefined) s.p50Ms = p50;
    if (p90 !== undefined) s.p90Ms = p90;
    if (tokens.length) {
      s.tokens.p50 = quantile(tokens, 0.5)!;
      s.tokens.p90 = quantile(tokens, 0.9)!;
    }
    if (costs.length) {
      s.costUsd.p50 = quantile(costs, 0.5)!;
      s.costUsd.total = costs.reduce((a, b) => a + b, 0);
    }
    s.examples = rs
      .filter((r) => r.durationMs !== undefined)
      .sort((a, b) => b.durationMs! - a.durationMs! || a.id.localeCompare(b.id))
      .slice(0, examples)
      .map(exampleOf);
    out.push(s);
  }
  return out.sort((a, b) => (b.p50Ms ?? -1) - (a.p50Ms ?? -1) || String(a.kind).localeCompare(String(b.kind)));
}
