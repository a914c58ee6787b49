import { firstPartyPackage } from './first-party.js';

/** Stable error codes. Contract: never renamed; the CLI maps them to exit codes. */
export type ErrorCode =
  | 'HARNESS_NOT_FOUND'
  | 'UNKNOWN_HARNESS'
  | 'PLUGIN_LOAD'
  | 'PLUGIN_CONTRACT'
  | 'CONFIG'
  | 'USAGE'
  | 'SPAWN'
  | 'STORE'
  | 'TELEMETRY_CONFIG'
  | 'WORKFLOW'
  | 'INTERNAL';

/** Base class of every error omnigent throws on purpose. */
export class OmnigentError extends Error {
  readonly code: ErrorCode;
  /** What the user can do about it, one sentence. */
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    if (options?.hint !== undefined) this.hint = options.hint;
  }
}

/** The harness binary could not be found. Carries the install command. */
export class HarnessNotFoundError extends OmnigentError {
  readonly harness: string;
  readonly install: string;
  constructor(harness: string, install: string, searched: string[]) {
    super('HARNESS_NOT_FOUND', `The ${harness} CLI was not found (looked in: ${searched.join('; ')}).`, {
      hint: `Install it with: ${install}  (or point omnigent at it with --bin or OMNIGENT_${envName(harness)}_BIN)`,
    });
    this.harness = harness;
    this.install = install;
  }
}

/** `-H` named a harness no installed plugin provides. */
export class UnknownHarnessError extends OmnigentError {
  readonly available: string[];
  constructor(name: string, available: string[], loadErrors: string[] = []) {
    const list = available.length ? available.join(', ') : 'none';
    super('UNKNOWN_HARNESS', `No plugin provides the harness "${name}". Installed harnesses: ${list}.`, {
      hint:
        (firstPartyPackage(name)
          ? `Install its plugin (npm install -g ${firstPartyPackage(name)}) or run \`omnigent plugins\` to see what is installed.`
          : `"${name}" is not a first-party harness: install the plugin package that provides it, or name its file under plugins: in omnigent.config. \`omnigent plugins\` shows what is installed.`) +
        (loadErrors.length ? ` Plugins that failed to load: ${loadErrors.join('; ')}` : ''),
    });
    this.available = available;
  }
}

/** A plugin package could not be imported or does not export a plugin. */
export class PluginLoadError extends OmnigentError {
  readonly specifier: string;
  constructor(specifier: string, message: string, cause?: unknown) {
    super('PLUGIN_LOAD', `Plugin ${specifier}: ${message}`, { cause });
    this.specifier = specifier;
  }
}

/** A plugin was built against an incompatible contract version. */
export class PluginContractError extends OmnigentError {
  readonly specifier: string;
  constructor(specifier: string, pluginVersion: unknown, expected: number) {
    super(
      'PLUGIN_CONTRACT',
      `Plugin ${specifier} implements harness contract v${String(pluginVersion)}, but this omnigent speaks v${expected}.`,
      { hint: `Upgrade the plugin or omnigent so both use contract v${expected}.` },
    );
    this.specifier = specifier;
  }
}

/** The configuration file or a config value is invalid. Names the file, the key and what was expected. */
export class ConfigError extends OmnigentError {
  readonly file?: string;
  readonly line?: number;
  readonly key?: string;
  constructor(message: string, where: { file?: string; line?: number; key?: string } = {}, cause?: unknown) {
    const loc = where.file ? `${where.file}${where.line ? `:${where.line}` : ''}: ` : '';
    const key = where.key ? `${where.key}: ` : '';
    super('CONFIG', `${loc}${key}${message}`, { cause });
    if (where.file !== undefined) this.file = where.file;
    if (where.line !== undefined) this.line = where.line;
    if (where.key !== undefined) this.key = where.key;
  }
}

/** Bad command-line usage. */
export class UsageError extends OmnigentError {
  constructor(message: string, hint?: string) {
    super('USAGE', message, hint === undefined ? undefined : { hint });
  }
}

/** `OMNIGENT_CLAUDE_CODE_BIN` style name part for a harness id. */
export function envName(harness: string): string {
  return harness.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}
