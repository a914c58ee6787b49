import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { CommandContext, CommandSpec, PermissionMode, RunRequest } from '@omnigent/core';
import { codexMcpArgs } from './mcp.js';
import { codexOptions, type CodexProviderOption } from './options.js';
import { toToml, tomlKey } from './toml.js';

/** The id given to a provider made from `options.provider` without an `id`. */
export const DEFAULT_PROVIDER_ID = 'omnigent';

const SANDBOX_BY_MODE: Record<PermissionMode, 'read-only' | 'workspace-write' | 'danger-full-access'> = {
  // codex exec's own default is read-only, where patches are silently rejected; a coding run edits
  default: 'workspace-write',
  'accept-edits': 'workspace-write',
  'read-only': 'read-only',
  bypass: 'danger-full-access',
};

function isGitMarker(path: string): boolean {
  try {
    const st = statSync(path);
    // a worktree or submodule has a `.git` file; a repository a `.git` directory with a HEAD
    return st.isFile() || (st.isDirectory() && existsSync(join(path, 'HEAD')));
  } catch {
    return false;
  }
}

/** True when `dir` or one of its parents holds a git repository (`.git` dir with HEAD, or `.git` file). */
export function insideGitRepo(dir: string): boolean {
  let current = resolve(dir);
  for (;;) {
    if (isGitMarker(join(current, '.git'))) return true;
    const parent = dirname(current);
    if (parent === current) return false;
    current = parent;
  }
}

/**
 * Codex reads a replacement system prompt only from a file (`model_instructions_file`); the file is
 * named by the prompt's hash, so the same prompt maps to the same path and argv stays deterministic.
 */
export function instructionsFile(systemPrompt: string): string {
  const hash = createHash('sha256').update(systemPrompt).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'omnigent-codex');
  const file = join(dir, `instructions-${hash}.md`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, systemPrompt);
  }
  return file;
}

function providerTable(
  provider: CodexProviderOption,
  baseUrl: string | undefined,
): { id: string; table: Record<string, unknown> } {
  const { id, baseUrl: camelUrl, envKey, ...rest } = provider;
  const table: Record<string, unknown> = {
    name: provider.name ?? id ?? DEFAULT_PROVIDER_ID,
    wire_api: 'responses',
    ...rest,
  };
  const url = provider.base_url ?? camelUrl ?? baseUrl;
  if (url !== undefined) table.base_url = url;
  if (envKey !== undefined && table.env_key === undefined) table.env_key = envKey;
  return { id: id ?? DEFAULT_PROVIDER_ID, table };
}

const config = (key: string, value: unknown): string[] => ['-c', `${key}=${toToml(value)}`];

/** Request fields `codex exec` has no flag for: said as warnings (CommandSpec.warnings), not dropped. */
export function unsupportedFields(request: RunRequest): string[] {
  const out: string[] = [];
  if (request.maxTurns !== undefined) out.push('maxTurns');
  if (request.allowedTools?.length) out.push('allowedTools');
  if (request.disallowedTools?.length) out.push('disallowedTools');
  if (request.sessionId !== undefined) out.push('sessionId');
  return out;
}

/**
 * Map a run request onto `codex exec --json … -` with the prompt on stdin (then closed: codex reads
 * stdin until EOF whenever it is not a TTY). Every exec-level option precedes `resume`, whose
 * subcommand accepts neither `-C` nor `-s`. Contract: pure apart from one side effect, said openly:
 * a replacement system prompt is written to a content-addressed file (see {@link instructionsFile}),
 * because codex reads one only from a path; the write is idempotent and its path is deterministic.
 */
export function codexCommand(request: RunRequest, _ctx?: CommandContext): CommandSpec {
  const options = codexOptions(request);
  const cwd = resolve(request.cwd ?? process.cwd());
  const args = ['exec', '--json'];

  // -m: model slug; codex does not echo it in the stream, so the translator takes it from the request
  if (request.model) args.push('-m', request.model);
  // -C: exec-level working root (the runner also spawns in this directory)
  if (request.cwd) args.push('-C', cwd);
  // -s: sandbox policy from the permission mode
  args.push('-s', options.sandbox ?? SANDBOX_BY_MODE[request.permissionMode ?? 'default']);
  // approval prompts cannot be answered in exec; `-a` is not an exec flag, so it goes through -c
  args.push(...config('approval_policy', options.approvalPolicy ?? 'never'));
  // --skip-git-repo-check: otherwise codex exits 1 with no JSON outside a git repository
  if (options.skipGitRepoCheck ?? !insideGitRepo(cwd)) args.push('--skip-git-repo-check');
  if (options.ephemeral) args.push('--ephemeral');
  if (options.ignoreUserConfig) args.push('--ignore-user-config');
  if (options.profile) args.push('-p', options.profile);
  for (const dir of options.addDirs ?? []) args.push('--add-dir', dir);
  if (options.reasoningEffort) args.push(...config('model_reasoning_effort', options.reasoningEffort));

  // provider: a whole [model_providers.<id>] table inline, or just a base URL for the OpenAI provider
  if (options.provider) {
    const { id, table } = providerTable(options.provider, request.baseUrl);
    args.push(...config(`model_providers.${tomlKey(id)}`, table));
    args.push(...config('model_provider', id));
  } else {
    if (request.provider) args.push(...config('model_provider', request.provider));
    if (request.baseUrl) args.push(...config('openai_base_url', request.baseUrl));
  }
  for (const [key, value] of Object.entries(options.config ?? {})) {
    if (value !== undefined) args.push(...config(key, value));
  }

  // system prompt: replacing it needs a file; appending maps to developer_instructions
  // (0.169 ignores `instructions` silently and warns that `base_instructions` is ignored)
  if (request.systemPrompt) args.push(...config('model_instructions_file', instructionsFile(request.systemPrompt)));
  if (request.appendSystemPrompt) args.push(...config('developer_instructions', request.appendSystemPrompt));

  // MCP servers as -c tables (never the user's config.toml); header values through the environment
  const mcp = codexMcpArgs(request.mcpServers ?? {});
  args.push(...mcp.args);

  args.push(...(request.extraArgs ?? []));
  if (request.resume) args.push('resume', request.resume);
  // `-`: read the prompt from stdin, never from argv (no length limit, no leaking into `ps`)
  args.push('-');

  const warnings = unsupportedFields(request).map(
    (field) => `codex exec has no equivalent of ${field}; it was ignored`,
  );
  return {
    args,
    stdin: request.prompt,
    cwd,
    ...(Object.keys(mcp.env).length > 0 ? { env: mcp.env } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
