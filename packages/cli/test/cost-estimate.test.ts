import { describe, expect, it } from 'vitest';
import { estimateCost } from '../src/cost-estimate.js';
import { validateConfig } from '../src/config-schema.js';

describe('cost estimate from token counts', () => {
  it('prices a model from the bundled catalog, offline: gpt-5 at $1.25/M in, $0.125/M cached, $10/M out', async () => {
    const est = await estimateCost({ input: 1_000_000, cacheRead: 400_000, output: 100_000 }, 'gpt-5');
    expect(est!.costSource).toBe('catalog-estimate');
    expect(est!.costUsd).toBeCloseTo(0.6 * 1.25 + 0.4 * 0.125 + 0.1 * 10, 10);
  });
  it('config prices win (self-hosted models), per million tokens, by id or without a provider/ prefix', async () => {
    const prices = { 'my-llama': { input: 0.2, output: 0.6, cacheRead: 0.05 } };
    const a = await estimateCost({ input: 2_000_000, cacheRead: 1_000_000, output: 500_000 }, 'local/my-llama', prices);
    expect(a).toEqual({ costUsd: 1 * 0.2 + 1 * 0.05 + 0.5 * 0.6, costSource: 'catalog-estimate' });
    const b = await estimateCost({ input: 1_000_000, output: 0 }, 'gpt-5', { 'gpt-5': { input: 9, output: 9 } });
    expect(b!.costUsd).toBeCloseTo(9, 10);
  });
  it('nothing when the harness reported a cost, no tokens, no model, or a model nobody prices', async () => {
    expect(await estimateCost({ input: 10, output: 1, costUsd: 0.5 }, 'gpt-5')).toBeUndefined();
    expect(await estimateCost({}, 'gpt-5')).toBeUndefined();
    expect(await estimateCost({ input: 10 }, undefined)).toBeUndefined();
    expect(await estimateCost({ input: 10, output: 1 }, 'scripted-mock-model-xyz')).toBeUndefined();
  });
  it('config prices: are validated (a price needs input and output)', () => {
    expect(validateConfig({ prices: { m: { input: 1, output: 2 } } }).prices).toEqual({ m: { input: 1, output: 2 } });
    expect(() => validateConfig({ prices: { m: { input: 1 } } }, 'omnigent.config.json')).toThrow(
      /prices\.m\.output: expected number/,
    );
  });
});
