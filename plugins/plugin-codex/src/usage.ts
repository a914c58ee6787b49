import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RunRequest, TokenUsage } from '@omnigent/core';
import { USAGE_KEYS } from '@omnigent/core/events';
import type { CodexUsage } from './events.js';
import type { CodexPreviousUsage, CodexPrice } from './options.js';

/** Normalized figures from codex's usage (input already includes cached tokens). */
export function fromCodexUsage(u: CodexUsage): TokenUsage {
  const out: TokenUsage = {};
  const set = (k: keyof TokenUsage, v: unknown): void => {
    if (typeof v === 'number' && Number.isFinite(v)) (out as Record<string, number>)[k] = v;
  };
  set('input', u.input_tokens);
  set('output', u.output_tokens);
  set('cacheRead', u.cached_input_tokens);
  set('cacheWrite', u.cache_write_input_tokens);
  set('reasoning', u.reasoning_output_tokens);
  return out;
}

/** `options.previousUsage` in either naming, normalized. */
export function fromPreviousUsage(p: CodexPreviousUsage): TokenUsage {
  const codex = fromCodexUsage(p);
  const pick = (a: number | undefined, b: unknown): number | undefined =>
    a ?? (typeof b === 'number' && Number.isFinite(b) ? b : undefined);
  const out: TokenUsage = {};
  const entries: [keyof TokenUsage, number | undefined][] = [
    ['input', pick(codex.input, p.input)],
    ['output', pick(codex.output, p.output)],
    ['cacheRead', pick(codex.cacheRead, p.cacheRead)],
    ['cacheWrite', pick(codex.cacheWrite, p.cacheWrite)],
    ['reasoning', pick(codex.reasoning, p.reasoning)],
  ];
  for (const [k, v] of entries) if (v !== undefined) (out as Record<string, number>)[k] = v;
  return out;
}

// token figures only: a cost is not a running total codex reports
const TOKEN_KEYS = USAGE_KEYS.filter((k) => k !== 'costUsd');

/** `total - previous` per figure; a figure missing from `total` stays missing. Never negative. */
export function usageDelta(total: TokenUsage, previous: TokenUsage | undefined): TokenUsage {
  const out: TokenUsage = {};
  for (const k of TOKEN_KEYS) {
    const t = total[k];
    if (t === undefined) continue;
    out[k] = Math.max(0, t - (previous?.[k] ?? 0));
  }
  return out;
}

/** Cost of `u` at `price` (USD per million tokens); undefined when input or output is unknown. */
export function priceUsage(u: TokenUsage, price: CodexPrice): number | undefined {
  if (u.input === undefined || u.output === undefined) return undefined;
  const cacheRead = u.cacheRead ?? 0;
  const cacheWrite = u.cacheWrite ?? 0;
  const fresh = Math.max(0, u.input - cacheRead - cacheWrite);
  const dollars =
    fresh * price.input +
    cacheRead * (price.cacheRead ?? price.input) +
    cacheWrite * (price.cacheWrite ?? price.input) +
    u.output * price.output;
  return dollars / 1_000_000;
}

/** The `CODEX_HOME` the child will use: its environment (request env, runner extras, ours), then `~/.codex`. */
export function codexHome(request: RunRequest, env: NodeJS.ProcessEnv = process.env): string {
  return request.env?.CODEX_HOME ?? env.CODEX_HOME ?? join(request.env?.HOME ?? env.HOME ?? homedir(), '.codex');
}

/**
 * A top-level string setting (`model`, `model_provider`) of `$CODEX_HOME/config.toml`, read with a
 * line scan: only the root table before the first `[section]` counts. With a profile, codex 0.169
 * layers `$CODEX_HOME/<profile>.config.toml` over it, so that file wins.
 */
export function configuredSetting(home: string, key: 'model' | 'model_provider', profile?: string): string | undefined {
  return (
    (profile ? rootSetting(join(home, `${profile}.config.toml`), key) : undefined) ??
    rootSetting(join(home, 'config.toml'), key)
  );
}

/** The top-level `model` codex uses when none is given (see {@link configuredSetting}). */
export function configuredModel(home: string, profile?: string): string | undefined {
  return configuredSetting(home, 'model', profile);
}

function rootSetting(file: string, key: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const re = new RegExp(`^\\s*${key}\\s*=\\s*(?:"([^"\\\\]*)"|'([^']*)')\\s*(?:#.*)?$`);
  for (const line of text.split('\n')) {
    if (/^\s*\[/.test(line)) return undefined;
    const m = re.exec(line);
    if (m) return m[1] ?? m[2];
  }
  return undefined;
}

/** Path of the rollout file of `threadId` under `$CODEX_HOME/sessions/YYYY/MM/DD/`, if any. */
export function findRollout(home: string, threadId: string): string | undefined {
  const suffix = `-${threadId}.jsonl`;
  const walk = (dir: string, depth: number): string | undefined => {
    let names: string[];
    try {
      names = readdirSync(dir).sort().reverse(); // newest date directories first
    } catch {
      return undefined;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (name.startsWith('rollout-') && name.endsWith(suffix)) return path;
      if (depth < 3 && !name.includes('.')) {
        try {
          if (!statSync(path).isDirectory()) continue;
        } catch {
          continue;
        }
        const found = walk(path, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(join(home, 'sessions'), 0);
}

/**
 * The thread's token totals as its rollout file last recorded them (the `total_token_usage` of the
 * last `token_count` event), i.e. the baseline a resumed turn's cumulative usage must be reduced by.
 * Returns `{}` for a rollout without usage, and undefined when there is no readable rollout.
 */
export function rolloutTotals(file: string): TokenUsage | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let last: CodexUsage | undefined;
  for (const line of text.split('\n')) {
    if (!line.includes('"token_count"')) continue;
    try {
      const rec = JSON.parse(line) as { payload?: { type?: string; info?: { total_token_usage?: CodexUsage } | null } };
      const total = rec.payload?.type === 'token_count' ? rec.payload.info?.total_token_usage : undefined;
      if (total) last = total;
    } catch {
      // a torn last line (codex killed mid-write) is not an error for us
    }
  }
  return last ? fromCodexUsage(last) : {};
}
