import { OmnigentError } from '@omnigent/core';

/** One problem found in a workflow file. */
export interface WorkflowIssue {
  /** Path of the workflow file, when it came from one. */
  file?: string;
  /** 1-based line of the offending key, when known. */
  line?: number;
  /** Dotted key, e.g. `steps.1.needs` (`(root)` for the document itself). */
  key: string;
  message: string;
}

/** Format one issue as `file:line: key: message` (pseudo-keys such as `(yaml)` and `(file)` are left out: they say nothing the message does not). */
export function formatIssue(issue: WorkflowIssue): string {
  const loc = issue.file
    ? `${issue.file}${issue.line ? `:${issue.line}` : ''}: `
    : issue.line
      ? `line ${issue.line}: `
      : '';
  const key = issue.key.startsWith('(') ? '' : `${issue.key}: `;
  return `${loc}${key}${issue.message}`;
}

/**
 * The workflow file is invalid (bad YAML, schema, cycle, unknown reference…). Carries every issue
 * found, each naming the file, line and key. Code `WORKFLOW`: the CLI exits 2.
 */
export class WorkflowError extends OmnigentError {
  readonly issues: WorkflowIssue[];
  constructor(
    found: WorkflowIssue[],
    hint = 'Fix the workflow file; `omnigent workflow validate <file>` checks it without running anything.',
  ) {
    // in file order, so the list reads top to bottom like the file (stable: same-line issues keep their order)
    const issues = [...found].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
    const head = issues.length === 1 ? 'Invalid workflow: ' : `Invalid workflow (${issues.length} problems):\n  `;
    super('WORKFLOW', head + issues.map(formatIssue).join('\n  '), { hint });
    this.issues = issues;
  }
}
