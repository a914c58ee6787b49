import { classifyKind } from './classify-kind.js';
import type { KindLabel } from './insights-types.js';
import type { RunSummary } from './types.js';

/**
 * The kind insights file a run under: its stored kind; else (a run recorded before kinds existed)
 * classified now from its prompt preview; `unclassified` when it has no prompt either.
 */
export function kindLabelOf(run: RunSummary): { kind: KindLabel; classifiedHere: boolean } {
  if (run.kind) return { kind: run.kind, classifiedHere: false };
  if (run.prompt?.trim()) return { kind: classifyKind({ prompt: run.prompt }).kind, classifiedHere: true };
  return { kind: 'unclassified', classifiedHere: false };
}

/** Whether a finished run counts as a success: completed, and every eval check (if any) passed. */
export function succeeded(run: RunSummary): boolean {
  const outcome = run.status === 'incomplete' ? run.outcome : run.status;
  return outcome === 'completed' && (run.checks ?? []).every((c) => c.pass);
}

/**
 * Whether a run counts for a success rate: it completed or failed. Running runs have no outcome
 * yet, and interrupted ones were stopped by the user (or a killed omnigent), not failed by the agent.
 */
export function finished(run: RunSummary): boolean {
  const outcome = run.status === 'incomplete' ? run.outcome : run.status;
  return outcome === 'completed' || outcome === 'failed';
}
