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
  return run.status === 'completed' && (run.checks ?? []).every((c) => c.pass);
}

/** Whether a run has ended (a running one has no outcome yet). */
export function finished(run: RunSummary): boolean {
  return run.status !== 'running';
}
