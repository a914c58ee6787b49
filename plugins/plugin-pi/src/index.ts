export { piHarness as default, piHarness } from './plugin.js';
export type { PiOptions } from './command.js';
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
