import { describe, expect, it } from 'vitest';
import { acpMcpServers } from '../src/index.js';

describe('acpMcpServers', () => {
  it('skips http servers for an agent without mcpCapabilities.http, and names what ACP cannot carry', () => {
    const r = acpMcpServers(
      { a: { type: 'stdio', command: 'x', cwd: '/srv' }, b: { type: 'http', url: 'http://h/mcp' } },
      false,
    );
    expect(r.servers).toEqual([{ name: 'a', command: 'x', args: [], env: [] }]);
    expect(r.skipped).toEqual([
      expect.stringContaining('a: cwd /srv'),
      expect.stringContaining('b: the agent does not take http MCP servers'),
    ]);
  });
});
