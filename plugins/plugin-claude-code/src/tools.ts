import type { ToolKind } from '@omnigent/core';

const KINDS: Record<string, ToolKind> = {
  Bash: 'shell',
  BashOutput: 'shell',
  KillShell: 'shell',
  Read: 'read',
  Write: 'write',
  Edit: 'edit',
  MultiEdit: 'edit',
  NotebookEdit: 'edit',
  Grep: 'search',
  Glob: 'search',
  LS: 'search',
  WebFetch: 'web',
  WebSearch: 'web',
  Agent: 'agent',
  Task: 'agent',
  TodoWrite: 'todo',
};

/** Normalized kind of a Claude Code tool name. Default: `other`. */
export function toolKind(name: string): ToolKind {
  if (name.startsWith('mcp__')) return 'mcp';
  return KINDS[name] ?? 'other';
}

// Wording of the CLI's permission refusals (tool_result text); `result.permission_denials` and
// `system/permission_denied` confirm them when present.
// A PreToolUse hook that exits 2 blocks the call; the CLI words it "PreToolUse:<Tool> hook error".
const DENIAL_PATTERNS = [
  / was blocked\. For security/,
  /requested permissions? to /i,
  /haven't granted it yet/i,
  /permission to use .+ (?:has been|was) denied/i,
  // read-only (`plan`) mode: "Cannot write to <path> while in plan mode."
  / while in plan mode\.?$/,
  /^PreToolUse:\S* hook error/,
  /blocked by (?:a |the )?PreToolUse hook/i,
];

/** True when a tool error text is a permission refusal rather than a tool failure. */
export function isPermissionDenial(text: string): boolean {
  return DENIAL_PATTERNS.some((p) => p.test(text));
}
