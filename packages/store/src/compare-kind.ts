import type { RunSummary } from './types.js';

/**
 * The `kind` dimension of `compare --by kind`: the run's work kind (explicit or classified).
 * Default: `—` for runs recorded before kinds existed.
 */
export function kindDimensionValue(run: RunSummary): string {
  return run.kind ?? '—';
}
