import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One output item the mock model produces in a turn. */
export type MockResponsesOutput =
  /** Assistant text (streamed as `response.output_text.delta` pieces, then the complete item). */
  | { type: 'message'; text: string; deltas?: string[] }
  /** A reasoning item with summary parts. */
  | { type: 'reasoning'; summary: string[] }
  /** Codex's shell tool: a `function_call` named `exec_command` with arguments `{"cmd": …}`. */
  | { type: 'exec_command'; cmd: string; workdir?: string; callId?: string }
  /** Codex's freeform `apply_patch` tool: a `custom_tool_call` whose `input` is the patch text. */
  | { type: 'apply_patch'; patch: string; callId?: string }
  /** Any function tool call; `namespace` for a tool inside a namespace tool (Codex's MCP tools: `mcp__<server>`). */
  | {
      type: 'function_call';
      name: string;
      arguments: string | Record<string, unknown>;
      callId?: string;
      namespace?: string;
    }
  /** A call of MCP tool `tool` on server `server` as Codex exposes it: a `function_call` in namespace `mcp__<server>` (`-` and other characters as `_`). */
  | { type: 'mcp_tool_call'; server: string; tool: string; arguments: Record<string, unknown>; callId?: string }
  /** Any custom (freeform) tool call. */
  | { type: 'custom_tool_call'; name: string; input: string; callId?: string };

/** Token usage the mock reports on `response.completed` (Responses semantics: input includes cached). */
export interface MockResponsesUsage {
  input: number;
  output: number;
  /** `input_tokens_details.cached_tokens`. Default: 0. */
  cached?: number;
  /** `output_tokens_details.reasoning_tokens`. Default: 0. */
  reasoning?: number;
}

/** One model call (one `POST /v1/responses`) as the mock answers it. */
export interface MockResponsesTurn {
  /**
   * Use this turn only for requests whose latest user message contains this text (or matches the
   * RegExp). Turns with a `match` are consumed in order among the requests they match.
   */
  match?: string | RegExp;
  /** Output items, in order. Default: none. */
  output?: MockResponsesOutput[];
  /** Default: `{input: 100, output: 10}`. */
  usage?: MockResponsesUsage;
  /** Answer with this HTTP status and a JSON error body instead of a stream (e.g. 500). */
  status?: number;
  /** Stream the output, then end with `response.failed` carrying this message (no `response.completed`). */
  fail?: string;
  /** Wait this long before answering (lets a test interrupt a run mid-request). */
  delayMs?: number;
  /** Model id reported back. Default: the requested model. */
  model?: string;
}

/** A scripted conversation: the data that drives the mock. */
export interface MockResponsesScenario {
  /** Model calls, consumed in order (see `MockResponsesTurn.match` for matched turns). */
  turns?: MockResponsesTurn[];
  /** Answer used when no scripted turn is left for a request. Default: a short text message. */
  fallback?: MockResponsesTurn;
}

/** One request the mock received. */
export interface MockRecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the raw text when it is not JSON (undefined when empty). */
  body: unknown;
  /** Text of the latest user message (Responses requests only). */
  userText?: string;
  /** Index into `scenario.turns` of the turn that answered, or `fallback`. */
  answeredWith?: number | 'fallback';
}

/** A running mock server. */
export interface MockResponsesServer {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:40123/v1`. */
  url: string;
  port: number;
  /** Every request received, in arrival order. */
  requests: MockRecordedRequest[];
  /** Only the `POST /v1/responses` requests. */
  responsesRequests(): MockRecordedRequest[];
  close(): Promise<void>;
}

const DEFAULT_FALLBACK: MockResponsesTurn = { output: [{ type: 'message', text: 'Hello from the mock model' }] };

/**
 * Start a scripted mock of the OpenAI Responses API (`POST /v1/responses`, SSE) on 127.0.0.1 and an
 * ephemeral port. Unknown paths get 404 (analytics posts), `GET /v1/models` an empty list.
 */
export async function startMockResponses(scenario: MockResponsesScenario = {}): Promise<MockResponsesServer> {
  const turns = scenario.turns ?? [];
  const used = new Set<number>();
  const requests: MockRecordedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  let seq = 0;

  const pick = (userText: string): { turn: MockResponsesTurn; index: number | 'fallback' } => {
    // a matched turn wins over the plain queue, so several runs can share one server
    for (let i = 0; i < turns.length; i++) {
      const t = turns[i]!;
      if (used.has(i) || t.match === undefined) continue;
      if (typeof t.match === 'string' ? userText.includes(t.match) : t.match.test(userText)) {
        used.add(i);
        return { turn: t, index: i };
      }
    }
    for (let i = 0; i < turns.length; i++) {
      if (used.has(i) || turns[i]!.match !== undefined) continue;
      used.add(i);
      return { turn: turns[i]!, index: i };
    }
    return { turn: scenario.fallback ?? DEFAULT_FALLBACK, index: 'fallback' };
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      if (text.length > 0) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const path = (req.url ?? '/').split('?')[0]!;
      const record: MockRecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body };
      requests.push(record);

      if (req.method === 'POST' && path.endsWith('/responses')) {
        const userText = latestUserText(body);
        record.userText = userText;
        const { turn, index } = pick(userText);
        record.answeredWith = index;
        const requestedModel = isObject(body) && typeof body.model === 'string' ? body.model : 'mock-model';
        const answer = (): void => answerTurn(res, turn, `resp_${++seq}`, turn.model ?? requestedModel, () => ++seq);
        if (turn.delayMs) setTimeout(answer, turn.delayMs);
        else answer();
        return;
      }
      if (req.method === 'GET' && path.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [], models: [] }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `mock: no route for ${req.method} ${path}` } }));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    responsesRequests: () => requests.filter((r) => r.method === 'POST' && r.path.endsWith('/responses')),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Text of the last `role: user` message in a Responses request body (`input` list or string). */
export function latestUserText(body: unknown): string {
  if (!isObject(body)) return '';
  const input = body.input;
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) return '';
  for (let i = input.length - 1; i >= 0; i--) {
    const item: unknown = input[i];
    if (!isObject(item) || item.role !== 'user') continue;
    const content = item.content;
    if (typeof content === 'string') return content;
    if (Array.isArray(content)) {
      return content.map((c: unknown) => (isObject(c) && typeof c.text === 'string' ? c.text : '')).join('');
    }
  }
  return '';
}

function sse(res: ServerResponse, data: Record<string, unknown>): void {
  res.write(`event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`);
}

function usageJson(u: MockResponsesUsage): Record<string, unknown> {
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cached ?? 0 },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
    total_tokens: u.input + u.output,
  };
}

/** The complete Responses item for one scripted output. */
function itemOf(out: MockResponsesOutput, id: string): Record<string, unknown> {
  switch (out.type) {
    case 'message':
      return {
        type: 'message',
        id,
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: out.text, annotations: [] }],
      };
    case 'reasoning':
      return { type: 'reasoning', id, summary: out.summary.map((text) => ({ type: 'summary_text', text })) };
    case 'exec_command':
      return {
        type: 'function_call',
        id,
        status: 'completed',
        name: 'exec_command',
        call_id: out.callId ?? `call_${id}`,
        arguments: JSON.stringify({ cmd: out.cmd, ...(out.workdir ? { workdir: out.workdir } : {}) }),
      };
    case 'function_call':
      return {
        type: 'function_call',
        id,
        status: 'completed',
        name: out.name,
        ...(out.namespace ? { namespace: out.namespace } : {}),
        call_id: out.callId ?? `call_${id}`,
        arguments: typeof out.arguments === 'string' ? out.arguments : JSON.stringify(out.arguments),
      };
    case 'mcp_tool_call':
      // codex names the namespace after the server with every character outside [A-Za-z0-9_] as `_` (docs-a -> mcp__docs_a)
      return {
        type: 'function_call',
        id,
        status: 'completed',
        name: out.tool,
        namespace: `mcp__${out.server.replace(/[^A-Za-z0-9_]/g, '_')}`,
        call_id: out.callId ?? `call_${id}`,
        arguments: JSON.stringify(out.arguments),
      };
    case 'apply_patch':
      return {
        type: 'custom_tool_call',
        id,
        status: 'completed',
        name: 'apply_patch',
        call_id: out.callId ?? `call_${id}`,
        input: out.patch,
      };
    case 'custom_tool_call':
      return {
        type: 'custom_tool_call',
        id,
        status: 'completed',
        name: out.name,
        call_id: out.callId ?? `call_${id}`,
        input: out.input,
      };
  }
}

function answerTurn(
  res: ServerResponse,
  turn: MockResponsesTurn,
  responseId: string,
  model: string,
  nextId: () => number,
): void {
  if (res.destroyed) return;
  if (turn.status !== undefined && turn.status !== 200) {
    res.writeHead(turn.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { type: 'server_error', message: `mock error (HTTP ${turn.status})` } }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const base = { id: responseId, object: 'response', model };
  sse(res, { type: 'response.created', response: { ...base, status: 'in_progress' } });
  (turn.output ?? []).forEach((out, outputIndex) => {
    const prefix =
      out.type === 'message'
        ? 'msg'
        : out.type === 'reasoning'
          ? 'rs'
          : out.type === 'exec_command' || out.type === 'function_call' || out.type === 'mcp_tool_call'
            ? 'fc'
            : 'ctc';
    const id = `${prefix}_${nextId()}`;
    const item = itemOf(out, id);
    if (out.type === 'message') {
      sse(res, {
        type: 'response.output_item.added',
        output_index: outputIndex,
        item: { ...item, status: 'in_progress', content: [] },
      });
      for (const delta of out.deltas ?? [out.text]) {
        sse(res, {
          type: 'response.output_text.delta',
          item_id: id,
          output_index: outputIndex,
          content_index: 0,
          delta,
        });
      }
    } else {
      sse(res, { type: 'response.output_item.added', output_index: outputIndex, item });
    }
    sse(res, { type: 'response.output_item.done', output_index: outputIndex, item });
  });
  if (turn.fail !== undefined) {
    sse(res, {
      type: 'response.failed',
      response: { ...base, status: 'failed', error: { code: 'server_error', message: turn.fail } },
    });
  } else {
    sse(res, {
      type: 'response.completed',
      response: { ...base, status: 'completed', usage: usageJson(turn.usage ?? { input: 100, output: 10 }) },
    });
  }
  res.end();
}
