import { afterEach, describe, expect, it } from 'vitest';
import { startMockChatCompletions, type MockChatCompletionsServer } from '../src/mock-chat-completions.js';

interface Chunk {
  choices: Array<{
    delta: {
      content?: string;
      reasoning_content?: string;
      tool_calls?: Array<{ index: number; id?: string; function: { name?: string; arguments?: string } }>;
    };
    finish_reason: string | null;
  }>;
  usage?: {
    prompt_tokens: number;
    completion_tokens: number;
    prompt_tokens_details: { cached_tokens: number; cache_write_tokens?: number };
  };
}

let server: MockChatCompletionsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function chat(
  url: string,
  messages: unknown[],
  extra: Record<string, unknown> = {},
): Promise<{ status: number; chunks: Chunk[]; raw: string }> {
  const res = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    body: JSON.stringify({
      model: 'mock-model',
      stream: true,
      stream_options: { include_usage: true },
      messages,
      ...extra,
    }),
  });
  const raw = await res.text();
  const chunks = raw
    .split('\n\n')
    .map((b) => b.replace(/^data: /, '').trim())
    .filter((b) => b && b !== '[DONE]' && b.startsWith('{'))
    .map((b) => JSON.parse(b) as Chunk);
  return { status: res.status, chunks, raw };
}

const user = (text: string) => ({ role: 'user', content: text });

describe('startMockChatCompletions', () => {
  it('streams content deltas, tool-call deltas in pieces, the finish reason and a final usage chunk', async () => {
    server = await startMockChatCompletions([
      {
        content: 'Let me run it.',
        chunkSize: 5,
        toolCalls: [{ id: 'call_a', name: 'bash', arguments: { command: 'echo hi' }, pieces: 3 }],
        usage: { prompt: 120, completion: 15, cached: 20 },
      },
    ]);
    const { status, chunks, raw } = await chat(server.url, [user('run it')]);
    expect(status).toBe(200);
    expect(raw.trim().endsWith('data: [DONE]')).toBe(true);
    const text = chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? '')).join('');
    expect(text).toBe('Let me run it.');
    const calls = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    expect(calls[0]).toMatchObject({ index: 0, id: 'call_a', function: { name: 'bash', arguments: '' } });
    const argPieces = calls.slice(1).map((c) => c.function.arguments);
    expect(argPieces.length).toBe(3);
    expect(JSON.parse(argPieces.join(''))).toEqual({ command: 'echo hi' });
    expect(chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean)).toEqual(['tool_calls']);
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({
      prompt_tokens: 120,
      completion_tokens: 15,
      prompt_tokens_details: { cached_tokens: 20 },
    });
  });

  it('walks a script by the number of assistant messages after the latest user message', async () => {
    server = await startMockChatCompletions([
      { toolCalls: [{ name: 'bash', arguments: '{}' }] },
      { content: 'second' },
    ]);
    const first = await chat(server.url, [user('go')]);
    expect(first.chunks.some((c) => c.choices.some((ch) => ch.delta.tool_calls))).toBe(true);
    const second = await chat(server.url, [
      user('go'),
      { role: 'assistant', content: null, tool_calls: [] },
      { role: 'tool', content: 'x', tool_call_id: 'c' },
    ]);
    expect(second.chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? '')).join('')).toBe('second');
    // a new user message (a resumed session) starts the script over
    const third = await chat(server.url, [user('go'), { role: 'assistant', content: 'second' }, user('again')]);
    expect(third.chunks.some((c) => c.choices.some((ch) => ch.delta.tool_calls))).toBe(true);
    expect(server.chatRequests().map((r) => r.turn)).toEqual([0, 1, 0]);
  });

  it('chooses a script by text in the latest user message, else the fallback', async () => {
    server = await startMockChatCompletions({
      scripts: [
        { match: 'alpha', turns: [{ content: 'A' }] },
        { match: /^beta/, turns: [{ content: 'B' }] },
      ],
      fallback: [{ content: 'F' }],
    });
    const texts: string[] = [];
    for (const prompt of ['say alpha', 'beta please', 'something else']) {
      const r = await chat(server.url, [user(prompt)]);
      texts.push(r.chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? '')).join(''));
    }
    expect(texts).toEqual(['A', 'B', 'F']);
    expect(server.chatRequests().map((r) => r.script)).toEqual([0, 1, 'fallback']);
  });

  it('answers an HTTP error on demand, and moves past it after `times`', async () => {
    server = await startMockChatCompletions([
      { status: 500, errorMessage: 'overloaded', times: 1 },
      { content: 'fine' },
    ]);
    const res = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ stream: true, messages: [user('x')] }),
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { message: 'overloaded', type: 'server_error', code: null } });
    const retry = await chat(server.url, [user('x')]);
    expect(retry.status).toBe(200);
    expect(retry.chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? '')).join('')).toBe('fine');
  });

  it('streams reasoning, omits usage when the client does not ask for it, and serves non-streaming requests', async () => {
    server = await startMockChatCompletions([
      { reasoning: 'hmm', content: 'ok', usage: { prompt: 10, completion: 2, cacheWrite: 4 } },
    ]);
    const streamed = await chat(server.url, [user('q')], { stream_options: { include_usage: false } });
    expect(streamed.chunks.flatMap((c) => c.choices.map((ch) => ch.delta.reasoning_content ?? '')).join('')).toBe(
      'hmm',
    );
    expect(streamed.chunks.some((c) => c.usage)).toBe(false);
    const res = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: [user('q')] }),
    });
    const body = (await res.json()) as {
      choices: Array<{ message: { content: string } }>;
      usage: { prompt_tokens_details: { cache_write_tokens: number } };
    };
    expect(body.choices[0]!.message.content).toBe('ok');
    expect(body.usage.prompt_tokens_details.cache_write_tokens).toBe(4);
  });

  it('lists models, records every request with headers and body, and 404s unknown routes', async () => {
    server = await startMockChatCompletions({ models: ['a', 'b'] });
    const models = (await (await fetch(`${server.url}/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((m) => m.id)).toEqual(['a', 'b']);
    expect((await fetch(`${server.url}/responses`, { method: 'POST', body: '{}' })).status).toBe(404);
    await chat(server.url, [user('hello')]);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v1/models',
      'POST /v1/responses',
      'POST /v1/chat/completions',
    ]);
    const last = server.requests[2]!;
    expect(last.headers.authorization).toBe('Bearer sk-test');
    expect(last.body).toMatchObject({ model: 'mock-model', messages: [{ role: 'user', content: 'hello' }] });
  });
});
