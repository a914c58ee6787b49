import type { KindLabel, Totals, WeekMix, WorkMix } from './insights-types.js';
import type { RunSummary } from './types.js';

const DAY = 86_400_000;

/** Monday 00:00 UTC of the week holding `ms`, as `YYYY-MM-DD`. */
export function weekOf(ms: number): string {
  const d = new Date(ms);
  const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - ((d.getUTCDay() + 6) % 7) * DAY;
  return new Date(monday).toISOString().slice(0, 10);
}

function empty(): Totals {
  return { runs: 0, durationMs: 0, costRuns: 0 };
}

function add(t: Totals, r: RunSummary): void {
  t.runs += 1;
  t.durationMs += r.durationMs ?? 0;
  const cost = r.usage?.costUsd;
  if (cost !== undefined) {
    t.costUsd = (t.costUsd ?? 0) + cost;
    t.costRuns += 1;
  }
}

function share(feature: number, bugfix: number): number | undefined {
  return feature + bugfix > 0 ? feature / (feature + bugfix) : undefined;
}

// Below this slope (per week) the share is called flat: 1 point a week is noise for a few weeks of runs.
const FLAT_SLOPE = 0.01;
const MIN_TREND_WEEKS = 3;

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** Per week and per kind: runs, time, cost; the feature-vs-bugfix share and its trend. */
export function workMix(runs: RunSummary[], kindOf: (r: RunSummary) => KindLabel): WorkMix {
  const weeks = new Map<string, WeekMix>();
  const byKind: Partial<Record<KindLabel, Totals>> = {};
  let min = Infinity;
  let max = -Infinity;
  for (const r of runs) {
    const t = Date.parse(r.startedAt);
    if (!Number.isFinite(t)) continue;
    min = Math.min(min, t);
    max = Math.max(max, t);
    const key = weekOf(t);
    let w = weeks.get(key);
    if (!w) weeks.set(key, (w = { week: key, ...empty(), byKind: {} }));
    const kind = kindOf(r);
    add(w, r);
    add((w.byKind[kind] ??= empty()), r);
    add((byKind[kind] ??= empty()), r);
  }
  const list: WeekMix[] = [];
  if (Number.isFinite(min)) {
    // every week in the range, so a chart's x axis is time and a quiet week shows as one
    for (let t = Date.parse(weekOf(min)); t <= max; t += 7 * DAY) {
      const key = weekOf(t);
      const w = weeks.get(key) ?? { week: key, ...empty(), byKind: {} };
      const s = share(w.byKind.feature?.runs ?? 0, w.byKind.bugfix?.runs ?? 0);
      if (s !== undefined) w.featureShare = s;
      list.push(w);
    }
  }
  const points = list
    .map((w, i): [number, number | undefined] => [i, w.featureShare])
    .filter((p): p is [number, number] => p[1] !== undefined);
  const feature = byKind.feature ?? empty();
  const bugfix = byKind.bugfix ?? empty();
  const mix: WorkMix = {
    weeks: list,
    byKind,
    feature,
    bugfix,
    trend: { weeks: points.length, direction: 'not enough weeks' },
  };
  const s = share(feature.runs, bugfix.runs);
  if (s !== undefined) mix.featureShare = s;
  const ts = share(feature.durationMs, bugfix.durationMs);
  if (ts !== undefined) mix.featureTimeShare = ts;
  if (points.length >= MIN_TREND_WEEKS) {
    const k = slope(points);
    mix.trend = {
      weeks: points.length,
      slopePerWeek: k,
      direction: k > FLAT_SLOPE ? 'more features' : k < -FLAT_SLOPE ? 'more bugfixes' : 'flat',
    };
  }
  return mix;
}
