import { MissingPackageError, findOptionalPackage, importOptional, type FoundPackage } from './optional-package.js';
import { installCommandFor } from './install-dirs.js';

/** The npm package that exports traces; optional, found at run time like a plugin. */
export const TELEMETRY_PACKAGE = '@omnigent/telemetry-otel';

/** The telemetry package's API, as the CLI uses it. */
export type TelemetryModule = typeof import('@omnigent/telemetry-otel');

let warned = false;

/** Where the telemetry package is installed, or undefined (for `doctor`). */
export function findTelemetryPackage(cwd?: string): FoundPackage | undefined {
  return findOptionalPackage(TELEMETRY_PACKAGE, cwd);
}

/**
 * Load the telemetry package for a run that asked for telemetry. Contract: when it is not
 * installed, says so once per process on stderr with the exact install command and returns
 * undefined (the run goes on without telemetry).
 */
export async function loadTelemetry(): Promise<TelemetryModule | undefined> {
  const mod = await importOptional<TelemetryModule>(TELEMETRY_PACKAGE);
  if (!mod && !warned) {
    warned = true;
    process.stderr.write(
      `omnigent: telemetry is switched on (OMNIGENT_TELEMETRY_ENABLED or telemetry.enabled) but ${TELEMETRY_PACKAGE} is not installed; running without it.\n` +
        `  Install it with: ${installCommandFor(TELEMETRY_PACKAGE)}\n`,
    );
  }
  return mod;
}

/** Load the telemetry package for a command that cannot work without it (`export`). Throws {@link MissingPackageError} (exit 2). */
export async function requireTelemetry(forWhat: string): Promise<TelemetryModule> {
  const mod = await importOptional<TelemetryModule>(TELEMETRY_PACKAGE);
  if (!mod) throw new MissingPackageError(TELEMETRY_PACKAGE, forWhat);
  return mod;
}
