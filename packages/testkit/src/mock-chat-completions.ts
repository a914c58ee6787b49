import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A tool call the mock model asks for. */
export interface MockChatToolCall {
  /** Default: `call_<n>` (unique per server). */
  id?: string;
  name: string;
  /** JSON text, or an object that is serialized. */
  arguments: string | Record<string, unknown>;
  /** How many pieces the arguments are streamed in. Default: 2. */
  pieces?: number;
}

/** Token counts the mock reports in the final usage chunk (OpenAI Chat Completions semantics). */
export interface MockChatUsage {
  /** Prompt tokens, cached ones included. */
  prompt: number;
  completion: number;
  /** `prompt_tokens_details.cached_tokens`. Default: 0. */
  cached?: number;
  /** `prompt_tokens_details.cache_write_tokens` (sent only when set). */
  cacheWrite?: number;
  /** `completion_tokens_details.reasoning_tokens` (sent only when set). */
  reasoning?: number;
}

/** One model response: streamed text and/or tool calls, or an HTTP error. */
export interface MockChatTurn {
  /** Assistant text: one string (streamed in pieces of `chunkSize`) or the exact pieces. */
  content?: string | string[];
  /** Reasoning text, streamed as `delta.reasoning_content` before the content. */
  reasoning?: string;
  toolCalls?: MockChatToolCall[];
  /** Default: `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: 'stop' | 'tool_calls' | 'length' | 'content_filter';
  /** Default: `{prompt: 100, completion: 10}`. `null` leaves the usage chunk out. */
  usage?: MockChatUsage | null;
  /** Answer with this HTTP status and an OpenAI-style error body instead of a stream. */
  status?: number;
  /** Error message for `status`. Default: `mock internal error`. */
  errorMessage?: string;
  /**
   * With `status`: serve the error only this many times (counted per server), then move on to the
   * next turn, e.g. a 500 with `times: 1` followed by a success exercises a client's retry.
   * Default: the error is served every time.
   */
  times?: number;
  /** Pause before each streamed chunk, in ms. Default: 0. */
  chunkDelayMs?: number;
  /** Characters per content piece when `content` is a string. Default: 8. */
  chunkSize?: number;
}

/** A list of turns chosen by the text of the latest user message. */
export interface MockChatScript {
  /** Substring (or pattern) of the latest user message. Omitted: matches every request. */
  match?: string | RegExp;
  turns: MockChatTurn[];
}

/**
 * What the mock answers. Contract: a request is served by the first script whose `match` fits the
 * latest user message; inside it, turn N answers the request that has N assistant messages after
 * that user message (so a tool round trip walks the script, and a resumed session starts over at
 * its new prompt); error turns take no position. Past the end, a short text answer ends the loop.
 * Requests no script matches get `fallback`.
 */
export interface MockChatScenario {
  scripts?: MockChatScript[];
  /** Default: one short text answer. */
  fallback?: MockChatTurn[];
  /** Ids listed by `GET /v1/models`. Default: `['mock-model']`. */
  models?: string[];
}

/** A request the mock received. */
export interface MockChatRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or the raw text when it is not JSON (undefined when empty). */
  body: unknown;
  /** Which script served it (`fallback` or the script index), for chat completions. */
  script?: number | 'fallback';
  /** Turn index within the script. */
  turn?: number;
}

/** A running mock server. */
export interface MockChatCompletionsServer {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:40123/v1`. */
  url: string;
  port: number;
  /** Every request received so far, in order. */
  requests: MockChatRequest[];
  /** Chat completion requests only. */
  chatRequests(): MockChatRequest[];
  close(): Promise<void>;
}

const DEFAULT_USAGE: MockChatUsage = { prompt: 100, completion: 10 };
const DEFAULT_FALLBACK: MockChatTurn[] = [{ content: 'OK' }];
const EXHAUSTED: MockChatTurn = { content: 'mock: the script has no more turns' };

interface ChatMessage {
  role?: unknown;
  content?: unknown;
}

/** Text of a Chat Completions message content (a string or an array of parts). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) =>
        p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string'
          ? (p as { text: string }).text
          : '',
      )
      .join('');
  }
  return '';
}

/** The latest user message's text and how many assistant messages follow it. */
function conversationPosition(messages: ChatMessage[]): { userText: string; assistantsAfter: number } {
  let assistantsAfter = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === 'user') return { userText: contentText(m.content), assistantsAfter };
    if (m.role === 'assistant') assistantsAfter += 1;
  }
  return { userText: '', assistantsAfter };
}

function matches(match: string | RegExp | undefined, text: string): boolean {
  if (match === undefined) return true;
  return typeof match === 'string' ? text.includes(match) : match.test(text);
}

function splitText(text: string, size: number): string[] {
  if (text.length === 0) return [];
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function splitInto(text: string, pieces: number): string[] {
  const n = Math.max(1, Math.min(pieces, text.length || 1));
  const parts = splitText(text, Math.ceil(text.length / n));
  return parts.length ? parts : [''];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Start a scripted OpenAI Chat Completions server on 127.0.0.1 (ephemeral port): streaming SSE
 * with content, reasoning and tool-call deltas, a final usage chunk (`choices: []`), HTTP errors on
 * demand, `GET /v1/models`, and a record of every request. Pass a list of turns for one script
 * that answers everything, or a {@link MockChatScenario}.
 */
export async function startMockChatCompletions(
  scenario: MockChatTurn[] | MockChatScenario,
): Promise<MockChatCompletionsServer> {
  const sc: MockChatScenario = Array.isArray(scenario) ? { scripts: [{ turns: scenario }] } : scenario;
  const scripts = sc.scripts ?? [];
  const fallback = sc.fallback ?? DEFAULT_FALLBACK;
  const served = new Map<string, number>();
  const requests: MockChatRequest[] = [];
  let completionCounter = 0;
  let callCounter = 0;

  /** Pick the turn for a request, skipping turns whose `times` are used up. */
  const pick = (messages: ChatMessage[]): { turn: MockChatTurn; script: number | 'fallback'; index: number } => {
    const { userText, assistantsAfter } = conversationPosition(messages);
    const scriptIndex = scripts.findIndex((s) => matches(s.match, userText));
    const turns = scriptIndex >= 0 ? scripts[scriptIndex]!.turns : fallback;
    const script: number | 'fallback' = scriptIndex >= 0 ? scriptIndex : 'fallback';
    let remaining = assistantsAfter;
    let position = 0;
    for (; position < turns.length; position++) {
      const t = turns[position]!;
      if (t.status !== undefined) {
        // an error turn adds no assistant message to the conversation: it is served in place
        const key = `${String(script)}:${position}`;
        if (t.times !== undefined && (served.get(key) ?? 0) >= t.times) continue;
        if (remaining === 0) {
          served.set(key, (served.get(key) ?? 0) + 1);
          return { turn: t, script, index: position };
        }
        continue;
      }
      if (remaining === 0) return { turn: t, script, index: position };
      remaining -= 1;
    }
    return { turn: EXHAUSTED, script, index: position };
  };

  const stream = async (
    res: ServerResponse,
    turn: MockChatTurn,
    model: string,
    includeUsage: boolean,
  ): Promise<void> => {
    const id = `chatcmpl_${++completionCounter}`;
    const created = Math.floor(Date.now() / 1000);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = async (body: Record<string, unknown>): Promise<void> => {
      if (turn.chunkDelayMs) await sleep(turn.chunkDelayMs);
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, ...body })}\n\n`);
    };
    const choice = (delta: Record<string, unknown>, finish: string | null = null) => ({
      choices: [{ index: 0, delta, finish_reason: finish }],
    });

    await send(choice({ role: 'assistant', content: '' }));
    if (turn.reasoning) {
      for (const piece of splitText(turn.reasoning, turn.chunkSize ?? 8))
        await send(choice({ reasoning_content: piece }));
    }
    const pieces = Array.isArray(turn.content) ? turn.content : splitText(turn.content ?? '', turn.chunkSize ?? 8);
    for (const piece of pieces) await send(choice({ content: piece }));
    const calls = turn.toolCalls ?? [];
    for (const [index, call] of calls.entries()) {
      const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
      const callId = call.id ?? `call_${++callCounter}`;
      await send(
        choice({ tool_calls: [{ index, id: callId, type: 'function', function: { name: call.name, arguments: '' } }] }),
      );
      for (const piece of splitInto(args, call.pieces ?? 2)) {
        await send(choice({ tool_calls: [{ index, function: { arguments: piece } }] }));
      }
    }
    await send(choice({}, turn.finishReason ?? (calls.length ? 'tool_calls' : 'stop')));
    const usage = turn.usage === undefined ? DEFAULT_USAGE : turn.usage;
    if (usage && includeUsage) await send({ choices: [], usage: usageBody(usage) });
    res.write('data: [DONE]\n\n');
    res.end();
  };

  const complete = (res: ServerResponse, turn: MockChatTurn, model: string): void => {
    const calls = (turn.toolCalls ?? []).map((call) => ({
      id: call.id ?? `call_${++callCounter}`,
      type: 'function',
      function: {
        name: call.name,
        arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
      },
    }));
    const text = Array.isArray(turn.content) ? turn.content.join('') : (turn.content ?? '');
    const usage = turn.usage === undefined ? DEFAULT_USAGE : turn.usage;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: `chatcmpl_${++completionCounter}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text || null, ...(calls.length ? { tool_calls: calls } : {}) },
            finish_reason: turn.finishReason ?? (calls.length ? 'tool_calls' : 'stop'),
          },
        ],
        ...(usage ? { usage: usageBody(usage) } : {}),
      }),
    );
  };

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      let body: unknown = raw.length ? raw : undefined;
      try {
        if (raw.length) body = JSON.parse(raw);
      } catch {
        // keep the raw text: a client sending malformed JSON is worth seeing in the record
      }
      const record: MockChatRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: { ...req.headers },
        body,
      };
      requests.push(record);
      const path = (req.url ?? '/').split('?')[0]!;

      if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            object: 'list',
            data: (sc.models ?? ['mock-model']).map((id) => ({ id, object: 'model', created: 0, owned_by: 'mock' })),
          }),
        );
        return;
      }
      if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')) {
        const b = (body && typeof body === 'object' ? body : {}) as {
          messages?: unknown;
          model?: unknown;
          stream?: unknown;
          stream_options?: { include_usage?: unknown };
        };
        const messages = Array.isArray(b.messages) ? (b.messages as ChatMessage[]) : [];
        const { turn, script, index } = pick(messages);
        record.script = script;
        record.turn = index;
        const model = typeof b.model === 'string' ? b.model : 'mock-model';
        if (turn.status !== undefined && turn.status >= 400) {
          res.writeHead(turn.status, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              error: { message: turn.errorMessage ?? 'mock internal error', type: 'server_error', code: null },
            }),
          );
          return;
        }
        if (b.stream === true) await stream(res, turn, model, b.stream_options?.include_usage !== false);
        else complete(res, turn, model);
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `mock: no route for ${req.method} ${path}`, type: 'not_found' } }));
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: `mock failure: ${error instanceof Error ? error.message : String(error)}` },
        }),
      );
    });
  });
  // lingering keep-alive sockets would hold close() open
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    chatRequests: () => requests.filter((r) => r.url.split('?')[0]!.endsWith('/chat/completions')),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function usageBody(u: MockChatUsage): Record<string, unknown> {
  return {
    prompt_tokens: u.prompt,
    completion_tokens: u.completion,
    total_tokens: u.prompt + u.completion,
    prompt_tokens_details: {
      cached_tokens: u.cached ?? 0,
      ...(u.cacheWrite !== undefined ? { cache_write_tokens: u.cacheWrite } : {}),
    },
    ...(u.reasoning !== undefined ? { completion_tokens_details: { reasoning_tokens: u.reasoning } } : {}),
  };
}
