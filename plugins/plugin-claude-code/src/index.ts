export { claudeCode as default, claudeCode } from './plugin.js';
export { claudeCommand, PERMISSION_MODES } from './command.js';
export { detectClaude, parseClaudeVersion } from './detect.js';
export { finishClaude, runUsageOf } from './finish.js';
export type { ClaudeState } from './translate.js';
export { createClaudeState, translateClaude, toolKind, isPermissionDenial, fromApiUsage } from './translate.js';
export type {
  ClaudeApiUsage,
  ClaudeContentBlock,
  ClaudeToolResultBlock,
  ClaudeLineBase,
  ClaudeSystemInit,
  ClaudeSystemApiRetry,
  ClaudeSystemOther,
  ClaudeAssistantLine,
  ClaudeUserLine,
  ClaudeStreamEventLine,
  ClaudeModelUsage,
  ClaudeResultLine,
  ClaudeLine,
} from './events.js';
