import { fileURLToPath } from 'node:url';
import { EVENT_TYPES, defineHarness, type NonTerminalDraft, type TerminalDraft } from '@omnigent/core';

/** Path of the fake harness executable shipped in this package. */
export const FAKE_HARNESS_BIN = fileURLToPath(new URL('../bin/omnigent-fake-harness.js', import.meta.url));

interface FakeState {
  outcome?: TerminalDraft;
}

const PASS_THROUGH = new Set<string>(EVENT_TYPES.filter((t) => t !== 'run.completed' && t !== 'run.failed'));

/**
 * A harness plugin for tests (`-H fake`): the fake harness prints normalized event drafts, which
 * pass through unchanged; a `{"type":"result","ok":bool,"message"?,"result"?}` line sets the
 * outcome; anything else becomes a warning.
 */
export const fakeHarness = defineHarness<FakeState>({
  name: 'fake',
  displayName: 'Fake harness (testkit)',
  meta: { version: '0.0.0', packageName: '@omnigent/testkit' },
  // it hands the MCP server names to the fake binary (OMNIGENT_FAKE_MCP_SERVERS), which serves none
  capabilities: { tokenUsage: 'per-turn', streamingText: true, mcp: true },
  binary: {
    names: ['omnigent-fake-harness'],
    npmPackage: '@omnigent/testkit',
    install: 'npm install -D @omnigent/testkit',
  },
  provider: 'fake',
  command: (request) => ({
    args: [...(request.model ? ['--model', request.model] : []), ...(request.extraArgs ?? []), request.prompt],
    env: {
      OMNIGENT_FAKE_PROMPT: request.prompt,
      ...(request.mcpServers ? { OMNIGENT_FAKE_MCP_SERVERS: Object.keys(request.mcpServers).join(',') } : {}),
    },
  }),
  createState: () => ({}),
  translate: (record, state) => {
    const r = record as { type?: unknown; ok?: boolean; message?: string; result?: string };
    if (r.type === 'result') {
      state.outcome =
        r.ok === false
          ? { type: 'run.failed', reason: 'error', message: r.message ?? 'the fake harness reported a failure' }
          : { type: 'run.completed', ...(r.result !== undefined ? { result: r.result } : {}) };
      return [];
    }
    if (typeof r.type === 'string' && PASS_THROUGH.has(r.type)) return [record as NonTerminalDraft];
    return [
      {
        type: 'warning',
        code: 'unknown-record',
        message: `fake harness printed an unknown record type: ${String(r.type)}`,
        raw: record,
      },
    ];
  },
  finish: (state, exit) => {
    if (exit.exitCode !== 0) return {};
    return state.outcome ? { terminal: state.outcome } : {};
  },
});
export default fakeHarness;
