export { claudeCode as default, claudeCode } from './plugin.js';
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
  ClaudeRateLimitLine,
  ClaudeAuthStatusLine,
  ClaudeLine,
} from './events.js';
