import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Token figures a mock turn reports (Anthropic naming; `input` excludes cache, as the API does). */
export interface MockAnthropicUsage {
  /** `input_tokens` in `message_start`. Default: 100. */
  input?: number;
  /** `output_tokens` in `message_delta`. Default: 20. */
  output?: number;
  /** `cache_read_input_tokens`. Default: 0. */
  cacheRead?: number;
  /** `cache_creation_input_tokens`. Default: 0. */
  cacheWrite?: number;
}

/** One content block the mock model produces. */
export type MockAnthropicBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature?: string }
  /** `id` defaults to a fresh `toolu_mockNNNN`. */
  | { type: 'tool_use'; name: string; input: Record<string, unknown>; id?: string };

/** One model reply (or one HTTP error) the mock plays. Plain data, so scenarios can live in JSON. */
export interface MockAnthropicTurn {
  /**
   * Play this turn only when the latest user message text (text blocks and tool results) contains
   * this string. Turns without `match` are played in order.
   */
  match?: string;
  /** Keep the turn for later requests instead of consuming it (shared servers, workflow demos). */
  repeat?: boolean;
  /** Answer with this HTTP status and an Anthropic error body instead of a message (e.g. 400, 529). */
  status?: number;
  /** Error message for `status`. Default: `mock: forced error`. */
  errorMessage?: string;
  /** The content blocks of the reply. Default: one text block `OK`. */
  content?: MockAnthropicBlock[];
  usage?: MockAnthropicUsage;
  /** Default: `tool_use` when the reply has a tool_use block, else `end_turn`. */
  stopReason?: string;
  /** `message.model`. Default: the request's `model`. */
  model?: string;
  /** Characters per text/thinking delta and per input_json_delta. Default: 12. */
  chunkSize?: number;
}

/** A scenario: the turns the mock model plays, and what it says when they run out. */
export interface MockAnthropicScenario {
  turns?: MockAnthropicTurn[];
  /** Played when no turn is left or matches. Default: a text reply `OK`. */
  fallback?: MockAnthropicTurn;
}

/** One HTTP request the mock received. */
export interface MockAnthropicRequest {
  method: string;
  /** Path without the query string (`/v1/messages`). */
  path: string;
  /** Path with the query string (`/v1/messages?beta=true`). */
  url: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, the raw text when it is not JSON, or null when empty. */
  body: unknown;
  /** Index in `scenario.turns` of the turn played, -1 for the fallback, undefined for non-message routes. */
  turn?: number;
  /** `request-id` header the mock answered with. */
  requestId?: string;
  /** Text of the latest user message, as used for `match`. */
  userText?: string;
}

/** A running mock Anthropic server. */
export interface MockAnthropic {
  /** Base URL for `ANTHROPIC_BASE_URL`, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Every request received, in order. */
  requests: MockAnthropicRequest[];
  /** Only the `POST /v1/messages` requests. */
  messageRequests(): MockAnthropicRequest[];
  close(): Promise<void>;
}

const DEFAULT_TURN: MockAnthropicTurn = { content: [{ type: 'text', text: 'OK' }] };

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

function textOfContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const block of content) {
    if (!block || typeof block !== 'object') continue;
    const b = block as Record<string, unknown>;
    if (b.type === 'text' && typeof b.text === 'string') parts.push(b.text);
    else if (b.type === 'tool_result') parts.push(textOfContent(b.content));
  }
  return parts.join('\n');
}

/** Text of the latest `user` message of a Messages request body (text blocks and tool results). */
export function latestUserText(body: unknown): string {
  if (!body || typeof body !== 'object') return '';
  const messages = (body as { messages?: unknown }).messages;
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown } | undefined;
    if (m && m.role === 'user') return textOfContent(m.content);
  }
  return '';
}

function errorType(status: number): string {
  if (status === 529) return 'overloaded_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 401) return 'authentication_error';
  if (status === 404) return 'not_found_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Start a scripted mock of the Anthropic Messages API on 127.0.0.1 (ephemeral port). It streams
 * SSE like the real API (message_start with usage, content blocks with text/input_json/thinking
 * deltas, message_delta with stop_reason and output usage, message_stop), answers errors on
 * demand, routes on the path only (`/v1/messages?beta=true`), and records every request.
 */
export async function startMockAnthropic(scenario: MockAnthropicScenario = {}): Promise<MockAnthropic> {
  const turns = scenario.turns ?? [];
  const used = new Set<number>();
  const requests: MockAnthropicRequest[] = [];
  let counter = 0;
  const nextId = (prefix: string): string => `${prefix}${String(++counter).padStart(4, '0')}`;

  const pick = (userText: string): { turn: MockAnthropicTurn; index: number } => {
    // a matching turn wins over the next turn in order, so several runs can share one server
    for (let i = 0; i < turns.length; i++) {
      const t = turns[i]!;
      if (used.has(i) || t.match === undefined) continue;
      if (userText.includes(t.match)) return { turn: t, index: i };
    }
    for (let i = 0; i < turns.length; i++) {
      if (!used.has(i) && turns[i]!.match === undefined) return { turn: turns[i]!, index: i };
    }
    return { turn: scenario.fallback ?? DEFAULT_TURN, index: -1 };
  };

  const handleMessages = (record: MockAnthropicRequest, res: ServerResponse): void => {
    const body = (record.body && typeof record.body === 'object' ? record.body : {}) as Record<string, unknown>;
    const userText = latestUserText(body);
    const { turn, index } = pick(userText);
    if (index >= 0 && !turn.repeat) used.add(index);
    const requestId = nextId('req_mock');
    Object.assign(record, { turn: index, requestId, userText });

    if (turn.status !== undefined && turn.status >= 400) {
      res.writeHead(turn.status, { 'content-type': 'application/json', 'request-id': requestId });
      res.end(
        JSON.stringify({
          type: 'error',
          error: { type: errorType(turn.status), message: turn.errorMessage ?? 'mock: forced error' },
          request_id: requestId,
        }),
      );
      return;
    }

    const model = turn.model ?? (typeof body.model === 'string' ? body.model : 'claude-sonnet-4-5');
    const content = (turn.content ?? DEFAULT_TURN.content!).map((b) =>
      b.type === 'tool_use' ? { ...b, id: b.id ?? nextId('toolu_mock') } : b,
    );
    const stopReason = turn.stopReason ?? (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
    const u = turn.usage ?? {};
    const startUsage = {
      input_tokens: u.input ?? 100,
      cache_creation_input_tokens: u.cacheWrite ?? 0,
      cache_read_input_tokens: u.cacheRead ?? 0,
      output_tokens: 1,
    };
    const output = u.output ?? 20;
    const messageId = nextId('msg_mock');

    if (body.stream !== true) {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId });
      res.end(
        JSON.stringify({
          id: messageId,
          type: 'message',
          role: 'assistant',
          model,
          content: content.map((b) =>
            b.type === 'thinking' ? { ...b, signature: b.signature ?? 'mock-signature' } : b,
          ),
          stop_reason: stopReason,
          stop_sequence: null,
          usage: { ...startUsage, output_tokens: output },
        }),
      );
      return;
    }

    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'request-id': requestId,
    });
    const send = (type: string, data: Record<string, unknown>): void => {
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    };
    const size = turn.chunkSize ?? 12;
    send('message_start', {
      message: {
        id: messageId,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: startUsage,
      },
    });
    content.forEach((block, index) => {
      if (block.type === 'text') {
        send('content_block_start', { index, content_block: { type: 'text', text: '' } });
        for (const piece of chunks(block.text, size))
          send('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
      } else if (block.type === 'thinking') {
        send('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
        for (const piece of chunks(block.thinking, size))
          send('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: piece } });
        send('content_block_delta', {
          index,
          delta: { type: 'signature_delta', signature: block.signature ?? 'mock-signature' },
        });
      } else {
        send('content_block_start', {
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        });
        for (const piece of chunks(JSON.stringify(block.input), size))
          send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
      }
      send('content_block_stop', { index });
    });
    send('message_delta', {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: output },
    });
    send('message_stop', {});
    res.end();
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = req.url ?? '/';
      const path = url.split('?')[0] ?? '/';
      const raw = await readBody(req);
      let body: unknown = null;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
        }
      }
      const record: MockAnthropicRequest = { method: req.method ?? 'GET', path, url, headers: req.headers, body };
      requests.push(record);
      if (req.method === 'POST' && path === '/v1/messages') return handleMessages(record, res);
      if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ input_tokens: 100 }));
        return;
      }
      // preconnects (`HEAD /`) and anything else: a plain 404 the client tolerates
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        req.method === 'HEAD'
          ? undefined
          : JSON.stringify({
              type: 'error',
              error: { type: 'not_found_error', message: `mock: no route ${req.method} ${path}` },
            }),
      );
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: String(error) } }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    messageRequests: () => requests.filter((r) => r.method === 'POST' && r.path === '/v1/messages'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
