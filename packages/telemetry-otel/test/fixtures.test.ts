// The recorded transcripts of each real CLI, translated by its plugin (plugins/*/dist) and replayed
// through the runner, then traced: the span tree and numbers MLflow would show.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isHarnessPlugin, type HarnessPlugin, type OmnigentEvent } from '@omnigent/core';
import { replayTranscript } from '@omnigent/testkit/conformance';
import { describe, expect, it } from 'vitest';
import { edges, info, one, trace } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const PLUGINS = join(here, '../../../plugins');

async function plugin(name: string): Promise<HarnessPlugin> {
  const mod = (await import(join(PLUGINS, `plugin-${name}`, 'dist/index.js'))) as Record<string, unknown>;
  const found = [mod.default, ...Object.values(mod)].find(isHarnessPlugin);
  if (!found) throw new Error(`plugin-${name} exports no harness plugin`);
  return found;
}

async function traced(name: string, fixture: string, model?: string) {
  const p = await plugin(name);
  const prompt = 'the recorded prompt';
  const events: OmnigentEvent[] = await replayTranscript(p, fixture, {
    request: { prompt, ...(model ? { model } : {}) },
  });
  const startedAt = new Date(Date.parse(events[0]!.time) - 1);
  const { spans } = await trace(events, {
    capture: true,
    info: info({
      harness: p.name,
      ...(p.provider ? { provider: p.provider } : {}),
      request: { prompt, ...(model ? { model } : {}) },
      startedAt,
    }),
  });
  return { spans, events };
}

const chatsOf = (spans: Awaited<ReturnType<typeof traced>>['spans']) =>
  spans
    .filter((s) => s.attributes['gen_ai.operation.name'] === 'chat')
    .sort((a, b) =>
      String(a.attributes['gen_ai.response.id']).localeCompare(String(b.attributes['gen_ai.response.id'])),
    );

describe('traces of recorded transcripts, per harness', () => {
  it('Claude Code with a sub-agent: the sub-agent and its calls sit under the Agent tool call', async () => {
    const { spans } = await traced('claude-code', join(PLUGINS, 'plugin-claude-code/test/fixtures/subagent.jsonl'));
    expect(edges(spans)).toEqual([
      '(root) > invoke_agent claude-code',
      'execute_tool Agent > invoke_agent general-purpose',
      'invoke_agent claude-code > chat claude-sonnet-4-5',
      'invoke_agent claude-code > chat claude-sonnet-4-5',
      'invoke_agent claude-code > execute_tool Agent',
      'invoke_agent claude-code > usage not reported per call',
      'invoke_agent general-purpose > chat claude-sonnet-4-5',
      'invoke_agent general-purpose > execute_tool Bash',
    ]);
    // Claude Code's total (10300 / 105) covers sub-agent calls the stream gave no full usage for:
    // the marked span carries the rest, so MLflow's summed total equals the harness's.
    const rest = one(spans, 'usage not reported per call');
    expect(rest.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 10300 - 2000 - 2200,
      'gen_ai.usage.output_tokens': 105 - 60 - 11,
      'omnigent.usage.scope': 'difference',
      'omnigent.usage.source': 'derived',
    });
    const summed = spans
      .map((s) => s.attributes['mlflow.chat.tokenUsage'])
      .filter((v): v is string => typeof v === 'string')
      .map((v) => JSON.parse(v) as { input_tokens: number; output_tokens: number });
    expect([summed.reduce((a, u) => a + u.input_tokens, 0), summed.reduce((a, u) => a + u.output_tokens, 0)]).toEqual([
      10300, 105,
    ]);
    expect(
      chatsOf(spans).map((c) => [
        c.attributes['gen_ai.response.id'],
        c.attributes['gen_ai.usage.input_tokens'],
        c.attributes['gen_ai.usage.output_tokens'],
      ]),
    ).toEqual([
      ['msg_mock0003', 2000, 60],
      ['msg_mock0006', 3000, undefined],
      ['msg_mock0010', 2200, 11],
    ]);
    const root = one(spans, 'invoke_agent claude-code');
    expect(root.attributes).toMatchObject({
      'gen_ai.agent.version': '2.1.197',
      'gen_ai.provider.name': 'anthropic',
      'session.id': 'a6a5f50b-64c1-4bcc-adb8-1638a985703a',
      'omnigent.usage.total.input_tokens': 10300,
      'omnigent.usage.total.output_tokens': 105,
      'omnigent.usage.cost_usd': 0.032475000000000004,
      'omnigent.usage.cost_source': 'harness-estimate',
    });
    expect(JSON.parse(root.attributes['mlflow.spanOutputs'] as string)).toEqual({
      messages: [{ role: 'assistant', content: 'The sub-agent reported from-sub.' }],
    });
    expect(JSON.parse(one(spans, 'execute_tool Bash').attributes['gen_ai.tool.call.result'] as string)).toBe(
      'from-sub',
    );
  });

  it('Codex: one model span per turn with cache and reasoning tokens', async () => {
    const { spans } = await traced(
      'codex',
      join(PLUGINS, 'plugin-codex/test/fixtures/reference-tool.jsonl'),
      'gpt-5-codex',
    );
    expect(edges(spans)).toEqual([
      '(root) > invoke_agent codex',
      'invoke_agent codex > chat gpt-5-codex',
      'invoke_agent codex > execute_tool command_execution',
    ]);
    expect(one(spans, 'chat gpt-5-codex').attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'gen_ai.usage.input_tokens': 240,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.usage.cache_read.input_tokens': 40,
      'gen_ai.usage.reasoning.output_tokens': 10,
      'omnigent.usage.scope': 'turn',
    });
    expect(one(spans, 'execute_tool command_execution').attributes).toMatchObject({
      'omnigent.tool.exit_code': 0,
      'gen_ai.tool.call.result': '"hi\\n"',
    });
  });

  it('Pi: one model span per call with its price', async () => {
    const { spans } = await traced('pi', join(PLUGINS, 'plugin-pi/test/fixtures/research/tool.jsonl'));
    expect(edges(spans)).toEqual([
      '(root) > invoke_agent pi',
      'invoke_agent pi > chat mock-model',
      'invoke_agent pi > chat mock-model',
      'invoke_agent pi > execute_tool bash',
    ]);
    expect(
      chatsOf(spans).map((c) => [
        c.attributes['gen_ai.response.id'],
        c.attributes['gen_ai.usage.input_tokens'],
        c.attributes['gen_ai.usage.output_tokens'],
        c.attributes['gen_ai.usage.cache_read.input_tokens'],
        c.attributes['omnigent.usage.cost_usd'],
      ]),
    ).toEqual([
      ['chatcmpl_1', 120, 15, 20, 0.00013199999999999998],
      ['chatcmpl_3', 120, 15, 20, 0.00013199999999999998],
    ]);
    // Pi's provider varies per model: it comes from the assistant messages, not from the plugin
    expect(chatsOf(spans).map((c) => c.attributes['gen_ai.provider.name'])).toEqual(['mock', 'mock']);
  });

  it("Cursor: no usage reported, still one model span holding the run's output", async () => {
    const { spans } = await traced('cursor', join(PLUGINS, 'plugin-cursor/test/fixtures/official-read-write.jsonl'));
    expect(edges(spans)).toEqual([
      '(root) > invoke_agent cursor',
      'invoke_agent cursor > chat Claude 4 Sonnet',
      'invoke_agent cursor > execute_tool readToolCall',
      'invoke_agent cursor > execute_tool writeToolCall',
    ]);
    const chat = one(spans, 'chat Claude 4 Sonnet');
    expect(Object.keys(chat.attributes).filter((k) => k.startsWith('gen_ai.usage.'))).toEqual([]);
    const out = JSON.parse(chat.attributes['gen_ai.output.messages'] as string) as Array<{
      parts: Array<{ type: string; name?: string }>;
    }>;
    expect(out[0]!.parts.filter((p) => p.type === 'tool_call').map((p) => p.name)).toEqual([
      'readToolCall',
      'writeToolCall',
    ]);
  });
});
