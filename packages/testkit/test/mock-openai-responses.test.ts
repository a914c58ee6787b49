import { afterEach, describe, expect, it } from 'vitest';
import { latestUserText, startMockResponses, type MockResponsesServer } from '../src/mock-openai-responses.js';

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

const servers: MockResponsesServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function start(...args: Parameters<typeof startMockResponses>): Promise<MockResponsesServer> {
  const s = await startMockResponses(...args);
  servers.push(s);
  return s;
}

function body(user: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'gpt-5.5',
    stream: true,
    input: [
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'system' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: '<environment_context/>' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: user }] },
    ],
    ...extra,
  };
}

async function post(url: string, payload: unknown): Promise<{ status: number; events: SseEvent[]; text: string }> {
  const res = await fetch(`${url}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    body: JSON.stringify(payload),
  });
  const text = await res.text();
  const events: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    const ev = /^event: (.+)$/m.exec(block)?.[1];
    const data = /^data: (.+)$/m.exec(block)?.[1];
    if (ev && data) events.push({ event: ev, data: JSON.parse(data) as Record<string, unknown> });
  }
  return { status: res.status, events, text };
}

const doneItems = (events: SseEvent[]) =>
  events.filter((e) => e.event === 'response.output_item.done').map((e) => e.data.item as Record<string, unknown>);

describe('mock OpenAI Responses server', () => {
  it('streams a scripted turn: created, items added/done, text deltas, completed with detailed usage', async () => {
    const s = await start({
      turns: [
        {
          output: [
            { type: 'reasoning', summary: ['thinking'] },
            { type: 'message', text: 'Hello world', deltas: ['Hello', ' world'] },
          ],
          usage: { input: 120, cached: 20, output: 15, reasoning: 5 },
        },
      ],
    });
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const r = await post(s.url, body('hi'));
    expect(r.status).toBe(200);
    expect(r.events.map((e) => e.event)).toEqual([
      'response.created',
      'response.output_item.added',
      'response.output_item.done',
      'response.output_item.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_item.done',
      'response.completed',
    ]);
    for (const e of r.events) expect(e.data.type).toBe(e.event);
    const items = doneItems(r.events);
    expect(items[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'thinking' }] });
    expect(items[1]).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'Hello world' }],
    });
    expect(r.events.filter((e) => e.event === 'response.output_text.delta').map((e) => e.data.delta)).toEqual([
      'Hello',
      ' world',
    ]);
    const completed = r.events.at(-1)!.data.response as Record<string, unknown>;
    expect(completed.usage).toEqual({
      input_tokens: 120,
      input_tokens_details: { cached_tokens: 20 },
      output_tokens: 15,
      output_tokens_details: { reasoning_tokens: 5 },
      total_tokens: 135,
    });
  });

  it('emits exec_command function calls and freeform apply_patch custom tool calls', async () => {
    const s = await start({
      turns: [
        {
          output: [
            { type: 'exec_command', cmd: 'echo hi', callId: 'call_1' },
            { type: 'apply_patch', patch: '*** Begin Patch\n*** End Patch\n' },
          ],
        },
      ],
    });
    const items = doneItems((await post(s.url, body('go'))).events);
    expect(items[0]).toMatchObject({ type: 'function_call', name: 'exec_command', call_id: 'call_1' });
    expect(JSON.parse(String(items[0]!.arguments))).toEqual({ cmd: 'echo hi' });
    expect(items[1]).toMatchObject({
      type: 'custom_tool_call',
      name: 'apply_patch',
      input: '*** Begin Patch\n*** End Patch\n',
    });
    expect(String(items[1]!.call_id)).not.toBe('');
  });

  it('answers HTTP 500 on demand, and response.failed on demand', async () => {
    const s = await start({
      turns: [{ status: 500 }, { output: [{ type: 'message', text: 'partial' }], fail: 'mock failure' }],
    });
    const a = await post(s.url, body('one'));
    expect(a.status).toBe(500);
    expect(JSON.parse(a.text)).toMatchObject({ error: { message: expect.stringContaining('500') } });
    const b = await post(s.url, body('two'));
    expect(b.events.map((e) => e.event).at(-1)).toBe('response.failed');
    expect(b.events.at(-1)!.data.response).toMatchObject({ status: 'failed', error: { message: 'mock failure' } });
    expect(b.events.some((e) => e.event === 'response.completed')).toBe(false);
  });

  it('consumes plain turns in order, picks matched turns by the latest user text, then falls back', async () => {
    const s = await start({
      turns: [
        { output: [{ type: 'message', text: 'first' }] },
        { match: 'review', output: [{ type: 'message', text: 'review 1' }] },
        { match: /review/, output: [{ type: 'message', text: 'review 2' }] },
        { output: [{ type: 'message', text: 'second' }] },
      ],
      fallback: { output: [{ type: 'message', text: 'fallback' }] },
    });
    const texts: string[] = [];
    for (const user of ['hello', 'please review', 'hello', 'review again', 'review thrice', 'anything']) {
      const items = doneItems((await post(s.url, body(user))).events);
      texts.push(String((items[0]!.content as { text: string }[])[0]!.text));
    }
    expect(texts).toEqual(['first', 'review 1', 'second', 'review 2', 'fallback', 'fallback']);
    expect(s.requests.map((r) => r.answeredWith)).toEqual([0, 1, 3, 2, 'fallback', 'fallback']);
  });

  it('records every request (path, headers, parsed body) and tolerates unknown paths', async () => {
    const s = await start();
    await post(s.url, body('record me', { tools: [] }));
    const analytics = await fetch(`${s.url}/analytics/codex/turn-costs`, {
      method: 'POST',
      body: '{"turn_ids":["t"]}',
    });
    expect(analytics.status).toBe(404);
    const models = await fetch(`${s.url}/models`);
    expect(models.status).toBe(200);
    expect(s.requests.map((r) => [r.method, r.path])).toEqual([
      ['POST', '/v1/responses'],
      ['POST', '/v1/analytics/codex/turn-costs'],
      ['GET', '/v1/models'],
    ]);
    expect(s.requests[0]!.headers.authorization).toBe('Bearer sk-test');
    expect(s.requests[0]!.userText).toBe('record me');
    expect(s.requests[0]!.body).toMatchObject({ model: 'gpt-5.5', tools: [] });
    expect(s.requests[1]!.body).toEqual({ turn_ids: ['t'] });
    expect(s.responsesRequests()).toHaveLength(1);
    // the default answer is a short text message
    expect(doneItems((await post(s.url, body('x'))).events)[0]).toMatchObject({ type: 'message' });
  });

  it('holds a delayed turn back while later requests are answered', async () => {
    const s = await start({
      turns: [
        { match: 'slow', delayMs: 400, output: [{ type: 'message', text: 'slow' }] },
        { match: 'fast', output: [{ type: 'message', text: 'fast' }] },
      ],
    });
    const finished: string[] = [];
    const slow = post(s.url, body('slow')).then(() => finished.push('slow'));
    await new Promise((r) => setTimeout(r, 50));
    await post(s.url, body('fast')).then(() => finished.push('fast'));
    await slow;
    expect(finished).toEqual(['fast', 'slow']);
  });

  it('reads the latest user text from list or string input', () => {
    expect(latestUserText(body('last one'))).toBe('last one');
    expect(latestUserText({ input: 'plain' })).toBe('plain');
    expect(
      latestUserText({
        input: [
          { role: 'user', content: 'str' },
          { type: 'function_call_output', output: 'x' },
        ],
      }),
    ).toBe('str');
    expect(latestUserText(undefined)).toBe('');
  });
});
