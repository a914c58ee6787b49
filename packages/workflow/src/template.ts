/** Fields of an earlier step that a prompt template can use as `{{ steps.<id>.<field> }}`. */
export const STEP_FIELDS = ['output', 'diff', 'files', 'status', 'worktree', 'harness', 'model'] as const;

/** One field of {@link STEP_FIELDS}. */
export type StepField = (typeof STEP_FIELDS)[number];

/** A variable a template refers to. */
export type TemplateRef = { kind: 'input' } | { kind: 'step'; step: string; field: StepField };

/** A `{{ … }}` placeholder found in a template. */
export interface TemplatePlaceholder {
  /** The whole placeholder, braces included. */
  raw: string;
  /** The expression between the braces, trimmed. */
  expr: string;
  /** The reference, or undefined when the expression is not a known variable. */
  ref?: TemplateRef;
  /** Why the expression is not a known variable. */
  error?: string;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const STEP_REF = /^steps\.([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_]+)$/;

function parseExpr(expr: string): Pick<TemplatePlaceholder, 'ref' | 'error'> {
  if (expr === 'input') return { ref: { kind: 'input' } };
  const m = STEP_REF.exec(expr);
  if (!m)
    return {
      error: `unknown template variable {{ ${expr} }} (use {{ input }} or {{ steps.<id>.<${STEP_FIELDS.join('|')}> }})`,
    };
  const field = m[2]!;
  if (!(STEP_FIELDS as readonly string[]).includes(field)) {
    return { error: `unknown step field {{ ${expr} }} (a step has ${STEP_FIELDS.join(', ')})` };
  }
  return { ref: { kind: 'step', step: m[1]!, field: field as StepField } };
}

/** Every `{{ … }}` placeholder of a template, in order. */
export function scanTemplate(template: string): TemplatePlaceholder[] {
  const out: TemplatePlaceholder[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    const expr = m[1]!.trim();
    out.push({ raw: m[0], expr, ...parseExpr(expr) });
  }
  return out;
}

/** What the placeholders of a template stand for at run time. */
export interface TemplateValues {
  input: string;
  steps: Record<string, Partial<Record<StepField, string | string[] | undefined>>>;
}

/**
 * Fill a template. Lists (changed files) are written one per line; a value that does not exist
 * (a step that made no worktree) is the empty string. Contract: the template was validated, so
 * every placeholder is a known variable; an unknown one is left as written.
 */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (raw: string, inner: string) => {
    const { ref } = parseExpr(inner.trim());
    if (!ref) return raw;
    if (ref.kind === 'input') return values.input;
    const v = values.steps[ref.step]?.[ref.field];
    if (Array.isArray(v)) return v.join('\n');
    return v ?? '';
  });
}

/** The ids of the steps whose prompt uses `{{ input }}` (a run without an input would give them ''). */
export function stepsUsingInput(steps: ReadonlyArray<{ id: string; prompt: string }>): string[] {
  return steps.filter((s) => scanTemplate(s.prompt).some((p) => p.ref?.kind === 'input')).map((s) => s.id);
}
