// The testkit MCP providers are real MCP servers: the official SDK client lists and calls their
// tools over stdio and streamable HTTP, and each server's own log matches what the client saw.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { MCP_PROVIDER_BIN, readMcpProviderLog, startMcpHttpProvider } from '../src/mcp.js';

type CallResult = { isError?: boolean; content: Array<{ type: string; text?: string }> };

describe('testkit MCP providers', () => {
  it('stdio: serves search_docs and fetch_page, fails every Nth call, logs each call', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'mcp-prov-')), 'calls.jsonl');
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [
          MCP_PROVIDER_BIN.replace('/src/', '/dist/'),
          '--name',
          'docs-a',
          '--fail-every',
          '2',
          '--answer-chars',
          '500',
          '--log',
          log,
        ],
      }),
    );
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name).sort()).toEqual(['fetch_page', 'search_docs']);
    const first = (await client.callTool({ name: 'search_docs', arguments: { query: 'retry policy' } })) as CallResult;
    const second = (await client.callTool({ name: 'fetch_page', arguments: { url: 'https://x/y' } })) as CallResult;
    await client.close();
    expect(first.isError).toBeFalsy();
    expect(first.content[0]!.text).toHaveLength(500);
    expect(first.content[0]!.text).toContain('[docs-a] search_docs retry policy');
    expect(second.isError).toBe(true);
    const calls = readMcpProviderLog(log);
    expect(calls.map((c) => [c.server, c.transport, c.tool, c.isError, c.answerChars])).toEqual([
      ['docs-a', 'stdio', 'search_docs', false, 500],
      ['docs-a', 'stdio', 'fetch_page', true, second.content[0]!.text!.length],
    ]);
    expect(calls[0]!.arguments).toEqual({ query: 'retry policy' });
  });

  it('streamable HTTP: the same tools, with its latency, and the headers the client sent', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'mcp-prov-')), 'calls.jsonl');
    const provider = await startMcpHttpProvider({ name: 'docs-b', latencyMs: 120, answerChars: 50, logFile: log });
    try {
      const client = new Client({ name: 'test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(provider.url), {
          requestInit: { headers: { Authorization: 'Bearer abc' } },
        }),
      );
      const r = (await client.callTool({ name: 'search_docs', arguments: { query: 'q' } })) as CallResult;
      await client.close();
      expect(r.content[0]!.text).toHaveLength(50);
      const calls = readMcpProviderLog(log);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ server: 'docs-b', transport: 'http', tool: 'search_docs', isError: false });
      expect(calls[0]!.durationMs).toBeGreaterThanOrEqual(115);
      expect(provider.headers.some((h) => h.authorization === 'Bearer abc')).toBe(true);
    } finally {
      await provider.close();
    }
  });
});
