import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';

interface DoctorArgs extends GlobalArgs {
  json?: boolean;
}

const TELEMETRY_VARS = [
  'OMNIGENT_TELEMETRY_ENABLED',
  'OMNIGENT_OTEL_CAPTURE_CONTENT',
  'OMNIGENT_OTEL_HTTP_CLIENT_INSTRUMENTATION',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_SERVICE_NAME',
];
const HEADER_VARS = ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'];
const URL_VARS = new Set(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);

/** Header names only, never values: `x-mlflow-experiment-id=0,authorization=…` -> `x-mlflow-experiment-id, authorization`. */
export function headerNames(value: string): string[] {
  return value
    .split(',')
    .map((p) => p.split('=')[0]!.trim())
    .filter(Boolean);
}

/** `omnigent doctor`: what is installed and configured, without printing a secret. */
export const doctorCommand: CommandModule<GlobalArgs, DoctorArgs> = {
  command: 'doctor',
  describe: 'Check harness binaries, versions, credentials (names only) and telemetry settings',
  builder: (y) => y.option('json', { type: 'boolean', default: false }),
  handler: async (argv) => {
    const { resolveBinary, detectVersion, OmnigentError } = await import('@omnigent/core');
    const { withAllPlugins } = await import('../plugins.js');
    const { redactUrlPassword } = await import('../redact-url.js');
    const { findTelemetryPackage, TELEMETRY_PACKAGE } = await import('../telemetry-package.js');
    const { installCommandFor } = await import('../install-dirs.js');
    const { telemetryRequested } = await import('../sinks/telemetry.js');
    await withAllPlugins(argv.config, async (config, { plugins, errors }) => {
      const rows = await Promise.all(
        plugins.map(async (p) => {
          const base = {
            harness: p.plugin.name,
            package: p.packageName ?? p.specifier,
            credentialsSet: (p.plugin.credentialEnv ?? []).filter((k) => process.env[k]),
            credentialsMissing: (p.plugin.credentialEnv ?? []).filter((k) => !process.env[k]),
          };
          // a plugin without a binary of its own (ACP) runs whatever agent a run or a named harness names
          if (
            p.plugin.binary.names.length === 0 &&
            !p.plugin.binary.npmPackage &&
            !config.config.harnesses?.[p.plugin.name]?.bin
          ) {
            return { ...base, found: true, bin: `the agent you name (${p.plugin.binary.install})`, binSource: 'agent' };
          }
          try {
            const bin = resolveBinary(p.plugin, {
              ...(config.config.harnesses?.[p.plugin.name]?.bin
                ? { config: config.config.harnesses[p.plugin.name]!.bin! }
                : {}),
              resolveFrom: [...(p.dir ? [p.dir] : []), process.cwd()],
            });
            const v = await detectVersion(p.plugin, bin.path);
            const warning = typeof v.details?.warning === 'string' ? v.details.warning : undefined;
            return {
              ...base,
              found: true,
              bin: bin.path,
              binSource: bin.source,
              version: v.version,
              versionError: v.error,
              ...(warning ? { warning } : {}),
              ...(!v.version && p.plugin.doctorHint ? { hint: p.plugin.doctorHint } : {}),
            };
          } catch (error) {
            return {
              ...base,
              found: false,
              problem: error instanceof OmnigentError ? error.message : String(error),
              install: p.plugin.binary.install,
              ...(p.plugin.doctorHint ? { hint: p.plugin.doctorHint } : {}),
            };
          }
        }),
      );
      const telemetry: Record<string, unknown> = {};
      for (const k of TELEMETRY_VARS)
        if (process.env[k] !== undefined)
          telemetry[k] = URL_VARS.has(k) ? redactUrlPassword(process.env[k]!) : process.env[k];
      for (const k of HEADER_VARS)
        if (process.env[k]) telemetry[k] = `names: ${headerNames(process.env[k]!).join(', ')} (values hidden)`;
      const fileTelemetry = config.config.telemetry;
      if (fileTelemetry) {
        telemetry.configFile = {
          ...fileTelemetry,
          ...(typeof fileTelemetry.endpoint === 'string'
            ? { endpoint: redactUrlPassword(fileTelemetry.endpoint) }
            : {}),
          headers: fileTelemetry.headers ? Object.keys(fileTelemetry.headers) : undefined,
        };
      }
      // the exporter is an optional package: say whether it is there, and whether it is asked for
      const pkg = findTelemetryPackage();
      const telemetryPackage = {
        package: TELEMETRY_PACKAGE,
        installed: pkg !== undefined,
        ...(pkg ? { version: pkg.version, dir: pkg.dir } : { install: installCommandFor(TELEMETRY_PACKAGE) }),
        enabled: telemetryRequested(process.env, config),
      };
      if (argv.json) {
        process.stdout.write(
          `${JSON.stringify({ configFile: config.file ?? null, harnesses: rows, pluginErrors: errors.map((e) => ({ specifier: e.specifier, message: e.error.message })), telemetry, telemetryPackage }, null, 2)}\n`,
        );
        return;
      }
      const w = (s: string) => process.stdout.write(`${s}\n`);
      w(`config: ${config.file ?? 'none (searched omnigent.config.{json,yaml,yml,js,mjs,ts} upward)'}`);
      for (const r of rows) {
        if (r.found)
          w(
            `ok   ${r.harness.padEnd(12)} ${'version' in r && r.version ? r.version : '(version unknown)'}  ${'bin' in r ? r.bin : ''} [${'binSource' in r ? r.binSource : ''}]`,
          );
        else
          w(
            `MISSING ${r.harness.padEnd(9)} ${'problem' in r ? r.problem : ''}\n        install: ${'install' in r ? r.install : ''}`,
          );
        if ('warning' in r && r.warning) w(`     warning: ${r.warning}`);
        if ('hint' in r && r.hint) w(`     ${r.hint.split('\n').join('\n     ')}`);
        if (r.credentialsSet.length || r.credentialsMissing.length)
          w(
            `     credentials set: ${r.credentialsSet.join(', ') || 'none'}${r.credentialsMissing.length ? `; not set: ${r.credentialsMissing.join(', ')}` : ''}`,
          );
      }
      for (const e of errors) w(`ERROR plugin ${e.specifier}: ${e.error.message}`);
      w(
        `telemetry: ${telemetryPackage.enabled ? 'enabled' : 'off'}; ${pkg ? `${TELEMETRY_PACKAGE} ${pkg.version} installed (${pkg.dir})` : `${TELEMETRY_PACKAGE} not installed`}`,
      );
      if (!pkg)
        w(
          `  ${telemetryPackage.enabled ? 'runs go on without traces; ' : ''}install it to export traces: ${installCommandFor(TELEMETRY_PACKAGE)}`,
        );
      if (Object.keys(telemetry).length === 0)
        w('  set OMNIGENT_TELEMETRY_ENABLED=true and OTEL_EXPORTER_OTLP_ENDPOINT to export traces');
      for (const [k, v] of Object.entries(telemetry)) w(`  ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    });
  },
};
