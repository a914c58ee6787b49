import type { McpServerSpec, McpToolRef } from '@omnigent/core';

/** Prefix of the child variables that carry MCP secrets (`${OMNIGENT_MCP_0}` in the config JSON). */
export const MCP_SECRET_PREFIX = 'OMNIGENT_MCP_';

/** What a run's MCP servers add to `claude`: arguments, environment, and tool patterns to pre-approve. */
export interface ClaudeMcpArgs {
  args: string[];
  env: Record<string, string>;
  /** `mcp__<server>` per server: every tool of the server runs unattended in `-p` mode. */
  allowedTools: string[];
}

/**
 * Claude Code's form of the run's MCP servers: inline `--mcp-config <json>` plus
 * `--strict-mcp-config` (only these servers: the user's `~/.claude.json` and project `.mcp.json` are
 * neither read nor written). Contract: no env or header value is on argv (visible in `ps`): each
 * becomes `${OMNIGENT_MCP_<n>}`, which Claude Code expands from its own environment, where the
 * value is passed. Pure: no file is written.
 */
export function claudeMcpArgs(servers: Record<string, McpServerSpec>): ClaudeMcpArgs {
  const env: Record<string, string> = {};
  let n = 0;
  const ref = (value: string): string => {
    const name = `${MCP_SECRET_PREFIX}${n++}`;
    env[name] = value;
    return `\${${name}}`;
  };
  const refs = (map: Record<string, string> | undefined): Record<string, string> | undefined =>
    map ? Object.fromEntries(Object.entries(map).map(([k, v]) => [k, ref(v)])) : undefined;
  const mcpServers: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(servers)) {
    if (spec.type === 'stdio') {
      const e = refs(spec.env);
      // Claude Code's stdio config has no working directory (a `cwd` key is accepted and ignored):
      // a POSIX shell changes into it, then execs the server, so no extra process stays between them
      const launch = spec.cwd
        ? {
            command: '/bin/sh',
            args: ['-c', 'cd "$1" && shift && exec "$@"', 'sh', spec.cwd, spec.command, ...(spec.args ?? [])],
          }
        : { command: spec.command, args: spec.args ?? [] };
      mcpServers[name] = { type: 'stdio', ...launch, ...(e ? { env: e } : {}) };
    } else {
      const h = refs(spec.headers);
      mcpServers[name] = { type: 'http', url: spec.url, ...(h ? { headers: h } : {}) };
    }
  }
  const names = Object.keys(servers);
  if (names.length === 0) return { args: [], env: {}, allowedTools: [] };
  return {
    args: ['--mcp-config', JSON.stringify({ mcpServers }), '--strict-mcp-config'],
    env,
    allowedTools: names.map((s) => `mcp__${s}`),
  };
}

/** The MCP server and tool of a Claude Code tool name (`mcp__docs__search_docs`), else undefined. */
export function mcpRefOf(name: string): McpToolRef | undefined {
  const m = /^mcp__(.+?)__(.+)$/.exec(name);
  return m ? { server: m[1]!, tool: m[2]! } : undefined;
}
