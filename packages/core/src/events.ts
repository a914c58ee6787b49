import type { WarningCode } from './warning-codes.js';

/** Harness identifier. Contract: lowercase, kebab-case; open for third-party plugins. */
export type HarnessId = 'claude-code' | 'codex' | 'cursor' | 'pi' | (string & {});

/** What a tool call does, normalized across harnesses. Default: `other`. */
export type ToolKind = 'shell' | 'read' | 'write' | 'edit' | 'search' | 'web' | 'mcp' | 'agent' | 'todo' | 'other';

/** Where a usage figure came from. */
export type UsageSource =
  /** Per model call, read from the harness's streaming output. */
  | 'stream'
  /** From the harness's final result line. */
  | 'result'
  /** Computed by omnigent (e.g. differences of cumulative totals). */
  | 'derived'
  /** Estimated (no figure reported by the harness). */
  | 'estimated';

/** How far a usage figure can be trusted. */
export type UsageConfidence =
  /** The exact figures the model provider reported. */
  | 'exact'
  /** Some figures are missing (e.g. no cache split, or sub-agents not covered). */
  | 'partial'
  /** An estimate. */
  | 'estimated';

/** What a usage event covers. */
export type UsageScope = 'call' | 'turn' | 'run';

/**
 * Token counts. Contract: `input` INCLUDES cache reads and writes (normalized across harnesses);
 * a missing figure is `undefined`, never 0.
 */
export interface TokenUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
  /** Cost in US dollars; see `costSource`. */
  costUsd?: number;
  /**
   * Who priced `costUsd`: the harness's own estimate, a configured price table (config `prices:`),
   * the provider, or omnigent from its price catalog (harnesses that report no cost).
   */
  costSource?: 'harness-estimate' | 'configured-price' | 'provider' | 'catalog-estimate';
}

/** Fields every normalized event carries. */
export interface EventBase {
  /** Omnigent's id for this run (one harness process). */
  runId: string;
  harness: HarnessId;
  /** 0-based, strictly increasing within a run. */
  seq: number;
  /** ISO-8601 time omnigent received the event. */
  time: string;
  /** The harness's own session/thread/chat id, once known. */
  sessionId?: string;
  /** Workflow step id, when the run is a workflow step. */
  step?: string;
}

/** The harness started a session. Contract: the first event of every run that got that far. */
export interface SessionStartedEvent extends EventBase {
  type: 'session.started';
  harnessVersion?: string;
  model?: string;
  /** Model provider (`anthropic`, `openai`, a custom one…), when the harness says or it is fixed. */
  provider?: string;
  /** The model the user asked for, when the harness reports a display name instead. */
  requestedModel?: string;
  cwd: string;
  tools?: string[];
  /** Harness-specific extras (permission mode, api key source…), never secrets. */
  details?: Record<string, unknown>;
}

/** One model round trip plus its tool executions began. */
export interface TurnStartedEvent extends EventBase {
  type: 'turn.started';
  /** 1-based turn number within the run. */
  turn: number;
}

/** A turn ended. */
export interface TurnCompletedEvent extends EventBase {
  type: 'turn.completed';
  turn: number;
  usage?: TokenUsage;
}

/** A complete message. Assistant text arrives once here, whether or not deltas preceded it. */
export interface MessageEvent extends EventBase {
  type: 'message';
  role: 'assistant' | 'user' | 'system';
  text: string;
  model?: string;
  provider?: string;
  /** Set when the message was produced inside a sub-agent started by that tool call. */
  parentCallId?: string;
}

/** A piece of streaming assistant text. Contract: the concatenated deltas equal the following `message.text`. */
export interface MessageDeltaEvent extends EventBase {
  type: 'message.delta';
  role: 'assistant';
  text: string;
  parentCallId?: string;
}

/** Model reasoning ("thinking"): a whole block, or a delta when `delta` is true. */
export interface ReasoningEvent extends EventBase {
  type: 'reasoning';
  text: string;
  delta?: boolean;
  parentCallId?: string;
}

/** A tool call began. */
export interface ToolStartedEvent extends EventBase {
  type: 'tool.started';
  callId: string;
  /** The harness's own tool name (e.g. `Bash`, `exec_command`, `readToolCall`). */
  name: string;
  kind: ToolKind;
  input: unknown;
  /** The sub-agent tool call this call runs under. */
  parentCallId?: string;
  /** Set when the tool is an MCP server's tool, whatever the harness's own naming. */
  mcp?: McpToolRef;
}

/** Which MCP server and tool a call went to (`mcp__docs__search` → `{ server: 'docs', tool: 'search' }`). */
export interface McpToolRef {
  server: string;
  tool: string;
}

/** Partial output of a running tool call. */
export interface ToolUpdatedEvent extends EventBase {
  type: 'tool.updated';
  callId: string;
  name: string;
  output: unknown;
  parentCallId?: string;
}

/** A tool call ended. Contract: every `tool.started` gets exactly one `tool.completed`. */
export interface ToolCompletedEvent extends EventBase {
  type: 'tool.completed';
  callId: string;
  name: string;
  output: unknown;
  isError: boolean;
  /** Wall time from `tool.started` to this event, or the harness's own figure. */
  durationMs?: number;
  /** Exit code of a shell command, when the harness reports one. */
  exitCode?: number;
  /** Why it ended as it did: `denied` by a permission rule, `interrupted` by the run ending. */
  status?: 'ok' | 'error' | 'denied' | 'interrupted';
  parentCallId?: string;
  /** Same as the matching `tool.started`'s. */
  mcp?: McpToolRef;
}

/** Token usage and cost. */
export interface UsageEvent extends EventBase, TokenUsage {
  type: 'usage';
  scope: UsageScope;
  source: UsageSource;
  confidence: UsageConfidence;
  model?: string;
  provider?: string;
  /** The harness's id for the model call (e.g. Anthropic message id), for `scope: call`. */
  callId?: string;
  parentCallId?: string;
}

/** A file was created, changed or deleted by the harness. */
export interface FileChangedEvent extends EventBase {
  type: 'file.changed';
  path: string;
  change: 'add' | 'update' | 'delete';
  callId?: string;
}

/** Something the user should know that does not end the run (unparsed line, retry, config notice). */
export interface WarningEvent extends EventBase {
  type: 'warning';
  message: string;
  /** Stable code from the registry ({@link WarningCode}), e.g. `unparsed-line`, `api-retry`. */
  code?: WarningCode;
  raw?: unknown;
}

/** Harness status that is neither output nor a problem (e.g. "requesting", sub-agent progress). */
export interface StatusEvent extends EventBase {
  type: 'status';
  message: string;
  code?: string;
  raw?: unknown;
}

/** Terminal: the run succeeded. */
export interface RunCompletedEvent extends EventBase {
  type: 'run.completed';
  durationMs: number;
  /** Run totals (best available source). */
  usage?: TokenUsage & { source: UsageSource; confidence: UsageConfidence };
  /** The final answer text. */
  result?: string;
  turns?: number;
  exitCode?: number;
}

/** Why a run failed. */
export type FailureReason = 'error' | 'exit' | 'timeout' | 'aborted';

/** Terminal: the run failed. */
export interface RunFailedEvent extends EventBase {
  type: 'run.failed';
  reason: FailureReason;
  message: string;
  exitCode?: number;
  signal?: string;
  stderrTail?: string;
  durationMs: number;
  usage?: TokenUsage & { source: UsageSource; confidence: UsageConfidence };
  result?: string;
  turns?: number;
  /** The harness's own error messages (e.g. Claude Code's `errors[]`). */
  errors?: string[];
  /** Harness-specific facts about the failure (e.g. the result subtype). */
  details?: Record<string, unknown>;
}

/** Every normalized event. Its JSON form is the public `--json` interface. */
export type OmnigentEvent =
  | SessionStartedEvent
  | TurnStartedEvent
  | TurnCompletedEvent
  | MessageEvent
  | MessageDeltaEvent
  | ReasoningEvent
  | ToolStartedEvent
  | ToolUpdatedEvent
  | ToolCompletedEvent
  | UsageEvent
  | FileChangedEvent
  | WarningEvent
  | StatusEvent
  | RunCompletedEvent
  | RunFailedEvent;

/** The `type` of every normalized event. */
export type OmnigentEventType = OmnigentEvent['type'];

/** The event variant with that `type`. */
export type EventOfType<T extends OmnigentEventType> = Extract<OmnigentEvent, { type: T }>;

/** Terminal events. Contract: exactly one per run, and it is the last. */
export type TerminalEvent = RunCompletedEvent | RunFailedEvent;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event as a plugin's translator returns it: the runner stamps runId, harness, seq and time. */
export type EventDraft = DistributiveOmit<OmnigentEvent, keyof EventBase> & {
  sessionId?: string;
};

/** The event types a translator may return (terminal events come from `finish()`). */
export type NonTerminalDraft = Exclude<EventDraft, { type: 'run.completed' | 'run.failed' }>;

/** True for `run.completed` and `run.failed`. */
export function isTerminal(event: { type: string }): event is TerminalEvent {
  return event.type === 'run.completed' || event.type === 'run.failed';
}

/** Every event type, in lifecycle order (useful for docs and validation). */
export const EVENT_TYPES: readonly OmnigentEventType[] = [
  'session.started',
  'turn.started',
  'turn.completed',
  'message',
  'message.delta',
  'reasoning',
  'tool.started',
  'tool.updated',
  'tool.completed',
  'usage',
  'file.changed',
  'warning',
  'status',
  'run.completed',
  'run.failed',
] as const;
