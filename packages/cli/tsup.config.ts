import { defineConfig } from 'tsup';

// The CLI entry is bundled (yargs included) so start-up resolves a handful of files instead of
// ~100 modules; @omnigent/* packages stay external and are imported lazily by the commands.
export default defineConfig({
  entry: { cli: 'src/bin.ts' },
  outDir: 'dist/bundle',
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  splitting: true,
  bundle: true,
  dts: false,
  sourcemap: false,
  clean: true,
  noExternal: [/^yargs/, /^cliui/, /^y18n/, /^string-width/, /^strip-ansi/, /^ansi-regex/, /^wrap-ansi/, /^emoji-regex/, /^get-east-asian-width/, /^escalade/, /^picocolors/],
  external: [/^@omnigent\//, 'zod', 'yaml', 'lilconfig', 'jiti', 'log-update', 'execa'],
});
