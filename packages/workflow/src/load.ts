import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { LineCounter, parseDocument, parse as parseYamlValue, type Document } from 'yaml';
import type { z } from 'zod';
import { ancestorsOf, findCycle } from './dag.js';
import { WorkflowError, type WorkflowIssue } from './errors.js';
import { stepSchema, workflowSchema, type StepSpec, type WorkflowSpec } from './schema.js';
import { scanTemplate } from './template.js';
import type { Workflow, WorkflowStep } from './workflow.js';
import { lineOfPath } from './yaml-lines.js';

/** Options of {@link parseWorkflow}. */
export interface ParseWorkflowOptions {
  /** Path shown in messages. */
  file?: string;
  /** Harness ids that are installed; when given, a step naming another one is an error. */
  harnesses?: string[];
  /** `--set step.key=value` overrides (`*.key=value` for every step), applied before validation. */
  set?: string[];
}

/** Why a required key is required, for the `missing` message. */
const REQUIRED: Record<string, string> = {
  prompt: 'every step needs a prompt (what the agent is asked)',
  id: 'every step needs an id (letters, digits, - and _)',
  steps: 'a workflow needs a list of steps',
};

/** Edit distance of two short strings (for "did you mean"). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The keys allowed where an unknown key was found: top level, `defaults`, or a step. */
function allowedKeys(path: PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(workflowSchema.shape);
  if (path[0] === 'defaults') return Object.keys(workflowSchema.shape.defaults.unwrap().shape);
  return Object.keys(stepSchema.shape);
}

function unknownKeyMessage(path: PropertyKey[], key: string): string {
  const near = allowedKeys(path)
    // a shared stem counts as close (`retry` for `retries`)
    .map((k) => ({
      k,
      d: key.length >= 4 && k.startsWith(key.toLowerCase().slice(0, -1)) ? 1 : distance(key.toLowerCase(), k),
    }))
    .filter((c) => c.d <= 2)
    .sort((a, b) => a.d - b.d)[0];
  return near
    ? `unknown key; did you mean "${near.k}"?`
    : 'unknown key (see the workflow reference in the README of @omnigent/workflow)';
}

function describeIssue(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  let path = [...issue.path];
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    path = [...issue.path, issue.keys[0]!];
    message =
      issue.keys.length > 1
        ? `unknown keys ${issue.keys.join(', ')} (see the workflow reference in the README of @omnigent/workflow)`
        : unknownKeyMessage(issue.path, issue.keys[0]!);
  } else if (issue.code === 'too_small' && issue.origin === 'number') {
    message = `must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}`;
  } else if (issue.code === 'too_big' && issue.origin === 'number') {
    message = `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}`;
  } else if (issue.code === 'too_small' && issue.origin === 'string') {
    message = 'must not be empty';
  } else if (issue.code === 'invalid_type') {
    // zod names a required key's type `nonoptional`, which tells the reader nothing
    const what =
      issue.expected === 'nonoptional'
        ? (REQUIRED[String(path[path.length - 1])] ?? 'required')
        : `expected ${issue.expected}`;
    message = issue.input === undefined ? `missing: ${what}` : `expected ${issue.expected}`;
  } else if (issue.code === 'invalid_value' && 'values' in issue) {
    message = `expected one of ${(issue.values as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  } else if (issue.code === 'invalid_union' && path[path.length - 1] === 'needs') {
    message = 'expected a step id or a list of step ids';
  }
  return { path, message };
}

function applySets(value: unknown, sets: string[], issue: (key: string, message: string) => void): void {
  const steps = (value as { steps?: unknown } | null)?.steps;
  for (const set of sets) {
    const m = /^([^.=]+)\.([A-Za-z_]+)=(.*)$/s.exec(set);
    if (!m) {
      issue('--set', `expected step.key=value (e.g. plan.model=gpt-5), got "${set}"`);
      continue;
    }
    const [, stepId, key, raw] = m as unknown as [string, string, string, string];
    if (!Array.isArray(steps)) return;
    const targets = steps.filter(
      (s): s is Record<string, unknown> =>
        !!s && typeof s === 'object' && (stepId === '*' || (s as { id?: unknown }).id === stepId),
    );
    if (targets.length === 0) {
      issue('--set', `no step "${stepId}" in the workflow`);
      continue;
    }
    // YAML scalars, so `--set build.timeout=60` is a number and `--set x.apply=true` a boolean
    let parsed: unknown = raw;
    try {
      parsed = parseYamlValue(raw) ?? raw;
    } catch {
      parsed = raw;
    }
    if (key === 'model' || key === 'harness' || key === 'prompt' || key === 'cwd') parsed = raw;
    for (const t of targets) t[key] = parsed;
  }
}

function normalize(
  spec: WorkflowSpec,
  file: string | undefined,
  lineOfStep: (i: number) => number | undefined,
): Workflow {
  const d = spec.defaults ?? {};
  const steps = spec.steps.map((s: StepSpec, i): WorkflowStep => {
    const line = lineOfStep(i);
    const timeout = s.timeout ?? d.timeout;
    const model = s.model ?? d.model;
    const permissionMode = s.permission_mode ?? d.permission_mode;
    const maxTurns = s.max_turns ?? d.max_turns;
    const mcp = s.mcp ?? d.mcp;
    return {
      id: s.id,
      harness: (s.harness ?? d.harness)!,
      ...(model !== undefined ? { model } : {}),
      prompt: s.prompt,
      needs: s.needs === undefined ? [] : Array.isArray(s.needs) ? s.needs : [s.needs],
      ...(s.cwd !== undefined ? { cwd: s.cwd } : {}),
      ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
      retries: s.retries ?? d.retries ?? 0,
      env: { ...(d.env ?? {}), ...(s.env ?? {}) },
      args: [...(d.args ?? []), ...(s.args ?? [])],
      ...(permissionMode !== undefined ? { permissionMode } : {}),
      ...(maxTurns !== undefined ? { maxTurns } : {}),
      ...(s.system_prompt !== undefined ? { systemPrompt: s.system_prompt } : {}),
      ...(s.append_system_prompt !== undefined ? { appendSystemPrompt: s.append_system_prompt } : {}),
      ...(s.allowed_tools !== undefined ? { allowedTools: s.allowed_tools } : {}),
      ...(mcp !== undefined ? { mcp: Array.isArray(mcp) ? mcp : [mcp] } : {}),
      ...(s.kind !== undefined ? { kind: s.kind } : {}),
      onFailure: s.on_failure ?? d.on_failure ?? 'stop',
      always: s.always ?? false,
      isolation: s.isolation ?? d.isolation ?? 'none',
      apply: s.apply ?? false,
      ...(line !== undefined ? { line } : {}),
    };
  });
  return {
    name: spec.name ?? (file ? basename(file, extname(file)) : 'workflow'),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    ...(spec.input !== undefined ? { input: spec.input } : {}),
    ...(spec.concurrency !== undefined ? { concurrency: spec.concurrency } : {}),
    steps,
    ...(file !== undefined ? { file } : {}),
  };
}

/** The checks zod cannot do: unique ids, known `needs`, no cycle, harness set and known, templates. */
function checkSemantics(
  wf: Workflow,
  options: ParseWorkflowOptions,
  at: (path: PropertyKey[]) => number | undefined,
): WorkflowIssue[] {
  const issues: WorkflowIssue[] = [];
  const add = (path: PropertyKey[], message: string): void => {
    const line = at(path);
    issues.push({
      ...(options.file ? { file: options.file } : {}),
      ...(line ? { line } : {}),
      key: path.map(String).join('.'),
      message,
    });
  };
  const ids = new Set<string>();
  wf.steps.forEach((s, i) => {
    if (ids.has(s.id)) add(['steps', i, 'id'], `duplicate step id "${s.id}"`);
    ids.add(s.id);
  });
  wf.steps.forEach((s, i) => {
    if (!s.harness) add(['steps', i, 'harness'], 'missing (set harness on the step or under defaults)');
    else if (options.harnesses && !options.harnesses.includes(s.harness)) {
      add(
        ['steps', i, 'harness'],
        `unknown harness "${s.harness}" (installed: ${options.harnesses.join(', ') || 'none'}; \`omnigent plugins\` lists them)`,
      );
    }
    s.needs.forEach((n, j) => {
      const path = ['steps', i, 'needs', ...(at(['steps', i, 'needs', j]) ? [j] : [])];
      if (n === s.id) add(path, `step "${s.id}" needs itself`);
      else if (!ids.has(n)) add(path, `unknown step "${n}" (steps: ${[...ids].join(', ')})`);
    });
    if (s.apply && s.isolation !== 'worktree')
      add(['steps', i, 'apply'], 'apply only makes sense with isolation: worktree');
  });
  const cycle = findCycle(wf.steps);
  if (cycle) {
    const i = wf.steps.findIndex((s) => s.id === cycle[0]);
    add(['steps', i, 'needs'], `dependency cycle: ${cycle.join(' -> ')}`);
    return issues;
  }
  wf.steps.forEach((s, i) => {
    const before = ancestorsOf(s.id, wf.steps);
    for (const p of scanTemplate(s.prompt)) {
      if (p.error) add(['steps', i, 'prompt'], p.error);
      else if (p.ref?.kind === 'step') {
        if (!ids.has(p.ref.step)) add(['steps', i, 'prompt'], `${p.raw} refers to an unknown step "${p.ref.step}"`);
        else if (!before.has(p.ref.step)) {
          add(
            ['steps', i, 'prompt'],
            `${p.raw} refers to step "${p.ref.step}", which "${s.id}" does not need (add it to needs)`,
          );
        }
      }
    }
  });
  return issues;
}

/** Most alias expansions a workflow file may make (the `yaml` default); a nested alias "bomb" needs far more. */
const MAX_ALIAS_COUNT = 100;

/**
 * Parse and validate a workflow from YAML (or JSON) text. Throws {@link WorkflowError} listing
 * every problem with its file, line and key.
 */
export function parseWorkflow(text: string, options: ParseWorkflowOptions = {}): Workflow {
  const lines = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const where = options.file ? { file: options.file } : {};
  if (doc.errors.length > 0) {
    throw new WorkflowError(
      doc.errors.map((e) => {
        const line = e.linePos?.[0]?.line ?? lines.linePos(e.pos[0]).line;
        return {
          ...where,
          ...(line ? { line } : {}),
          key: '(yaml)',
          message: `not valid YAML: ${e.message.split('\n')[0]}`,
        };
      }),
    );
  }
  const at = (path: PropertyKey[]): number | undefined => lineOfPath(doc, lines, path);
  let value: unknown;
  try {
    // maxAliasCount bounds how far aliases may expand: a "billion laughs" file is refused, not expanded
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    throw new WorkflowError(
      [
        {
          ...where,
          key: '(yaml)',
          message: `not valid YAML: ${error instanceof Error ? error.message : String(error)} (more than ${MAX_ALIAS_COUNT} alias expansions)`,
        },
      ],
      'A workflow needs no more than a few YAML aliases (*name); write the repeated parts out.',
    );
  }
  const setIssues: WorkflowIssue[] = [];
  applySets(value, options.set ?? [], (key, message) => setIssues.push({ ...where, key, message }));
  if (setIssues.length) throw new WorkflowError(setIssues);
  const result = workflowSchema.safeParse(value, { reportInput: true });
  if (!result.success) {
    throw new WorkflowError(
      result.error.issues.map((issue) => {
        const { path, message } = describeIssue(issue);
        const line = at(path);
        return { ...where, ...(line ? { line } : {}), key: path.map(String).join('.') || '(root)', message };
      }),
    );
  }
  const wf = normalize(result.data, options.file, (i) => at(['steps', i]));
  const issues = checkSemantics(wf, options, at);
  if (issues.length) throw new WorkflowError(issues);
  return wf;
}

/** Read and validate a workflow file (see {@link parseWorkflow}). */
export async function loadWorkflow(file: string, options: Omit<ParseWorkflowOptions, 'file'> = {}): Promise<Workflow> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    throw new WorkflowError(
      [{ file, key: '(file)', message: `cannot read the workflow file: ${why}` }],
      'Check the path (example workflows are in examples/workflows/ of the omnigent repository).',
    );
  }
  return parseWorkflow(text, { ...options, file });
}
