import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTRACT_VERSION, isHarnessPlugin, type HarnessPlugin } from './contract.js';
import { OmnigentError, PluginContractError, PluginLoadError } from './errors.js';

/** A plugin named in the config file: a specifier, or `[specifier, options]`. */
export type PluginEntry = string | [string, Record<string, unknown>];

/** The `"omnigent"` field of a plugin package's package.json. */
export interface PluginManifestField {
  /** Harness id the package provides. */
  harness?: string;
  /** Contract version the package was built for. */
  contract?: number;
}

/** An installed plugin package found by scanning, not yet imported. */
export interface PluginPackage {
  packageName: string;
  version: string;
  dir: string;
  manifest: PluginManifestField;
}

/** How a plugin was found. */
export type PluginSource = 'config' | 'short-name' | 'scan';

/** A loaded plugin. */
export interface LoadedPlugin {
  plugin: HarnessPlugin;
  specifier: string;
  source: PluginSource;
  packageName?: string;
  version?: string;
  dir?: string;
  options?: Record<string, unknown>;
}

/** A plugin that failed to load; the others still load. */
export interface PluginFailure {
  specifier: string;
  source: PluginSource;
  error: OmnigentError;
}

/** Where discovery looks. */
export interface DiscoveryOptions {
  /** Plugins named in the config file. */
  configured?: PluginEntry[];
  /** Directory of the config file (relative specifiers resolve from here). Default: cwd. */
  configDir?: string;
  /** Directories whose `node_modules` (and their parents') are searched. Default: cwd. */
  searchFrom?: string[];
  /** Extra `node_modules` directories (e.g. the global one). */
  extraNodeModules?: string[];
}

/** A package named like a plugin that discovery did not load, and why (shown by `omnigent plugins`). */
export interface IgnoredPackage {
  packageName: string;
  dir: string;
  reason: string;
}

/** Result of discovery. Contract: never throws for a broken plugin; it lands in `errors`. */
export interface DiscoveryResult {
  plugins: LoadedPlugin[];
  errors: PluginFailure[];
  /** Packages named like plugins but not loaded (no `"omnigent"` field). Default: empty. */
  ignored?: IgnoredPackage[];
}

/** Where plugin authors read about the `"omnigent"` field. */
const MANIFEST_DOCS = 'the "Plugins and discovery" section of the omnigent README';

const SCOPED_PREFIX = 'plugin-';
const UNSCOPED_PREFIX = 'omnigent-plugin-';

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Every `node_modules` directory from each start directory up to the root, deduplicated. */
export function nodeModulesDirs(options: DiscoveryOptions): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (d: string): void => {
    let real: string;
    try {
      real = realpathSync(d);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    out.push(real);
  };
  for (const start of options.searchFrom ?? [process.cwd()]) {
    let dir = resolve(start);
    for (;;) {
      const nm = join(dir, 'node_modules');
      if (existsSync(nm)) add(nm);
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  for (const d of options.extraNodeModules ?? []) add(d);
  return out;
}

function packageAt(dir: string): PluginPackage | IgnoredPackage | undefined {
  const pkg = readJson(join(dir, 'package.json'));
  if (!pkg || typeof pkg.name !== 'string') return undefined;
  const field = pkg.omnigent;
  if (!field || typeof field !== 'object') {
    return {
      packageName: pkg.name,
      dir,
      reason: `ignored: no "omnigent" field in package.json (e.g. "omnigent": { "harness": "<id>", "contract": ${CONTRACT_VERSION} }) — see ${MANIFEST_DOCS}`,
    };
  }
  return {
    packageName: pkg.name,
    version: String(pkg.version ?? '0.0.0'),
    dir,
    manifest: field as PluginManifestField,
  };
}

/**
 * Installed plugin packages (`@omnigent/plugin-*`, `omnigent-plugin-*`, `@scope/omnigent-plugin-*`)
 * whose package.json has an `"omnigent"` field. Cheap: reads package.json files, imports nothing.
 */
export function scanPluginPackages(options: DiscoveryOptions = {}): PluginPackage[] {
  return scanPackages(options).found;
}

/** Packages named like plugins, split into plugin packages and ignored ones (no `"omnigent"` field). */
function scanPackages(options: DiscoveryOptions): { found: PluginPackage[]; ignored: IgnoredPackage[] } {
  const found = new Map<string, PluginPackage>();
  const ignored = new Map<string, IgnoredPackage>();
  const consider = (dir: string): void => {
    const p = packageAt(dir);
    if (!p || found.has(p.packageName) || ignored.has(p.packageName)) return;
    if ('manifest' in p) found.set(p.packageName, p);
    else ignored.set(p.packageName, p);
  };
  for (const nm of nodeModulesDirs(options)) {
    let entries: string[];
    try {
      entries = readdirSync(nm);
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.startsWith(UNSCOPED_PREFIX)) consider(join(nm, e));
      else if (e.startsWith('@')) {
        let scoped: string[];
        try {
          scoped = readdirSync(join(nm, e));
        } catch {
          continue;
        }
        for (const s of scoped) {
          if ((e === '@omnigent' && s.startsWith(SCOPED_PREFIX)) || s.startsWith(UNSCOPED_PREFIX))
            consider(join(nm, e, s));
        }
      }
    }
  }
  return { found: [...found.values()], ignored: [...ignored.values()] };
}

/** The package directory of `name` in the searched `node_modules`, if installed. */
function findPackageDir(name: string, options: DiscoveryOptions): string | undefined {
  for (const nm of nodeModulesDirs(options)) {
    const dir = join(nm, ...name.split('/'));
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return undefined;
}

function pickExport(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    return pickExport(v.import) ?? pickExport(v.node) ?? pickExport(v.default);
  }
  return undefined;
}

/** Entry file of an installed package (ESM `exports` `.`, else `main`, else index.js). */
function entryOf(dir: string): string {
  const pkg = readJson(join(dir, 'package.json')) ?? {};
  const exp = pkg.exports as Record<string, unknown> | string | undefined;
  let rel: string | undefined;
  if (typeof exp === 'string') rel = exp;
  else if (exp && typeof exp === 'object') rel = pickExport('.' in exp ? exp['.'] : exp);
  rel ??= typeof pkg.main === 'string' ? pkg.main : 'index.js';
  return join(dir, rel);
}

async function importPlugin(
  file: string,
  specifier: string,
  options: Record<string, unknown> | undefined,
): Promise<HarnessPlugin> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new PluginLoadError(
      specifier,
      `import failed: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
  let candidate: unknown = mod.default ?? mod.plugin ?? mod.harness;
  if (typeof candidate === 'function' && !isHarnessPlugin(candidate)) {
    try {
      candidate = await (candidate as (o: unknown) => unknown)(options ?? {});
    } catch (error) {
      throw new PluginLoadError(
        specifier,
        `its factory threw: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    }
  }
  if (!isHarnessPlugin(candidate)) {
    throw new PluginLoadError(specifier, 'it does not export a harness plugin (export default defineHarness({...}))');
  }
  const version = (candidate as { contractVersion?: unknown }).contractVersion;
  if (version !== CONTRACT_VERSION) throw new PluginContractError(specifier, version, CONTRACT_VERSION);
  return candidate;
}

function toFailure(specifier: string, source: PluginSource, error: unknown): PluginFailure {
  const err =
    error instanceof OmnigentError
      ? error
      : new PluginLoadError(specifier, error instanceof Error ? error.message : String(error), error);
  return { specifier, source, error: err };
}

/** Load one plugin by specifier: a package name, a short name (`codex`), or a path. */
export async function loadPlugin(
  specifier: string,
  source: PluginSource,
  options: DiscoveryOptions & { pluginOptions?: Record<string, unknown> } = {},
): Promise<LoadedPlugin> {
  const isPath = specifier.startsWith('.') || isAbsolute(specifier);
  if (isPath) {
    const file = resolve(options.configDir ?? process.cwd(), specifier);
    if (!existsSync(file)) throw new PluginLoadError(specifier, `no file at ${file}`);
    const plugin = await importPlugin(file, specifier, options.pluginOptions);
    return {
      plugin,
      specifier,
      source,
      dir: dirname(file),
      ...(options.pluginOptions ? { options: options.pluginOptions } : {}),
    };
  }
  const names =
    specifier.includes('/') || specifier.startsWith(UNSCOPED_PREFIX)
      ? [specifier]
      : [`@omnigent/plugin-${specifier}`, `${UNSCOPED_PREFIX}${specifier}`, specifier];
  for (const name of names) {
    const dir = findPackageDir(name, {
      ...options,
      searchFrom: [...(options.configDir ? [options.configDir] : []), ...(options.searchFrom ?? [process.cwd()])],
    });
    if (!dir) continue;
    const pkg = readJson(join(dir, 'package.json')) ?? {};
    const manifest = pkg.omnigent as PluginManifestField | undefined;
    if (manifest?.contract !== undefined && manifest.contract !== CONTRACT_VERSION) {
      throw new PluginContractError(name, manifest.contract, CONTRACT_VERSION);
    }
    const plugin = await importPlugin(entryOf(dir), name, options.pluginOptions);
    return {
      plugin,
      specifier,
      source,
      packageName: name,
      version: String(pkg.version ?? '0.0.0'),
      dir,
      ...(options.pluginOptions ? { options: options.pluginOptions } : {}),
    };
  }
  throw new PluginLoadError(specifier, `package not installed (looked for ${names.join(', ')})`);
}

function entrySpec(entry: PluginEntry): [string, Record<string, unknown> | undefined] {
  return typeof entry === 'string' ? [entry, undefined] : [entry[0], entry[1]];
}

/**
 * Discover and load every plugin: the config's list, then scanned packages. Contract: tolerant —
 * a broken plugin is reported in `errors` and the others load; the first plugin for a harness id wins.
 */
export async function discoverPlugins(options: DiscoveryOptions = {}): Promise<DiscoveryResult> {
  const plugins: LoadedPlugin[] = [];
  const errors: PluginFailure[] = [];
  const seenPackages = new Set<string>();
  const seenHarness = new Set<string>();
  const accept = (p: LoadedPlugin): void => {
    if (p.packageName) seenPackages.add(p.packageName);
    if (seenHarness.has(p.plugin.name)) return;
    seenHarness.add(p.plugin.name);
    plugins.push(p);
  };
  for (const entry of options.configured ?? []) {
    const [spec, opts] = entrySpec(entry);
    try {
      accept(await loadPlugin(spec, 'config', { ...options, ...(opts ? { pluginOptions: opts } : {}) }));
    } catch (error) {
      errors.push(toFailure(spec, 'config', error));
    }
  }
  const scanned = scanPackages(options);
  for (const pkg of scanned.found) {
    if (seenPackages.has(pkg.packageName)) continue;
    try {
      if (pkg.manifest.contract !== undefined && pkg.manifest.contract !== CONTRACT_VERSION) {
        throw new PluginContractError(pkg.packageName, pkg.manifest.contract, CONTRACT_VERSION);
      }
      const plugin = await importPlugin(entryOf(pkg.dir), pkg.packageName, undefined);
      accept({
        plugin,
        specifier: pkg.packageName,
        source: 'scan',
        packageName: pkg.packageName,
        version: pkg.version,
        dir: pkg.dir,
      });
    } catch (error) {
      errors.push(toFailure(pkg.packageName, 'scan', error));
    }
  }
  return { plugins, errors, ignored: scanned.ignored.filter((p) => !seenPackages.has(p.packageName)) };
}

/**
 * Load only the plugin for harness `name` (fast path for `omnigent run`): config entries, then
 * scanned packages whose manifest names that harness, then the short name `@omnigent/plugin-<name>`.
 * Returns undefined when nothing provides it; `errors` collects failures met on the way.
 */
export async function findHarness(
  name: string,
  options: DiscoveryOptions = {},
): Promise<{ loaded?: LoadedPlugin; errors: PluginFailure[] }> {
  const errors: PluginFailure[] = [];
  for (const entry of options.configured ?? []) {
    const [spec, opts] = entrySpec(entry);
    try {
      const p = await loadPlugin(spec, 'config', { ...options, ...(opts ? { pluginOptions: opts } : {}) });
      if (p.plugin.name === name) return { loaded: p, errors };
    } catch (error) {
      errors.push(toFailure(spec, 'config', error));
    }
  }
  for (const pkg of scanPluginPackages(options)) {
    if (pkg.manifest.harness !== name) continue;
    try {
      if (pkg.manifest.contract !== undefined && pkg.manifest.contract !== CONTRACT_VERSION) {
        throw new PluginContractError(pkg.packageName, pkg.manifest.contract, CONTRACT_VERSION);
      }
      const plugin = await importPlugin(entryOf(pkg.dir), pkg.packageName, undefined);
      if (plugin.name === name)
        return {
          loaded: {
            plugin,
            specifier: pkg.packageName,
            source: 'scan',
            packageName: pkg.packageName,
            version: pkg.version,
            dir: pkg.dir,
          },
          errors,
        };
    } catch (error) {
      errors.push(toFailure(pkg.packageName, 'scan', error));
    }
  }
  try {
    const p = await loadPlugin(name, 'short-name', options);
    if (p.plugin.name === name) return { loaded: p, errors };
  } catch (error) {
    if (!(error instanceof PluginLoadError && error.message.includes('package not installed')))
      errors.push(toFailure(name, 'short-name', error));
  }
  return { errors };
}
