/**
 * Stable codes of `warning` events, one line each. Contract: a code names one situation in every
 * plugin; new codes are added here first. Open for third-party plugins (`string & {}`).
 */
export type WarningCode =
  /** (runner) A stdout line that is not JSON; `raw` holds the line. */
  | 'unparsed-line'
  /** (runner) A stdout line longer than the framer's bound; it was cut. */
  | 'line-too-long'
  /** (runner) The plugin threw in `translate()` or `finish()`. */
  | 'translate-error'
  /** (runner) The plugin broke the contract (e.g. returned a terminal event from `translate()`). */
  | 'plugin-contract'
  /** (runner, from `CommandSpec.warnings`) A request field the harness cannot honour; not applied. */
  | 'unsupported-option'
  /** Valid JSON the plugin does not know (no or unknown `type`, or missing the expected fields). */
  | 'unknown-record'
  /** A known record carrying an item type the plugin does not know (Codex `item.type`). */
  | 'unknown-item'
  /** A content block type the plugin does not know (Claude assistant blocks). */
  | 'unknown-block'
  /** A tool result that names no running call. */
  | 'orphan-tool-result'
  /** A model API call failed and the harness will retry it. */
  | 'api-retry'
  /** The harness gave up retrying a model API call. */
  | 'api-retry-failed'
  /** The model API reported an error (or the harness made a synthetic error message). */
  | 'api-error'
  /** The model stopped at its output token limit. */
  | 'max-output-tokens'
  /** A rate limit was reached or nearly reached. */
  | 'rate-limit'
  /** The harness could not compact (summarize) its conversation. */
  | 'compaction-failed'
  /** A user hook of the harness failed. */
  | 'hook-error'
  /** A harness extension failed. */
  | 'extension-error'
  /** The harness reported an authentication problem. */
  | 'auth-status'
  /** A tool call was denied by the permission rules. */
  | 'permission-denied'
  /** The harness asked the user a question that a headless run cannot answer. */
  | 'user-input-requested'
  /** Cursor asked a permission question (`interaction_query`); it is not answered. */
  | 'interaction-query'
  /** The harness marked a reply as cut off. */
  | 'aborted'
  /** A non-fatal error the harness printed in its stream. */
  | 'harness-error'
  /** A warning the harness printed in its stream. */
  | 'harness-warning'
  /** An MCP server the run was given did not start (or needs authentication): its tools are missing. */
  | 'mcp-server-failed'
  | (string & {});
