import type { ToolKind } from '@omnigent/core';

const TOOL_KINDS: Record<string, ToolKind> = {
  bash: 'shell',
  read: 'read',
  ls: 'read',
  write: 'write',
  edit: 'edit',
  grep: 'search',
  find: 'search',
};

/** Normalized kind of a pi tool (built-ins by name; extension tools by a few name hints). */
export function piToolKind(name: string): ToolKind {
  const kind = TOOL_KINDS[name];
  if (kind) return kind;
  const n = name.toLowerCase();
  if (n.startsWith('mcp')) return 'mcp';
  if (n.includes('web') || n.includes('fetch')) return 'web';
  if (n.includes('agent') || n === 'task') return 'agent';
  if (n.includes('todo')) return 'todo';
  return 'other';
}
