import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { ConfigError, UsageError, type McpServerSpec } from '@omnigent/core';
import type { LoadedConfig } from './config.js';

/** The MCP servers of one run: resolved specs by name, and the environment variables their secrets came from. */
export interface ResolvedMcp {
  /** Specs with every `${VAR}` replaced, in the order the names were given. */
  servers: Record<string, McpServerSpec>;
  /** Names of the variables referenced (their values are secrets: redacted from the store and traces). */
  secretEnvNames: string[];
}

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * The server names a run gets. Contract: `flag` (`--mcp a,b` / a step's `mcp:`) wins over config
 * `mcp.default`; `none` alone means no server. Default: `mcp.default`, else none.
 */
export function mcpNames(flag: string[] | undefined, config: LoadedConfig): string[] {
  const names = flag ?? config.config.mcp?.default ?? [];
  const list = [
    ...new Set(
      names
        .flatMap((n) => n.split(','))
        .map((n) => n.trim())
        .filter(Boolean),
    ),
  ];
  if (list.includes('none')) {
    if (list.length > 1)
      throw new UsageError(
        `--mcp none cannot be combined with server names (got ${list.join(',')}).`,
        'Give either --mcp none (no MCP server) or the names of the servers to use.',
      );
    return [];
  }
  return list;
}

/** Throw the {@link UsageError} of {@link resolveMcp} for a name not in `mcp.servers`, before anything runs. */
export function checkMcpNames(names: string[], config: LoadedConfig, where?: string): void {
  const known = Object.keys(config.config.mcp?.servers ?? {});
  const unknown = names.find((n) => !known.includes(n));
  if (unknown === undefined) return;
  throw new UsageError(
    `${where ? `${where}: ` : ''}unknown MCP server "${unknown}"${known.length ? `; configured: ${known.join(', ')}` : '; no MCP server is configured'}.`,
    known.length
      ? 'Pick one of those (--mcp a,b), or --mcp none for no server.'
      : 'Declare it under mcp.servers in omnigent.config.* (see the README section "MCP servers").',
  );
}

function expand(
  text: string,
  key: string,
  env: NodeJS.ProcessEnv,
  used: Set<string>,
  file: string | undefined,
): string {
  return text.replace(REF, (_, name: string) => {
    const value = env[name];
    if (value === undefined) {
      throw new ConfigError(
        `${key} needs the environment variable ${name}, which is not set. Set ${name} (or pass --env ${name}=…) and run again.`,
        { ...(file ? { file } : {}), key },
      );
    }
    used.add(name);
    return value;
  });
}

function expandMap(
  map: Record<string, string> | undefined,
  key: string,
  env: NodeJS.ProcessEnv,
  used: Set<string>,
  file: string | undefined,
): Record<string, string> | undefined {
  if (!map) return undefined;
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, expand(v, `${key}.${k}`, env, used, file)]));
}

/**
 * Resolve server names against config `mcp.servers`, replacing `${VAR}` references from `env`
 * (at run time, never at load time, so nothing secret sits in the loaded config). Contract: an unknown
 * name is a {@link UsageError} listing the configured ones; a missing variable a {@link ConfigError}
 * naming it and the key; both exit 2 before anything runs or is stored. A relative stdio `cwd`
 * resolves from the config file's directory.
 */
export function resolveMcp(names: string[], config: LoadedConfig, env: NodeJS.ProcessEnv): ResolvedMcp {
  const configured = config.config.mcp?.servers ?? {};
  const file = config.file;
  const used = new Set<string>();
  const servers: Record<string, McpServerSpec> = {};
  for (const name of names) {
    checkMcpNames([name], config);
    const spec = configured[name]!;
    const key = `mcp.servers.${name}`;
    if ('command' in spec) {
      const env2 = expandMap(spec.env, `${key}.env`, env, used, file);
      const cwd = spec.cwd !== undefined ? expand(spec.cwd, `${key}.cwd`, env, used, file) : undefined;
      servers[name] = {
        type: 'stdio',
        command: expand(spec.command, `${key}.command`, env, used, file),
        ...(spec.args ? { args: spec.args.map((a, i) => expand(a, `${key}.args.${i}`, env, used, file)) } : {}),
        ...(env2 ? { env: env2 } : {}),
        ...(cwd !== undefined ? { cwd: isAbsolute(cwd) ? cwd : resolve(config.dir, cwd) } : {}),
      };
    } else {
      const headers = expandMap(spec.headers, `${key}.headers`, env, used, file);
      servers[name] = {
        type: 'http',
        url: expand(spec.url, `${key}.url`, env, used, file),
        ...(headers ? { headers } : {}),
      };
    }
  }
  return { servers, secretEnvNames: [...used] };
}

function runnable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Check that every stdio server's command can be started: a path must be an executable file (a
 * relative one from the server's `cwd`, else the run's), a bare name must be on the harness's PATH.
 * Contract: a {@link ConfigError} (exit 2) naming the server and the command, before the run: some
 * harnesses (Codex) drop a server that does not start without a word.
 */
export function checkMcpCommands(
  servers: Record<string, McpServerSpec>,
  env: NodeJS.ProcessEnv,
  runCwd: string,
  file?: string,
): void {
  for (const [name, spec] of Object.entries(servers)) {
    if (spec.type !== 'stdio') continue;
    const cmd = spec.command;
    const found = cmd.includes('/')
      ? runnable(resolve(spec.cwd ?? runCwd, cmd))
      : (env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && runnable(join(dir, cmd)));
    if (!found) {
      throw new ConfigError(
        `MCP server "${name}": its command ${cmd} ${cmd.includes('/') ? 'is not an executable file' : 'is not on PATH'}. Fix mcp.servers.${name}.command (or leave "${name}" out of --mcp).`,
        { ...(file ? { file } : {}), key: `mcp.servers.${name}.command` },
      );
    }
  }
}
