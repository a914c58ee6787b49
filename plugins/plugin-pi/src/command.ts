import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, type CommandContext, type CommandSpec, type RunRequest } from '@omnigent/core';
import { PI_DEFAULT_TOOLS, PI_READ_ONLY_TOOLS } from './events.js';

/**
 * Plugin options (`omnigent.config.*`: `harnesses.pi.options`, or `RunRequest.options`).
 * Every field is optional.
 */
export interface PiOptions {
  /** Pi's config dir (models.json, settings.json, auth.json, sessions/): env `PI_CODING_AGENT_DIR`. Default: `~/.pi/agent`. */
  agentDir?: string;
  /** No network besides the model endpoint: env `PI_OFFLINE=1` (no version check, no install ping). */
  offline?: boolean;
  /** Model provider from models.json or pi's built-ins, when `RunRequest.provider` is not set. */
  provider?: string;
  /** Where sessions are stored: `--session-dir`. */
  sessionDir?: string;
  /** `--thinking off|minimal|low|medium|high|xhigh`. */
  thinking?: string;
  /** Do not persist the session: `--no-session` (a run cannot be resumed then). */
  noSession?: boolean;
  /**
   * models.json has prices for the models used (even 0, for a free local model): a cost of 0 is
   * then reported as 0 instead of unknown. Default: false (a 0 cost means "no price configured").
   */
  pricesConfigured?: boolean;
  /** Ignore the user's extensions, skills, prompt templates and AGENTS.md/CLAUDE.md files. */
  isolated?: boolean;
  /** Continue the most recent session of the working directory: `--continue` (a `resume` id wins). */
  continueSession?: boolean;
}

const WRITING_TOOLS = new Set(['bash', 'edit', 'write']);

function optionString(options: Record<string, unknown>, key: keyof PiOptions): string | undefined {
  const v = options[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v === '')
    throw new ConfigError(`expected a non-empty string, got ${JSON.stringify(v)}`, {
      key: `harnesses.pi.options.${key}`,
    });
  return v;
}

function optionBoolean(options: Record<string, unknown>, key: keyof PiOptions): boolean {
  const v = options[key];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean')
    throw new ConfigError(`expected true or false, got ${JSON.stringify(v)}`, { key: `harnesses.pi.options.${key}` });
  return v;
}

/** Read and check the plugin options of a request. Throws `ConfigError` on a wrongly typed value. */
export function piOptions(request: RunRequest): PiOptions {
  const o = request.options ?? {};
  const out: PiOptions = {};
  const agentDir = optionString(o, 'agentDir');
  if (agentDir !== undefined) out.agentDir = agentDir;
  if (optionBoolean(o, 'offline')) out.offline = true;
  const provider = optionString(o, 'provider');
  if (provider !== undefined) out.provider = provider;
  const sessionDir = optionString(o, 'sessionDir');
  if (sessionDir !== undefined) out.sessionDir = sessionDir;
  const thinking = optionString(o, 'thinking');
  if (thinking !== undefined) out.thinking = thinking;
  if (optionBoolean(o, 'noSession')) out.noSession = true;
  if (optionBoolean(o, 'isolated')) out.isolated = true;
  if (optionBoolean(o, 'pricesConfigured')) out.pricesConfigured = true;
  if (optionBoolean(o, 'continueSession')) out.continueSession = true;
  return out;
}

/**
 * The `--tools` allowlist for a request, or undefined to keep pi's default set. Pi has no deny
 * list and no permission system, so both are expressed as the allowlist: `read-only` keeps only
 * the reading tools, `disallowedTools` are removed from the list.
 */
export function piTools(request: RunRequest): string[] | undefined {
  const readOnly = request.permissionMode === 'read-only';
  const denied = new Set(request.disallowedTools ?? []);
  if (!request.allowedTools?.length && !denied.size && !readOnly) return undefined;
  let tools: string[] = request.allowedTools?.length
    ? [...request.allowedTools]
    : [...(readOnly ? PI_READ_ONLY_TOOLS : PI_DEFAULT_TOOLS)];
  if (readOnly) tools = tools.filter((t) => !WRITING_TOOLS.has(t));
  return tools.filter((t) => !denied.has(t));
}

/** Linux refuses to exec an argument longer than 128 KiB (MAX_ARG_STRLEN: E2BIG); keep clear of it. */
const MAX_PROMPT_ARG_BYTES = 100_000;

/**
 * A system prompt as a `--system-prompt`/`--append-system-prompt` value: inline, or, when too long
 * for one argument, the path of a file holding it (pi reads a value naming an existing file). The
 * file is named by the text's hash, so the same prompt gives the same argv.
 */
function promptArg(text: string): string {
  if (Buffer.byteLength(text, 'utf8') <= MAX_PROMPT_ARG_BYTES) return text;
  const dir = join(tmpdir(), 'omnigent-pi');
  const file = join(dir, `prompt-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.md`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // a system prompt may hold private instructions: readable by the user only
    writeFileSync(file, text, { mode: 0o600 });
  }
  return file;
}

/**
 * Pi reads an argument starting with `-` as an option and one starting with `@` as a file to
 * attach; such prompts, and prompts too long for one argument, go through stdin, which pi's print
 * mode reads as the prompt.
 */
function promptNeedsStdin(prompt: string): boolean {
  return prompt.startsWith('-') || prompt.startsWith('@') || Buffer.byteLength(prompt, 'utf8') > MAX_PROMPT_ARG_BYTES;
}

/** Request fields pi has no way to honour, said once as warnings. */
function unsupported(r: RunRequest): string[] {
  const out: string[] = [];
  if (r.baseUrl)
    out.push(
      `Pi takes model endpoints from models.json, not from a base URL: ${r.baseUrl} was not used (add a provider with that baseUrl to models.json in the agent dir; see the @omnigent/plugin-pi README)`,
    );
  if (r.maxTurns !== undefined) out.push(`Pi has no turn limit; maxTurns=${r.maxTurns} was not applied`);
  if (r.sessionId) out.push(`Pi cannot start a session with a chosen id; ${r.sessionId} was not used`);
  // Pi has no MCP client (by design: tools come from extensions); pi-acp takes MCP servers but does not pass them on
  const mcp = Object.keys(r.mcpServers ?? {});
  if (mcp.length)
    out.push(
      `Pi has no MCP support; MCP servers ${mcp.join(', ')} were not applied (Pi's tools come from its extensions)`,
    );
  return out;
}

/** Map a RunRequest onto `pi --mode json -p …` (no spawning). */
export function piCommand(request: RunRequest, _ctx?: CommandContext): CommandSpec {
  const options = piOptions(request);
  // JSONL event stream, non-interactive
  const args = ['--mode', 'json', '-p'];
  const env: Record<string, string> = {};

  // --provider: a models.json provider (custom/local endpoints) or a built-in one
  const provider = request.provider ?? options.provider;
  if (provider) args.push('--provider', provider);
  // --model: an id of that provider, or `provider/id[:thinking]`
  if (request.model) args.push('--model', request.model);
  // --thinking: reasoning effort
  if (options.thinking) args.push('--thinking', options.thinking);

  // --session: continue an earlier session (id or unique id prefix); the history is re-sent
  if (request.resume) args.push('--session', request.resume);
  // --continue: the most recent session of the working directory
  else if (options.continueSession) args.push('--continue');
  // --session-dir: where session files live
  if (options.sessionDir) args.push('--session-dir', options.sessionDir);
  // --no-session: ephemeral run
  if (options.noSession && !request.resume) args.push('--no-session');

  // --system-prompt replaces pi's prompt; --append-system-prompt adds to it (text or a file path)
  if (request.systemPrompt) args.push('--system-prompt', promptArg(request.systemPrompt));
  if (request.appendSystemPrompt) args.push('--append-system-prompt', promptArg(request.appendSystemPrompt));

  // --tools allowlist (--no-tools when nothing is left)
  const tools = piTools(request);
  if (tools !== undefined) {
    if (tools.length) args.push('--tools', tools.join(','));
    else args.push('--no-tools');
  }

  // isolation from the user's pi setup
  if (options.isolated) args.push('--no-extensions', '--no-skills', '--no-prompt-templates', '--no-context-files');

  // the agent dir holds models.json (custom and local OpenAI-compatible models) and settings.json
  if (options.agentDir) env.PI_CODING_AGENT_DIR = options.agentDir;
  if (options.offline) env.PI_OFFLINE = '1';

  args.push(...(request.extraArgs ?? []));

  const spec: CommandSpec = { args, env };
  const warnings = unsupported(request);
  if (warnings.length) spec.warnings = warnings;
  // pi has no cwd flag: it works in the directory it is started in
  if (request.cwd) spec.cwd = request.cwd;
  if (promptNeedsStdin(request.prompt)) spec.stdin = request.prompt;
  else args.push(request.prompt);
  return spec;
}
