import { resolve } from 'node:path';
import type { CommandContext, CommandSpec, RunRequest } from '@omnigent/core';

/** Plugin options read from `request.options` (`omnigent.config.*`: `['cursor', {…}]`). */
export interface CursorOptions {
  /** Pass `--stream-partial-output` (token deltas as extra `assistant` lines). Default: false. */
  streamPartialOutput?: boolean;
  /** API key handed to the child as `CURSOR_API_KEY` (never on the command line). Default: the user's env. */
  apiKey?: string;
}

/** Read the typed plugin options out of the free-form `request.options`. */
export function cursorOptions(request: RunRequest): CursorOptions {
  const o = request.options ?? {};
  return {
    ...(o.streamPartialOutput === true ? { streamPartialOutput: true } : {}),
    ...(typeof o.apiKey === 'string' && o.apiKey !== '' ? { apiKey: o.apiKey } : {}),
  };
}

/**
 * Linux refuses to exec one argument longer than 128 KiB (MAX_ARG_STRLEN: `spawn E2BIG`); prompts
 * above this many UTF-8 bytes go through stdin instead, with room to spare.
 */
export const MAX_PROMPT_ARG_BYTES = 100_000;

/** Requests Cursor's CLI has no flag for: said once, as warnings, instead of silently dropped. */
export function unsupportedOptions(request: RunRequest): string[] {
  const notes: Array<[boolean, string]> = [
    [request.maxTurns !== undefined, 'cursor-agent has no --max-turns; the turn limit was not applied'],
    [request.systemPrompt !== undefined, 'cursor-agent has no system-prompt flag; --system-prompt was not applied'],
    [
      request.appendSystemPrompt !== undefined,
      'cursor-agent has no system-prompt flag; --append-system-prompt was not applied',
    ],
    [
      (request.allowedTools?.length ?? 0) > 0,
      'cursor-agent has no supported allowed-tools flag; --allowed-tools was not applied (use .cursor/hooks.json)',
    ],
    [
      (request.disallowedTools?.length ?? 0) > 0,
      'cursor-agent has no supported tool deny flag; disallowed tools were not applied (use .cursor/hooks.json)',
    ],
    [request.sessionId !== undefined, 'cursor-agent cannot be given a session id; it picks its own'],
    [request.baseUrl !== undefined, "cursor-agent talks only to Cursor's own backend; the base URL was not applied"],
    [
      request.provider !== undefined && request.provider !== 'cursor',
      `cursor-agent has no provider option; provider "${request.provider}" was not applied (pick the model with --model)`,
    ],
    // its documented MCP form is a file (.cursor/mcp.json in the project, ~/.cursor/mcp.json): omnigent
    // writes neither (they are the user's), and no flag or variable pointing elsewhere is documented
    [
      Object.keys(request.mcpServers ?? {}).length > 0,
      `cursor-agent reads MCP servers only from .cursor/mcp.json or ~/.cursor/mcp.json, which omnigent does not write; MCP servers ${Object.keys(request.mcpServers ?? {}).join(', ')} were not applied (declare them there; their calls are still reported per server)`,
    ],
  ];
  return notes.filter(([on]) => on).map(([, message]) => message);
}

/**
 * Map a request onto `cursor-agent` argv/env. Pure: no spawning.
 * Contract: the prompt is the last argument, after `--`, unless it is longer than
 * {@link MAX_PROMPT_ARG_BYTES}: then it goes on stdin, which `cursor-agent -p` reads to EOF as the
 * prompt when no positional prompt is given. The API key never appears in argv.
 */
export function cursorCommand(request: RunRequest, _ctx?: CommandContext): CommandSpec {
  const options = cursorOptions(request);
  const cwd = resolve(request.cwd ?? process.cwd());
  const args: string[] = [];

  // -p: print (headless) mode; has every tool, including write and shell
  args.push('-p');
  // --output-format stream-json: docs disagree on the default across versions, so always say it
  args.push('--output-format', 'stream-json');
  // --trust: a workspace never opened interactively otherwise fails with "Workspace Trust Required"
  args.push('--trust');
  // --stream-partial-output: opt-in; deltas are told apart from whole segments in translate.ts
  if (options.streamPartialOutput) args.push('--stream-partial-output');
  // --model: an id (`auto`, `claude-sonnet-4-5`, …); init reports a display name instead
  if (request.model) args.push('--model', request.model);
  // --force: print mode already auto-approves writes and shell; --force also lifts command denials
  if (request.permissionMode === 'accept-edits' || request.permissionMode === 'bypass') args.push('--force');
  // --mode plan: Cursor's read-only mode (advisory, enforced by Cursor's backend, not locally)
  if (request.permissionMode === 'read-only') args.push('--mode', 'plan');
  // --workspace: the agent's root; the child's cwd is set to the same directory below
  args.push('--workspace', cwd);
  // --resume <chatId>: the session_id of an earlier run; each turn is a new process
  if (request.resume) args.push('--resume', request.resume);
  args.push(...(request.extraArgs ?? []));
  const viaStdin = Buffer.byteLength(request.prompt, 'utf8') > MAX_PROMPT_ARG_BYTES;
  // `--` so that a prompt starting with `-` is not parsed as a flag
  if (!viaStdin) args.push('--', request.prompt);

  const env: Record<string, string> = {};
  // the key goes through the environment only: argv is visible to every user in `ps`
  if (options.apiKey) env.CURSOR_API_KEY = options.apiKey;

  const warnings = unsupportedOptions(request);
  // stdin stays closed (the runner gives the child /dev/null) when the prompt is in argv, and is
  // closed right after a long prompt: a permission question (`interaction_query`) reads end-of-file
  // either way instead of waiting for us
  return {
    args,
    cwd,
    ...(Object.keys(env).length > 0 ? { env } : {}),
    ...(viaStdin ? { stdin: request.prompt } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
