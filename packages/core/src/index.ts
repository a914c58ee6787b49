// The public API: the plugin contract, the events, running a harness, discovery, errors and the
// plugin kit. Pieces the omnigent packages share beyond that are at `@omnigent/core/internal`.
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

export type {
  PermissionMode,
  RunRequest,
  McpServerSpec,
  CommandSpec,
  CommandContext,
  TranslateContext,
  StateContext,
  ExitInfo,
  TerminalDraft,
  FinishResult,
  HarnessCapabilities,
  BinarySpec,
  DetectResult,
  DetectExec,
  HarnessDefinition,
  HarnessPlugin,
  AnyHarness,
} from './contract.js';
export { CONTRACT_VERSION, DEFAULT_CAPABILITIES, defineHarness, isHarnessPlugin } from './contract.js';
export type { HistoryEvent, HistorySession, HistoryFile, HarnessHistory } from './history.js';

export type { EventHandler, SubscriberError, EventBusOptions } from './bus.js';
export { EventBus } from './bus.js';

export type { FramerSink } from './jsonl.js';
export { JsonlFramer, DEFAULT_MAX_LINE_BYTES } from './jsonl.js';

export type { RunOptions, HarnessRun } from './runner.js';
export { startRun } from './runner.js';
export type {
  SessionChannel,
  SessionContext,
  SessionHarnessDefinition,
  SessionHarnessPlugin,
} from './session-contract.js';
export { defineSessionHarness, isSessionPlugin } from './session-contract.js';
export { killAllRunsNow } from './live-runs.js';

export type { BinaryOptions, ResolvedBinary } from './binary.js';
export { resolveBinary } from './binary.js';
export { detectVersion, parseVersion } from './detect.js';

export type {
  PluginEntry,
  PluginManifestField,
  PluginPackage,
  PluginSource,
  LoadedPlugin,
  PluginFailure,
  DiscoveryOptions,
  DiscoveryResult,
  IgnoredPackage,
} from './discovery.js';
export { discoverPlugins, findHarness, loadPlugin, scanPluginPackages } from './discovery.js';
export { FIRST_PARTY_HARNESSES, firstPartyPackage } from './first-party.js';

export type { ErrorCode } from './errors.js';
export {
  OmnigentError,
  HarnessNotFoundError,
  UnknownHarnessError,
  PluginLoadError,
  PluginContractError,
  ConfigError,
  UsageError,
} from './errors.js';

export type { UsageKey } from './usage.js';
export { addUsage, cleanUsage, totalTokens, USAGE_KEYS } from './usage.js';

// the plugin kit, also at `@omnigent/core/kit` (no runner loaded)
export {
  isRecord,
  str,
  num,
  lastLine,
  firstLine,
  tailOf,
  describeExit,
  describeOutsideStop,
  exitFields,
  exitReason,
  MAX_LINE_CHARS,
  jsonlRecords,
} from './kit.js';
export { REDACTED, createRedactor, type Redactor, type RedactorOptions } from './redact.js';
