import type { RunTraceInfo } from './run-tracer.js';

/** What a run came to, as far as MLflow's trace tags go (RunTracer's `summary`). */
export interface RunSummary {
  sessionId?: string;
  model?: string;
  harnessVersion?: string;
  status?: 'ok' | 'failed' | 'interrupted';
  costUsd?: number;
}

/** MLflow trace metadata keys omnigent sets (only StartTraceV3 can set them on MLflow 3.6). */
export const TRACE_METADATA = { session: 'mlflow.trace.session', user: 'mlflow.trace.user' } as const;

/** `mlflow.traceName`: what MLflow's trace list shows as the trace's name. */
export const TRACE_NAME_TAG = 'mlflow.traceName';

/**
 * The user's `--tag`s as MLflow tags: `key=value` as is, a bare `word` as `word = "true"`.
 * Contract: keys in MLflow's own `mlflow.` namespace are left out (they steer MLflow itself).
 */
export function userTags(tags: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of tags ?? []) {
    const t = raw.trim();
    if (!t) continue;
    const i = t.indexOf('=');
    const [key, value] = i > 0 ? [t.slice(0, i).trim(), t.slice(i + 1).trim()] : [t, 'true'];
    if (!key || key.toLowerCase().startsWith('mlflow.')) continue;
    out[key] = value || 'true';
  }
  return out;
}

/** `claude-code · claude-sonnet-4-5` (the harness alone while the model is unknown). */
export function runTraceName(harness: string, model: string | undefined): string {
  return model ? `${harness} · ${model}` : harness;
}

/** Tags of a run's own trace: at its start (status `running`) and again at its end. */
export function runTraceTags(
  info: Pick<RunTraceInfo, 'runId' | 'harness' | 'tags' | 'kind'>,
  summary: RunSummary,
  extra: Record<string, string> = {},
): Record<string, string> {
  const tags: Record<string, string> = {
    ...userTags(info.tags),
    [TRACE_NAME_TAG]: runTraceName(info.harness, summary.model),
    'omnigent.harness': info.harness,
    'omnigent.run_id': info.runId,
    'omnigent.status': summary.status ?? 'running',
    ...extra,
  };
  if (summary.model) tags['omnigent.model'] = summary.model;
  if (info.kind) tags['omnigent.kind'] = info.kind;
  if (summary.harnessVersion) tags['omnigent.harness_version'] = summary.harnessVersion;
  if (summary.costUsd !== undefined) tags['omnigent.cost_usd'] = String(Number(summary.costUsd.toFixed(6)));
  return tags;
}

/** Tags a workflow step adds to its workflow's trace: `omnigent.step.<step>.harness`, `.model`, `.run_id`, `.status`. */
export function stepTraceTags(
  info: Pick<RunTraceInfo, 'runId' | 'harness' | 'tags' | 'workflow'>,
  summary: RunSummary,
): Record<string, string> {
  const step = info.workflow?.step ?? 'step';
  const tags: Record<string, string> = {
    ...userTags(info.tags),
    [`omnigent.step.${step}.harness`]: info.harness,
    [`omnigent.step.${step}.run_id`]: info.runId,
    [`omnigent.step.${step}.status`]: summary.status ?? 'running',
  };
  if (summary.model) tags[`omnigent.step.${step}.model`] = summary.model;
  if (summary.costUsd !== undefined)
    tags[`omnigent.step.${step}.cost_usd`] = String(Number(summary.costUsd.toFixed(6)));
  return tags;
}
