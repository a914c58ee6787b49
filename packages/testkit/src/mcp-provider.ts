import { appendFileSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

/** The tools every provider serves (same names and inputs, so two providers are interchangeable). */
export const MCP_PROVIDER_TOOLS = ['search_docs', 'fetch_page'] as const;

/** How one testkit MCP "provider" behaves. Plain data, so a bin can take it from flags. */
export interface McpProviderOptions {
  /** Server name (in `serverInfo` and in every log line). */
  name: string;
  /** Delay before every answer, in ms. Default: 0. */
  latencyMs?: number;
  /** Every Nth call this server serves fails (`isError` result); counted per server process. Default: never. */
  failEvery?: number;
  /** Characters of each successful answer. Default: 200. */
  answerChars?: number;
  /** JSON-lines log of every call served ({@link McpProviderCall}), appended as each call ends. */
  logFile?: string;
}

/** One line of a provider's log: what the server itself saw and answered. */
export interface McpProviderCall {
  time: string;
  server: string;
  transport: 'stdio' | 'http';
  tool: string;
  arguments: Record<string, unknown>;
  isError: boolean;
  /** Time the server took, in ms (its own latency included). */
  durationMs: number;
  /** Characters of the answer text. */
  answerChars: number;
}

function answer(name: string, tool: string, subject: string, chars: number): string {
  const head = `[${name}] ${tool} ${subject}: `;
  const filler = 'lorem ipsum dolor sit amet ';
  let text = head;
  while (text.length < chars) text += filler;
  return text.slice(0, Math.max(chars, head.length));
}

/**
 * A real MCP server (official TypeScript SDK) serving `search_docs({query})` and `fetch_page({url})`.
 * Contract: deterministic (no randomness): the Nth call fails when N is a multiple of `failEvery`;
 * every call served is appended to `logFile`. `counter` is shared across the servers of one
 * provider (HTTP makes one server per request).
 */
export function createMcpProvider(
  options: McpProviderOptions,
  transport: 'stdio' | 'http',
  counter = { calls: 0 },
): McpServer {
  const server = new McpServer({ name: options.name, version: '1.0.0' });
  const serve = async (tool: string, args: Record<string, unknown>, subject: string) => {
    const t0 = Date.now();
    counter.calls += 1;
    const n = counter.calls;
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    const isError = options.failEvery !== undefined && options.failEvery > 0 && n % options.failEvery === 0;
    const text = isError
      ? `[${options.name}] ${tool} failed: upstream unavailable (call ${n})`
      : answer(options.name, tool, subject, options.answerChars ?? 200);
    if (options.logFile) {
      const line: McpProviderCall = {
        time: new Date().toISOString(),
        server: options.name,
        transport,
        tool,
        arguments: args,
        isError,
        durationMs: Date.now() - t0,
        answerChars: text.length,
      };
      appendFileSync(options.logFile, `${JSON.stringify(line)}\n`);
    }
    return { content: [{ type: 'text' as const, text }], ...(isError ? { isError: true } : {}) };
  };
  server.registerTool(
    'search_docs',
    { description: 'Search the documentation; returns matching passages.', inputSchema: { query: z.string() } },
    ({ query }) => serve('search_docs', { query }, query),
  );
  server.registerTool(
    'fetch_page',
    { description: 'Fetch a documentation page by URL.', inputSchema: { url: z.string() } },
    ({ url }) => serve('fetch_page', { url }, url),
  );
  return server;
}

/** Serve a provider on stdin/stdout (what a harness spawns for a stdio server). Resolves when stdin closes. */
export async function runMcpStdioProvider(options: McpProviderOptions): Promise<void> {
  const server = createMcpProvider(options, 'stdio');
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((r) => (transport.onclose = () => r()));
  await server.connect(transport);
  process.stdin.on('end', () => void server.close());
  await closed;
}

/** A running streamable-HTTP provider. */
export interface McpHttpProvider {
  /** Endpoint for the harness, e.g. `http://127.0.0.1:41234/mcp`. */
  url: string;
  /** Headers of every request received (to check what the harness sent, e.g. Authorization). */
  headers: IncomingMessage['headers'][];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const text = Buffer.concat(parts).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch {
        resolve(undefined);
      }
    });
    req.on('error', reject);
  });
}

/**
 * Start a provider over streamable HTTP on 127.0.0.1 (ephemeral port), stateless: each POST to `/mcp`
 * gets a fresh server and transport (the SDK's stateless pattern); GET and DELETE answer 405.
 */
export async function startMcpHttpProvider(options: McpProviderOptions): Promise<McpHttpProvider> {
  const counter = { calls: 0 };
  const headers: IncomingMessage['headers'][] = [];
  const http = createServer((req, res) => {
    headers.push(req.headers);
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST' }).end();
      return;
    }
    void (async () => {
      const body = await readBody(req);
      const server = createMcpProvider(options, 'http', counter);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    headers,
    close: () =>
      new Promise<void>((r) => {
        http.closeAllConnections();
        http.close(() => r());
      }),
  };
}

/** The calls a provider logged (`logFile`), in order; none when the file does not exist. */
export function readMcpProviderLog(file: string): McpProviderCall[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as McpProviderCall);
}

/** Parse the flags of `omnigent-mcp-provider` (`--name --latency --fail-every --answer-chars --log`). */
export function parseMcpProviderArgs(argv: string[]): McpProviderOptions {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (flag: string): number | undefined => {
    const v = get(flag);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} expects a number ≥ 0, got "${v}"`);
    return n;
  };
  const latencyMs = num('--latency');
  const failEvery = num('--fail-every');
  const answerChars = num('--answer-chars');
  const logFile = get('--log');
  return {
    name: get('--name') ?? 'provider',
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    ...(failEvery !== undefined ? { failEvery } : {}),
    ...(answerChars !== undefined ? { answerChars } : {}),
    ...(logFile !== undefined ? { logFile } : {}),
  };
}
