import { readFileSync } from 'node:fs';

function readVersion(): string {
  // dist/version.js and dist/bundle/cli.js sit at different depths below package.json
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'omnigent' && pkg.version) return pkg.version;
    } catch {
      // try the next level
    }
  }
  return '0.0.0';
}

/** Version of the omnigent CLI package. */
export const version: string = readVersion();
