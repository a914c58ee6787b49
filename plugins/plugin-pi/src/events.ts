/**
 * Pi's own `--mode json` records (pi 0.73.1), mirrored from `AgentSessionEvent` in
 * `@mariozechner/pi-coding-agent` and the message types of `@mariozechner/pi-ai`. Only the fields
 * the translator reads are typed; everything else stays `unknown`.
 */

/** First line of `--mode json`: the session header (absent in RPC mode). */
export interface PiSessionHeader {
  type: 'session';
  version?: number;
  id: string;
  timestamp?: string;
  cwd?: string;
}

/** Per-call token usage on an assistant message. `input` EXCLUDES cache reads and writes. */
export interface PiUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  totalTokens: number;
  /** USD, computed by pi from the `cost` of the model in models.json (0 when not configured). */
  cost?: { input: number; output: number; cacheRead: number; cacheWrite: number; total: number };
}

/** Why an assistant message ended. */
export type PiStopReason = 'stop' | 'length' | 'toolUse' | 'error' | 'aborted';

/** A block of assistant content. */
export type PiContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; redacted?: boolean }
  | { type: 'toolCall'; id: string; name: string; arguments: Record<string, unknown> }
  | { type: 'image'; data: string; mimeType: string };

/** An assistant message (one model call). */
export interface PiAssistantMessage {
  role: 'assistant';
  content: PiContentBlock[];
  api?: string;
  provider?: string;
  model?: string;
  /** The model id the provider answered with, when it differs from `model`. */
  responseModel?: string;
  responseId?: string;
  usage?: PiUsage;
  stopReason?: PiStopReason;
  errorMessage?: string;
  timestamp?: number;
}

/** The user's prompt (string or parts). */
export interface PiUserMessage {
  role: 'user';
  content: string | PiContentBlock[];
}

/** A tool result as it joins the conversation. */
export interface PiToolResultMessage {
  role: 'toolResult';
  toolCallId: string;
  toolName: string;
  content: PiContentBlock[];
  isError: boolean;
}

/** A `!command` the user ran through pi (interactive and RPC `bash`). */
export interface PiBashExecutionMessage {
  role: 'bashExecution';
  command: string;
  output: string;
  /** null when the command died of a signal; absent when cancelled. */
  exitCode: number | null | undefined;
  cancelled: boolean;
  truncated: boolean;
  timestamp?: number;
}

/** A message an extension sent (`pi.sendMessage`); it joins the LLM context as user text. */
export interface PiCustomMessage {
  role: 'custom';
  customType: string;
  content: string | PiContentBlock[];
  /** Shown to the user; `false` means context only. */
  display: boolean;
  details?: unknown;
  timestamp?: number;
}

/**
 * Any message pi reports. Extensions add roles of their own: they reach the translator's fallback at
 * run time and are left out of the union so that `role` narrows.
 */
export type PiMessage =
  | PiAssistantMessage
  | PiUserMessage
  | PiToolResultMessage
  | PiBashExecutionMessage
  | PiCustomMessage;

/** The streaming sub-event carried by `message_update`. Contract: `partial` is never trusted. */
export interface PiAssistantMessageEvent {
  type:
    | 'start'
    | 'text_start'
    | 'text_delta'
    | 'text_end'
    | 'thinking_start'
    | 'thinking_delta'
    | 'thinking_end'
    | 'toolcall_start'
    | 'toolcall_delta'
    | 'toolcall_end'
    | 'done'
    | 'error';
  contentIndex?: number;
  delta?: string;
  content?: string;
  /** The whole partial message: repeated on every update and ahead of the delta. Ignored. */
  partial?: unknown;
}

/** A tool's result: content blocks plus tool-specific details. */
export interface PiToolResult {
  content?: PiContentBlock[];
  details?: unknown;
}

/** Every record of `pi --mode json`. */
export type PiRecord =
  | PiSessionHeader
  | { type: 'agent_start' }
  | { type: 'agent_end'; messages?: PiMessage[] }
  | { type: 'turn_start' }
  | { type: 'turn_end'; message?: PiMessage; toolResults?: PiToolResultMessage[] }
  | { type: 'message_start'; message: PiMessage }
  | { type: 'message_update'; message?: PiMessage; assistantMessageEvent: PiAssistantMessageEvent }
  | { type: 'message_end'; message: PiMessage }
  | { type: 'tool_execution_start'; toolCallId: string; toolName: string; args: unknown }
  | { type: 'tool_execution_update'; toolCallId: string; toolName: string; args: unknown; partialResult?: PiToolResult }
  | { type: 'tool_execution_end'; toolCallId: string; toolName: string; result?: PiToolResult; isError: boolean }
  | { type: 'queue_update'; steering: string[]; followUp: string[] }
  | { type: 'compaction_start'; reason: 'manual' | 'threshold' | 'overflow' }
  | {
      type: 'compaction_end';
      reason: 'manual' | 'threshold' | 'overflow';
      result?: unknown;
      aborted: boolean;
      willRetry: boolean;
      errorMessage?: string;
    }
  | { type: 'auto_retry_start'; attempt: number; maxAttempts: number; delayMs: number; errorMessage: string }
  | { type: 'auto_retry_end'; success: boolean; attempt: number; finalError?: string }
  | { type: 'extension_error'; extensionPath?: string; event?: string; error?: string }
  | { type: 'session_info_changed'; name?: string }
  | { type: 'thinking_level_changed'; level: string }
  /** RPC mode only: the reply to a command. */
  | { type: 'response'; id?: string; command?: string; success: boolean; error?: string; data?: unknown };

/** Pi's built-in tools. Default set: read, bash, edit, write; grep, find, ls are opt-in. */
export const PI_BUILTIN_TOOLS = ['read', 'bash', 'edit', 'write', 'grep', 'find', 'ls'] as const;

/** The tools pi enables when `--tools` is not given. */
export const PI_DEFAULT_TOOLS = ['read', 'bash', 'edit', 'write'] as const;

/** Built-in tools that only read. */
export const PI_READ_ONLY_TOOLS = ['read', 'grep', 'find', 'ls'] as const;
