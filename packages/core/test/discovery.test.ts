import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverPlugins, findHarness } from '../src/discovery.js';
import { CONTRACT_VERSION } from '../src/contract.js';

/** A plugin module that does not import core: the shape defineHarness produces. */
function pluginSource(name: string, contractVersion = CONTRACT_VERSION): string {
  return `export default {
  kind: 'harness', contractVersion: ${contractVersion}, name: ${JSON.stringify(name)}, meta: { version: '1.0.0' },
  capabilities: {}, binary: { names: [${JSON.stringify(name)}], install: 'npm i ${name}' },
  command: (r) => ({ args: [r.prompt] }), createState: () => ({}), translate: () => [], finish: () => ({}),
};\n`;
}

function pkg(
  root: string,
  name: string,
  body: string,
  manifest: Record<string, unknown> | null = { harness: name.split('-').pop() },
): void {
  const dir = join(root, 'node_modules', ...name.split('/'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name,
      version: '1.2.3',
      type: 'module',
      exports: { '.': { default: './index.js' } },
      ...(manifest ? { omnigent: manifest } : {}),
    }),
  );
  writeFileSync(join(dir, 'index.js'), body);
}

function tree() {
  const root = mkdtempSync(join(tmpdir(), 'omnigent-discovery-'));
  mkdirSync(join(root, 'plugins'), { recursive: true });
  writeFileSync(join(root, 'plugins', 'local.mjs'), pluginSource('local'));
  pkg(root, '@omnigent/plugin-alpha', pluginSource('alpha'));
  pkg(root, 'omnigent-plugin-beta', pluginSource('beta'));
  pkg(root, '@acme/omnigent-plugin-gamma', pluginSource('gamma'));
  pkg(root, 'omnigent-plugin-broken', 'throw new Error("kaboom at import");\n');
  pkg(root, 'omnigent-plugin-old', pluginSource('old', 99));
  pkg(root, 'omnigent-plugin-nomanifest', pluginSource('nomanifest'), null);
  pkg(root, '@omnigent/plugin-short', pluginSource('short'), null);
  const deep = join(root, 'a', 'b');
  mkdirSync(deep, { recursive: true });
  return { root, deep };
}

describe('plugin discovery', () => {
  it('loads config-named, scoped, unscoped and third-party-scoped plugins; reports broken and incompatible ones; the rest still load', async () => {
    const { root, deep } = tree();
    const { plugins, errors } = await discoverPlugins({
      configured: ['./plugins/local.mjs'],
      configDir: root,
      searchFrom: [deep],
    });
    expect(plugins.map((p) => [p.plugin.name, p.source]).sort()).toEqual([
      ['alpha', 'scan'],
      ['beta', 'scan'],
      ['gamma', 'scan'],
      ['local', 'config'],
    ]);
    expect(plugins.find((p) => p.plugin.name === 'alpha')?.version).toBe('1.2.3');
    const bySpec = Object.fromEntries(errors.map((e) => [e.specifier, e.error]));
    expect(Object.keys(bySpec).sort()).toEqual(['omnigent-plugin-broken', 'omnigent-plugin-old']);
    expect(bySpec['omnigent-plugin-broken']!.code).toBe('PLUGIN_LOAD');
    expect(bySpec['omnigent-plugin-broken']!.message).toContain('kaboom at import');
    expect(bySpec['omnigent-plugin-old']!.code).toBe('PLUGIN_CONTRACT');
    expect(bySpec['omnigent-plugin-old']!.message).toContain(
      `contract v99, but this omnigent speaks v${CONTRACT_VERSION}`,
    );
  });

  it('finds one harness by short name (@omnigent/plugin-<name>) without a manifest', async () => {
    const { deep } = tree();
    const { loaded } = await findHarness('short', { searchFrom: [deep] });
    expect(loaded?.plugin.name).toBe('short');
    expect(loaded?.source).toBe('short-name');
    expect(loaded?.packageName).toBe('@omnigent/plugin-short');
  });

  it('a config entry with options passes them to a plugin factory', async () => {
    const { root } = tree();
    writeFileSync(
      join(root, 'plugins', 'factory.mjs'),
      `export default (opts) => ({ ...(${pluginSource('fac').replace('export default ', '').replace(/;\n$/, '')}), name: opts.name });\n`,
    );
    const { loaded } = await findHarness('custom-name', {
      configured: [['./plugins/factory.mjs', { name: 'custom-name' }]],
      configDir: root,
      searchFrom: [root],
    });
    expect(loaded?.plugin.name).toBe('custom-name');
    expect(loaded?.options).toEqual({ name: 'custom-name' });
  });

  it('an incompatible contract is refused by findHarness with a clear message', async () => {
    const { deep } = tree();
    const { loaded, errors } = await findHarness('old', { searchFrom: [deep] });
    expect(loaded).toBeUndefined();
    expect(errors[0]?.error.message).toMatch(/contract v99/);
  });

  it('a config entry that points nowhere is an error, not a crash', async () => {
    const { root } = tree();
    const { plugins, errors } = await discoverPlugins({
      configured: ['./nope.mjs', 'not-installed-anywhere'],
      configDir: root,
      searchFrom: [root],
    });
    expect(plugins.length).toBe(3);
    expect(errors.map((e) => e.specifier)).toEqual(expect.arrayContaining(['./nope.mjs', 'not-installed-anywhere']));
  });
});
