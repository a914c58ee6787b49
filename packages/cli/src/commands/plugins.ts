import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';

interface PluginsArgs extends GlobalArgs {
  json?: boolean;
}

/** `omnigent plugins`: discovered plugins, versions, contract version, load errors. */
export const pluginsCommand: CommandModule<GlobalArgs, PluginsArgs> = {
  command: 'plugins',
  describe: 'List discovered harness plugins and plugins that failed to load',
  builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'Machine-readable output' }),
  handler: async (argv) => {
    const { CONTRACT_VERSION } = await import('@omnigent/core');
    const { withAllPlugins } = await import('../plugins.js');
    await withAllPlugins(argv.config, async (config, { plugins, errors }) => {
      if (argv.json) {
        process.stdout.write(
          `${JSON.stringify({
            contractVersion: CONTRACT_VERSION,
            plugins: plugins.map((p) => ({ harness: p.plugin.name, package: p.packageName ?? p.specifier, version: p.version ?? p.plugin.meta.version, contractVersion: p.plugin.contractVersion, source: p.source, capabilities: p.plugin.capabilities })),
            errors: errors.map((e) => ({ specifier: e.specifier, source: e.source, code: e.error.code, message: e.error.message })),
          }, null, 2)}\n`,
        );
      } else {
        process.stdout.write(`omnigent harness contract v${CONTRACT_VERSION}\n`);
        if (plugins.length === 0) process.stdout.write('No harness plugins found. Install one, e.g. npm install -g @omnigent/plugin-claude-code\n');
        for (const p of plugins) {
          process.stdout.write(`  ${p.plugin.name.padEnd(14)} ${(p.packageName ?? p.specifier).padEnd(32)} ${(p.version ?? p.plugin.meta.version).padEnd(10)} contract v${p.plugin.contractVersion}  (${p.source})\n`);
        }
        if (errors.length) {
          process.stdout.write('Failed to load:\n');
          for (const e of errors) process.stdout.write(`  ${e.specifier}: ${e.error.message}${e.error.hint ? ` — ${e.error.hint}` : ''}\n`);
        }
      }
    });
  },
};
