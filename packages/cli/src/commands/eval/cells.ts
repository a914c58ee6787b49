import type { EvalTask, EvalVariant } from './task-file.js';

/** One cell of an eval: a task run by a harness, a model, a variant, one repetition. */
export interface EvalCell {
  /** Position in the full (unsharded) eval, 0-based: shards and resumes rely on this order. */
  index: number;
  task: EvalTask;
  harness: string;
  /** Undefined: the harness's default. */
  model?: string;
  variant: EvalVariant;
  /** 0-based repetition. */
  repeat: number;
}

/** The variant every eval without declared variants runs. */
export const DEFAULT_VARIANT: EvalVariant = { name: 'default' };

/**
 * Every cell, task-major, then harness, model, variant, repetition (a stable order shards rely on).
 * Contract: pure; no model means each harness's default; no variant means {@link DEFAULT_VARIANT};
 * `models` as a function gives each harness its own models (`omnigent demo`: each harness's scripted pair).
 */
export function evalCells(
  tasks: EvalTask[],
  harnesses: string[],
  models: Array<string | undefined> | ((harness: string) => Array<string | undefined>),
  variants: EvalVariant[],
  repeat: number,
): EvalCell[] {
  const out: EvalCell[] = [];
  for (const task of tasks) {
    for (const harness of harnesses) {
      const mine = typeof models === 'function' ? models(harness) : models;
      for (const model of mine.length ? mine : [undefined]) {
        for (const variant of variants.length ? variants : [DEFAULT_VARIANT]) {
          for (let r = 0; r < repeat; r++)
            out.push({
              index: out.length,
              task,
              harness,
              ...(model !== undefined ? { model } : {}),
              variant,
              repeat: r,
            });
        }
      }
    }
  }
  return out;
}

/** The group a cell's results are pooled in: `harness/model/variant` (`default` for a default model). */
export function groupLabel(c: { harness: string; model?: string | undefined; variant: string }): string {
  return `${c.harness}/${c.model ?? 'default'}/${c.variant}`;
}

/** Identity of a cell across runs of the same eval (what `--resume` looks for). */
export function cellKey(c: {
  task: string;
  harness: string;
  model?: string | undefined;
  variant: string;
  repeat: number;
}): string {
  return `${c.task}|${c.harness}|${c.model ?? ''}|${c.variant}|${c.repeat}`;
}

/** Progress label: `fix-bug codex/gpt-5/terse #2`. */
export function cellLabel(c: EvalCell): string {
  return `${c.task.id} ${groupLabel({ harness: c.harness, ...(c.model !== undefined ? { model: c.model } : {}), variant: c.variant.name })} #${c.repeat + 1}`;
}

/**
 * Which group `--baseline` names: an exact `harness/model/variant` label, else the one group whose
 * label has every `/`-separated part given (`codex`, `claude-code/haiku`, `terse`).
 * Contract: undefined when none matches; an error message when several do.
 */
export function findBaseline(labels: string[], wanted: string): { label?: string; error?: string } {
  if (labels.includes(wanted)) return { label: wanted };
  const parts = wanted.split('/').filter(Boolean);
  const hits = labels.filter((l) => {
    const segs = l.split('/');
    return parts.every((p) => segs.includes(p));
  });
  if (hits.length === 1) return { label: hits[0]! };
  if (hits.length > 1)
    return {
      error: `--baseline ${wanted} matches ${hits.length} cells (${hits.join(', ')}); name one as harness/model/variant`,
    };
  return { error: `--baseline ${wanted} matches no cell (cells: ${labels.join(', ')})` };
}
