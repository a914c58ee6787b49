import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AnyHarness } from '@omnigent/core';

/** Where detected harness versions are cached: `$XDG_CACHE_HOME/omnigent` or `~/.cache/omnigent`. */
export function versionCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'omnigent', 'harness-versions.json');
}

function readCache(file: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/**
 * The version of a harness binary, for harnesses whose stream does not say it (Codex, Pi). Cached
 * per binary path, size and mtime, so `--version` (1.4 s for Pi) runs once per installed version.
 * Never throws; undefined when it cannot be read within `timeoutMs`.
 */
export async function harnessVersion(
  plugin: AnyHarness,
  bin: string,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 10_000,
): Promise<string | undefined> {
  let key: string;
  try {
    const st = statSync(bin);
    key = `${bin}|${st.size}|${Math.round(st.mtimeMs)}`;
  } catch {
    return undefined;
  }
  const file = versionCacheFile(env);
  const cache = readCache(file);
  if (cache[key]) return cache[key];
  const { detectVersion } = await import('@omnigent/core');
  const detected = await detectVersion(plugin, bin, timeoutMs);
  if (!detected.version) return undefined;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ ...readCache(file), [key]: detected.version }, null, 2));
  } catch {
    // a read-only home only costs the next run another --version
  }
  return detected.version;
}
