import { StoreQueryError } from './errors.js';
import { parseSince } from './filter.js';
import type { RunSummary } from './types.js';

/** One side of `compare --baseline/--candidate`: which stored runs it holds. */
export interface SideFilter {
  harness?: string[];
  model?: string[];
  /** Every one of these tags. */
  tags?: string[];
  since?: Date;
  until?: Date;
  variant?: string[];
  kind?: string[];
  /** Eval ids. */
  eval?: string[];
}

const KEYS = ['harness', 'model', 'tag', 'since', 'until', 'variant', 'kind', 'eval'] as const;

/**
 * Parse `model=gpt-5,tag=prompt-v2,since=7d`: comma-separated `key=value` (or `key:value`)
 * criteria; a bare word is a tag. Repeating a key means any of its values (tags: all of them).
 * Contract: throws a StoreQueryError naming the option and the keys it takes.
 */
export function parseSideFilter(option: string, text: string, now: Date = new Date()): SideFilter {
  const out: SideFilter = {};
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (!parts.length)
    throw new StoreQueryError(
      `--${option} needs criteria, e.g. --${option} model=gpt-5 or --${option} tag=before,since=7d`,
    );
  for (const part of parts) {
    const m = /^([a-z]+)[=:](.+)$/.exec(part);
    const key = m ? m[1]! : 'tag';
    const value = m ? m[2]!.trim() : part;
    if (!(KEYS as readonly string[]).includes(key))
      throw new StoreQueryError(
        `--${option} ${text}: unknown criterion "${key}" (use ${KEYS.join(', ')}: key=value, comma-separated)`,
      );
    if (key === 'since' || key === 'until') {
      const d = parseSince(value, now);
      out[key] = d;
    } else {
      const k = key === 'tag' ? 'tags' : (key as 'harness' | 'model' | 'variant' | 'kind' | 'eval');
      (out[k] ??= []).push(value);
    }
  }
  return out;
}

/** True when `run` meets every criterion of the side. */
export function matchesSide(run: RunSummary, f: SideFilter): boolean {
  if (f.harness && !f.harness.includes(run.harness)) return false;
  if (f.model && !f.model.some((m) => m === run.model || m === run.requestedModel)) return false;
  if (f.tags && !f.tags.every((t) => run.tags.includes(t))) return false;
  const t = Date.parse(run.startedAt);
  if (f.since && t < f.since.getTime()) return false;
  if (f.until && t >= f.until.getTime()) return false;
  if (f.variant && !f.variant.includes(run.eval?.variant ?? 'default')) return false;
  if (f.kind && !f.kind.includes(run.kind ?? '')) return false;
  if (f.eval && !f.eval.includes(run.eval?.id ?? '')) return false;
  return true;
}
