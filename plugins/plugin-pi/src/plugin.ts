import { defineHarness } from '@omnigent/core';
import { piCommand } from './command.js';
import { finishPi } from './finish.js';
import { piHistory } from './history.js';
import { createPiState, type PiState } from './state.js';
import { translatePi } from './translate.js';
import { PACKAGE_NAME, VERSION } from './version.js';

/** The Pi coding agent (`pi --mode json -p`) as an omnigent harness. */
export const piHarness = defineHarness<PiState>({
  name: 'pi',
  displayName: 'Pi',
  meta: { version: VERSION, packageName: PACKAGE_NAME },
  capabilities: {
    resume: true,
    tokenUsage: 'per-call',
    cost: true,
    reasoning: true,
    streamingText: true,
    subagents: false,
    // pi has no sandbox or permission prompts by design: every tool runs with the user's rights
    sandbox: false,
    // derived from successful write (add) and edit (update) calls
    fileChanges: true,
    traceparent: false,
  },
  binary: {
    names: ['pi'],
    npmPackage: '@mariozechner/pi-coding-agent',
    install: 'npm install -g @mariozechner/pi-coding-agent',
  },
  // varies with the model (models.json or built-in providers); reported on session.started
  provider: undefined,
  doctorHint:
    'Pi reads API keys from the environment or ~/.pi/agent/auth.json; custom and local OpenAI-compatible models go in models.json of the agent dir (PI_CODING_AGENT_DIR), see the @omnigent/plugin-pi README.',
  credentialEnv: ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'PI_CODING_AGENT_DIR'],
  // detect: core's default reads `pi --version` (pi prints it on stderr, which the default reads too)
  command: piCommand,
  createState: createPiState,
  translate: translatePi,
  finish: finishPi,
  history: piHistory,
});
