import { defineSessionHarness, type RunRequest, type CommandSpec } from '@omnigent/core';
import { acpOptions } from './options.js';
import { runAcpSession } from './session.js';
import { PACKAGE_NAME, VERSION } from './version.js';

/** What to say when `-H acp` names no agent. */
export const NO_AGENT_HINT =
  'name the agent to run: omnigent run -H acp --agent "<command>", or a named agent in config: harnesses: { gemini: { plugin: acp, command: [gemini, --experimental-acp] } }';

/** argv and env of the agent: its command comes as the binary (`--agent`, `command[0]`) and `extraArgs`. */
export function acpCommand(request: RunRequest): CommandSpec {
  const opts = acpOptions(request.options);
  const warnings: string[] = [];
  const unsupported: Array<[keyof RunRequest, string]> = [
    ['systemPrompt', '--system-prompt'],
    ['appendSystemPrompt', '--append-system-prompt'],
    ['maxTurns', '--max-turns'],
    ['sessionId', '--session-id'],
    ['baseUrl', 'a base URL override'],
    ['provider', '--provider'],
  ];
  for (const [key, label] of unsupported) {
    if (request[key] !== undefined)
      warnings.push(`ACP has no way to pass ${label} to the agent; not applied (set it in the agent's own config)`);
  }
  return {
    args: request.extraArgs ?? [],
    ...(opts.env ? { env: opts.env } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
}

/**
 * Any Agent Client Protocol agent as an omnigent harness: `-H acp --agent "<command>"`, or a named
 * agent in config (`harnesses.<name>: { plugin: acp, command: [...] }`), each its own harness.
 */
export const acpHarness = defineSessionHarness({
  name: 'acp',
  displayName: 'ACP agent',
  meta: { version: VERSION, packageName: PACKAGE_NAME },
  capabilities: {
    resume: true,
    tokenUsage: 'per-turn',
    cost: true,
    reasoning: true,
    streamingText: true,
    subagents: false,
    sandbox: true,
    fileChanges: true,
    traceparent: false,
  },
  // no binary of its own: the agent's command is configured (`--agent`, `harnesses.<name>.command`)
  binary: { names: [], install: NO_AGENT_HINT },
  doctorHint:
    'An ACP agent is any command that speaks the Agent Client Protocol on stdio; its credentials are its own (log in with its CLI or set its API key).',
  // an ACP agent started with --version may just wait on stdin for a client: its version comes from initialize
  detect: async () => ({}),
  command: acpCommand,
  session: (ctx) => runAcpSession(ctx, ctx.harness),
});
