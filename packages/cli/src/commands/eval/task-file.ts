import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '@omnigent/core';
import { WORK_KINDS, type WorkKind } from '@omnigent/store';
import { lineOfPath } from '@omnigent/workflow';
import { LineCounter, parseDocument, parse as parseYamlValue } from 'yaml';
import { z } from 'zod';

const envSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

const checkSchema = z
  .object({
    name: z.string().min(1),
    run: z.string().min(1),
    timeout: z.number().positive().optional(),
    files: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
  })
  .strict();

const taskFields = {
  id: z
    .string()
    .regex(/^[A-Za-z0-9][\w.-]*$/, 'expected letters, digits, ".", "_" or "-"')
    .optional(),
  prompt: z.string().min(1),
  repo: z.string().min(1).optional(),
  ref: z.string().min(1).optional(),
  cwd: z.string().min(1).optional(),
  setup: z.union([z.string(), z.array(z.string())]).optional(),
  env: envSchema.optional(),
  timeout: z.number().positive().optional(),
  tags: z.array(z.string()).optional(),
  kind: z.enum(WORK_KINDS as [WorkKind, ...WorkKind[]]).optional(),
  checks: z.array(checkSchema).optional(),
};
const taskSchema = z.object(taskFields).strict();

const variantSchema = z
  .object({
    systemPrompt: z.string().optional(),
    appendSystemPrompt: z.string().optional(),
    args: z.array(z.string()).optional(),
    env: envSchema.optional(),
    permissionMode: z.enum(['default', 'read-only', 'accept-edits', 'bypass']).optional(),
    maxTurns: z.number().int().positive().optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    mcp: z.array(z.string()).optional(),
  })
  .strict();

const suiteSchema = z
  .object({
    tasks: z.array(z.union([z.string().min(1), taskSchema])).optional(),
    variants: z
      .record(
        z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'a variant name is letters, digits, ".", "_" or "-"'),
        variantSchema.nullable(),
      )
      .optional(),
    harnesses: z.array(z.string().min(1)).optional(),
    models: z.array(z.string().min(1)).optional(),
    repeat: z.number().int().positive().optional(),
    baseline: z.string().min(1).optional(),
  })
  .strict();

/** A success check: a command omnigent runs in the agent's work tree after the agent finished. */
export interface EvalCheck {
  name: string;
  /** Shell command; pass = exit 0. */
  run: string;
  /** Seconds. Default: 300. */
  timeout?: number;
  /** Absolute paths (files or folders) copied into the work tree just before the checks: the agent never sees them. */
  files: string[];
}

/** One task of a suite. */
export interface EvalTask {
  id: string;
  /** The file the task was read from. */
  file: string;
  prompt: string;
  /** Absolute path (or a git URL) of the starting code. Default: the task file's folder. */
  repo: string;
  /** Git ref to start from. Default: HEAD of the repository, or a plain copy when it is no repository. */
  ref?: string;
  cwd?: string;
  setup: string[];
  env?: Record<string, string>;
  /** Seconds. */
  timeout?: number;
  tags: string[];
  kind?: WorkKind;
  checks: EvalCheck[];
}

/** A named set of run options (the `variants:` of a suite). */
export type EvalVariant = z.infer<typeof variantSchema> & { name: string };

/** Tasks, variants and defaults read from one or more suite paths. */
export interface EvalSuite {
  tasks: EvalTask[];
  /** Declared variants; empty: one implicit `default`. */
  variants: EvalVariant[];
  harnesses?: string[];
  models?: string[];
  repeat?: number;
  baseline?: string;
}

/**
 * A variant given on the command line: `name={appendSystemPrompt: Be brief, maxTurns: 5}` (a YAML
 * flow mapping of the suite's variant keys). Contract: throws a ConfigError naming the option.
 */
export function parseCliVariant(text: string): EvalVariant {
  const i = text.indexOf('=');
  const name = text.slice(0, i).trim();
  const where = { key: `--variant ${name || text}` };
  if (!/^[A-Za-z0-9][\w.-]*$/.test(name))
    throw new ConfigError('a variant name is letters, digits, ".", "_" or "-" before the "="', where);
  let value: unknown;
  try {
    value = parseYamlValue(text.slice(i + 1)) ?? {};
  } catch (error) {
    throw new ConfigError(`not a YAML mapping: ${(error as Error).message.split('\n')[0]}`, where);
  }
  const parsed = variantSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues.find((x) => x.code === 'unrecognized_keys') ?? parsed.error.issues[0]!;
    const keys = 'systemPrompt, appendSystemPrompt, args, env, permissionMode, maxTurns, options, mcp';
    throw new ConfigError(
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.join(', ')} (a variant has ${keys})`
        : `${issue.path.join('.') || 'value'}: ${issue.message}`,
      where,
    );
  }
  return { ...parsed.data, name };
}

/** The keys of a task, for "unknown key" messages. */
export const TASK_KEYS = Object.keys(taskFields).join(', ');

type Located = { value: unknown; at: (path: PropertyKey[]) => number | undefined };

function readYaml(file: string, what: string): Located {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `cannot read the ${what}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`,
      { file },
    );
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line ?? lines.linePos(e.pos[0]).line;
    throw new ConfigError(`not valid YAML: ${e.message.split('\n')[0]!.replace(/:$/, '')}`, {
      file,
      ...(line ? { line } : {}),
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new ConfigError(`not valid YAML: ${(error as Error).message}`, { file });
  }
  return { value, at: (path) => lineOfPath(doc, lines, path) };
}

function schemaError(
  issues: z.core.$ZodIssue[],
  file: string,
  at: Located['at'],
  prefix: PropertyKey[],
  keysHint: string,
): ConfigError {
  // a misspelt key first: "unknown key promt" explains the "missing prompt" that follows from it
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown key${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''} (${keysHint})`
      : issue.code === 'invalid_type' && issue.input === undefined
        ? issue.path[issue.path.length - 1] === 'prompt'
          ? 'missing: a task needs a prompt (what every harness is asked)'
          : 'missing'
        : issue.code === 'invalid_type'
          ? `expected ${issue.expected}`
          : issue.code === 'invalid_value' && 'values' in issue
            ? `expected one of ${(issue.values as unknown[]).map(String).join(', ')}`
            : issue.message;
  const path = [...prefix, ...(issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path)];
  const line = at(path);
  return new ConfigError(message, { file, ...(line ? { line } : {}), key: path.map(String).join('.') || '(root)' });
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

function toTask(
  raw: z.infer<typeof taskSchema>,
  file: string,
  fallbackId: string,
  at: Located['at'],
  prefix: PropertyKey[],
): EvalTask {
  const dir = dirname(file);
  const isUrl = raw.repo !== undefined && /^(?:[a-z+]+:\/\/|git@)/.test(raw.repo);
  const repo = raw.repo === undefined ? dir : isUrl ? raw.repo : resolve(dir, raw.repo);
  const where = (key: PropertyKey[]): { file: string; line?: number; key: string } => {
    const line = at([...prefix, ...key]);
    return { file, ...(line ? { line } : {}), key: [...prefix, ...key].map(String).join('.') };
  };
  if (!isUrl && !existsSync(repo))
    throw new ConfigError(
      `no such folder: ${repo} (the starting code: a folder to copy, or a git repository)`,
      where(['repo']),
    );
  const checks = (raw.checks ?? []).map((c, i): EvalCheck => {
    const files = (c.files === undefined ? [] : Array.isArray(c.files) ? c.files : [c.files]).map((f) =>
      resolve(dir, f),
    );
    for (const [j, f] of files.entries()) {
      if (!existsSync(f))
        throw new ConfigError(
          `no such file or folder: ${f}`,
          where(['checks', i, 'files', ...(Array.isArray(c.files) ? [j] : [])]),
        );
      // the agent gets a copy of the starting code: check files inside it would be in plain sight
      if (!isUrl && isInside(f, repo))
        throw new ConfigError(
          `${f} is inside the starting code (${repo}), so the agent would see it; keep check files outside the repo folder`,
          where(['checks', i, 'files']),
        );
    }
    return { name: c.name, run: c.run, ...(c.timeout !== undefined ? { timeout: c.timeout } : {}), files };
  });
  const names = new Set<string>();
  for (const [i, c] of checks.entries()) {
    if (names.has(c.name))
      throw new ConfigError(
        `two checks are named "${c.name}"; each check needs its own name`,
        where(['checks', i, 'name']),
      );
    names.add(c.name);
  }
  return {
    id: raw.id ?? fallbackId,
    file,
    prompt: raw.prompt,
    repo,
    ...(raw.ref ? { ref: raw.ref } : {}),
    ...(raw.cwd ? { cwd: raw.cwd } : {}),
    setup: raw.setup === undefined ? [] : Array.isArray(raw.setup) ? raw.setup : [raw.setup],
    ...(raw.env ? { env: raw.env } : {}),
    ...(raw.timeout !== undefined ? { timeout: raw.timeout } : {}),
    tags: raw.tags ?? [],
    ...(raw.kind ? { kind: raw.kind } : {}),
    checks,
  };
}

function idOf(file: string): string {
  const name = basename(file, extname(file));
  // folder/task.yaml is named after its folder
  return (name === 'task' ? basename(dirname(file)) : name).replace(/[^\w.-]/g, '-');
}

/** Read one YAML file into the suite: a task (it has a `prompt`) or a suite (`tasks`, `variants`…). */
function loadFile(file: string, suite: EvalSuite, seen: Set<string>): void {
  if (seen.has(file)) return;
  seen.add(file);
  const { value, at } = readYaml(file, 'task');
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ConfigError('expected a task (prompt, checks…) or a suite (tasks, variants…)', { file, key: '(root)' });
  if ('prompt' in value || !('tasks' in value || 'variants' in value || 'harnesses' in value || 'models' in value)) {
    const parsed = taskSchema.safeParse(value);
    if (!parsed.success) throw schemaError(parsed.error.issues, file, at, [], `a task has ${TASK_KEYS}`);
    suite.tasks.push(toTask(parsed.data, file, idOf(file), at, []));
    return;
  }
  const parsed = suiteSchema.safeParse(value);
  if (!parsed.success) {
    const inTask = parsed.error.issues.find((i) => i.path[0] === 'tasks');
    throw schemaError(
      parsed.error.issues,
      file,
      at,
      [],
      inTask ? `a task has ${TASK_KEYS}` : 'a suite has tasks, variants, harnesses, models, repeat, baseline',
    );
  }
  const s = parsed.data;
  for (const [i, t] of (s.tasks ?? []).entries()) {
    if (typeof t === 'string') {
      const path = resolve(dirname(file), t);
      if (!existsSync(path)) {
        const line = at(['tasks', i]);
        throw new ConfigError(`no such task file or folder: ${path}`, {
          file,
          ...(line ? { line } : {}),
          key: `tasks.${i}`,
        });
      }
      loadPath(path, suite, seen);
    } else suite.tasks.push(toTask(t, file, `${idOf(file)}-${i + 1}`, at, ['tasks', i]));
  }
  for (const [name, v] of Object.entries(s.variants ?? {})) {
    if (suite.variants.some((x) => x.name === name)) {
      const line = at(['variants', name]);
      throw new ConfigError(`variant "${name}" is declared twice`, {
        file,
        ...(line ? { line } : {}),
        key: `variants.${name}`,
      });
    }
    suite.variants.push({ ...(v ?? {}), name });
  }
  if (s.harnesses) suite.harnesses = s.harnesses;
  if (s.models) suite.models = s.models;
  if (s.repeat) suite.repeat = s.repeat;
  if (s.baseline) suite.baseline = s.baseline;
}

/** A folder: its `*.yaml`/`*.yml` files, then each subfolder's `task.yaml` (sorted, so cells keep their order). */
function loadPath(path: string, suite: EvalSuite, seen: Set<string>): void {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    throw new ConfigError('cannot read the task: no such file', { file: path });
  }
  if (!st.isDirectory()) {
    loadFile(path, suite, seen);
    return;
  }
  const entries = readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) if (e.isFile() && /\.ya?ml$/.test(e.name)) loadFile(join(path, e.name), suite, seen);
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    for (const name of ['task.yaml', 'task.yml'])
      if (existsSync(join(path, e.name, name))) loadFile(join(path, e.name, name), suite, seen);
  }
}

/**
 * Load a suite from files and folders. Contract: throws a ConfigError naming the file, line and
 * key of the first problem; task ids are unique; a suite with no task is an error.
 * Default: one implicit variant `default` when none is declared.
 */
export function loadSuite(paths: string[]): EvalSuite {
  const suite: EvalSuite = { tasks: [], variants: [] };
  const seen = new Set<string>();
  for (const p of paths) loadPath(resolve(p), suite, seen);
  if (!suite.tasks.length)
    throw new ConfigError('no task found: a suite is a task file, a suite file with tasks:, or a folder of them', {
      file: resolve(paths[0] ?? '.'),
    });
  const ids = new Map<string, string>();
  for (const t of suite.tasks) {
    const other = ids.get(t.id);
    if (other !== undefined)
      throw new ConfigError(`task id "${t.id}" is also the id of a task in ${other}; give one of them another id`, {
        file: t.file,
        key: 'id',
      });
    ids.set(t.id, t.file);
  }
  return suite;
}
