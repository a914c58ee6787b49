import type { RunKind } from './sinks/types.js';

/**
 * The kind of work of a run: the one given (`--kind`, a step's `kind:`, an eval task's) with
 * confidence 1, else classified offline from the prompt. Contract: never throws.
 */
export async function runKind(prompt: string, given: RunKind['kind'] | undefined): Promise<RunKind> {
  if (given) return { kind: given, source: 'explicit', confidence: 1 };
  const { classifyKind } = await import('@omnigent/store');
  const guess = classifyKind({ prompt });
  return { kind: guess.kind, source: 'classified', confidence: guess.confidence };
}
