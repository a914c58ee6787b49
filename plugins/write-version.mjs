// Writes src/version.ts of the plugin in the current directory from its package.json, so the
// plugin reports its own version without reading files at run time (run by each `build`).
// Written as Biome formats it (single quotes): `pnpm lint` checks formatting.
import { readFileSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const text = `// Generated from package.json by ../write-version.mjs (run by \`pnpm build\`); do not edit.\n\n/** This plugin package's name. */\nexport const PACKAGE_NAME = '${pkg.name}';\n\n/** This plugin package's version. */\nexport const VERSION = '${pkg.version}';\n`;
let old = '';
try {
  old = readFileSync('src/version.ts', 'utf8');
} catch {
  // first run
}
if (old !== text) writeFileSync('src/version.ts', text);
