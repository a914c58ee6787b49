import { defineHarness } from '@omnigent/core';
import { claudeCommand } from './command.js';
import { detectClaude } from './detect.js';
import { finishClaude } from './finish.js';
import { claudeHistory } from './history.js';
import { createClaudeState, type ClaudeState } from './state.js';
import { translateClaude } from './translate.js';
import { PACKAGE_NAME, VERSION } from './version.js';

/** The Claude Code harness plugin (`-H claude-code`). */
export const claudeCode = defineHarness<ClaudeState>({
  name: 'claude-code',
  displayName: 'Claude Code',
  meta: { version: VERSION, packageName: PACKAGE_NAME },
  capabilities: {
    mcp: true,
    resume: true,
    // exact per model call from the stream events (sub-agent calls: input/cache only)
    tokenUsage: 'per-call',
    cost: true,
    reasoning: true,
    streamingText: true,
    subagents: true,
    sandbox: true,
    fileChanges: true,
    // only with CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1 and OTel exporters configured
    traceparent: true,
  },
  binary: {
    names: ['claude'],
    npmPackage: '@anthropic-ai/claude-code',
    install: 'npm install -g @anthropic-ai/claude-code',
  },
  provider: 'anthropic',
  credentialEnv: ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'CLAUDE_CODE_OAUTH_TOKEN'],
  detect: detectClaude,
  command: claudeCommand,
  createState: createClaudeState,
  translate: translateClaude,
  finish: finishClaude,
  history: claudeHistory,
});
