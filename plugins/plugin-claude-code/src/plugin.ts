import { createRequire } from 'node:module';
import { defineHarness } from '@omnigent/core';
import { claudeCommand } from './command.js';
import { detectClaude } from './detect.js';
import { finishClaude } from './finish.js';
import { createClaudeState, translateClaude, type ClaudeState } from './translate.js';

// src/ and dist/ are both one level below package.json
const pkg = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/** The Claude Code harness plugin (`-H claude-code`). */
export const claudeCode = defineHarness<ClaudeState>({
  name: 'claude-code',
  displayName: 'Claude Code',
  meta: { version: pkg.version, packageName: pkg.name },
  capabilities: {
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
  binary: { names: ['claude'], npmPackage: '@anthropic-ai/claude-code', install: 'npm install -g @anthropic-ai/claude-code' },
  provider: 'anthropic',
  credentialEnv: ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'CLAUDE_CODE_OAUTH_TOKEN'],
  detect: detectClaude,
  command: claudeCommand,
  createState: createClaudeState,
  translate: translateClaude,
  finish: finishClaude,
});
