import { defineHarness, parseVersion } from '@omnigent/core';
import { codexCommand } from './command.js';
import { finishCodex } from './finish.js';
import { createCodexState, type CodexState } from './state.js';
import { translateCodex } from './translate.js';

/** The OpenAI Codex CLI (`codex exec --json`) as an omnigent harness (`-H codex`). */
export const codexHarness = defineHarness<CodexState>({
  name: 'codex',
  displayName: 'OpenAI Codex CLI',
  meta: { version: '0.0.0', packageName: '@omnigent/plugin-codex' },
  capabilities: {
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
  detect: async (_bin, exec) => {
    // `codex --version` prints `codex-cli 0.169.0`
    const r = await exec(['--version']);
    const version = parseVersion(r.stdout) ?? parseVersion(r.stderr);
    return version ? { version } : {};
  },
  command: codexCommand,
  createState: createCodexState,
  translate: (record, state) => translateCodex(record, state),
  finish: finishCodex,
});
