import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OmnigentEvent } from '@omnigent/core';
import { ACTION_REQUIRED_STDERR, TRUST_STDERR, fixturePath } from './helpers.js';

// `omnigent run -H cursor --json` end to end, with a fake `cursor-agent` on PATH that replays a
// documented transcript (the real CLI cannot be installed or mocked here)
const require = createRequire(import.meta.url);
const CLI = join(dirname(require.resolve('omnigent/package.json')), 'bin', 'omnigent.js');
const FAKE = join(dirname(require.resolve('@omnigent/testkit/package.json')), 'bin', 'omnigent-fake-harness.js');

const scratch = mkdtempSync(join(tmpdir(), 'omnigent-cursor-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;

interface Setup {
  bin: string;
  workspace: string;
  argvFile: string;
  keyFile: string;
  stdinFile: string;
}

/** A bin dir holding `cursor-agent`: it records argv, CURSOR_API_KEY and stdin state, then runs the fake. */
function setup(config?: unknown): Setup {
  const root = join(scratch, `case-${++counter}`);
  const bin = join(root, 'bin');
  const workspace = join(root, 'workspace');
  mkdirSync(bin, { recursive: true });
  mkdirSync(workspace, { recursive: true });
  const s = {
    bin,
    workspace,
    argvFile: join(root, 'argv'),
    keyFile: join(root, 'key'),
    stdinFile: join(root, 'stdin'),
  };
  const script = [
    '#!/bin/sh',
    `printf '%s\\0' "$@" > '${s.argvFile}'`,
    `printf '%s' "\${CURSOR_API_KEY-<unset>}" > '${s.keyFile}'`,
    // an open stdin would block this read; a closed one answers end-of-file at once
    `cat > '${s.stdinFile}.bytes'`,
    `if [ -s '${s.stdinFile}.bytes' ]; then echo data > '${s.stdinFile}'; else echo eof > '${s.stdinFile}'; fi`,
    `exec '${process.execPath}' '${FAKE}' "$@"`,
    '',
  ].join('\n');
  writeFileSync(join(bin, 'cursor-agent'), script);
  chmodSync(join(bin, 'cursor-agent'), 0o755);
  if (config !== undefined) writeFileSync(join(workspace, 'omnigent.config.json'), JSON.stringify(config));
  return s;
}

interface CliResult {
  code: number | null;
  events: OmnigentEvent[];
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>, cwd: string, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (input !== undefined) child.stdin!.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const events = stdout
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as OmnigentEvent);
      resolve({ code, events, stdout, stderr });
    });
  });
}

function baseEnv(pathDirs: string[], extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: pathDirs.join(':'), HOME: join(scratch, 'home'), NO_COLOR: '1', ...extra };
}

function fakeEnv(fixture: string, exitCode = 0, stderr?: string): Record<string, string> {
  return {
    OMNIGENT_FAKE_TRANSCRIPT: fixturePath(fixture),
    OMNIGENT_FAKE_EXIT_CODE: String(exitCode),
    ...(stderr ? { OMNIGENT_FAKE_STDERR: stderr } : {}),
  };
}

const argvOf = (s: Setup) => readFileSync(s.argvFile, 'utf8').split('\0').slice(0, -1);
const ofType = <T extends OmnigentEvent['type']>(events: OmnigentEvent[], type: T) =>
  events.filter((e): e is Extract<OmnigentEvent, { type: T }> => e.type === type);

describe('omnigent run -H cursor --json (fake cursor-agent on PATH)', () => {
  it('runs every tool kind, exits 0, and passes the documented flags with the key only in the env', async () => {
    const s = setup();
    const r = await runCli(
      [
        'run',
        '-H',
        'cursor',
        '--json',
        '--no-store',
        '-m',
        'auto',
        '-C',
        s.workspace,
        '--permission-mode',
        'accept-edits',
        'Tidy the project',
      ],
      baseEnv([s.bin, '/usr/bin', '/bin'], { ...fakeEnv('all-tool-kinds'), CURSOR_API_KEY: 'key_from_user_env' }),
      s.workspace,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(argvOf(s)).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--trust',
      '--model',
      'auto',
      '--force',
      '--workspace',
      s.workspace,
      '--',
      'Tidy the project',
    ]);
    expect(readFileSync(s.keyFile, 'utf8')).toBe('key_from_user_env');
    expect(readFileSync(s.stdinFile, 'utf8').trim()).toBe('eof');

    const { events } = r;
    expect(events[0]).toMatchObject({
      type: 'session.started',
      harness: 'cursor',
      model: 'Auto',
      requestedModel: 'auto',
      sessionId: 'f7d05f71-3c1e-4b8a-9d2e-6a0b4c8e1f93',
    });
    expect(ofType(events, 'tool.started').map((t) => `${t.name}:${t.kind}`)).toEqual([
      'readToolCall:read',
      'lsToolCall:search',
      'globToolCall:search',
      'grepToolCall:search',
      'writeToolCall:write',
      'editToolCall:edit',
      'deleteToolCall:write',
      'shellToolCall:shell',
      'linear-get_issue:mcp',
      'updateTodosToolCall:todo',
      'webFetchToolCall:web',
      'multi_tool_use.parallel:other',
      'semanticSearchToolCall:other',
    ]);
    expect(ofType(events, 'tool.completed').every((t) => t.isError === false)).toBe(true);
    // the fake replays the lines at once: these durations are the CLI's own timestamp_ms differences
    expect(
      ofType(events, 'tool.completed')
        .slice(0, 5)
        .map((t) => [t.callId, t.durationMs]),
    ).toEqual([
      ['call_glob_1', 74],
      ['call_read_1', 185],
      ['call_grep_1', 111],
      ['call_ls_1', 222],
      ['call_write_1', 37],
    ]);
    expect(ofType(events, 'usage')).toHaveLength(1);
    expect(ofType(events, 'usage')[0]).toMatchObject({
      scope: 'run',
      source: 'result',
      input: 20920,
      output: 28,
      cacheRead: 7808,
      cacheWrite: 0,
    });
    const last = events.at(-1)!;
    expect(last).toMatchObject({ type: 'run.completed', turns: 4, usage: { input: 20920, output: 28 } });
    expect(events.every((e) => e.sessionId === 'f7d05f71-3c1e-4b8a-9d2e-6a0b4c8e1f93')).toBe(true);
  });

  it('takes streamPartialOutput and apiKey from the config file, and never doubles the streamed text', async () => {
    const s = setup({ harnesses: { cursor: { options: { streamPartialOutput: true, apiKey: 'key_from_config' } } } });
    const r = await runCli(
      [
        'run',
        '-H',
        'cursor',
        '--json',
        '--no-store',
        '--resume',
        '8e2d6b1a-44c0-4f7e-a3b9-5c1d0e7f9a26',
        'Check, then say PONG',
      ],
      baseEnv([s.bin, '/usr/bin', '/bin'], fakeEnv('partial-output')),
      s.workspace,
    );
    expect(r.code, r.stderr).toBe(0);
    const argv = argvOf(s);
    expect(argv).toContain('--stream-partial-output');
    expect(argv.slice(argv.indexOf('--resume'), argv.indexOf('--resume') + 2)).toEqual([
      '--resume',
      '8e2d6b1a-44c0-4f7e-a3b9-5c1d0e7f9a26',
    ]);
    expect(argv.join(' ')).not.toContain('key_from_config');
    expect(readFileSync(s.keyFile, 'utf8')).toBe('key_from_config');
    const texts = ofType(r.events, 'message')
      .filter((m) => m.role === 'assistant')
      .map((m) => m.text);
    expect(texts).toEqual(["I'll check.", 'PONG']);
    expect(
      ofType(r.events, 'message.delta')
        .map((d) => d.text)
        .join(''),
    ).toBe("I'll check.PONG");
    expect(r.events.at(-1)).toMatchObject({ type: 'run.completed', result: "I'll check.PONG" });
  });

  it('keeps a call id with a newline intact through --json', async () => {
    const s = setup();
    const r = await runCli(
      ['run', '-H', 'cursor', '--json', '--no-store', 'Print the date'],
      baseEnv([s.bin, '/usr/bin', '/bin'], fakeEnv('newline-call-id')),
      s.workspace,
    );
    expect(r.code, r.stderr).toBe(0);
    const id = 'call-973a51c2d8e04f6b-0\nfc_8b6e2d7f41a9c035_0';
    expect(ofType(r.events, 'tool.started').map((t) => t.callId)).toEqual([id]);
    expect(ofType(r.events, 'tool.completed').map((t) => t.callId)).toEqual([id]);
  });

  it('warns about an interaction_query, with stdin closed, and finishes', async () => {
    const s = setup();
    const r = await runCli(
      ['run', '-H', 'cursor', '--json', '--no-store', 'Install the deps'],
      baseEnv([s.bin, '/usr/bin', '/bin'], fakeEnv('interaction-query')),
      s.workspace,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(s.stdinFile, 'utf8').trim()).toBe('eof');
    expect(ofType(r.events, 'warning').map((w) => w.code)).toContain('interaction-query');
    expect(r.events.at(-1)!.type).toBe('run.completed');
  });

  it('exits 1 with the stderr reason on ActionRequiredError (no result line)', async () => {
    const s = setup();
    const r = await runCli(
      ['run', '-H', 'cursor', '--json', '--no-store', '-m', 'claude-4.5-opus', 'hello'],
      baseEnv([s.bin, '/usr/bin', '/bin'], fakeEnv('action-required', 1, ACTION_REQUIRED_STDERR)),
      s.workspace,
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.events.length, `omnigent printed no events; stderr: ${r.stderr}`).toBeGreaterThan(0);
    const last = r.events.at(-1)!;
    expect(last).toMatchObject({ type: 'run.failed', reason: 'exit', exitCode: 1 });
    expect(last.type === 'run.failed' && last.message).toContain('ActionRequiredError');
    expect(last.type === 'run.failed' && last.stderrTail).toContain('Named models are unavailable on the free plan');
  });

  it('exits 1 on Workspace Trust Required with an empty stdout', async () => {
    const s = setup();
    const r = await runCli(
      ['run', '-H', 'cursor', '--json', '--no-store', 'hello'],
      baseEnv([s.bin, '/usr/bin', '/bin'], fakeEnv('trust-required', 1, TRUST_STDERR)),
      s.workspace,
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.events.length, `omnigent printed no events; stderr: ${r.stderr}`).toBeGreaterThan(0);
    // nothing reached stdout: omnigent's own (synthesized) session.started, then the failure
    expect(r.events.map((e) => e.type)).toEqual(['session.started', 'run.failed']);
    const last = r.events.at(-1)!;
    expect(last.type === 'run.failed' && last.message).toContain('Workspace Trust Required');
  });

  it('exits 1 when the result line says is_error, although the CLI exited 0', async () => {
    const s = setup();
    const r = await runCli(
      ['run', '-H', 'cursor', '--json', '--no-store', 'hello'],
      baseEnv([s.bin, '/usr/bin', '/bin'], fakeEnv('result-is-error')),
      s.workspace,
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.events.length, `omnigent printed no events; stderr: ${r.stderr}`).toBeGreaterThan(0);
    expect(r.events.at(-1)).toMatchObject({ type: 'run.failed', reason: 'error', exitCode: 0 });
  });

  it('exits 1 when the stream ends without a result line, closing the running tool', async () => {
    const s = setup();
    const r = await runCli(
      ['run', '-H', 'cursor', '--json', '--no-store', 'Build it'],
      baseEnv([s.bin, '/usr/bin', '/bin'], fakeEnv('eof-without-result')),
      s.workspace,
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.events.length, `omnigent printed no events; stderr: ${r.stderr}`).toBeGreaterThan(0);
    expect(ofType(r.events, 'tool.completed')).toMatchObject([
      { callId: 'call_build_1', status: 'interrupted', isError: true },
    ]);
    expect(r.events.at(-1)).toMatchObject({ type: 'run.failed', reason: 'exit' });
  });

  it('exits 127 when neither cursor-agent nor agent is on PATH', async () => {
    const s = setup();
    const empty = join(scratch, 'empty-path');
    mkdirSync(empty, { recursive: true });
    const r = await runCli(
      ['run', '-H', 'cursor', '--json', '--no-store', 'hello'],
      baseEnv([empty], fakeEnv('official-read-write')),
      s.workspace,
    );
    expect(r.code, r.stderr).toBe(127);
    // the run never started: no harness events, and the install command on stderr
    expect(ofType(r.events, 'tool.started')).toHaveLength(0);
    expect(r.stderr).toContain('curl https://cursor.com/install -fsS | bash');
  });

  it('bug: a prompt over 128 KiB failed with a bare `spawn E2BIG`; it now reaches cursor-agent on stdin', async () => {
    const s = setup();
    // 200 KB in one argument is over Linux's per-argument limit (MAX_ARG_STRLEN, 128 KiB)
    const prompt = `Review this log:\n${'2026-11-30 12:00:00 INFO request served in 12 ms\n'.repeat(4000)}End of log.`;
    const r = await runCli(
      ['run', '-H', 'cursor', '--json', '--no-store', '-'],
      baseEnv([s.bin, '/usr/bin', '/bin'], fakeEnv('official-read-write')),
      s.workspace,
      prompt,
    );
    expect(r.stderr).not.toContain('E2BIG');
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(`${s.stdinFile}.bytes`, 'utf8')).toBe(prompt);
    const argv = argvOf(s);
    expect(argv).not.toContain('--');
    expect(argv.join(' ')).not.toContain('request served');
    expect(r.events.at(-1)!.type).toBe('run.completed');
  });
});
