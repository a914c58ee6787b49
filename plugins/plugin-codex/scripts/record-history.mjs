// Records real Codex session files (rollouts) for the history-import tests: runs the real `codex`
// (this package's devDependency) through `omnigent run --json` against the testkit's mock
// Responses server with a scratch CODEX_HOME, then copies $CODEX_HOME/sessions and the --json
// streams into test/fixtures/history/. Offline (loopback only). Usage: node scripts/record-history.mjs
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockResponses } from '@omnigent/testkit';

const here = dirname(fileURLToPath(import.meta.url));
const OMNIGENT = join(here, '../../../packages/cli/bin/omnigent.js');
const CODEX = join(here, '..', 'node_modules', '.bin', 'codex');
const OUT = join(here, '../test/fixtures/history');
const root = mkdtempSync(join(tmpdir(), 'codex-history-'));
const work = join(root, 'work');
const codexHome = join(root, 'codexhome');
mkdirSync(work, { recursive: true });
mkdirSync(codexHome, { recursive: true });

const patch = '*** Begin Patch\n*** Add File: hello.txt\n+hello world\n*** End Patch\n';
const mock = await startMockResponses({
  turns: [
    {
      match: 'First question',
      output: [
        { type: 'message', text: 'Looking.' },
        { type: 'exec_command', cmd: 'ls' },
      ],
      usage: { input: 100, output: 10 },
    },
    {
      output: [{ type: 'exec_command', cmd: 'ls /nonexistent-omnigent-dir' }],
      usage: { input: 150, cached: 100, output: 12, reasoning: 3 },
    },
    { output: [{ type: 'apply_patch', patch }], usage: { input: 200, cached: 150, output: 20 } },
    {
      output: [{ type: 'message', text: 'Created hello.txt; the other directory does not exist.' }],
      usage: { input: 260, cached: 200, output: 15, reasoning: 5 },
    },
    {
      match: 'Second question',
      output: [{ type: 'exec_command', cmd: 'cat hello.txt' }],
      usage: { input: 400, cached: 250, output: 9 },
    },
    { output: [{ type: 'message', text: 'It says hello world.' }], usage: { input: 450, cached: 400, output: 7 } },
    { match: 'Third question', status: 500 },
  ],
});
const provider = {
  id: 'mock',
  name: 'Mock',
  base_url: mock.url,
  env_key: 'MOCK_API_KEY',
  request_max_retries: 0,
  stream_max_retries: 0,
};
writeFileSync(
  join(root, 'omnigent.config.json'),
  JSON.stringify({ harnesses: { codex: { options: { provider } } } }, null, 2),
);

// async: the mock server runs in this process and must keep answering while the CLI runs
async function omnigent(prompt, flags = []) {
  const child = spawn(
    process.execPath,
    [
      OMNIGENT,
      'run',
      '-H',
      'codex',
      '--json',
      '--no-store',
      '--bin',
      CODEX,
      '-C',
      work,
      '-m',
      'gpt-5.5',
      ...flags,
      prompt,
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HOME: root, CODEX_HOME: codexHome, MOCK_API_KEY: 'sk-mock', NO_COLOR: '1' },
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

const run1 = await omnigent('First question: look around and create hello.txt', ['--permission-mode', 'accept-edits']);
const thread = run1[0].sessionId;
const run2 = await omnigent('Second question: what is in hello.txt?', ['--resume', thread]);
const run3 = await omnigent('Third question', ['--resume', thread]);
await mock.close();

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
cpSync(join(codexHome, 'sessions'), join(OUT, 'sessions'), { recursive: true });
writeFileSync(join(OUT, 'stream.jsonl'), [...run1, ...run2, ...run3].map((e) => JSON.stringify(e)).join('\n') + '\n');
writeFileSync(join(OUT, 'recorded.json'), JSON.stringify({ session: thread, work, runs: 3 }, null, 2) + '\n');
console.error(`recorded thread ${thread} into ${OUT}`);
rmSync(root, { recursive: true, force: true });
