#!/usr/bin/env node
// Records test/fixtures/*.jsonl from the real pi CLI against the testkit mock Chat Completions
// server (offline, scratch agent dir). Run after building @omnigent/testkit:
//   node plugins/plugin-pi/scripts/record-fixtures.mjs
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockChatCompletions } from '@omnigent/testkit';

const here = dirname(fileURLToPath(import.meta.url));
const pluginDir = join(here, '..');
const pi = join(pluginDir, 'node_modules', '.bin', 'pi');
const out = join(pluginDir, 'test', 'fixtures');

const mock = await startMockChatCompletions({
  scripts: [
    {
      match: 'echo hi',
      turns: [
        {
          content: 'Let me run it.',
          toolCalls: [{ name: 'bash', arguments: { command: 'echo hi' } }],
          usage: { prompt: 120, completion: 15, cached: 20 },
        },
        { content: 'Done: the command printed hi', usage: { prompt: 150, completion: 8, cached: 100 } },
      ],
    },
    {
      match: 'missing file',
      turns: [
        {
          toolCalls: [{ name: 'bash', arguments: { command: 'ls /nonexistent-omnigent' } }],
          usage: { prompt: 90, completion: 12 },
        },
        { content: 'The file is missing.', usage: { prompt: 130, completion: 6 } },
      ],
    },
    {
      match: 'write hello',
      turns: [
        {
          toolCalls: [{ name: 'write', arguments: { path: 'hello.txt', content: 'hello\n' } }],
          usage: { prompt: 95, completion: 20 },
        },
        {
          toolCalls: [
            { name: 'read', arguments: { path: 'hello.txt' } },
            { name: 'edit', arguments: { path: 'hello.txt', edits: [{ oldText: 'hello', newText: 'hello world' }] } },
          ],
          usage: { prompt: 140, completion: 30 },
        },
        { content: 'Wrote and edited hello.txt', usage: { prompt: 190, completion: 7 } },
      ],
    },
    {
      match: 'think first',
      turns: [
        {
          reasoning: 'The user wants a haiku.',
          content: 'Autumn moonlight, a worm digs silently',
          usage: { prompt: 60, completion: 25, cached: 10, cacheWrite: 5 },
        },
      ],
    },
    { match: 'always fails', turns: [{ status: 500, errorMessage: 'mock internal error' }] },
    {
      match: 'flaky',
      turns: [
        { status: 500, errorMessage: 'mock overloaded', times: 1 },
        { content: 'Recovered.', usage: { prompt: 50, completion: 3 } },
      ],
    },
    {
      match: 'long answer',
      turns: [{ content: 'This answer is cut', finishReason: 'length', usage: { prompt: 40, completion: 4096 } }],
    },
  ],
  fallback: [{ content: 'Continued: I remember the echo.', usage: { prompt: 300, completion: 9, cached: 250 } }],
});

const scratch = mkdtempSync(join(tmpdir(), 'pi-record-'));
const agentDir = join(scratch, 'agent');
const work = join(scratch, 'work');
mkdirSync(agentDir, { recursive: true });
mkdirSync(work, { recursive: true });
writeFileSync(
  join(agentDir, 'models.json'),
  JSON.stringify(
    {
      providers: {
        mock: {
          baseUrl: mock.url,
          api: 'openai-completions',
          apiKey: 'MOCK_API_KEY',
          compat: { supportsDeveloperRole: false, supportsReasoningEffort: false },
          models: [
            {
              id: 'mock-model',
              name: 'Mock Model',
              contextWindow: 32000,
              maxTokens: 4096,
              cost: { input: 1, output: 2, cacheRead: 0.1, cacheWrite: 0.5 },
            },
          ],
        },
      },
    },
    null,
    2,
  ),
);
writeFileSync(
  join(agentDir, 'settings.json'),
  JSON.stringify({ retry: { enabled: true, maxRetries: 2, baseDelayMs: 50, provider: { maxRetries: 0 } } }),
);
const env = { ...process.env, HOME: scratch, PI_CODING_AGENT_DIR: agentDir, PI_OFFLINE: '1', MOCK_API_KEY: 'sk-mock' };

// async on purpose: the mock server lives in this process and must keep answering
async function record(name, prompt, extra = []) {
  const child = spawn(pi, ['--mode', 'json', '-p', '--provider', 'mock', '--model', 'mock-model', ...extra, prompt], {
    cwd: work,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.resume();
  const status = await new Promise((resolve) => child.on('close', (code) => resolve(code)));
  const r = { stdout, status };
  // scratch paths and the port differ per run: replace them so the fixtures are stable to diff
  const text = r.stdout.split(scratch).join('$SCRATCH').split(mock.url).join('http://127.0.0.1:PORT/v1');
  writeFileSync(join(out, `${name}.jsonl`), text);
  writeFileSync(join(out, `${name}.rc`), `${r.status}\n`);
  console.log(`${name}: exit ${r.status}, ${text.split('\n').filter(Boolean).length} lines`);
  return text;
}

const first = await record('bash-tool', 'Run echo hi and tell me what it printed');
const sessionId = JSON.parse(first.split('\n')[0]).id;
await record('bash-fail', 'List the missing file');
await record('write-edit', 'Please write hello into hello.txt');
await record('thinking', 'think first, then write a haiku');
await record('http-500', 'This always fails');
await record('retry-recovered', 'A flaky request');
await record('length', 'Give a long answer');
await record('resumed', 'What did the command print?', ['--session', sessionId]);
await record('read-only-tools', 'List the missing file', ['--tools', 'read,grep,find,ls']);
writeFileSync(
  join(out, 'requests.summary.jsonl'),
  mock.requests
    .map((q) =>
      JSON.stringify({
        url: q.url,
        script: q.script,
        turn: q.turn,
        tools: Array.isArray(q.body?.tools) ? q.body.tools.map((t) => t.function?.name) : undefined,
        messages: Array.isArray(q.body?.messages) ? q.body.messages.map((m) => m.role) : undefined,
      }),
    )
    .join('\n') + '\n',
);
await mock.close();
rmSync(scratch, { recursive: true, force: true });
