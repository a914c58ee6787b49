// Records real Pi session files for the history-import tests: runs the real `pi` (this package's
// devDependency) through `omnigent run --json` against the testkit's mock Chat Completions server
// with a scratch agent dir (PI_CODING_AGENT_DIR), then copies <agentDir>/sessions and the --json
// streams into test/fixtures/history/. Offline (loopback only). Usage: node scripts/record-history.mjs
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockChatCompletions } from '@omnigent/testkit';

const here = dirname(fileURLToPath(import.meta.url));
const OMNIGENT = join(here, '..', '..', '..', 'packages', 'cli', 'bin', 'omnigent.js');
const OUT = join(here, '../test/fixtures/history');
const PRICE = { input: 1, output: 2, cacheRead: 0.1, cacheWrite: 0.5 };
const scratch = mkdtempSync(join(tmpdir(), 'pi-history-'));
const agentDir = join(scratch, 'agent');
const work = join(scratch, 'work');
for (const d of [agentDir, work, join(scratch, 'home')]) mkdirSync(d, { recursive: true });

const mock = await startMockChatCompletions({
  scripts: [
    {
      match: 'First question',
      turns: [
        {
          content: 'Let me look.',
          toolCalls: [{ name: 'bash', arguments: { command: 'echo hi' } }],
          usage: { prompt: 120, completion: 15, cached: 20 },
        },
        {
          toolCalls: [{ name: 'bash', arguments: { command: 'ls /nonexistent-omnigent-dir' } }],
          usage: { prompt: 150, completion: 12, cached: 100 },
        },
        {
          toolCalls: [{ name: 'write', arguments: { path: 'hello.txt', content: 'hello from pi\n' } }],
          usage: { prompt: 170, completion: 20, cached: 120 },
        },
        {
          content: 'Wrote hello.txt; the directory does not exist.',
          usage: { prompt: 200, completion: 11, cached: 150 },
        },
      ],
    },
    {
      match: 'Second question',
      turns: [
        {
          toolCalls: [{ name: 'read', arguments: { path: 'hello.txt' } }],
          usage: { prompt: 300, completion: 9, cached: 250 },
        },
        { content: 'It says hello from pi.', usage: { prompt: 330, completion: 7, cached: 290 } },
      ],
    },
    { match: 'Third question', turns: [{ status: 500, errorMessage: 'mock internal error' }] },
  ],
  fallback: [{ content: 'OK', usage: { prompt: 10, completion: 1 } }],
});
writeFileSync(
  join(agentDir, 'models.json'),
  JSON.stringify({
    providers: {
      mock: {
        baseUrl: mock.url,
        api: 'openai-completions',
        apiKey: 'MOCK_API_KEY',
        compat: { supportsDeveloperRole: false, supportsReasoningEffort: false },
        models: [{ id: 'mock-model', name: 'Mock Model', contextWindow: 32000, maxTokens: 4096, cost: PRICE }],
      },
    },
  }),
);
writeFileSync(
  join(agentDir, 'settings.json'),
  JSON.stringify({ retry: { enabled: true, maxRetries: 1, baseDelayMs: 50, provider: { maxRetries: 0 } } }),
);
writeFileSync(
  join(work, 'omnigent.config.json'),
  JSON.stringify({ harnesses: { pi: { options: { agentDir, offline: true, provider: 'mock' } } } }),
);

// async: the mock server runs in this process and must keep answering while the CLI runs
async function omnigent(args) {
  const child = spawn(
    process.execPath,
    [OMNIGENT, 'run', '-H', 'pi', '-m', 'mock-model', '--json', '--no-store', ...args],
    {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HOME: join(scratch, 'home'), MOCK_API_KEY: 'sk-mock', NO_COLOR: '1' },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((res) => child.on('close', res));
  const events = stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  console.error(`exit ${code}: ${events.length} events; ${stderr.slice(0, 300)}`);
  return events;
}

const run1 = await omnigent(['First question: run echo hi, look for a directory, write hello.txt']);
const session = run1[0].sessionId;
const run2 = await omnigent(['--resume', session, 'Second question: what is in hello.txt?']);
const run3 = await omnigent(['--resume', session, 'Third question']);
await mock.close();

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
cpSync(join(agentDir, 'sessions'), join(OUT, 'sessions'), { recursive: true });
writeFileSync(join(OUT, 'stream.jsonl'), [...run1, ...run2, ...run3].map((e) => JSON.stringify(e)).join('\n') + '\n');
writeFileSync(join(OUT, 'recorded.json'), JSON.stringify({ session, work, runs: 3 }, null, 2) + '\n');
console.error(`recorded session ${session} into ${OUT}`);
rmSync(scratch, { recursive: true, force: true });
