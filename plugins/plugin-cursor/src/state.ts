import type { McpToolRef, RunRequest, TokenUsage, ToolKind } from '@omnigent/core';

/** A tool call that started and has not completed. */
export interface OpenTool {
  key: string;
  name: string;
  kind: ToolKind;
  /** The MCP server and tool, for an `mcpToolCall` (its completed line may omit the args). */
  mcp?: McpToolRef;
  /** The CLI's own `timestamp_ms` of the `started` line, when it carried one. */
  startedAtMs?: number;
}

/** The model call (turn) content lines are being placed in. */
export interface Turn {
  /** 1-based. */
  n: number;
  /** The `model_call_id` this turn stands for, once a line carried one. */
  modelCallId?: string;
  hadTools: boolean;
}

/** Per-run translate state. */
export interface CursorState {
  request: RunRequest;
  sessionStarted: boolean;
  /** The display name from `init` (`Auto`, `Claude 4 Sonnet`). */
  model?: string;
  turn?: Turn;
  turns: number;
  /** Partial-output deltas of the current text segment, not yet consolidated. */
  pendingText: string;
  /** Thinking deltas since the last `thinking/completed`. */
  pendingThinking: string;
  open: Map<string, OpenTool>;
  closed: Set<string>;
  /** Counter for calls that arrive without any id. */
  anonymousCalls: number;
  result?: { isError: boolean; text?: string; subtype?: string };
  usage?: TokenUsage;
}

/** Fresh state for one run. */
export function createCursorState(request: RunRequest): CursorState {
  return {
    request,
    sessionStarted: false,
    turns: 0,
    pendingText: '',
    pendingThinking: '',
    open: new Map(),
    closed: new Set(),
    anonymousCalls: 0,
  };
}
