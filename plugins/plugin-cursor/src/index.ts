export { cursorHarness as default, cursorHarness } from './plugin.js';
export type { CursorOptions } from './command.js';
export { cursorCommand, cursorOptions } from './command.js';
export type { CursorState } from './translate.js';
export { createCursorState, translateCursor, finishCursor, explainStderr } from './translate.js';
export type { CursorToolIdentity, CursorToolOutcome } from './tools.js';
export { CURSOR_TOOL_KINDS, identifyTool, toolOutcome } from './tools.js';
export { normalizeCursorUsage } from './usage.js';
export { detectCursor, parseCursorVersion } from './detect.js';
export { doctorHint } from './doctor.js';
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
