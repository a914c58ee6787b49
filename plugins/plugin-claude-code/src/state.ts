import type { RunRequest, TokenUsage } from '@omnigent/core';
import type { ClaudeApiUsage, ClaudeResultLine } from './events.js';

/** One model call (one Anthropic message id). */
export interface CallState {
  id: string;
  model?: string;
  parentCallId?: string;
  /** message_start usage (input and cache are final there). */
  start?: ClaudeApiUsage;
  /** message_delta usage (output is final there; newer APIs repeat input/cache). */
  delta?: ClaudeApiUsage;
  /** True once a `message_start` stream event was seen: its usage is exact. */
  streamed: boolean;
  usageSent: boolean;
}

/** Per-run state of the Claude Code translator. */
export interface ClaudeState {
  request: RunRequest;
  sessionId?: string;
  model?: string;
  sessionStarted: boolean;
  calls: Map<string, CallState>;
  /** The message currently streaming, per scope (`''` = main loop, else the parent tool call id). */
  streaming: Map<string, string>;
  /** Streamed text/thinking per scope not yet consolidated by its `assistant` line. */
  pendingText: Map<string, string>;
  pendingThinking: Map<string, string>;
  /** Main-loop model calls seen (1-based turn numbers). */
  turn: number;
  openTurn?: { turn: number; messageId: string };
  tools: Map<string, { name: string; parentCallId?: string }>;
  /** Tool calls the CLI reported as permission denials before their result arrived. */
  deniedIds: Set<string>;
  /** Tool calls already completed with status `denied`. */
  deniedReported: Set<string>;
  /**
   * The latest `result` line. Stream-json input mode prints one per turn: `modelUsage` and
   * `total_cost_usd` are running totals there, while `usage` and `num_turns` cover that turn only.
   */
  result?: ClaudeResultLine;
  /** Sum of `num_turns` over every result line. */
  resultTurns?: number;
  /** Sum of `result.usage` (main loop, per turn) over every result line. */
  resultMainUsage?: TokenUsage;
  /** Text of a synthetic API-error assistant message (`API Error: 400 …`). */
  apiError?: string;
}

/** New translator state for one run. */
export function createClaudeState(request: RunRequest): ClaudeState {
  return {
    request,
    sessionStarted: false,
    calls: new Map(),
    streaming: new Map(),
    pendingText: new Map(),
    pendingThinking: new Map(),
    turn: 0,
    tools: new Map(),
    deniedIds: new Set(),
    deniedReported: new Set(),
  };
}
