import { defineHarness } from '@omnigent/core';
import { codexCommand } from './command.js';
import { finishCodex } from './finish.js';
import { codexHistory } from './history.js';
import { createCodexState, type CodexState } from './state.js';
import { translateCodex } from './translate.js';
import { PACKAGE_NAME, VERSION } from './version.js';

/** The OpenAI Codex CLI (`codex exec --json`) as an omnigent harness (`-H codex`). */
export const codexHarness = defineHarness<CodexState>({
  name: 'codex',
  displayName: 'OpenAI Codex CLI',
  meta: { version: VERSION, packageName: PACKAGE_NAME },
  capabilities: {
    mcp: true,
    resume: true,
    tokenUsage: 'per-turn',
    cost: false,
    reasoning: true,
    streamingText: false,
    subagents: false,
    sandbox: true,
    fileChanges: true,
    traceparent: true,
  },
  binary: { names: ['codex'], npmPackage: '@openai/codex', install: 'npm install -g @openai/codex' },
  provider: 'openai',
  credentialEnv: ['OPENAI_API_KEY', 'CODEX_API_KEY', 'CODEX_HOME'],
  // detect: core's default reads `codex --version` (`codex-cli 0.169.0`)
  command: codexCommand,
  createState: createCodexState,
  translate: translateCodex,
  finish: finishCodex,
  history: codexHistory,
});
