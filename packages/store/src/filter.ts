import { StoreQueryError } from './errors.js';
import type { RunStatus, RunSummary, WorkKind } from './types.js';

/** Which runs to list, compare, report or export. Every given criterion must match. */
export interface RunFilter {
  /** Any of these harnesses. */
  harness?: string[];
  /** Any of these models (reported or requested). */
  model?: string[];
  /** Started at or after. */
  since?: Date;
  /** Every one of these tags. */
  tags?: string[];
  /** Any of these statuses. */
  status?: RunStatus[];
  /** Any of these workflow steps. */
  step?: string[];
  /** Any of these work kinds. */
  kind?: WorkKind[];
  /** Any of these sources (`live`: recorded by omnigent; `imported`: read from a harness's history). */
  source?: Array<'live' | 'imported'>;
  /** Newest N after filtering. */
  limit?: number;
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30m`, `24h`, `7d`, `2w` (ago), or an ISO date/time. Throws a StoreQueryError otherwise. */
export function parseSince(text: string, now: Date = new Date()): Date {
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(text.trim());
  if (m) return new Date(now.getTime() - Number(m[1]) * UNITS[m[2]!]!);
  const t = Date.parse(text);
  if (!Number.isNaN(t)) return new Date(t);
  throw new StoreQueryError(
    `--since expects a duration like 30m, 24h, 7d, 2w or a date like 2026-01-31, got "${text}"`,
  );
}

/** Split repeatable, comma-separated option values: `['a,b', 'c']` -> `['a','b','c']`. */
export function splitList(values: string | string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const list = (Array.isArray(values) ? values : [values])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  return list.length ? list : undefined;
}

/** True when `run` meets every criterion of `filter` (the limit aside). */
export function matchesFilter(run: RunSummary, filter: RunFilter): boolean {
  if (filter.harness && !filter.harness.includes(run.harness)) return false;
  if (filter.model && !filter.model.some((m) => m === run.model || m === run.requestedModel)) return false;
  if (filter.since && Date.parse(run.startedAt) < filter.since.getTime()) return false;
  if (filter.tags && !filter.tags.every((t) => run.tags.includes(t))) return false;
  if (filter.status && !filter.status.includes(run.status)) return false;
  if (filter.step && !filter.step.includes(run.workflow?.step ?? '')) return false;
  if (filter.kind && !(run.kind && filter.kind.includes(run.kind))) return false;
  if (filter.source && !filter.source.includes(run.source ?? 'live')) return false;
  return true;
}
