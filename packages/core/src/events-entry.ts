// `@omnigent/core/events`: the event vocabulary without the process runner. Contract: this entry
// and everything it imports do no I/O and have no runtime dependencies, so readers of stored runs
// (store, `runs`, exporters) load it in milliseconds. test/events-entry.test.ts keeps it so.
export type {
  HarnessId,
  ToolKind,
  UsageSource,
  UsageConfidence,
  UsageScope,
  TokenUsage,
  EventBase,
  SessionStartedEvent,
  TurnStartedEvent,
  TurnCompletedEvent,
  MessageEvent,
  MessageDeltaEvent,
  ReasoningEvent,
  ToolStartedEvent,
  McpToolRef,
  ToolUpdatedEvent,
  ToolCompletedEvent,
  UsageEvent,
  FileChangedEvent,
  WarningEvent,
  StatusEvent,
  RunCompletedEvent,
  RunFailedEvent,
  FailureReason,
  OmnigentEvent,
  OmnigentEventType,
  EventOfType,
  TerminalEvent,
  EventDraft,
  NonTerminalDraft,
} from './events.js';
export { isTerminal, EVENT_TYPES } from './events.js';
export type { WarningCode } from './warning-codes.js';
export type { UsageKey } from './usage.js';
export { addUsage, cleanUsage, totalTokens, USAGE_KEYS } from './usage.js';
