// Records real Claude Code session files for the history-import tests: runs the real `claude`
// (this package's devDependency) through `omnigent run --json` against the testkit's mock
// Anthropic server with a scratch HOME, then copies ~/.claude/projects and the --json streams
// into test/fixtures/history/. Offline (loopback only). Usage: node scripts/record-history.mjs
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockAnthropic } from '@omnigent/testkit';

const here = dirname(fileURLToPath(import.meta.url));
const OMNIGENT = join(here, '../../../packages/cli/bin/omnigent.js');
const OUT = join(here, '../test/fixtures/history');
const root = mkdtempSync(join(tmpdir(), 'cc-history-'));
const home = join(root, 'home');
const work = join(root, 'work');
mkdirSync(home);
mkdirSync(work);
writeFileSync(join(work, 'notes.txt'), 'alpha\nbeta\n');

const mock = await startMockAnthropic({
  turns: [
    // run 1: text + Bash, a failing Bash, a sub-agent that runs Bash, final answer
    {
      match: 'check the project',
      content: [
        { type: 'text', text: 'I will look around.' },
        { type: 'tool_use', name: 'Bash', input: { command: 'ls', description: 'List files' } },
      ],
      usage: { input: 1200, cacheRead: 300, cacheWrite: 50, output: 40 },
    },
    {
      content: [
        { type: 'tool_use', name: 'Bash', input: { command: 'cat missing.txt', description: 'Read a missing file' } },
      ],
      usage: { input: 1400, output: 22 },
    },
    {
      content: [
        {
          type: 'tool_use',
          name: 'Agent',
          input: { description: 'Check echo', prompt: 'SUBTASK: run echo from-sub', subagent_type: 'general-purpose' },
        },
      ],
      usage: { input: 1600, output: 30 },
    },
    {
      match: 'SUBTASK: run echo from-sub',
      content: [
        { type: 'tool_use', name: 'Bash', input: { command: 'echo from-sub', description: 'Echo from the sub-agent' } },
      ],
      usage: { input: 3000, output: 25 },
    },
    { content: [{ type: 'text', text: 'Sub-agent result: from-sub.' }], usage: { input: 3100, output: 9 } },
    {
      content: [{ type: 'text', text: 'Done: notes.txt is there, missing.txt is not, the sub-agent said from-sub.' }],
      usage: { input: 2200, output: 19 },
    },
    // run 2 (resume): Read a file, answer
    {
      match: 'second question',
      content: [{ type: 'tool_use', name: 'Read', input: { file_path: join(work, 'notes.txt') } }],
      usage: { input: 2500, cacheRead: 2000, output: 15 },
    },
    {
      content: [{ type: 'text', text: 'Second answer: notes.txt lists alpha and beta.' }],
      usage: { input: 2700, output: 12 },
    },
    // run 3 (resume): the API fails
    { match: 'third question', status: 400, errorMessage: 'mock: forced error' },
  ],
});

// async: the mock server runs in this process and must keep answering while the CLI runs
async function omnigent(args) {
  const child = spawn(
    process.execPath,
    [
      OMNIGENT,
      'run',
      ...args,
      '-H',
      'claude-code',
      '--json',
      '--no-store',
      '-C',
      work,
      '-m',
      'claude-sonnet-4-5',
      '--allowed-tools',
      'Bash,Agent,Task,Read',
    ],
    {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
        HOME: home,
        TERM: 'dumb',
        CI: 'true',
        ANTHROPIC_BASE_URL: mock.url,
        ANTHROPIC_API_KEY: 'test-key',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
      },
    },
  );
  const r = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (r.stdout += d));
  child.stderr.on('data', (d) => (r.stderr += d));
  r.status = await new Promise((res) => child.on('close', res));
  const events = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  console.error(`exit ${r.status}: ${events.length} events; ${r.stderr.slice(0, 300)}`);
  return events;
}

const run1 = await omnigent(['Please check the project']);
const session = run1[0].sessionId;
const run2 = await omnigent(['Now the second question', '--resume', session]);
const run3 = await omnigent(['And a third question', '--resume', session]);
await mock.close();

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
cpSync(join(home, '.claude', 'projects'), join(OUT, 'projects'), { recursive: true });
writeFileSync(join(OUT, 'stream.jsonl'), [...run1, ...run2, ...run3].map((e) => JSON.stringify(e)).join('\n') + '\n');
writeFileSync(join(OUT, 'recorded.json'), JSON.stringify({ session, work, home, runs: 3 }, null, 2) + '\n');
console.error(`recorded session ${session} into ${OUT}`);
rmSync(root, { recursive: true, force: true });
