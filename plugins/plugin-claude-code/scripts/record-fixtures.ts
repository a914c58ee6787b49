// Records the real `claude` CLI's stdout for every scripted case into test/fixtures/<case>.jsonl.
// Run: node_modules/.bin/jiti scripts/record-fixtures.ts [case…]   (from the plugin folder)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockAnthropic, type MockAnthropicScenario } from '@omnigent/testkit';
import type { RunRequest } from '@omnigent/core';
import { claudeCommand } from '../src/command.js';
import { CASES, RESUME_SCENARIO } from '../test/scenarios.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'node_modules/.bin/claude');
const out = join(root, 'test/fixtures');
const only = new Set(process.argv.slice(2));
const meta: Record<string, { exitCode: number | null; stderr: string }> = {};

// async on purpose: the mock answers from this same process
function run(
  cmd: string,
  args: string[],
  input: string,
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

async function record(
  name: string,
  scenario: MockAnthropicScenario | ((dir: string) => MockAnthropicScenario),
  requests: Partial<RunRequest>[],
  prompts: string[],
): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'omnigent-cc-rec-'));
  const work = join(scratch, 'work');
  mkdirSync(join(scratch, 'home'), { recursive: true });
  mkdirSync(work, { recursive: true });
  const mock = await startMockAnthropic(typeof scenario === 'function' ? scenario(work) : scenario);
  let sessionId: string | undefined;
  try {
    for (let i = 0; i < prompts.length; i++) {
      const req: RunRequest = {
        prompt: prompts[i]!,
        cwd: work,
        model: 'claude-sonnet-4-5',
        ...requests[i],
        ...(i > 0 && sessionId ? { resume: sessionId } : {}),
      };
      const spec = claudeCommand(req, { bin, isRoot: process.getuid?.() === 0 });
      const r = await run(bin, spec.args, spec.stdin ?? '', work, {
        PATH: process.env.PATH,
        HOME: join(scratch, 'home'),
        TERM: 'dumb',
        ANTHROPIC_BASE_URL: mock.url,
        ANTHROPIC_API_KEY: 'test-key',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
        ...spec.env,
      });
      const stdout = r.stdout.split(scratch).join('<RUN>');
      const m = /"session_id":"([0-9a-f-]{36})"/.exec(stdout);
      if (m) sessionId = m[1];
      const file = prompts.length > 1 ? `${name}-run${i + 1}` : name;
      writeFileSync(join(out, `${file}.jsonl`), stdout);
      meta[file] = { exitCode: r.status, stderr: r.stderr.split(scratch).join('<RUN>').slice(-2000) };
      console.log(
        file,
        'exit',
        r.status,
        'lines',
        stdout.split('\n').filter(Boolean).length,
        'requests',
        mock.messageRequests().length,
      );
    }
  } finally {
    await mock.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

for (const c of CASES) {
  if (only.size && !only.has(c.name)) continue;
  await record(c.name, c.scenario, [c.request ?? {}], [c.prompt]);
}
if (!only.size || only.has('resume')) {
  await record(
    'resume',
    RESUME_SCENARIO,
    [{}, {}],
    ['first question: pick a number', 'second question: which number?'],
  );
}
const metaFile = join(out, 'exit-codes.json');
let previous: Record<string, unknown> = {};
try {
  previous = JSON.parse((await import('node:fs')).readFileSync(metaFile, 'utf8')) as Record<string, unknown>;
} catch {
  // first recording
}
writeFileSync(metaFile, JSON.stringify({ ...previous, ...meta }, null, 2) + '\n');
