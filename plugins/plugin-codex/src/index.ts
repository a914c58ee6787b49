export { codexHarness as default, codexHarness } from './plugin.js';
export { codexCommand, insideGitRepo, instructionsFile, DEFAULT_PROVIDER_ID } from './command.js';
export { translateCodex } from './translate.js';
export { finishCodex, meaningfulStderr } from './finish.js';
export type { CodexState, BaselineSource } from './state.js';
export { createCodexState } from './state.js';
export type { CodexOptions, CodexProviderOption, CodexPrice, CodexPreviousUsage } from './options.js';
export { codexOptions } from './options.js';
export { fromCodexUsage, usageDelta, priceUsage, findRollout, rolloutTotals, codexHome, configuredModel, configuredSetting } from './usage.js';
export { toToml, tomlKey } from './toml.js';
export type { TomlValue } from './toml.js';
export type {
  CodexThreadEvent,
  CodexThreadItem,
  CodexUsage,
  CodexItemStatus,
  CodexAgentMessageItem,
  CodexReasoningItem,
  CodexPlanItem,
  CodexCommandExecutionItem,
  CodexFileChangeItem,
  CodexFileUpdateChange,
  CodexMcpToolCallItem,
  CodexCollabToolCallItem,
  CodexWebSearchItem,
  CodexTodoListItem,
  CodexTodoEntry,
  CodexErrorItem,
  CodexThreadStartedEvent,
  CodexTurnStartedEvent,
  CodexTurnCompletedEvent,
  CodexTurnFailedEvent,
  CodexItemEvent,
  CodexStreamErrorEvent,
  CodexPlanDeltaEvent,
  CodexRequestUserInputEvent,
} from './events.js';
