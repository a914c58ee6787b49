import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Inputs of {@link resolveStoreDir}. */
export interface StoreLocation {
  /** Default: `process.env`. Reads `OMNIGENT_STORE`, `XDG_DATA_HOME`. */
  env?: NodeJS.ProcessEnv;
  /** Config `store.path`. */
  configPath?: string;
  /** Directory a relative `configPath` is resolved from. Default: the cwd. */
  configDir?: string;
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;
}

/**
 * Directory of the run store. Default: `OMNIGENT_STORE`, else config `store.path`, else
 * `$XDG_DATA_HOME/omnigent` when XDG_DATA_HOME is set, else `~/.omnigent/store`.
 */
export function resolveStoreDir(location: StoreLocation = {}): string {
  const env = location.env ?? process.env;
  if (env.OMNIGENT_STORE) return resolve(expandHome(env.OMNIGENT_STORE));
  if (location.configPath) {
    const p = expandHome(location.configPath);
    return isAbsolute(p) ? p : resolve(location.configDir ?? process.cwd(), p);
  }
  if (env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME)) return join(env.XDG_DATA_HOME, 'omnigent');
  return join(homedir(), '.omnigent', 'store');
}
