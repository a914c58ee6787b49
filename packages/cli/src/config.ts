import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@omnigent/core';
import type { OmnigentConfig } from './config-schema.js';

export type { OmnigentConfig } from './config-schema.js';

/** Config file names searched upward from the cwd, in order. */
export const CONFIG_FILES = [
  'omnigent.config.json',
  'omnigent.config.yaml',
  'omnigent.config.yml',
  'omnigent.config.js',
  'omnigent.config.mjs',
  'omnigent.config.ts',
] as const;

/** The configuration and where it came from. */
export interface LoadedConfig {
  config: OmnigentConfig;
  /** Absolute path of the file, when one was found. */
  file?: string;
  /** Directory of the file (relative plugin paths resolve from here), else the cwd. */
  dir: string;
}

async function loadModule(file: string): Promise<unknown> {
  if (file.endsWith('.ts')) {
    const { createJiti } = await import('jiti');
    const jiti = createJiti(import.meta.url);
    return jiti.import(file, { default: true });
  }
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  return mod.default ?? mod;
}

/** The first `omnigent.config.*` in `cwd` or a directory above it (names in {@link CONFIG_FILES} order). */
export function findConfigFile(cwd: string): string | undefined {
  // a dozen existsSync calls: cheaper than loading a config-search library at every start
  let dir = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Find `omnigent.config.*` upward from `cwd` (or load `explicitFile`), parse and validate it.
 * No file: an empty config. Throws {@link ConfigError} naming the file, line and key.
 */
export async function loadConfig(cwd: string, explicitFile?: string): Promise<LoadedConfig> {
  const file = explicitFile ?? findConfigFile(cwd);
  if (!file) return { config: {}, dir: cwd };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the config file: ${(error as Error).message}`, { file });
  }
  const ext = extname(file);
  if (ext === '.js' || ext === '.mjs' || ext === '.ts') {
    let value: unknown;
    try {
      value = await loadModule(file);
    } catch (error) {
      throw new ConfigError(`could not load: ${(error as Error).message}`, { file }, error);
    }
    const { validateConfig } = await import('./config-schema.js');
    return { config: validateConfig(value, file), file, dir: dirname(file) };
  }
  // zod and yaml are loaded only when there is a file to check (fast start without one); valid
  // JSON needs no yaml: yaml is only for the line numbers of a problem
  if (ext === '.json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (value !== undefined) {
      const { configSchema } = await import('./config-schema.js');
      const checked = configSchema.safeParse(value);
      if (checked.success) return { config: checked.data, file, dir: dirname(file) };
    }
  }
  const { parseConfigText } = await import('./config-text.js');
  return { config: parseConfigText(file, text), file, dir: dirname(file) };
}
