import type { TokenUsage } from '@omnigent/core';
import type { PiAssistantMessage } from './events.js';

/**
 * Normalize the usage of one pi assistant message. Pi's `input` EXCLUDES cache reads and writes;
 * omnigent's includes them. The cost is pi's own figure from the models.json prices: kept when it
 * is positive, or when the user says prices are configured (a free local model costs 0).
 * Returns undefined when the message carries no usage, or when a failed call reports all zeros
 * (pi fills zeros for calls that never got an answer: that is "unknown", not 0).
 */
export function piCallUsage(message: PiAssistantMessage, pricesConfigured: boolean): TokenUsage | undefined {
  const u = message.usage;
  if (!u || typeof u !== 'object') return undefined;
  const num = (v: unknown): number | undefined =>
    typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
  const input = num(u.input);
  const output = num(u.output);
  const cacheRead = num(u.cacheRead);
  const cacheWrite = num(u.cacheWrite);
  const failed = message.stopReason === 'error' || message.stopReason === 'aborted';
  const total = (input ?? 0) + (output ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0);
  if (failed && total === 0) return undefined;
  const out: TokenUsage = {};
  if (input !== undefined) out.input = input + (cacheRead ?? 0) + (cacheWrite ?? 0);
  if (output !== undefined) out.output = output;
  if (cacheRead !== undefined) out.cacheRead = cacheRead;
  if (cacheWrite !== undefined) out.cacheWrite = cacheWrite;
  const cost = num(u.cost?.total);
  if (cost !== undefined && (cost > 0 || pricesConfigured)) {
    out.costUsd = cost;
    out.costSource = 'configured-price';
  }
  return out;
}
