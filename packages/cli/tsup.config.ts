import { defineConfig } from 'tsup';

// The CLI entry is bundled (yargs included) so start-up resolves a handful of files instead of
// ~100 modules; @omnigent/* packages stay external and are imported lazily by the commands.
// zod and yaml are bundled too (95 and 72 files when resolved from node_modules): with splitting,
// they land in chunks that are loaded only when a config or task file needs them.
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
  // yargs' help layout measures every word with string-width, whose emoji pattern costs ~17 ms per
  // --help: the bundle uses our own measure instead (src/string-width.ts)
  esbuildOptions: (options) => {
    options.alias = { ...options.alias, 'string-width': './src/string-width.ts' };
  },
  // `z.locales` (zod's 40 translations of its messages, 64 files, two thirds of the zod chunk) is
  // never used: messages are English, which zod imports on its own (classic/schemas.js → en.js).
  // Without them a config file is checked ~2× sooner (BENCHMARKS.md).
  esbuildPlugins: [
    {
      name: 'zod-without-translations',
      setup(build) {
        // both `z.locales` and `z.core.locales` re-export the translations
        build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
          /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)
            ? { path: 'zod-locales', namespace: 'omnigent-empty' }
            : undefined,
        );
        build.onLoad({ filter: /.*/, namespace: 'omnigent-empty' }, () => ({ contents: 'export {};', loader: 'js' }));
      },
    },
  ],
  // yaml's node build is CommonJS and requires node builtins: give the ESM chunks a real `require`
  banner: {
    js: "import { createRequire as __omnigentCreateRequire } from 'node:module'; const require = __omnigentCreateRequire(import.meta.url);",
  },
  noExternal: [
    /^yargs/,
    /^cliui/,
    /^y18n/,
    /^string-width/,
    /^strip-ansi/,
    /^ansi-regex/,
    /^wrap-ansi/,
    /^emoji-regex/,
    /^get-east-asian-width/,
    /^escalade/,
    /^picocolors/,
    /^zod/,
    /^yaml/,
  ],
  external: [/^@omnigent\//, 'jiti', 'log-update'],
});
