import { afterEach, describe, expect, it } from 'vitest';
import { startMockAnthropic, type MockAnthropic, type MockAnthropicScenario } from '../src/index.js';
import { latestUserText } from '../src/mock-anthropic.js';

let mock: MockAnthropic | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

async function start(scenario: MockAnthropicScenario): Promise<MockAnthropic> {
  mock = await startMockAnthropic(scenario);
  return mock;
}

interface Sse {
  event: string;
  data: Record<string, unknown>;
}

async function post(
  m: MockAnthropic,
  body: Record<string, unknown>,
  path = '/v1/messages?beta=true',
): Promise<{ status: number; requestId: string | null; events: Sse[]; json?: unknown }> {
  const res = await fetch(`${m.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const requestId = res.headers.get('request-id');
  if (!(res.headers.get('content-type') ?? '').includes('event-stream'))
    return { status: res.status, requestId, events: [], json: JSON.parse(text) as unknown };
  const events = text
    .split('\n\n')
    .filter((b) => b.trim() !== '')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)![1]!;
      const data = JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as Record<string, unknown>;
      return { event, data };
    });
  return { status: res.status, requestId, events };
}

const ask = (text: string, stream = true) => ({
  model: 'claude-sonnet-4-5',
  stream,
  max_tokens: 100,
  messages: [{ role: 'user', content: [{ type: 'text', text }] }],
});

describe('startMockAnthropic', () => {
  it('streams text, tool_use and thinking as the Messages API does, with the scripted usage', async () => {
    const m = await start({
      turns: [
        {
          content: [
            { type: 'thinking', thinking: 'hmm, let me see', signature: 'sig' },
            { type: 'text', text: 'Hello there, friend' },
            { type: 'tool_use', name: 'Bash', input: { command: 'echo hi' } },
          ],
          usage: { input: 11, output: 22, cacheRead: 33, cacheWrite: 44 },
          chunkSize: 5,
        },
      ],
    });
    const r = await post(m, ask('hi'));
    expect(r.status).toBe(200);
    expect(r.requestId).toMatch(/^req_mock\d{4}$/);
    const types = r.events.map((e) => e.event);
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    for (const e of r.events) expect(e.data.type).toBe(e.event);
    const start0 = r.events[0]!.data.message as { id: string; model: string; usage: Record<string, number> };
    expect(start0.model).toBe('claude-sonnet-4-5');
    expect(start0.usage).toEqual({
      input_tokens: 11,
      cache_creation_input_tokens: 44,
      cache_read_input_tokens: 33,
      output_tokens: 1,
    });
    const deltas = r.events
      .filter((e) => e.event === 'content_block_delta')
      .map((e) => e.data as { index: number; delta: Record<string, string> });
    expect(
      deltas
        .filter((d) => d.index === 0 && d.delta.type === 'thinking_delta')
        .map((d) => d.delta.thinking)
        .join(''),
    ).toBe('hmm, let me see');
    expect(deltas.find((d) => d.index === 0 && d.delta.type === 'signature_delta')?.delta.signature).toBe('sig');
    const text = deltas.filter((d) => d.index === 1).map((d) => d.delta.text);
    expect(text.join('')).toBe('Hello there, friend');
    expect(text.length).toBeGreaterThan(1);
    expect(
      JSON.parse(
        deltas
          .filter((d) => d.index === 2)
          .map((d) => d.delta.partial_json)
          .join(''),
      ),
    ).toEqual({ command: 'echo hi' });
    const toolStart = r.events.find((e) => e.event === 'content_block_start' && e.data.index === 2)!.data
      .content_block as { id: string; name: string };
    expect(toolStart.name).toBe('Bash');
    expect(toolStart.id).toMatch(/^toolu_mock\d{4}$/);
    const md = r.events.find((e) => e.event === 'message_delta')!.data;
    expect(md).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 22 } });
  });

  it('answers error statuses on demand, then the next turn', async () => {
    const m = await start({
      turns: [
        { status: 529, errorMessage: 'Overloaded' },
        { status: 400 },
        { content: [{ type: 'text', text: 'ok now' }] },
      ],
    });
    const a = await post(m, ask('x'));
    expect(a.status).toBe(529);
    expect(a.json).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    const b = await post(m, ask('x'));
    expect(b.status).toBe(400);
    expect(b.json).toMatchObject({ error: { type: 'invalid_request_error', message: 'mock: forced error' } });
    const c = await post(m, ask('x'));
    expect(c.status).toBe(200);
    expect(c.events.find((e) => e.event === 'message_delta')!.data).toMatchObject({
      delta: { stop_reason: 'end_turn' },
    });
  });

  it('chooses a turn by the latest user text, keeps repeat turns, and falls back when turns run out', async () => {
    const m = await start({
      turns: [
        { content: [{ type: 'text', text: 'in order' }] },
        { match: 'review', repeat: true, content: [{ type: 'text', text: 'review reply' }] },
      ],
      fallback: { content: [{ type: 'text', text: 'fallback reply' }] },
    });
    const textOf = (r: { events: Sse[] }) =>
      r.events
        .filter((e) => e.event === 'content_block_delta')
        .map((e) => (e.data.delta as { text: string }).text)
        .join('');
    expect(textOf(await post(m, ask('please review this')))).toBe('review reply');
    expect(textOf(await post(m, ask('anything')))).toBe('in order');
    expect(textOf(await post(m, ask('review again')))).toBe('review reply');
    expect(textOf(await post(m, ask('anything')))).toBe('fallback reply');
    expect(m.messageRequests().map((r) => r.turn)).toEqual([1, 0, 1, -1]);
  });

  it('matches on tool results too, and answers non-streaming requests with a whole message', async () => {
    const m = await start({
      turns: [
        { match: 'Exit code 3', content: [{ type: 'text', text: 'saw the failure' }], usage: { input: 5, output: 6 } },
      ],
    });
    const body = {
      model: 'm',
      messages: [
        { role: 'user', content: 'run it' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'Bash', input: {} }] },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'Exit code 3' }] }],
        },
      ],
    };
    expect(latestUserText(body)).toBe('Exit code 3');
    const r = await post(m, body);
    expect(r.json).toMatchObject({
      type: 'message',
      content: [{ type: 'text', text: 'saw the failure' }],
      usage: { input_tokens: 5, output_tokens: 6 },
      stop_reason: 'end_turn',
    });
  });

  it('routes on the path only, tolerates HEAD / and records every request', async () => {
    const m = await start({});
    const head = await fetch(`${m.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    const models = await fetch(`${m.url}/v1/models`);
    expect(models.status).toBe(404);
    const count = await post(m, ask('x'), '/v1/messages/count_tokens?beta=true');
    expect(count.json).toEqual({ input_tokens: 100 });
    const r = await post(m, ask('default please'));
    expect(
      r.events
        .filter((e) => e.event === 'content_block_delta')
        .map((e) => (e.data.delta as { text: string }).text)
        .join(''),
    ).toBe('OK');
    expect(m.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'HEAD /',
      'GET /v1/models',
      'POST /v1/messages/count_tokens',
      'POST /v1/messages',
    ]);
    const last = m.requests[3]!;
    expect(last.url).toBe('/v1/messages?beta=true');
    expect(last.headers['x-api-key']).toBe('k');
    expect(last.body).toMatchObject({ model: 'claude-sonnet-4-5', stream: true });
    expect(last.userText).toBe('default please');
  });
});
