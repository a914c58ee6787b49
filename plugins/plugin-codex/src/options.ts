import type { RunRequest } from '@omnigent/core';
import { isRecord, num, str } from '@omnigent/core/kit';

/** A `[model_providers.<id>]` table, in codex's own keys (camelCase aliases accepted). */
export interface CodexProviderOption {
  /** Provider id. Default: `omnigent`. */
  id?: string;
  name?: string;
  base_url?: string;
  baseUrl?: string;
  /** Env var holding the API key (codex sends `Authorization: Bearer $<env_key>`). */
  env_key?: string;
  envKey?: string;
  /** Default: `responses` (the only wire API codex 0.169 accepts). */
  wire_api?: string;
  /** Any other provider key (`request_max_retries`, `stream_max_retries`, `query_params`…). */
  [key: string]: unknown;
}

/** Prices in US dollars per million tokens. */
export interface CodexPrice {
  input: number;
  output: number;
  /** Default: `input`. */
  cacheRead?: number;
  /** Default: `input`. */
  cacheWrite?: number;
}

/** Token totals of the thread before this run (codex or normalized field names). */
export interface CodexPreviousUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
  input_tokens?: number;
  cached_input_tokens?: number;
  cache_write_input_tokens?: number;
  output_tokens?: number;
  reasoning_output_tokens?: number;
}

/** Plugin options (`request.options`, from `omnigent.config.*` `['codex', {...}]`). */
export interface CodexOptions {
  /** `-c key=<toml value>` for each entry (dotted keys allowed). */
  config?: Record<string, unknown>;
  /** A custom model provider, made the active one. */
  provider?: CodexProviderOption;
  /** Default: `never` (exec cannot answer approval prompts). */
  approvalPolicy?: 'never' | 'on-request' | 'on-failure' | 'untrusted';
  /** Overrides the sandbox derived from `permissionMode`. */
  sandbox?: 'read-only' | 'workspace-write' | 'danger-full-access';
  /** Default: added when no `.git` is found upward of the working directory. */
  skipGitRepoCheck?: boolean;
  /** `--ephemeral`: no session files (then resume and rollout-based usage baselines are unavailable). */
  ephemeral?: boolean;
  /** `-p <profile>`. */
  profile?: string;
  /** `--add-dir` for each entry. */
  addDirs?: string[];
  /** `-c model_reasoning_effort=…`. */
  reasoningEffort?: string;
  /** `--ignore-user-config`. */
  ignoreUserConfig?: boolean;
  /** Thread totals before this run, when resuming (else read from the rollout file). */
  previousUsage?: CodexPreviousUsage;
  /** Prices, to report `costUsd` with `costSource: 'configured-price'`. */
  price?: CodexPrice;
}

/** Read the codex options out of `request.options`, dropping values of the wrong type. */
export function codexOptions(request: RunRequest): CodexOptions {
  const o = request.options;
  if (!isRecord(o)) return {};
  const out: CodexOptions = {};
  if (isRecord(o.config)) out.config = o.config;
  if (isRecord(o.provider)) out.provider = o.provider as CodexProviderOption;
  const approval = str(o.approvalPolicy);
  if (approval === 'never' || approval === 'on-request' || approval === 'on-failure' || approval === 'untrusted')
    out.approvalPolicy = approval;
  const sandbox = str(o.sandbox);
  if (sandbox === 'read-only' || sandbox === 'workspace-write' || sandbox === 'danger-full-access')
    out.sandbox = sandbox;
  if (typeof o.skipGitRepoCheck === 'boolean') out.skipGitRepoCheck = o.skipGitRepoCheck;
  if (typeof o.ephemeral === 'boolean') out.ephemeral = o.ephemeral;
  if (typeof o.ignoreUserConfig === 'boolean') out.ignoreUserConfig = o.ignoreUserConfig;
  const profile = str(o.profile);
  if (profile) out.profile = profile;
  if (Array.isArray(o.addDirs)) out.addDirs = o.addDirs.filter((d): d is string => typeof d === 'string');
  const effort = str(o.reasoningEffort);
  if (effort) out.reasoningEffort = effort;
  if (isRecord(o.previousUsage)) out.previousUsage = o.previousUsage as CodexPreviousUsage;
  if (isRecord(o.price)) {
    const input = num(o.price.input);
    const output = num(o.price.output);
    if (input !== undefined && output !== undefined) {
      out.price = { input, output };
      const cacheRead = num(o.price.cacheRead);
      const cacheWrite = num(o.price.cacheWrite);
      if (cacheRead !== undefined) out.price.cacheRead = cacheRead;
      if (cacheWrite !== undefined) out.price.cacheWrite = cacheWrite;
    }
  }
  return out;
}
