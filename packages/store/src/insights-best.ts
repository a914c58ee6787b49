import { finished, succeeded } from './insights-kind.js';
import type { Contender, KindBest, KindLabel } from './insights-types.js';
import { median } from './stats.js';
import type { RunSummary } from './types.js';
import { wilsonInterval } from './eval-stats.js';

/** Finished runs a harness/model needs on a kind before it is ranked. Default of {@link bestPerKind}. */
export const MIN_RUNS_FOR_RANKING = 5;

const pct = (x: number): string => `${Math.round(x * 100)} %`;

function contender(harness: string, model: string | undefined, runs: RunSummary[], minRuns: number): Contender {
  const done = runs.filter(finished);
  const successes = done.filter(succeeded).length;
  const c: Contender = {
    harness,
    ...(model ? { model } : {}),
    label: model ? `${harness} · ${model}` : harness,
    runs: done.length,
    successes,
    enough: done.length >= minRuns,
  };
  const interval = wilsonInterval(successes, done.length);
  if (interval) {
    c.successRate = successes / done.length;
    c.interval = interval;
  }
  const cost = median(done.filter((r) => r.usage?.costUsd !== undefined).map((r) => r.usage!.costUsd!));
  const duration = median(done.filter((r) => r.durationMs !== undefined).map((r) => r.durationMs!));
  if (cost !== undefined) c.medianCostUsd = cost;
  if (duration !== undefined) c.medianDurationMs = duration;
  return c;
}

/**
 * Per kind, every harness/model that did it, ranked by the lower bound of the 95 % Wilson interval
 * of its success rate (then cheaper, then faster). Contract: one with fewer than `minRuns` finished
 * runs is listed but never named best; when none has enough the verdict says "not enough runs".
 */
export function bestPerKind(
  runs: RunSummary[],
  kindOf: (r: RunSummary) => KindLabel,
  minRuns = MIN_RUNS_FOR_RANKING,
): KindBest[] {
  const byKind = new Map<KindLabel, Map<string, { harness: string; model?: string; runs: RunSummary[] }>>();
  for (const r of runs) {
    const k = kindOf(r);
    let m = byKind.get(k);
    if (!m) byKind.set(k, (m = new Map()));
    const model = r.model ?? r.requestedModel;
    const key = `${r.harness}\u0000${model ?? ''}`;
    let g = m.get(key);
    if (!g) m.set(key, (g = { harness: r.harness, ...(model ? { model } : {}), runs: [] }));
    g.runs.push(r);
  }
  const out: KindBest[] = [];
  for (const [kind, groups] of byKind) {
    const contenders = [...groups.values()]
      .map((g) => contender(g.harness, g.model, g.runs, minRuns))
      .sort(
        (a, b) =>
          Number(b.enough) - Number(a.enough) ||
          (b.interval?.low ?? -1) - (a.interval?.low ?? -1) ||
          (a.medianCostUsd ?? Infinity) - (b.medianCostUsd ?? Infinity) ||
          (a.medianDurationMs ?? Infinity) - (b.medianDurationMs ?? Infinity) ||
          a.label.localeCompare(b.label),
      );
    const ranked = contenders.filter((c) => c.enough);
    const entry: KindBest = { kind, contenders, verdict: '' };
    if (!ranked.length) {
      entry.verdict = `not enough runs (each harness/model needs ${minRuns} finished ${kind} runs; most: ${Math.max(0, ...contenders.map((c) => c.runs))})`;
    } else {
      const [top, next] = ranked;
      entry.best = top!.label;
      const rate = `${pct(top!.successRate!)} success (95 % CI ${pct(top!.interval!.low)}–${pct(top!.interval!.high)}, ${top!.runs} runs)`;
      if (!next) entry.verdict = `${top!.label}: ${rate}; the only one with enough runs`;
      else if (top!.interval!.low > next.interval!.high)
        entry.verdict = `${top!.label} is clearly ahead: ${rate}, vs ${next.label} ${pct(next.successRate!)}`;
      else
        entry.verdict = `${top!.label} leads, not clearly: ${rate}; its interval overlaps ${next.label}'s (${pct(next.interval!.low)}–${pct(next.interval!.high)})`;
    }
    out.push(entry);
  }
  return out.sort((a, b) => String(a.kind).localeCompare(String(b.kind)));
}
