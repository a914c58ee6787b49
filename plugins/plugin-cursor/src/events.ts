/**
 * The Cursor CLI's own stream-json records (`cursor-agent -p --output-format stream-json`),
 * mirrored from cursor.com/docs/cli/reference/output-format and public captures of 2026 builds.
 * Every field is optional on purpose: builds differ, and the translator must survive any of them.
 */

/** Text block inside a `user` or `assistant` message. */
export interface CursorTextBlock {
  type: 'text' | (string & {});
  text?: string;
}

/** Fields most lines carry. */
export interface CursorLineBase {
  session_id?: string;
  /** Wall-clock time in ms; on `assistant` lines without `model_call_id` it marks a partial-output delta. */
  timestamp_ms?: number;
  /** Groups one model call's text and tool calls (2026 builds, mid-turn lines only). */
  model_call_id?: string;
}

/** `{"type":"system","subtype":"init",…}`: the first line. */
export interface CursorSystemInit extends CursorLineBase {
  type: 'system';
  subtype: 'init' | (string & {});
  /** `env`, `flag` or `login`. */
  apiKeySource?: string;
  cwd?: string;
  /** A display name (`Auto`, `Claude 4 Sonnet`), not the id given to `--model`. */
  model?: string;
  /** Always `default` in every capture, whatever the flags. */
  permissionMode?: string;
}

/** `{"type":"user",…}`: the CLI echoes the prompt it received. */
export interface CursorUserLine extends CursorLineBase {
  type: 'user';
  message?: { role?: string; content?: CursorTextBlock[] };
}

/** `{"type":"assistant",…}`: a whole text segment, or a delta with `--stream-partial-output`. */
export interface CursorAssistantLine extends CursorLineBase {
  type: 'assistant';
  message?: { role?: string; content?: CursorTextBlock[] };
}

/** `{"type":"thinking","subtype":"delta"|"completed",…}` (2026 builds, even without partial output). */
export interface CursorThinkingLine extends CursorLineBase {
  type: 'thinking';
  subtype?: 'delta' | 'completed' | (string & {});
  text?: string;
}

/** Outcome of a tool call: exactly one of these keys in practice (`isBackground` may sit beside it). */
export interface CursorToolResult {
  success?: Record<string, unknown>;
  error?: { errorMessage?: string; [key: string]: unknown };
  /** A hook or the user denied the call. */
  rejected?: { reason?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** The object under a tool kind key, e.g. `tool_call.readToolCall`. */
export interface CursorToolBody {
  args?: Record<string, unknown>;
  /** success/error/rejected; `function` tools may carry a bare value instead. */
  result?: CursorToolResult | string;
  [key: string]: unknown;
}

/**
 * `tool_call` payload: one key naming the kind (`readToolCall`, `shellToolCall`, `mcpToolCall`,
 * …, or `function` with `{name, arguments}`), plus extras on some builds.
 */
export type CursorToolCallPayload = Record<string, unknown>;

/** `{"type":"tool_call","subtype":"started"|"completed",…}`. */
export interface CursorToolCallLine extends CursorLineBase {
  type: 'tool_call';
  subtype?: 'started' | 'completed' | (string & {});
  /** May contain a literal newline (`call-…-0\nfc_…_0`). */
  call_id?: string;
  tool_call?: CursorToolCallPayload;
  toolCallId?: string;
  startedAtMs?: string;
  completedAtMs?: string;
}

/** Run totals on `result` lines of newer builds (camelCase; absent on 2025 builds). */
export interface CursorUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/** `{"type":"result",…}`: the last line of a run that got that far. */
export interface CursorResultLine extends CursorLineBase {
  type: 'result';
  subtype?: 'success' | (string & {});
  is_error?: boolean;
  duration_ms?: number;
  duration_api_ms?: number;
  /** All assistant segments concatenated without separators. */
  result?: string;
  request_id?: string;
  usage?: CursorUsage;
}

/** `{"type":"interaction_query","subtype":"request",…}`: a permission question (one report; unverified). */
export interface CursorInteractionQuery extends CursorLineBase {
  type: 'interaction_query';
  subtype?: string;
  query_type?: string;
  [key: string]: unknown;
}

/** Every record the translator knows by name. */
export type CursorLine =
  | CursorSystemInit
  | CursorUserLine
  | CursorAssistantLine
  | CursorThinkingLine
  | CursorToolCallLine
  | CursorResultLine
  | CursorInteractionQuery;
