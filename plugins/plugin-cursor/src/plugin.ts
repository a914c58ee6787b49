import { defineHarness } from '@omnigent/core';
import { cursorCommand } from './command.js';
import { detectCursor } from './detect.js';
import { doctorHint } from './doctor.js';
import { finishCursor } from './finish.js';
import { createCursorState, type CursorState } from './state.js';
import { translateCursor } from './translate.js';
import { PACKAGE_NAME, VERSION } from './version.js';

/** The Cursor CLI (`cursor-agent`) harness plugin (`-H cursor`). */
export const cursorHarness = defineHarness<CursorState>({
  name: 'cursor',
  displayName: 'Cursor CLI',
  meta: { version: VERSION, packageName: PACKAGE_NAME },
  capabilities: {
    resume: true,
    // one `result.usage` total per run, on 2026 builds only
    tokenUsage: 'per-run',
    cost: false,
    reasoning: true,
    // only with `streamPartialOutput: true` in the plugin options
    streamingText: true,
    subagents: false,
    // `--sandbox enabled|disabled` and Cursor's own permission rules/hooks (print mode auto-approves)
    sandbox: true,
    fileChanges: true,
    traceparent: false,
  },
  binary: { names: ['cursor-agent', 'agent'], install: 'curl https://cursor.com/install -fsS | bash' },
  provider: 'cursor',
  credentialEnv: ['CURSOR_API_KEY'],
  doctorHint,
  detect: detectCursor,
  command: cursorCommand,
  createState: createCursorState,
  translate: translateCursor,
  finish: finishCursor,
});
