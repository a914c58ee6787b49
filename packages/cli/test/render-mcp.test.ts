import { describe, expect, it } from 'vitest';
import type { OmnigentEvent } from '@omnigent/core';
import { createRenderer } from '../src/render.js';

const base = { runId: 'r', harness: 'claude-code', seq: 1, time: '2026-12-01T00:00:00.000Z' };

describe('run output', () => {
  it('names the MCP server of an MCP tool call, and nothing for other tools', () => {
    let text = '';
    const render = createRenderer({ write: (t) => (text += t), color: false });
    render({
      ...base,
      type: 'tool.started',
      callId: 'a',
      name: 'mcp__docs__search_docs',
      kind: 'other',
      input: { q: 'x' },
      mcp: { server: 'docs', tool: 'search_docs' },
    } as OmnigentEvent);
    render({
      ...base,
      type: 'tool.started',
      callId: 'b',
      name: 'Bash',
      kind: 'shell',
      input: { command: 'ls' },
    } as OmnigentEvent);
    const [mcpLine, bashLine] = text.trim().split('\n');
    expect(mcpLine).toContain('mcp__docs__search_docs (MCP docs)');
    expect(bashLine).not.toContain('MCP');
  });
});
