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
