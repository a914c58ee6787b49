import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  UnknownHarnessError,
  discoverPlugins,
  findHarness,
  type DiscoveryOptions,
  type DiscoveryResult,
  type LoadedPlugin,
} from '@omnigent/core';
import type { LoadedConfig } from './config.js';
import { cliCodeDir, globalNodeModules } from './install-dirs.js';
import { loadNamedHarness, withNamedHarnesses } from './named-harnesses.js';
import { shareCoreWithPluginFiles } from './plugin-resolve-hook.js';

/** Whether a node_modules at or above the file holds @omnigent/core (what its `import` would find). */
function seesCore(file: string): boolean {
  let dir = dirname(file);
  for (;;) {
    if (existsSync(join(dir, 'node_modules', '@omnigent', 'core', 'package.json'))) return true;
    const parent = dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

/** A config entry naming a file rather than a package (`./my-plugin.mjs`, `/abs/plugin.js`). */
function isPath(specifier: string): boolean {
  return (
    specifier.startsWith('.') ||
    specifier.startsWith('/') ||
    /^[A-Za-z]:[\\/]/.test(specifier) ||
    specifier.startsWith('file:')
  );
}

/** Where plugins are looked for: the config's list, the cwd's and the CLI's own node_modules, the global one. */
export function discoveryOptions(config: LoadedConfig, cwd: string): DiscoveryOptions {
  // a plugin file next to the config may not see any @omnigent/core of its own: lend it ours (the
  // hook costs a loader thread, so only when some file really cannot resolve it)
  const files = (config.config.plugins ?? []).map((e) => (typeof e === 'string' ? e : e[0])).filter(isPath);
  if (files.some((f) => !seesCore(resolve(config.dir, f.startsWith('file:') ? fileURLToPath(f) : f))))
    shareCoreWithPluginFiles();
  return {
    configured: config.config.plugins ?? [],
    configDir: config.dir,
    searchFrom: [cwd, cliCodeDir()],
    extraNodeModules: [globalNodeModules()],
  };
}

/** Load every plugin (for `omnigent plugins` and `doctor`). */
export async function loadAllPlugins(config: LoadedConfig, cwd: string): Promise<DiscoveryResult> {
  const options = discoveryOptions(config, cwd);
  return withNamedHarnesses(await discoverPlugins(options), config, options);
}

/** Load the plugin for one harness; throws {@link UnknownHarnessError} naming the installed ones. */
export async function loadHarnessPlugin(name: string, config: LoadedConfig, cwd: string): Promise<LoadedPlugin> {
  const options = discoveryOptions(config, cwd);
  const named = await loadNamedHarness(name, config, options);
  if (named) return named;
  const { loaded, errors } = await findHarness(name, options);
  if (loaded) return loaded;
  const all = await withNamedHarnesses(await discoverPlugins(options), config, options);
  throw new UnknownHarnessError(
    name,
    all.plugins.map((p) => p.plugin.name),
    // the same broken plugin is met by both lookups: say it once
    [...new Set([...errors, ...all.errors].map((e) => e.error.message))],
  );
}

/**
 * Load the config and every plugin, then run `body`. Shared by `omnigent plugins` and `omnigent doctor`;
 * a bad config throws to the CLI's error boundary.
 */
export async function withAllPlugins(
  configPath: string | undefined,
  body: (config: LoadedConfig, found: DiscoveryResult) => Promise<void> | void,
): Promise<void> {
  const { loadConfig } = await import('./config.js');
  const config = await loadConfig(process.cwd(), configPath);
  await body(config, await loadAllPlugins(config, process.cwd()));
}
