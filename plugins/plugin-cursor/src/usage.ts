import type { TokenUsage } from '@omnigent/core';
import type { CursorUsage } from './events.js';

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Normalize `result.usage` (one total per run) to omnigent's figures.
 *
 * Cursor's `inputTokens` EXCLUDES cache reads and writes: a public capture of a 2026 build
 * (Javis603/token-monitor#518) shows `inputTokens` 19,270 with `cacheReadTokens` 38,208, which
 * cannot be a subset of it, and Cursor's usage export lists the input, cache-read and cache-write
 * columns as disjoint parts of the total. So `input` = inputTokens + cacheRead + cacheWrite, as the
 * core contract asks. A figure Cursor does not send stays undefined (never 0).
 */
export function normalizeCursorUsage(usage: CursorUsage | undefined): TokenUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const fresh = count(usage.inputTokens);
  const output = count(usage.outputTokens);
  const cacheRead = count(usage.cacheReadTokens);
  const cacheWrite = count(usage.cacheWriteTokens);
  const out: TokenUsage = {};
  if (fresh !== undefined) out.input = fresh + (cacheRead ?? 0) + (cacheWrite ?? 0);
  if (output !== undefined) out.output = output;
  if (cacheRead !== undefined) out.cacheRead = cacheRead;
  if (cacheWrite !== undefined) out.cacheWrite = cacheWrite;
  return Object.keys(out).length > 0 ? out : undefined;
}
