export { cursorHarness as default, cursorHarness } from './plugin.js';
export type { CursorOptions } from './command.js';
export type {
  CursorLine,
  CursorLineBase,
  CursorSystemInit,
  CursorUserLine,
  CursorAssistantLine,
  CursorThinkingLine,
  CursorToolCallLine,
  CursorToolCallPayload,
  CursorToolBody,
  CursorToolResult,
  CursorResultLine,
  CursorUsage,
  CursorInteractionQuery,
  CursorTextBlock,
} from './events.js';
