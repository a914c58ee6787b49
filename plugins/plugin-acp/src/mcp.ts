import type { McpServerSpec } from '@omnigent/core';

/** An MCP server in ACP's `session/new` form. */
export type AcpMcpServer =
  | { name: string; command: string; args: string[]; env: Array<{ name: string; value: string }> }
  | { type: 'http'; name: string; url: string; headers: Array<{ name: string; value: string }> };

/**
 * omnigent's MCP servers (`request.mcpServers`) as ACP's `mcpServers`. Contract: stdio servers
 * always go (every ACP agent takes them); http ones only when the agent advertises
 * `mcpCapabilities.http`, else they are named in `skipped`. A stdio server's own `cwd` has no ACP
 * field: it is named in `skipped` too (the server runs in the agent's cwd).
 */
export function acpMcpServers(
  servers: Record<string, McpServerSpec> | undefined,
  http: boolean,
): { servers: AcpMcpServer[]; skipped: string[] } {
  const out: AcpMcpServer[] = [];
  const skipped: string[] = [];
  for (const [name, spec] of Object.entries(servers ?? {})) {
    if (spec.type === 'stdio') {
      out.push({
        name,
        command: spec.command,
        args: spec.args ?? [],
        env: Object.entries(spec.env ?? {}).map(([k, v]) => ({ name: k, value: v })),
      });
      if (spec.cwd) skipped.push(`${name}: cwd ${spec.cwd} (ACP has no cwd for an MCP server; it runs in the agent's)`);
    } else if (http) {
      out.push({
        type: 'http',
        name,
        url: spec.url,
        headers: Object.entries(spec.headers ?? {}).map(([k, v]) => ({ name: k, value: v })),
      });
    } else {
      skipped.push(`${name}: the agent does not take http MCP servers (no mcpCapabilities.http)`);
    }
  }
  return { servers: out, skipped };
}
