import type { McpToolRef, NonTerminalDraft, ToolKind } from '@omnigent/core';
import { isRecord, str } from '@omnigent/core/kit';

/** ACP tool kinds → omnigent's. */
const KINDS: Record<string, ToolKind> = {
  read: 'read',
  edit: 'edit',
  delete: 'write',
  move: 'write',
  search: 'search',
  execute: 'shell',
  fetch: 'web',
  think: 'other',
  switch_mode: 'other',
  other: 'other',
};

/** Tool names that say what a call does when the agent left ACP's kind out (or sent `other`). */
const NAME_KINDS: Array<[RegExp, string]> = [
  [/^(bash|shell|sh|exec|execute|run_?command|run_terminal_cmd|terminal)$/i, 'execute'],
  [/^(read|read_?file|view|cat)$/i, 'read'],
  [/^(write|write_?file|create_?file|edit|edit_?file|multi_?edit|str_replace\w*|apply_?patch)$/i, 'edit'],
  [/^(grep|glob|find|ls|list|search|codebase_search)$/i, 'search'],
  [/^(fetch|web_?fetch|web_?search)$/i, 'fetch'],
];

/**
 * The ACP kind of a call: the agent's own, or, when it sent none or `other`, one read from a
 * well-known tool name (pi-acp sends `bash` with no kind). Default: `other`.
 */
export function effectiveKind(acpKind: string | undefined, name: string): string {
  if (acpKind && acpKind !== 'other') return acpKind;
  return NAME_KINDS.find(([re]) => re.test(name))?.[1] ?? 'other';
}

/** omnigent's tool kind for an ACP kind. Default: `other`. */
export function toolKind(acpKind: string | undefined): ToolKind {
  return (acpKind && KINDS[acpKind]) || 'other';
}

/** `mcp__server__tool` (Claude's naming, kept by its ACP adapter) → the server and tool. */
export function mcpRef(name: string): McpToolRef | undefined {
  const m = /^mcp__(.+?)__(.+)$/.exec(name);
  return m ? { server: m[1]!, tool: m[2]! } : undefined;
}

/**
 * The tool's own name: ACP's `name` when the agent sends it, else the adapter's `_meta` tool
 * name (the Claude Code adapter's `claudeCode.toolName`), else the title, else the kind.
 */
export function toolName(call: Record<string, unknown>): string {
  const meta = isRecord(call._meta) ? call._meta : {};
  const metaName = Object.values(meta)
    .map((v) => (isRecord(v) ? str(v.toolName) : undefined))
    .find(Boolean);
  return str(call.name) ?? metaName ?? str(call.title) ?? str(call.kind) ?? 'tool';
}

/** The text of a tool call's `content` blocks (ACP `content` entries holding text). */
export function contentText(content: unknown): string | undefined {
  if (!Array.isArray(content)) return undefined;
  const parts: string[] = [];
  for (const c of content) {
    if (!isRecord(c)) continue;
    if (c.type === 'content' && isRecord(c.content) && typeof c.content.text === 'string') parts.push(c.content.text);
  }
  return parts.length ? parts.join('\n') : undefined;
}

/** A file the call changed, from its `diff` content. */
export interface DiffChange {
  path: string;
  change: 'add' | 'update';
}

/** The `diff` entries of a tool call's content. */
export function diffsOf(content: unknown): DiffChange[] {
  if (!Array.isArray(content)) return [];
  const out: DiffChange[] = [];
  for (const c of content) {
    if (!isRecord(c) || c.type !== 'diff' || typeof c.path !== 'string') continue;
    out.push({ path: c.path, change: typeof c.oldText === 'string' ? 'update' : 'add' });
  }
  return out;
}

/** The exit code in a shell call's raw output, when the agent reports one. */
export function exitCodeOf(rawOutput: unknown): number | undefined {
  if (!isRecord(rawOutput)) return undefined;
  for (const key of ['exitCode', 'exit_code', 'code']) {
    const v = rawOutput[key];
    if (typeof v === 'number' && Number.isInteger(v)) return v;
  }
  return undefined;
}

/** A `file.changed` draft. */
export function fileChanged(path: string, change: 'add' | 'update' | 'delete', callId: string): NonTerminalDraft {
  return { type: 'file.changed', path, change, callId };
}
