import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

let globalDir: string | undefined;
/** The global node_modules of the running Node (derived from its prefix; no npm call). Contract: cheap, cached. */
export function globalNodeModules(): string {
  if (globalDir === undefined) {
    const prefix = process.env.npm_config_prefix ?? dirname(dirname(process.execPath));
    globalDir = process.platform === 'win32' ? join(prefix, 'node_modules') : join(prefix, 'lib', 'node_modules');
  }
  return globalDir;
}

/** Directory of this CLI's code (`dist/bundle` when bundled). */
export function cliCodeDir(): string {
  return dirname(fileURLToPath(import.meta.url));
}

let root: string | null | undefined;
/** Root of the installed `omnigent` package (holds its package.json), or undefined when it cannot be found. */
export function cliPackageRoot(): string | undefined {
  if (root !== undefined) return root ?? undefined;
  let dir = cliCodeDir();
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'omnigent') {
          root = dir;
          return dir;
        }
      } catch {
        // not ours: keep going up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  root = null;
  return undefined;
}

/**
 * The command that installs npm package `pkg` next to this omnigent: `npm install -g pkg` for a
 * global npm install (and by default), `pnpm add -g pkg` for a global pnpm one, `npm install pkg`
 * for omnigent installed in a project. Contract: a command to print, never run.
 */
export function installCommandFor(pkg: string): string {
  const at = cliPackageRoot();
  if (!at) return `npm install -g ${pkg}`;
  let real = at;
  try {
    real = realpathSync(at);
  } catch {
    // keep the path as is
  }
  const global = (() => {
    try {
      return realpathSync(globalNodeModules());
    } catch {
      return globalNodeModules();
    }
  })();
  if (real.startsWith(global + sep)) return `npm install -g ${pkg}`;
  if (/[\\/]pnpm[\\/]global[\\/]/.test(real)) return `pnpm add -g ${pkg}`;
  const nm = real.lastIndexOf(`${sep}node_modules${sep}`);
  if (nm >= 0 && !real.includes(`${sep}.pnpm${sep}`)) return `npm install ${pkg}  (in ${real.slice(0, nm)})`;
  if (nm >= 0) return `pnpm add ${pkg}  (in ${real.slice(0, real.indexOf(`${sep}node_modules${sep}`))})`;
  return `npm install -g ${pkg}`;
}
