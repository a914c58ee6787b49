// MCP servers in Codex's own form: -c tables, never the user's config.toml, tools approved for exec.
import { describe, expect, it } from 'vitest';
import { codexCommand } from '../src/command.js';

const SECRET = 'sk-live-abcdef123456';

describe('codex MCP servers', () => {
  it('one -c mcp_servers.<name> table per server, approved for unattended exec; secrets off argv', () => {
    const spec = codexCommand({
      prompt: 'p',
      cwd: '/work',
      mcpServers: {
        docs: {
          type: 'stdio',
          command: 'node',
          args: ['server.js', '--x'],
          cwd: '/srv',
          env: { DOCS_TOKEN: SECRET, PATH: '/opt/bin' },
        },
        'web-b': { type: 'http', url: 'http://127.0.0.1:9/mcp', headers: { Authorization: `Bearer ${SECRET}` } },
      },
    });
    const tables = spec.args.filter((a) => a.startsWith('mcp_servers.'));
    expect(tables).toEqual([
      'mcp_servers.docs={ command = "node", args = ["server.js", "--x"], cwd = "/srv", env_vars = ["DOCS_TOKEN"], env = { PATH = "/opt/bin" }, default_tools_approval_mode = "approve" }',
      'mcp_servers.web-b={ url = "http://127.0.0.1:9/mcp", env_http_headers = { Authorization = "OMNIGENT_MCP_HEADER_0" }, default_tools_approval_mode = "approve" }',
    ]);
    expect(spec.args[spec.args.indexOf(tables[0]!) - 1]).toBe('-c');
    expect(spec.env).toEqual({ DOCS_TOKEN: SECRET, OMNIGENT_MCP_HEADER_0: `Bearer ${SECRET}` });
    expect(spec.args.join(' ')).not.toContain(SECRET);
    // the prompt marker stays last
    expect(spec.args.at(-1)).toBe('-');
  });

  it("no servers: no mcp_servers override (the user's own config.toml servers still apply)", () => {
    const spec = codexCommand({ prompt: 'p', cwd: '/work' });
    expect(spec.args.join(' ')).not.toContain('mcp_servers');
    expect(spec.env).toBeUndefined();
  });
});
