export { piHarness as default, piHarness } from './plugin.js';
export type { PiOptions } from './command.js';
export { piCommand, piOptions, piTools } from './command.js';
export type { PiState } from './state.js';
export { createPiState } from './state.js';
export { translatePi, piToolKind, bashExitCode } from './translate.js';
export { finishPi } from './finish.js';
export { piCallUsage } from './usage.js';
export type {
  PiRecord,
  PiSessionHeader,
  PiUsage,
  PiStopReason,
  PiContentBlock,
  PiAssistantMessage,
  PiUserMessage,
  PiToolResultMessage,
  PiBashExecutionMessage,
  PiCustomMessage,
  PiMessage,
  PiAssistantMessageEvent,
  PiToolResult,
} from './events.js';
export { PI_BUILTIN_TOOLS, PI_DEFAULT_TOOLS, PI_READ_ONLY_TOOLS } from './events.js';
