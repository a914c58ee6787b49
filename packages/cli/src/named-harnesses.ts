import {
  PluginLoadError,
  findHarness,
  type DiscoveryOptions,
  type DiscoveryResult,
  type LoadedPlugin,
} from '@omnigent/core';
import type { LoadedConfig } from './config.js';

/**
 * Harness names the config defines on top of a plugin (`harnesses.gemini: { plugin: acp, command: [...] }`),
 * with the plugin each runs on.
 */
export function namedHarnesses(config: LoadedConfig): Array<{ name: string; plugin: string }> {
  return Object.entries(config.config.harnesses ?? {}).flatMap(([name, h]) =>
    h.plugin && h.plugin !== name ? [{ name, plugin: h.plugin }] : [],
  );
}

/** `loaded` under another harness name: its events, runs and `OMNIGENT_<NAME>_BIN` go by `name`. */
export function renamed(loaded: LoadedPlugin, name: string, base: string): LoadedPlugin {
  const plugin = { ...loaded.plugin, name, displayName: `${name} (${loaded.plugin.displayName ?? base})` };
  return { ...loaded, plugin, specifier: `${loaded.specifier} as ${name}` };
}

/**
 * Load the plugin a named harness runs on, renamed. Contract: undefined when `name` is not a named
 * harness of the config; throws {@link PluginLoadError} when its plugin is not installed.
 */
export async function loadNamedHarness(
  name: string,
  config: LoadedConfig,
  options: DiscoveryOptions,
): Promise<LoadedPlugin | undefined> {
  const entry = namedHarnesses(config).find((h) => h.name === name);
  if (!entry) return undefined;
  const { loaded, errors } = await findHarness(entry.plugin, options);
  if (!loaded) {
    const why = errors.map((e) => e.error.message).join('; ');
    throw new PluginLoadError(
      entry.plugin,
      `harness "${name}" runs on plugin "${entry.plugin}", which is not installed${why ? ` (${why})` : ''}`,
    );
  }
  return renamed(loaded, name, entry.plugin);
}

/** Add the config's named harnesses to a discovery result (each listed as its own harness), failures as errors. */
export async function withNamedHarnesses(
  found: DiscoveryResult,
  config: LoadedConfig,
  options: DiscoveryOptions,
): Promise<DiscoveryResult> {
  const plugins = [...found.plugins];
  const errors = [...found.errors];
  for (const entry of namedHarnesses(config)) {
    if (plugins.some((p) => p.plugin.name === entry.name)) continue;
    const base = found.plugins.find((p) => p.plugin.name === entry.plugin);
    try {
      const p = base ? renamed(base, entry.name, entry.plugin) : await loadNamedHarness(entry.name, config, options);
      if (p) plugins.push(p);
    } catch (error) {
      errors.push({
        specifier: `harnesses.${entry.name}`,
        source: 'config',
        error: error instanceof PluginLoadError ? error : new PluginLoadError(entry.plugin, String(error)),
      });
    }
  }
  return { ...found, plugins, errors };
}
