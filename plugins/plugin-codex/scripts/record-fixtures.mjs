#!/usr/bin/env node
// Records test/fixtures/*.jsonl from the REAL codex CLI against the testkit's mock Responses server.
// Usage: pnpm --filter @omnigent/testkit build && node scripts/record-fixtures.mjs [case...]
// Scratch paths are replaced by $SCRATCH; stderr and the exit code go to <case>.meta.json.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockResponses } from '@omnigent/testkit';

const here = dirname(fileURLToPath(import.meta.url));
const CODEX = join(here, '..', 'node_modules', '.bin', 'codex');
const OUT = join(here, '..', 'test', 'fixtures');

const patch = '*** Begin Patch\n*** Add File: hello.txt\n+hello world\n*** End Patch\n';
const cases = {
  tool: {
    prompt: 'Run echo hi and tell me what it printed',
    turns: [
      {
        output: [
          { type: 'reasoning', summary: ['**Planning** run a shell command'] },
          { type: 'exec_command', cmd: 'echo hi' },
        ],
        usage: { input: 120, cached: 20, output: 15, reasoning: 5 },
      },
      {
        output: [{ type: 'message', text: 'Done: the command printed hi' }],
        usage: { input: 130, cached: 30, output: 7, reasoning: 2 },
      },
    ],
  },
  cmdfail: {
    prompt: 'List a missing directory',
    turns: [
      { output: [{ type: 'exec_command', cmd: 'ls /nonexistent-omnigent-dir' }], usage: { input: 100, output: 10 } },
      {
        output: [{ type: 'message', text: 'The directory does not exist' }],
        usage: { input: 120, cached: 100, output: 5 },
      },
    ],
  },
  patch: {
    prompt: 'Create hello.txt',
    turns: [
      { output: [{ type: 'apply_patch', patch }], usage: { input: 100, output: 10 } },
      { output: [{ type: 'message', text: 'Created hello.txt' }], usage: { input: 110, cached: 100, output: 5 } },
    ],
  },
  'unknown-model': {
    prompt: 'Say hello',
    model: 'mock-model',
    turns: [
      {
        output: [{ type: 'message', text: 'Hello from the mock model' }],
        usage: { input: 120, cached: 20, output: 15, reasoning: 5 },
      },
    ],
  },
  http500: { prompt: 'Say hello', turns: [{ status: 500 }] },
  'response-failed': {
    prompt: 'Say hello',
    turns: [{ output: [{ type: 'message', text: 'partial answer' }], fail: 'mock failure' }],
  },
  'not-git': { prompt: 'Say hello', noSkip: true, turns: [] },
  'missing-key': { prompt: 'Say hello', noKey: true, turns: [] },
  sigint: { prompt: 'Sleep', kill: 'SIGINT', turns: [{ output: [{ type: 'exec_command', cmd: 'sleep 30' }] }] },
  sigterm: { prompt: 'Sleep', kill: 'SIGTERM', turns: [{ output: [{ type: 'exec_command', cmd: 'sleep 30' }] }] },
  // hunk 1 applies, hunk 2 cannot (its parent is a file): codex says `failed`, yet a.txt changed
  'patch-failed': {
    prompt: 'Update a.txt and add b.txt/x.txt',
    files: { 'a.txt': 'one\n', 'b.txt': 'bee\n' },
    turns: [
      {
        output: [
          {
            type: 'apply_patch',
            patch:
              '*** Begin Patch\n*** Update File: a.txt\n@@\n-one\n+ONE\n*** Add File: b.txt/x.txt\n+hi\n*** End Patch\n',
          },
        ],
        usage: { input: 100, output: 10 },
      },
      { output: [{ type: 'message', text: 'Only a.txt was updated' }], usage: { input: 110, output: 5 } },
    ],
  },
  resume: {
    prompt: 'First question',
    turns: [
      {
        output: [{ type: 'message', text: 'First answer' }],
        usage: { input: 120, cached: 20, output: 15, reasoning: 5 },
      },
    ],
    then: {
      prompt: 'And again',
      turns: [
        {
          output: [{ type: 'message', text: 'Second answer' }],
          usage: { input: 300, cached: 200, output: 20, reasoning: 4 },
        },
      ],
    },
  },
};

function runCodex(args, env, prompt, kill) {
  return new Promise((resolve) => {
    const child = spawn(CODEX, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      // interrupt once the shell command is running
      if (kill && stdout.includes('"item.started"')) setTimeout(() => child.kill(kill), 500);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(prompt);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

async function record(name, spec) {
  const scratch = mkdtempSync(join(tmpdir(), 'codex-rec-'));
  const home = join(scratch, 'codexhome');
  const work = join(scratch, 'work');
  mkdirSync(home, { recursive: true });
  mkdirSync(work, { recursive: true });
  for (const [file, text] of Object.entries(spec.files ?? {})) writeFileSync(join(work, file), text);
  const steps = [spec, ...(spec.then ? [spec.then] : [])];
  let threadId;
  for (const [i, step] of steps.entries()) {
    const mock = await startMockResponses({ turns: step.turns });
    writeFileSync(
      join(home, 'config.toml'),
      `model_provider = "mock"\n[model_providers.mock]\nname = "Mock"\nbase_url = "${mock.url}"\nwire_api = "responses"\nenv_key = "MOCK_API_KEY"\nrequest_max_retries = 0\nstream_max_retries = 0\n`,
    );
    const args = [
      'exec',
      '--json',
      '-m',
      spec.model ?? 'gpt-5.5',
      '-C',
      work,
      '-s',
      'workspace-write',
      '-c',
      'approval_policy="never"',
    ];
    if (!spec.noSkip) args.push('--skip-git-repo-check');
    if (threadId) args.push('resume', threadId);
    args.push('-');
    const env = { ...process.env, HOME: scratch, CODEX_HOME: home, ...(spec.noKey ? {} : { MOCK_API_KEY: 'sk-mock' }) };
    if (spec.noKey) delete env.MOCK_API_KEY;
    const r = await runCodex(args, env, step.prompt, spec.kill);
    await mock.close();
    threadId = /"thread_id":"([^"]+)"/.exec(r.stdout)?.[1];
    const file = steps.length > 1 ? `${name}-${i + 1}` : name;
    const scrub = (s) => s.split(scratch).join('$SCRATCH');
    writeFileSync(join(OUT, `${file}.jsonl`), scrub(r.stdout));
    writeFileSync(
      join(OUT, `${file}.meta.json`),
      JSON.stringify(
        { exitCode: r.code, signal: r.signal, stderr: scrub(r.stderr), requests: mock.responsesRequests().length },
        null,
        2,
      ) + '\n',
    );
    console.log(`${file}: exit ${r.code} ${r.signal ?? ''} (${r.stdout.split('\n').length - 1} lines)`);
  }
  rmSync(scratch, { recursive: true, force: true });
}

const wanted = process.argv.slice(2);
for (const [name, spec] of Object.entries(cases)) {
  if (wanted.length === 0 || wanted.includes(name)) await record(name, spec);
}
