// Claude Code's own stream-json line types (2.1.197, `-p --output-format stream-json --verbose
// --include-partial-messages`), mirrored from observed output and the Agent SDK's `SDKMessage`.
// Only the fields the translator reads are typed; every line may carry more.

/** Token usage as the Anthropic API reports it (`input_tokens` excludes cache). */
export interface ClaudeApiUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

/**
 * A content block of an assistant message. Block types of newer CLIs reach the translator's
 * fallback at run time; they are left out of the union so that `block.type` narrows.
 */
export type ClaudeContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature?: string }
  | { type: 'redacted_thinking'; data?: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

/** A tool result block inside a `user` line. `is_error` is absent on some successes (Read). */
export interface ClaudeToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content?: string | Array<{ type: string; text?: string; [key: string]: unknown }>;
  is_error?: boolean;
}

/** Fields most lines share. */
export interface ClaudeLineBase {
  uuid?: string;
  session_id?: string;
  /** Set on lines produced inside a sub-agent: the id of the parent's Agent/Task tool call. */
  parent_tool_use_id?: string | null;
}

/** `system/init`: first line of a run (and of every turn in stream-json input mode). */
export interface ClaudeSystemInit extends ClaudeLineBase {
  type: 'system';
  subtype: 'init';
  cwd: string;
  session_id: string;
  tools?: string[];
  mcp_servers?: Array<{ name: string; status: string }>;
  model?: string;
  permissionMode?: string;
  apiKeySource?: string;
  claude_code_version?: string;
  output_style?: string;
  agents?: string[];
}

/** `system/api_retry`: the CLI retries a failed API call. */
export interface ClaudeSystemApiRetry extends ClaudeLineBase {
  type: 'system';
  subtype: 'api_retry';
  attempt?: number;
  max_retries?: number;
  retry_delay_ms?: number;
  error_status?: number | null;
  error?: string;
}

/**
 * `system/status` (`requesting`), `system/thinking_tokens`, sub-agent `task_*` and the rest.
 * Subtypes of newer CLIs reach the translator's `default` branch at run time (kept as status).
 */
export interface ClaudeSystemOther extends ClaudeLineBase {
  type: 'system';
  subtype:
    | 'status'
    | 'thinking_tokens'
    | 'compact_boundary'
    | 'hook_started'
    | 'hook_response'
    | 'task_started'
    | 'task_progress'
    | 'task_updated'
    | 'task_notification'
    | 'permission_denied';
  status?: string;
  tool_use_id?: string;
  description?: string;
  summary?: string;
  [key: string]: unknown;
}

/** One completed content block of an assistant message (several lines share `message.id`). */
export interface ClaudeAssistantLine extends ClaudeLineBase {
  type: 'assistant';
  message: {
    id: string;
    model?: string;
    content: ClaudeContentBlock[];
    /** Start-of-message snapshot, not final: never sum it. */
    usage?: ClaudeApiUsage;
    stop_reason?: string | null;
  };
  /** Set on synthetic error messages (`unknown`, `rate_limit`, `overloaded`, …). */
  error?: string;
  /** The reply was cut off (interrupt, abort); its content is what arrived. */
  aborted?: boolean;
  request_id?: string;
}

/** Tool results (and replayed user prompts). */
export interface ClaudeUserLine extends ClaudeLineBase {
  type: 'user';
  message: { role: 'user'; content: string | Array<ClaudeToolResultBlock | { type: 'text'; text: string }> };
  /** Tool-specific structured twin of the result (Bash: stdout/stderr; error: `"Error: …"`). */
  tool_use_result?: unknown;
  isReplay?: boolean;
}

/** A raw Messages-API SSE event (only with `--include-partial-messages`). */
export interface ClaudeStreamEventLine extends ClaudeLineBase {
  type: 'stream_event';
  event:
    | { type: 'message_start'; message: { id: string; model?: string; usage?: ClaudeApiUsage } }
    | { type: 'content_block_start'; index: number; content_block: { type: string; [key: string]: unknown } }
    | {
        type: 'content_block_delta';
        index: number;
        delta:
          | { type: 'text_delta'; text: string }
          | { type: 'thinking_delta'; thinking: string }
          | { type: 'input_json_delta'; partial_json: string }
          | { type: 'signature_delta'; signature: string };
      }
    | { type: 'content_block_stop'; index: number }
    | { type: 'message_delta'; delta?: { stop_reason?: string | null }; usage?: ClaudeApiUsage }
    | { type: 'message_stop' }
    | { type: 'ping' };
  ttft_ms?: number;
}

/** Per-model totals in `result.modelUsage` (sub-agents included). */
export interface ClaudeModelUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  costUSD?: number;
}

/** The last line of a run. `subtype: success` can still carry `is_error: true` (API errors). */
export interface ClaudeResultLine extends ClaudeLineBase {
  type: 'result';
  subtype:
    | 'success'
    | 'error_max_turns'
    | 'error_during_execution'
    | 'error_max_budget_usd'
    | 'error_max_structured_output_retries'
    | (string & {});
  is_error?: boolean;
  api_error_status?: number | null;
  duration_ms?: number;
  duration_api_ms?: number;
  num_turns?: number;
  result?: string;
  errors?: string[];
  stop_reason?: string | null;
  total_cost_usd?: number;
  /** Main loop only. */
  usage?: ClaudeApiUsage;
  modelUsage?: Record<string, ClaudeModelUsage>;
  permission_denials?: Array<{ tool_name: string; tool_use_id: string; tool_input?: unknown }>;
  terminal_reason?: string;
  /** Why the session could not start (type only; not exercised). */
  startup_failure_reason?: string;
}

/** `rate_limit_event` (subscription users): the state of the plan's usage limits. */
export interface ClaudeRateLimitLine extends ClaudeLineBase {
  type: 'rate_limit_event';
  rate_limit_info?: { status?: string; rateLimitType?: string; utilization?: number; resetsAt?: number };
}

/** `auth_status`: sign-in state; `error` when the credentials do not work. */
export interface ClaudeAuthStatusLine extends ClaudeLineBase {
  type: 'auth_status';
  error?: string;
}

/**
 * Every line type the translator knows. Contract: the translator casts a parsed line to this once,
 * after checking it is an object with a string `type`; unknown types are reported, never dropped.
 */
export type ClaudeLine =
  | ClaudeRateLimitLine
  | ClaudeAuthStatusLine
  | ClaudeSystemInit
  | ClaudeSystemApiRetry
  | ClaudeSystemOther
  | ClaudeAssistantLine
  | ClaudeUserLine
  | ClaudeStreamEventLine
  | ClaudeResultLine;
