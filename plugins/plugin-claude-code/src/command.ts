import type { CommandContext, CommandSpec, PermissionMode, RunRequest } from '@omnigent/core';
import { claudeMcpArgs } from './mcp.js';

/** Claude Code's `--permission-mode` value for each omnigent permission mode. */
export const PERMISSION_MODES: Record<PermissionMode, string | undefined> = {
  // the CLI's own default: no flag, so user settings still apply
  default: undefined,
  'read-only': 'plan',
  'accept-edits': 'acceptEdits',
  bypass: 'bypassPermissions',
};

/**
 * Map a request onto `claude` argv/env. Contract: the prompt goes on stdin (never argv), so a
 * prompt starting with `-` or following a variadic flag (`--allowedTools a b …`) is never
 * parsed as a flag, and long prompts never hit the argv size limit.
 */
export function claudeCommand(request: RunRequest, ctx: CommandContext): CommandSpec {
  const args: string[] = [];
  const env: Record<string, string | undefined> = {};
  const warnings: string[] = [];

  // non-interactive print mode; skips the workspace-trust dialog
  args.push('-p');
  // NDJSON, one event per line; stream-json with -p refuses to run without --verbose
  args.push('--output-format', 'stream-json', '--verbose');
  // raw SSE events: the only exact per-call token usage, and streaming text deltas
  args.push('--include-partial-messages');

  if (request.model) args.push('--model', request.model);
  if (request.resume) args.push('--resume', request.resume);
  // a forced id must be a UUID; the CLI rejects anything else itself
  else if (request.sessionId) args.push('--session-id', request.sessionId);
  // the CLI takes --session-id with --resume only together with --fork-session, which would leave
  // the resumed session behind: resuming wins, and the dropped id is said, not swallowed
  if (request.resume && request.sessionId && request.sessionId !== request.resume)
    warnings.push(
      `claude-code resumes session ${request.resume}; the requested session id ${request.sessionId} was not applied`,
    );

  const mode = PERMISSION_MODES[request.permissionMode ?? 'default'];
  if (mode) args.push('--permission-mode', mode);
  // bypassPermissions is refused for root unless the CLI is told it runs in a sandbox
  if (request.permissionMode === 'bypass' && ctx.isRoot) env.IS_SANDBOX = '1';

  // MCP servers: inline config, only these servers, and their tools pre-approved (-p cannot ask)
  const mcp = claudeMcpArgs(request.mcpServers ?? {});
  args.push(...mcp.args);
  Object.assign(env, mcp.env);
  const allowed = [...(request.allowedTools ?? []), ...mcp.allowedTools];
  // `--flag=a,b` keeps the variadic option from swallowing any later argument
  if (allowed.length) args.push(`--allowedTools=${allowed.join(',')}`);
  if (request.disallowedTools?.length) args.push(`--disallowedTools=${request.disallowedTools.join(',')}`);

  if (request.systemPrompt !== undefined) args.push('--system-prompt', request.systemPrompt);
  if (request.appendSystemPrompt !== undefined) args.push('--append-system-prompt', request.appendSystemPrompt);
  // hidden from --help but honoured in -p mode
  if (request.maxTurns !== undefined) args.push('--max-turns', String(request.maxTurns));

  if (request.baseUrl) env.ANTHROPIC_BASE_URL = request.baseUrl;
  // Claude Code has no provider flag (Bedrock/Vertex are switched on by its own env variables)
  if (request.provider && request.provider !== 'anthropic')
    warnings.push(
      `claude-code has no provider option; provider "${request.provider}" was not applied (Claude Code talks to Anthropic, or to ANTHROPIC_BASE_URL)`,
    );

  args.push(...(request.extraArgs ?? []));

  return {
    args,
    ...(Object.keys(env).length > 0 ? { env } : {}),
    // there is no --cwd flag: the child's cwd is the session's working directory
    ...(request.cwd ? { cwd: request.cwd } : {}),
    stdin: request.prompt,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
