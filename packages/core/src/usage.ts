import type { TokenUsage } from './events.js';

/** The numeric figures of a {@link TokenUsage}, in display order. Contract: every numeric field is listed. */
export const USAGE_KEYS = [
  'input',
  'output',
  'cacheRead',
  'cacheWrite',
  'reasoning',
  'costUsd',
] as const satisfies ReadonlyArray<keyof TokenUsage>;

/** One numeric figure of a {@link TokenUsage}. */
export type UsageKey = (typeof USAGE_KEYS)[number];

const KEYS = USAGE_KEYS;

/** Sum two usages; a figure stays undefined only when both sides lack it (missing is never 0). */
export function addUsage(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage {
  const out: TokenUsage = {};
  for (const k of KEYS) {
    const x = a?.[k];
    const y = b?.[k];
    if (x === undefined && y === undefined) continue;
    out[k] = (x ?? 0) + (y ?? 0);
  }
  const src = a?.costSource ?? b?.costSource;
  if (src && out.costUsd !== undefined) out.costSource = src;
  return out;
}

/** Copy only the defined, finite numeric figures (drops NaN, null and non-numbers). */
export function cleanUsage(u: Record<string, unknown>): TokenUsage {
  const out: TokenUsage = {};
  for (const k of KEYS) {
    const v = u[k];
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  }
  if (out.costUsd !== undefined && typeof u.costSource === 'string')
    out.costSource = u.costSource as TokenUsage['costSource'];
  return out;
}

/** Total tokens (input + output), or undefined when either is unknown. */
export function totalTokens(u: TokenUsage | undefined): number | undefined {
  if (!u || u.input === undefined || u.output === undefined) return undefined;
  return u.input + u.output;
}
