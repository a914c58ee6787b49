import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nodeModulesDirs } from '@omnigent/core/internal';
import { cliCodeDir, globalNodeModules, installCommandFor } from './install-dirs.js';

/** An optional npm package found at run time. */
export interface FoundPackage {
  name: string;
  version: string;
  /** Its directory. */
  dir: string;
  /** Absolute path of its ESM entry (exports "." or main). */
  entry: string;
}

/**
 * A package omnigent can use but does not depend on (telemetry, the demo's mock servers) is not
 * installed. Contract: code `USAGE` (exit 2); the hint is the exact install command.
 */
export class MissingPackageError extends Error {
  /** Stable code read by `exitCodeForError`. */
  readonly code = 'USAGE' as const;
  /** The install command, as a sentence. */
  readonly hint: string;
  constructor(pkg: string, forWhat: string) {
    super(`${forWhat} needs ${pkg}, which is not installed.`);
    this.name = 'MissingPackageError';
    this.hint = `Install it with: ${installCommandFor(pkg)}`;
  }
}

function entryOf(dir: string, manifest: { exports?: unknown; main?: unknown }): string {
  const root = manifest.exports as Record<string, unknown> | string | undefined;
  const dot = typeof root === 'string' ? root : ((root as Record<string, unknown> | undefined)?.['.'] ?? undefined);
  const pick = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      return pick(o.import) ?? pick(o.node) ?? pick(o.default);
    }
    return undefined;
  };
  return join(dir, pick(dot) ?? (typeof manifest.main === 'string' ? manifest.main : 'index.js'));
}

/**
 * Find npm package `name` like a plugin: in the node_modules chain of `cwd`, of this CLI's own
 * install tree, then the global node_modules. Contract: reads package.json files only, imports
 * nothing; undefined when not found.
 */
export function findOptionalPackage(name: string, cwd: string = process.cwd()): FoundPackage | undefined {
  for (const nm of nodeModulesDirs({ searchFrom: [cwd, cliCodeDir()], extraNodeModules: [globalNodeModules()] })) {
    const dir = join(nm, name);
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    try {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
        version?: unknown;
        exports?: unknown;
        main?: unknown;
      };
      return { name, version: String(manifest.version ?? '0.0.0'), dir, entry: entryOf(dir, manifest) };
    } catch {
      continue;
    }
  }
  return undefined;
}

/** Import a package found by {@link findOptionalPackage}; undefined when it is not installed. Load errors are thrown. */
export async function importOptional<T>(name: string, cwd?: string): Promise<T | undefined> {
  const found = findOptionalPackage(name, cwd);
  if (!found) return undefined;
  return (await import(pathToFileURL(found.entry).href)) as T;
}
