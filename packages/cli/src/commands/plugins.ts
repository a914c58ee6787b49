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
    const { CONTRACT_VERSION, FIRST_PARTY_HARNESSES, firstPartyPackage } = await import('@omnigent/core');
    const { withAllPlugins } = await import('../plugins.js');
    const { installCommandFor } = await import('../install-dirs.js');
    await withAllPlugins(argv.config, async (_config, { plugins, errors, ignored = [] }) => {
      const have = new Set(plugins.map((p) => p.plugin.name));
      // first-party harnesses without their plugin, with the command that adds it
      const notInstalled = FIRST_PARTY_HARNESSES.filter((h) => !have.has(h)).map((h) => ({
        harness: h,
        package: firstPartyPackage(h)!,
        install: installCommandFor(firstPartyPackage(h)!),
      }));
      if (argv.json) {
        process.stdout.write(
          `${JSON.stringify(
            {
              contractVersion: CONTRACT_VERSION,
              plugins: plugins.map((p) => ({
                harness: p.plugin.name,
                package: p.packageName ?? p.specifier,
                version: p.version ?? p.plugin.meta.version,
                contractVersion: p.plugin.contractVersion,
                source: p.source,
                capabilities: p.plugin.capabilities,
              })),
              errors: errors.map((e) => ({
                specifier: e.specifier,
                source: e.source,
                code: e.error.code,
                message: e.error.message,
              })),
              ignored,
              notInstalled,
            },
            null,
            2,
          )}\n`,
        );
      } else {
        process.stdout.write(`omnigent harness contract v${CONTRACT_VERSION}\n`);
        if (plugins.length === 0) process.stdout.write('No harness plugins found.\n');
        for (const p of plugins) {
          process.stdout.write(
            `  ${p.plugin.name.padEnd(14)} ${(p.packageName ?? p.specifier).padEnd(32)} ${(p.version ?? p.plugin.meta.version).padEnd(10)} contract v${p.plugin.contractVersion}  (${p.source})\n`,
          );
        }
        if (errors.length) {
          process.stdout.write('Failed to load:\n');
          for (const e of errors)
            process.stdout.write(`  ${e.specifier}: ${e.error.message}${e.error.hint ? ` — ${e.error.hint}` : ''}\n`);
        }
        if (ignored.length) {
          process.stdout.write('Named like plugins but not loaded:\n');
          for (const p of ignored) process.stdout.write(`  ${p.packageName} (${p.dir}): ${p.reason}\n`);
        }
        if (notInstalled.length) {
          process.stdout.write('First-party plugins not installed:\n');
          for (const p of notInstalled) process.stdout.write(`  ${p.harness.padEnd(14)} ${p.install}\n`);
        }
      }
    });
  },
};
