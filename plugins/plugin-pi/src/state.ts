import type { RunRequest, TokenUsage } from '@omnigent/core';
import { piOptions } from './command.js';
import type { PiStopReason } from './events.js';

/** Per-run translation state of the pi plugin. */
export interface PiState {
  request: RunRequest;
  pricesConfigured: boolean;
  sessionId?: string;
  /** Turns seen (`turn_start`), 1-based numbering for `turn.started`. */
  turn: number;
  /** Text and thinking deltas of the assistant message being streamed, per content index. */
  streamedText: Map<number, string>;
  streamedThinking: Map<number, string>;
  /** The last assistant message's outcome. */
  last?: { stopReason?: PiStopReason; errorMessage?: string; model?: string };
  /** Text of the last assistant message that had any: the run's answer. */
  answer?: string;
  /** Sum of the per-call usage events. */
  total?: TokenUsage;
  calls: number;
  /** Pi is between `auto_retry_start` and `auto_retry_end`. */
  retrying: boolean;
  /** `auto_retry_end.finalError` of retries that gave up. */
  retryError?: string;
  retryAttempts?: number;
  /** `provider/model/api` last reported in a `model` status event. */
  announcedModel?: string;
  /** Tool names by call id (for updates that lack them) and calls still running. */
  openTools: Map<string, string>;
  /** Arguments of running calls (`tool_execution_end` does not repeat them). */
  toolArgs: Map<string, unknown>;
  /** Pi's working directory (session header), against which tool paths resolve. */
  cwd: string;
}

/** New state for one run. */
export function createPiState(request: RunRequest): PiState {
  let pricesConfigured = false;
  try {
    pricesConfigured = piOptions(request).pricesConfigured === true;
  } catch {
    // command() reports bad options; the translator must not fail on them too
  }
  return {
    request,
    pricesConfigured,
    turn: 0,
    streamedText: new Map(),
    streamedThinking: new Map(),
    calls: 0,
    retrying: false,
    openTools: new Map(),
    toolArgs: new Map(),
    cwd: request.cwd ?? process.cwd(),
  };
}
