import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { HarnessPlugin } from './contract.js';
import { HarnessNotFoundError, envName } from './errors.js';

/** Where to look for a harness binary besides PATH. */
export interface BinaryOptions {
  /** `--bin` from the command line. */
  flag?: string;
  /** `harnesses.<name>.bin` from the config file. */
  config?: string;
  /** Environment to read `OMNIGENT_<NAME>_BIN` and `PATH` from. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Directories from which the harness's npm package is resolved (plugin dir, cwd). */
  resolveFrom?: string[];
}

/** A resolved binary and how it was found. */
export interface ResolvedBinary {
  path: string;
  source: 'flag' | 'config' | 'env' | 'path' | 'npm';
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Look `name` up on a PATH string. */
export function which(name: string, pathEnv = process.env.PATH ?? ''): string | undefined {
  if (name.includes('/')) return isExecutable(resolve(name)) ? resolve(name) : undefined;
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function nameOf(manifest: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

/**
 * The package.json of `pkg` walking up from `from`: the package itself (a plugin that ships its
 * harness, like the testkit's fake) or `<dir>/node_modules/<pkg>`. Reads files directly, so an
 * `exports` map that hides package.json does not matter.
 */
function findManifest(pkg: string, from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const own = join(dir, 'package.json');
    if (existsSync(own) && nameOf(own) === pkg) return own;
    const candidate = join(dir, 'node_modules', ...pkg.split('/'), 'package.json');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function fromNpmPackage(pkg: string, bin: string, from: string): string | undefined {
  try {
    const manifestPath = findManifest(pkg, from);
    if (!manifestPath) return undefined;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: string | Record<string, string> };
    const rel = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[bin];
    if (!rel) return undefined;
    const file = join(dirname(manifestPath), rel);
    return isExecutable(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resolve a harness binary: `--bin` -> config -> `OMNIGENT_<NAME>_BIN` -> PATH -> the harness's
 * npm package if installed. Throws {@link HarnessNotFoundError} with the install command.
 */
export function resolveBinary(
  plugin: Pick<HarnessPlugin, 'name' | 'binary'>,
  options: BinaryOptions = {},
): ResolvedBinary {
  const env = options.env ?? process.env;
  const searched: string[] = [];
  const explicit: Array<[ResolvedBinary['source'], string | undefined, string]> = [
    ['flag', options.flag, '--bin'],
    ['config', options.config, 'config harnesses.bin'],
    ['env', env[`OMNIGENT_${envName(plugin.name)}_BIN`], `OMNIGENT_${envName(plugin.name)}_BIN`],
  ];
  for (const [source, value, label] of explicit) {
    if (!value) continue;
    const found = which(value, env.PATH);
    if (found) return { path: found, source };
    // an explicit setting that points nowhere is an error, not a reason to fall through silently
    throw new HarnessNotFoundError(plugin.name, plugin.binary.install, [`${label}=${value} (not an executable file)`]);
  }
  for (const name of plugin.binary.names) {
    const found = which(name, env.PATH);
    if (found) return { path: found, source: 'path' };
  }
  searched.push(`PATH for ${plugin.binary.names.join(', ')}`);
  if (plugin.binary.npmPackage) {
    const bin = plugin.binary.npmBin ?? plugin.binary.names[0] ?? plugin.name;
    for (const from of options.resolveFrom ?? [process.cwd()]) {
      const found = fromNpmPackage(plugin.binary.npmPackage, bin, from);
      if (found) return { path: found, source: 'npm' };
    }
    searched.push(`npm package ${plugin.binary.npmPackage}`);
  }
  throw new HarnessNotFoundError(plugin.name, plugin.binary.install, searched);
}
