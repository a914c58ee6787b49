import type { MlflowApiConfig } from './config.js';
import { mlflowCall, type MlflowCallResult } from './mlflow-api.js';

/** One success check of an eval cell, as the trace's assessment records it. */
export interface EvalCheckOutcome {
  name: string;
  pass: boolean;
  durationMs: number;
  exitCode?: number;
  reason?: string;
  outputTail?: string;
}

/** The eval cell a run is (its trace tags `omnigent.eval.*`). */
export interface EvalCellInfo {
  id: string;
  task: string;
  variant: string;
  repeat: number;
}

/** MLflow trace tags of an eval cell. */
export function evalTraceTags(cell: EvalCellInfo, checks?: EvalCheckOutcome[]): Record<string, string> {
  return {
    'omnigent.eval.id': cell.id,
    'omnigent.eval.task': cell.task,
    'omnigent.eval.variant': cell.variant,
    'omnigent.eval.repeat': String(cell.repeat),
    ...(checks ? { 'omnigent.eval.passed': String(checks.every((c) => c.pass)) } : {}),
  };
}

function rationale(c: EvalCheckOutcome): string {
  const how =
    c.reason === 'timeout'
      ? `timed out after ${c.durationMs} ms`
      : c.reason === 'interrupted'
        ? 'interrupted'
        : c.exitCode !== undefined
          ? `exit ${c.exitCode} in ${c.durationMs} ms`
          : `did not run (${c.reason ?? 'unknown'})`;
  const tail = c.outputTail ? `\n${c.outputTail.slice(-1500)}` : '';
  return `${how}${tail}`;
}

/**
 * Log an eval cell's check outcomes on its MLflow trace as code feedback (CreateAssessment,
 * `POST /api/3.0/mlflow/traces/tr-<id>/assessments`): one boolean feedback per check (rationale:
 * how it ended and its output tail) and `task_passed` for all of them. Contract: never throws;
 * the first failed call is returned.
 */
export async function logEvalAssessments(
  api: MlflowApiConfig,
  traceId: string,
  cell: EvalCellInfo,
  checks: EvalCheckOutcome[],
  timeoutMs: number,
): Promise<MlflowCallResult> {
  const id = `tr-${traceId}`;
  const metadata = {
    'omnigent.eval.id': cell.id,
    'omnigent.eval.task': cell.task,
    'omnigent.eval.variant': cell.variant,
    'omnigent.eval.repeat': String(cell.repeat),
  };
  const feedback = (name: string, value: boolean, why: string): Promise<MlflowCallResult> =>
    mlflowCall(
      api,
      'POST',
      `/api/3.0/mlflow/traces/${id}/assessments`,
      {
        assessment: {
          assessment_name: name,
          trace_id: id,
          source: { source_type: 'CODE', source_id: 'omnigent eval' },
          feedback: { value },
          rationale: why,
          metadata,
        },
      },
      timeoutMs,
    );
  const results = await Promise.all([
    ...checks.map((c) => feedback(c.name, c.pass, rationale(c))),
    feedback(
      'task_passed',
      checks.every((c) => c.pass),
      `${checks.filter((c) => c.pass).length} of ${checks.length} checks passed`,
    ),
  ]);
  return results.find((r) => !r.ok) ?? { ok: true };
}
