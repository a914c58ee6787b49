// MCP servers in Claude Code's own form, and MCP tool calls normalized to { server, tool }.
import { describe, expect, it } from 'vitest';
import { ofType, translateTranscript } from '@omnigent/testkit';
import { claudeCommand } from '../src/command.js';
import { mcpRefOf } from '../src/mcp.js';
import { claudeCode } from '../src/plugin.js';

const ctx = { bin: '/usr/bin/claude', isRoot: false };
const SECRET = 'sk-live-abcdef123456';
/** `${NAME}`, the reference Claude Code expands (built, so it is not mistaken for a template). */
const ref = (name: string): string => `$${'{'}${name}}`;

describe('claude-code MCP servers', () => {
  it('writes inline --mcp-config with --strict-mcp-config and pre-approves each server; secrets only in the environment', () => {
    const spec = claudeCommand(
      {
        prompt: 'p',
        allowedTools: ['Read'],
        mcpServers: {
          docs: { type: 'stdio', command: 'node', args: ['server.js'], env: { DOCS_TOKEN: SECRET } },
          web: { type: 'http', url: 'http://127.0.0.1:9/mcp', headers: { Authorization: `Bearer ${SECRET}` } },
        },
      },
      ctx,
    );
    const i = spec.args.indexOf('--mcp-config');
    expect(i).toBeGreaterThan(0);
    expect(spec.args[i + 2]).toBe('--strict-mcp-config');
    expect(JSON.parse(spec.args[i + 1]!)).toEqual({
      mcpServers: {
        docs: { type: 'stdio', command: 'node', args: ['server.js'], env: { DOCS_TOKEN: ref('OMNIGENT_MCP_0') } },
        web: { type: 'http', url: 'http://127.0.0.1:9/mcp', headers: { Authorization: ref('OMNIGENT_MCP_1') } },
      },
    });
    expect(spec.env).toEqual({ OMNIGENT_MCP_0: SECRET, OMNIGENT_MCP_1: `Bearer ${SECRET}` });
    expect(spec.args.join(' ')).not.toContain(SECRET);
    expect(spec.args).toContain('--allowedTools=Read,mcp__docs,mcp__web');
    // the same request gives the same argv (command() stays pure)
    expect(claudeCommand({ prompt: 'p', mcpServers: { docs: { type: 'stdio', command: 'node' } } }, ctx).args).toEqual(
      claudeCommand({ prompt: 'p', mcpServers: { docs: { type: 'stdio', command: 'node' } } }, ctx).args,
    );
  });

  it("a stdio server's cwd: Claude Code has none, so a shell changes into it and execs the server", () => {
    const spec = claudeCommand(
      { prompt: 'p', mcpServers: { docs: { type: 'stdio', command: 'node', args: ['server.js'], cwd: '/srv/docs' } } },
      ctx,
    );
    const config = JSON.parse(spec.args[spec.args.indexOf('--mcp-config') + 1]!) as {
      mcpServers: Record<string, unknown>;
    };
    expect(config.mcpServers.docs).toEqual({
      type: 'stdio',
      command: '/bin/sh',
      args: ['-c', 'cd "$1" && shift && exec "$@"', 'sh', '/srv/docs', 'node', 'server.js'],
    });
  });

  it("no MCP servers: no MCP flag at all (the user's own MCP config still applies)", () => {
    const spec = claudeCommand({ prompt: 'p' }, ctx);
    expect(spec.args.join(' ')).not.toContain('mcp');
  });

  it('mcp__server__tool names map to { server, tool } on tool.started and tool.completed', () => {
    expect(mcpRefOf('mcp__docs-a__search_docs')).toEqual({ server: 'docs-a', tool: 'search_docs' });
    expect(mcpRefOf('mcp__my_srv__fetch__page')).toEqual({ server: 'my_srv', tool: 'fetch__page' });
    expect(mcpRefOf('Bash')).toBeUndefined();
    const lines = [
      {
        type: 'system',
        subtype: 'init',
        session_id: 's',
        cwd: '/w',
        model: 'claude-sonnet-4-5',
        tools: [],
        mcp_servers: [{ name: 'docs', status: 'connected' }],
      },
      {
        type: 'assistant',
        session_id: 's',
        message: {
          id: 'm1',
          role: 'assistant',
          model: 'claude-sonnet-4-5',
          content: [{ type: 'tool_use', id: 't1', name: 'mcp__docs__search_docs', input: { query: 'q' } }],
        },
      },
      {
        type: 'user',
        session_id: 's',
        message: {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'found' }] }],
        },
      },
      { type: 'result', subtype: 'success', session_id: 's', is_error: false, num_turns: 1, result: 'ok' },
    ];
    const { events } = translateTranscript(claudeCode, lines, {
      request: { prompt: 'x' },
      exit: { exitCode: 0, stderrTail: '', durationMs: 5 },
    });
    const started = ofType(events, 'tool.started')[0]!;
    const completed = ofType(events, 'tool.completed')[0]!;
    expect(started).toMatchObject({
      name: 'mcp__docs__search_docs',
      kind: 'mcp',
      mcp: { server: 'docs', tool: 'search_docs' },
    });
    expect(completed).toMatchObject({ isError: false, mcp: { server: 'docs', tool: 'search_docs' } });
  });

  it('a server that failed to start (init mcp_servers status) is a warning naming it, right after session.started', () => {
    const { events } = translateTranscript(
      claudeCode,
      [
        {
          type: 'system',
          subtype: 'init',
          session_id: 's',
          cwd: '/w',
          model: 'claude-sonnet-4-5',
          tools: [],
          mcp_servers: [
            { name: 'docs', status: 'connected' },
            { name: 'web', status: 'failed' },
          ],
        },
        { type: 'result', subtype: 'success', session_id: 's', is_error: false, num_turns: 1, result: 'ok' },
      ],
      { request: { prompt: 'x' }, exit: { exitCode: 0, stderrTail: '', durationMs: 5 } },
    );
    expect(events[0]!.type).toBe('session.started');
    expect(
      ofType(events, 'warning')
        .filter((w) => w.code === 'mcp-server-failed')
        .map((w) => w.message),
    ).toEqual(['MCP server "web" failed to start; its tools are not available in this run']);
  });
});
