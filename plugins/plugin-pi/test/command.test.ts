import { ConfigError, detectVersion, type RunRequest } from '@omnigent/core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import piHarness from '../src/index.js';
import { piCommand } from '../src/command.js';

const ctx = { bin: '/usr/bin/pi', isRoot: false };
const cmd = (r: Partial<RunRequest>) => piCommand({ prompt: 'do it', ...r }, ctx);

describe('pi command()', () => {
  it('runs `pi --mode json -p` with the prompt as the last argument and stdin closed', () => {
    const spec = cmd({});
    expect(spec.args).toEqual(['--mode', 'json', '-p', 'do it']);
    expect(spec.stdin).toBeUndefined();
    expect(spec.warnings).toBeUndefined();
  });

  it('maps every request field', () => {
    const spec = cmd({
      provider: 'local',
      model: 'qwen2.5-coder',
      cwd: '/repo',
      resume: '01a20d2d-4469',
      systemPrompt: 'You are terse.',
      appendSystemPrompt: 'Answer in English.',
      allowedTools: ['read', 'bash'],
      extraArgs: ['--no-skills'],
      env: { FOO: 'bar' },
    });
    expect(spec.args).toEqual([
      '--mode',
      'json',
      '-p',
      '--provider',
      'local',
      '--model',
      'qwen2.5-coder',
      '--session',
      '01a20d2d-4469',
      '--system-prompt',
      'You are terse.',
      '--append-system-prompt',
      'Answer in English.',
      '--tools',
      'read,bash',
      '--no-skills',
      'do it',
    ]);
    // pi has no cwd flag: the child runs there
    expect(spec.cwd).toBe('/repo');
  });

  it('maps plugin options to pi flags and env (agent dir, offline, session dir, thinking, isolation)', () => {
    const spec = cmd({
      options: {
        agentDir: '/tmp/agent',
        offline: true,
        provider: 'mock',
        sessionDir: '/tmp/s',
        thinking: 'low',
        noSession: true,
        isolated: true,
      },
    });
    expect(spec.env).toEqual({ PI_CODING_AGENT_DIR: '/tmp/agent', PI_OFFLINE: '1' });
    expect(spec.args).toEqual([
      '--mode',
      'json',
      '-p',
      '--provider',
      'mock',
      '--thinking',
      'low',
      '--session-dir',
      '/tmp/s',
      '--no-session',
      '--no-extensions',
      '--no-skills',
      '--no-prompt-templates',
      '--no-context-files',
      'do it',
    ]);
    // the request's provider wins over the configured default
    expect(cmd({ provider: 'openai', options: { provider: 'mock' } }).args).toContain('openai');
  });

  it('rejects wrongly typed options with a ConfigError naming the key', () => {
    expect(() => cmd({ options: { offline: 'yes' } })).toThrow(ConfigError);
    expect(() => cmd({ options: { agentDir: 3 } })).toThrow(/harnesses\.pi\.options\.agentDir/);
  });

  it('expresses read-only and disallowed tools as the --tools allowlist', () => {
    expect(cmd({ permissionMode: 'read-only' }).args).toContain('read,grep,find,ls');
    expect(cmd({ permissionMode: 'read-only', allowedTools: ['bash', 'read'] }).args).toContain('read');
    expect(cmd({ disallowedTools: ['bash'] }).args).toContain('read,edit,write');
    expect(cmd({ allowedTools: ['bash'], disallowedTools: ['bash'] }).args).toContain('--no-tools');
    expect(cmd({ permissionMode: 'bypass' }).args).not.toContain('--tools');
  });

  it('sends prompts that pi would read as an option or a file (-x, @file) through stdin', () => {
    for (const prompt of ['-x is a flag?', '@notes.md summarize']) {
      const spec = cmd({ prompt });
      expect(spec.stdin).toBe(prompt);
      expect(spec.args).not.toContain(prompt);
    }
  });

  it('warns about request fields pi cannot honour', () => {
    expect(cmd({ baseUrl: 'http://127.0.0.1:8080/v1', maxTurns: 3, sessionId: 'abc' }).warnings).toEqual([
      'Pi takes model endpoints from models.json, not from a base URL: http://127.0.0.1:8080/v1 was not used (add a provider with that baseUrl to models.json in the agent dir; see the @omnigent/plugin-pi README)',
      'Pi has no turn limit; maxTurns=3 was not applied',
      'Pi cannot start a session with a chosen id; abc was not used',
    ]);
  });

  it('MCP servers: Pi has none, so a warning names them before the run and nothing is passed', () => {
    const spec = cmd({ mcpServers: { docs: { type: 'stdio', command: 'node' } } });
    expect(spec.warnings).toEqual([
      "Pi has no MCP support; MCP servers docs were not applied (Pi's tools come from its extensions)",
    ]);
    expect(spec.args.join(' ')).not.toContain('docs');
  });

  it("declares the plugin: name, binary, credentials, capabilities; core's default detect reads the real pi's version from stderr", async () => {
    expect(piHarness.name).toBe('pi');
    expect(piHarness.provider).toBeUndefined();
    expect(piHarness.binary).toEqual({
      names: ['pi'],
      npmPackage: '@mariozechner/pi-coding-agent',
      install: 'npm install -g @mariozechner/pi-coding-agent',
    });
    expect(piHarness.credentialEnv).toEqual([
      'OPENAI_API_KEY',
      'ANTHROPIC_API_KEY',
      'GEMINI_API_KEY',
      'PI_CODING_AGENT_DIR',
    ]);
    expect(piHarness.capabilities).toMatchObject({
      resume: true,
      tokenUsage: 'per-call',
      cost: true,
      reasoning: true,
      streamingText: true,
      sandbox: false,
    });
    expect(piHarness.detect).toBeUndefined();
    const pkgDir = fileURLToPath(new URL('../node_modules/@mariozechner/pi-coding-agent', import.meta.url));
    const installed = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
    expect(await detectVersion(piHarness, join(pkgDir, 'dist', 'cli.js'))).toEqual({ version: installed });
  });

  it('bug: a prompt longer than the per-argument limit (128 KiB) could not be spawned: it goes through stdin', () => {
    const prompt = `Summarize: ${'x'.repeat(200_000)}`;
    const spec = cmd({ prompt });
    expect(spec.stdin).toBe(prompt);
    expect(spec.args).toEqual(['--mode', 'json', '-p']);
    // multi-byte text counts in bytes: 50k three-byte characters are 150 KB
    expect(cmd({ prompt: '€'.repeat(50_000) }).stdin).toBe('€'.repeat(50_000));
    expect(cmd({ prompt: 'short' }).stdin).toBeUndefined();
  });

  it('gap: continuing the most recent session (pi --continue) had no option', () => {
    expect(cmd({ options: { continueSession: true } }).args).toEqual(['--mode', 'json', '-p', '--continue', 'do it']);
    // an explicit session id wins
    expect(cmd({ resume: 'abc', options: { continueSession: true } }).args).toEqual([
      '--mode',
      'json',
      '-p',
      '--session',
      'abc',
      'do it',
    ]);
    expect(() => cmd({ options: { continueSession: 'yes' } })).toThrow(ConfigError);
  });

  it('bug: a system prompt longer than the per-argument limit could not be spawned: it goes in a file pi reads', () => {
    const long = `You are careful.\n${'rule '.repeat(30_000)}`;
    const spec = cmd({ systemPrompt: long, appendSystemPrompt: `Also: ${'more '.repeat(30_000)}` });
    const file = spec.args[spec.args.indexOf('--system-prompt') + 1]!;
    const appended = spec.args[spec.args.indexOf('--append-system-prompt') + 1]!;
    expect(readFileSync(file, 'utf8')).toBe(long);
    expect(readFileSync(appended, 'utf8')).toBe(`Also: ${'more '.repeat(30_000)}`);
    for (const a of spec.args) expect(Buffer.byteLength(a)).toBeLessThan(100_000);
    // short ones stay inline
    expect(cmd({ systemPrompt: 'terse' }).args).toContain('terse');
  });
});
