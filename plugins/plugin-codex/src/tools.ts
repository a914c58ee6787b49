import type { ToolKind } from '@omnigent/core';

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Tool kind per codex item type; `agent_message`, `reasoning`, `plan` and `error` are not tools. */
export const TOOL_ITEMS: Record<string, ToolKind> = {
  command_execution: 'shell',
  file_change: 'edit',
  mcp_tool_call: 'mcp',
  collab_tool_call: 'agent',
  web_search: 'web',
  todo_list: 'todo',
};

/** The tool name of a tool item: `server/tool` for MCP, the tool for collab calls, else the item type. */
export function toolName(item: Record<string, unknown>): string {
  if (item.type === 'mcp_tool_call') return `${text(item.server) || 'mcp'}/${text(item.tool) || 'tool'}`;
  if (item.type === 'collab_tool_call') return text(item.tool) || 'collab_tool_call';
  return String(item.type);
}
