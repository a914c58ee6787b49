/**
 * The event types `codex exec --json` prints (codex-rs `exec/src/exec_events.rs`, CLI 0.169).
 * Mirrored by hand; every field the CLI may omit is optional, because older and newer CLIs differ.
 */

/** Token totals on `turn.completed`. Contract (codex): the THREAD's running total, not this turn's. */
export interface CodexUsage {
  input_tokens?: number;
  cached_input_tokens?: number;
  cache_write_input_tokens?: number;
  output_tokens?: number;
  reasoning_output_tokens?: number;
}

/** Status of a command, patch, MCP or collab item. */
export type CodexItemStatus = 'in_progress' | 'completed' | 'failed' | 'declined';

/** Final answer text (only `item.completed`; no deltas). */
export interface CodexAgentMessageItem {
  id: string;
  type: 'agent_message';
  text: string;
}

/** Plan mode's proposed plan (streamed as `item.plan.delta`, then completed whole). */
export interface CodexPlanItem {
  id: string;
  type: 'plan';
  text: string;
}

/** Reasoning summary parts joined with newlines. */
export interface CodexReasoningItem {
  id: string;
  type: 'reasoning';
  text: string;
}

/** A shell command the agent ran. `exit_code` is null while it runs. */
export interface CodexCommandExecutionItem {
  id: string;
  type: 'command_execution';
  command: string;
  aggregated_output?: string;
  exit_code?: number | null;
  status?: CodexItemStatus;
}

/** One path touched by a patch. */
export interface CodexFileUpdateChange {
  path: string;
  kind: 'add' | 'delete' | 'update';
  diff?: string;
}

/** A patch applied by the agent. */
export interface CodexFileChangeItem {
  id: string;
  type: 'file_change';
  changes: CodexFileUpdateChange[];
  status?: CodexItemStatus;
}

/** A call to an MCP server tool. */
export interface CodexMcpToolCallItem {
  id: string;
  type: 'mcp_tool_call';
  server: string;
  tool: string;
  arguments?: unknown;
  result?: { content?: unknown[]; structured_content?: unknown } | null;
  error?: { message: string } | null;
  status?: CodexItemStatus;
}

/** A sub-agent operation (spawn_agent, send_input, wait, close_agent). */
export interface CodexCollabToolCallItem {
  id: string;
  type: 'collab_tool_call';
  tool: string;
  sender_thread_id?: string;
  receiver_thread_ids?: string[];
  prompt?: string | null;
  agents_states?: Record<string, unknown>;
  status?: CodexItemStatus;
}

/** A web search. */
export interface CodexWebSearchItem {
  id: string;
  type: 'web_search';
  query?: string;
  action?: unknown;
}

/** One entry of the agent's plan. */
export interface CodexTodoEntry {
  text: string;
  completed: boolean;
}

/** The agent's plan (started, updated on changes, completed at turn end). */
export interface CodexTodoListItem {
  id: string;
  type: 'todo_list';
  items: CodexTodoEntry[];
}

/** A NON-fatal notice (unknown model, config warning, deprecation, model rerouted). */
export interface CodexErrorItem {
  id: string;
  type: 'error';
  message: string;
}

/** Every item type codex 0.169 emits. */
export type CodexThreadItem =
  | CodexAgentMessageItem
  | CodexPlanItem
  | CodexReasoningItem
  | CodexCommandExecutionItem
  | CodexFileChangeItem
  | CodexMcpToolCallItem
  | CodexCollabToolCallItem
  | CodexWebSearchItem
  | CodexTodoListItem
  | CodexErrorItem;

/** First line: the thread id is the session id used by `exec resume`. */
export interface CodexThreadStartedEvent {
  type: 'thread.started';
  thread_id: string;
}

/** A turn (one `exec` prompt) began. */
export interface CodexTurnStartedEvent {
  type: 'turn.started';
}

/** The turn ended successfully; last line on success. */
export interface CodexTurnCompletedEvent {
  type: 'turn.completed';
  usage?: CodexUsage;
}

/** The turn failed; last line on failure (exit code 1). */
export interface CodexTurnFailedEvent {
  type: 'turn.failed';
  error?: { message?: string };
}

/** Item lifecycle. */
export interface CodexItemEvent {
  type: 'item.started' | 'item.updated' | 'item.completed';
  item: CodexThreadItem;
}

/** Fatal stream error; precedes `turn.failed`. */
export interface CodexStreamErrorEvent {
  type: 'error';
  message: string;
}

/** Plan-mode text delta of a `plan` item. */
export interface CodexPlanDeltaEvent {
  type: 'item.plan.delta';
  item_id: string;
  delta: string;
}

/** The model asked the user questions (some CLI versions); exec cannot answer them. */
export interface CodexRequestUserInputEvent {
  type: 'request_user_input';
  id: string;
  call_id: string;
  questions: { id: string; header?: string; question: string; options?: unknown }[];
}

/** Every top-level line of `codex exec --json`. */
export type CodexThreadEvent =
  | CodexThreadStartedEvent
  | CodexTurnStartedEvent
  | CodexTurnCompletedEvent
  | CodexTurnFailedEvent
  | CodexItemEvent
  | CodexPlanDeltaEvent
  | CodexRequestUserInputEvent
  | CodexStreamErrorEvent;
