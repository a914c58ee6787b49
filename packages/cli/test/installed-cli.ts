import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PKG = fileURLToPath(new URL('..', import.meta.url));
/** What the bundled CLI imports at run time (its `dependencies` without the optional packages). */
const RUNTIME_DEPS = ['@omnigent/core', '@omnigent/store', '@omnigent/workflow', 'execa', 'jiti', 'log-update'];

/** An omnigent installed like `npm install -g omnigent`, outside the repository. */
export interface InstalledCli {
  /** The npm prefix (`npm_config_prefix`); its lib/node_modules is the global node_modules. */
  prefix: string;
  /** The `bin/omnigent.js` of the installed copy. */
  bin: string;
  /** Environment that makes this the global install (pass to the child). */
  env: Record<string, string>;
}

/**
 * Copy the built CLI into `<prefix>/lib/node_modules/omnigent` with only its runtime dependencies
 * (linked to the workspace's copies) next to it: no @omnigent/telemetry-otel, no @omnigent/testkit,
 * no plugin. `extra` packages are linked into the global node_modules too.
 */
export function installCli(extra: string[] = []): InstalledCli {
  const prefix = realpathSync(mkdtempSync(join(tmpdir(), 'omnigent-global-')));
  const global = join(prefix, 'lib', 'node_modules');
  const root = join(global, 'omnigent');
  mkdirSync(root, { recursive: true });
  for (const part of ['bin', 'dist', 'demo', 'package.json'])
    cpSync(join(PKG, part), join(root, part), { recursive: true });
  const link = (name: string, into: string): void => {
    // the CLI's own dependencies, else the workspace root's (where the plugins are)
    const here = join(PKG, 'node_modules', name);
    const target = realpathSync(existsSync(here) ? here : join(PKG, '..', '..', 'node_modules', name));
    mkdirSync(dirname(join(into, name)), { recursive: true });
    symlinkSync(target, join(into, name), 'dir');
  };
  for (const dep of RUNTIME_DEPS) link(dep, join(root, 'node_modules'));
  for (const dep of extra) link(dep, global);
  return { prefix, bin: join(root, 'bin', 'omnigent.js'), env: { npm_config_prefix: prefix } };
}
