import { z } from 'zod';

/** Step ids: a letter or `_` first, then letters, digits, `_` and `-`. */
export const STEP_ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const stepId = z.string().regex(STEP_ID, 'expected a step id (letters, digits, - and _, starting with a letter)');
const permissionMode = z.enum(['default', 'read-only', 'accept-edits', 'bypass']);
// the work kinds of @omnigent/store's WORK_KINDS (not imported: the workflow package does not depend on the store)
const workKind = z.enum(['feature', 'bugfix', 'refactor', 'test', 'docs', 'review', 'plan', 'analysis', 'chore']);
// env values may be written as YAML numbers or booleans; the child gets strings
const envValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

/** Settings a step may take from `defaults:`. */
const sharedStepFields = {
  /** Harness id (`claude-code`, `codex`, `cursor`, `pi`, …). */
  harness: z.string().min(1),
  /** Model id as the harness understands it. */
  model: z.string().min(1),
  /** Wall-clock limit of one attempt, in seconds. */
  timeout: z.number().positive(),
  /** Extra attempts after a failure (not after Ctrl-C). Default: 0. */
  retries: z.number().int().min(0).max(10),
  env: z.record(z.string(), envValue),
  /** Extra arguments passed to the harness CLI verbatim. */
  args: z.array(z.string()),
  permission_mode: permissionMode,
  max_turns: z.number().int().positive(),
  /** What a failure of this step does to the rest. Default: `stop`. */
  on_failure: z.enum(['stop', 'continue']),
  /** `worktree`: run in a git worktree of its own. Default: `none`. */
  isolation: z.enum(['none', 'worktree']),
  /** MCP servers from `omnigent.config.*` `mcp.servers` (a name, a list, or `none`). Default: config `mcp.default`. */
  mcp: z.union([z.string().min(1), z.array(z.string().min(1))]),
};

/** Schema of one step. */
export const stepSchema = z
  .object({
    id: stepId,
    /** The prompt template (`{{ input }}`, `{{ steps.<id>.output }}`, …). */
    prompt: z.string().min(1),
    needs: z.union([stepId, z.array(stepId)]),
    /** Working directory, relative to the workflow's base directory. */
    cwd: z.string().min(1),
    system_prompt: z.string(),
    append_system_prompt: z.string(),
    allowed_tools: z.array(z.string()),
    /** Run even when a step it needs failed or was skipped (not after Ctrl-C). */
    always: z.boolean(),
    /** With `isolation: worktree`: apply the step's diff to the base tree when it succeeds. */
    apply: z.boolean(),
    /** Kind of work the step does (stored with its run; else classified from the prompt). */
    kind: workKind,
    ...sharedStepFields,
  })
  .partial()
  .required({ id: true, prompt: true })
  .strict();

/** Schema of a workflow file. */
export const workflowSchema = z
  .object({
    name: z.string().min(1),
    description: z.string(),
    /** Default input when `--input` is not given. */
    input: z.string(),
    /** Most steps running at once. Default: 4. */
    concurrency: z.number().int().positive(),
    defaults: z.object(sharedStepFields).partial().strict(),
    steps: z.array(stepSchema).min(1, 'a workflow needs at least one step'),
  })
  .partial()
  .required({ steps: true })
  .strict();

/** A step as written in the file (after schema validation). */
export type StepSpec = z.infer<typeof stepSchema>;
/** A workflow file as written (after schema validation). */
export type WorkflowSpec = z.infer<typeof workflowSchema>;
/** Kind of work of a step (`kind:`). */
export type StepWorkKind = z.infer<typeof workKind>;
/** Permission level of a step. */
export type StepPermissionMode = z.infer<typeof permissionMode>;
