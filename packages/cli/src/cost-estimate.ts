import type { TokenUsage } from '@omnigent/core';

/** A user's price for a model (config `prices:`), in US dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Default: `input`. */
  cacheRead?: number;
  /** Default: `input`. */
  cacheWrite?: number;
}

/** A cost omnigent worked out from token counts (catalog or config `prices:`: both are `catalog-estimate`). */
export interface CostEstimate {
  costUsd: number;
  costSource: 'catalog-estimate';
}

/** The price catalog's price function (@pydantic/genai-prices `calcPrice`). */
export type PriceCatalog = typeof import('@pydantic/genai-prices').calcPrice;
let calc: PriceCatalog | undefined | null;

/** The bundled price catalog, loaded once. Contract: offline (its data ships in the package); undefined when it cannot be loaded. */
export async function loadPriceCatalog(): Promise<PriceCatalog | undefined> {
  if (calc === undefined) {
    try {
      calc = (await import('@pydantic/genai-prices')).calcPrice;
    } catch {
      calc = null;
    }
  }
  return calc ?? undefined;
}

/**
 * The cost of a run from its token counts, for harnesses that report none (Codex).
 * Contract: undefined when the usage already has a cost, has no input/output tokens, or the model
 * is neither in `prices` (config; matched by exact model id, then without a `provider/` prefix)
 * nor in the bundled @pydantic/genai-prices catalog (offline; never fetched). Input includes cache
 * reads and writes, as in {@link TokenUsage}.
 */
export async function estimateCost(
  usage: TokenUsage | undefined,
  model: string | undefined,
  prices: Record<string, ModelPrice> = {},
  provider?: string,
): Promise<CostEstimate | undefined> {
  if (!usage || usage.costUsd !== undefined || !model) return undefined;
  return priceUsage(usage, model, prices, provider, await loadPriceCatalog());
}

/** {@link estimateCost} with the catalog already loaded (synchronous). */
export function priceUsage(
  usage: TokenUsage | undefined,
  model: string | undefined,
  prices: Record<string, ModelPrice>,
  provider: string | undefined,
  price: PriceCatalog | undefined,
): CostEstimate | undefined {
  if (!usage || usage.costUsd !== undefined || !model || (usage.input === undefined && usage.output === undefined))
    return undefined;
  const bare = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
  const own = prices[model] ?? prices[bare];
  const input = usage.input ?? 0;
  const cacheRead = usage.cacheRead ?? 0;
  const cacheWrite = usage.cacheWrite ?? 0;
  if (own) {
    const fresh = Math.max(0, input - cacheRead - cacheWrite);
    const cost =
      (fresh * own.input +
        cacheRead * (own.cacheRead ?? own.input) +
        cacheWrite * (own.cacheWrite ?? own.input) +
        (usage.output ?? 0) * own.output) /
      1e6;
    return { costUsd: cost, costSource: 'catalog-estimate' };
  }
  if (!price) return undefined;
  const tokens = {
    input_tokens: input,
    output_tokens: usage.output ?? 0,
    ...(cacheRead ? { cache_read_tokens: cacheRead } : {}),
    ...(cacheWrite ? { cache_write_tokens: cacheWrite } : {}),
  };
  for (const [id, opts] of [
    [bare, provider ? { providerId: provider } : undefined],
    [bare, undefined],
  ] as const) {
    try {
      const r = price(tokens, id, opts);
      if (r) return { costUsd: r.total_price, costSource: 'catalog-estimate' };
    } catch {
      // an unknown provider id: try without it
    }
  }
  return undefined;
}
