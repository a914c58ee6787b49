import { readFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@omnigent/core';
import { lilconfig } from 'lilconfig';
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

/**
 * Find `omnigent.config.*` upward from `cwd` (or load `explicitFile`), parse and validate it.
 * No file: an empty config. Throws {@link ConfigError} naming the file, line and key.
 */
export async function loadConfig(cwd: string, explicitFile?: string): Promise<LoadedConfig> {
  let file = explicitFile;
  if (!file) {
    const found = await lilconfig('omnigent', {
      searchPlaces: [...CONFIG_FILES],
      stopDir: '/',
      loaders: { '.json': () => null, '.yaml': () => null, '.yml': () => null, '.js': () => null, '.mjs': () => null, '.ts': () => null },
      ignoreEmptySearchPlaces: false,
    }).search(cwd);
    file = found?.filepath;
  }
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
  // zod and yaml are loaded only when there is a file to check (fast start without one)
  const { parseConfigText } = await import('./config-schema.js');
  return { config: parseConfigText(file, text), file, dir: dirname(file) };
}
