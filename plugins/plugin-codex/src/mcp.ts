import type { McpServerSpec, McpToolRef } from '@omnigent/core';
import { toToml, tomlKey } from './toml.js';

/** Prefix of the child variables that carry MCP header values (`env_http_headers`). */
export const MCP_HEADER_PREFIX = 'OMNIGENT_MCP_HEADER_';

// variables codex itself (or the shell it runs) relies on: an MCP server's own value for one of them
// goes in the server's `env` table rather than into codex's environment
const RESERVED = /^(?:PATH|HOME|USER|SHELL|TMPDIR|TERM|LANG|PWD|(?:CODEX|OPENAI|RUST)_.*)$/;

/** What a run's MCP servers add to `codex exec`: `-c` arguments and child environment. */
export interface CodexMcpArgs {
  args: string[];
  env: Record<string, string>;
}

/**
 * Codex's form of the run's MCP servers: one `-c mcp_servers.<name>={…}` table each (nothing is
 * written to `~/.codex/config.toml`), with `default_tools_approval_mode = "approve"`, without which
 * `codex exec` (approval policy `never`) fails every MCP call ("MCP tool call requires approval").
 * Contract: env and header values stay off argv where Codex allows it: a stdio server's variables
 * are set in codex's environment and forwarded by name (`env_vars`), except names codex relies on
 * (PATH, HOME, CODEX_*…), which go in its `env` table; HTTP headers go through `env_http_headers`.
 */
export function codexMcpArgs(servers: Record<string, McpServerSpec>): CodexMcpArgs {
  const args: string[] = [];
  const env: Record<string, string> = {};
  let n = 0;
  for (const [name, spec] of Object.entries(servers)) {
    const table: Record<string, unknown> = {};
    if (spec.type === 'stdio') {
      table.command = spec.command;
      if (spec.args?.length) table.args = spec.args;
      if (spec.cwd) table.cwd = spec.cwd;
      const forwarded: string[] = [];
      const literal: Record<string, string> = {};
      for (const [k, v] of Object.entries(spec.env ?? {})) {
        if (RESERVED.test(k)) literal[k] = v;
        else {
          env[k] = v;
          forwarded.push(k);
        }
      }
      if (forwarded.length) table.env_vars = forwarded;
      if (Object.keys(literal).length) table.env = literal;
    } else {
      table.url = spec.url;
      const headers: Record<string, string> = {};
      for (const [h, v] of Object.entries(spec.headers ?? {})) {
        const variable = `${MCP_HEADER_PREFIX}${n++}`;
        env[variable] = v;
        headers[h] = variable;
      }
      if (Object.keys(headers).length) table.env_http_headers = headers;
    }
    table.default_tools_approval_mode = 'approve';
    args.push('-c', `mcp_servers.${tomlKey(name)}=${toToml(table)}`);
  }
  return { args, env };
}

/** The MCP server and tool of a Codex `mcp_tool_call` item. */
export function mcpRefOfItem(item: Record<string, unknown>): McpToolRef | undefined {
  if (item.type !== 'mcp_tool_call') return undefined;
  const server = typeof item.server === 'string' ? item.server : undefined;
  const tool = typeof item.tool === 'string' ? item.tool : undefined;
  return server && tool ? { server, tool } : undefined;
}
