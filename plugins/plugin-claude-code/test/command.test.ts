import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';
import { claudeCommand } from '../src/command.js';
import { parseClaudeVersion } from '../src/detect.js';

const ctx = { bin: '/usr/bin/claude', isRoot: false };

describe('command()', () => {
  it('always asks for NDJSON with --verbose and partial messages, prompt on stdin', () => {
    const spec = claudeCommand({ prompt: '-starts with a dash' }, ctx);
    expect(spec.args).toEqual(['-p', '--output-format', 'stream-json', '--verbose', '--include-partial-messages']);
    expect(spec.stdin).toBe('-starts with a dash');
    expect(spec.env).toBeUndefined();
  });

  it('maps every request field onto its flag', () => {
    const spec = claudeCommand(
      {
        prompt: 'p',
        model: 'claude-sonnet-4-5',
        cwd: '/work/dir',
        resume: 'abc',
        permissionMode: 'accept-edits',
        allowedTools: ['Bash(git *)', 'Read'],
        disallowedTools: ['WebFetch'],
        systemPrompt: 'sys',
        appendSystemPrompt: 'more',
        maxTurns: 4,
        extraArgs: ['--add-dir', '/tmp'],
        baseUrl: 'http://127.0.0.1:9',
      },
      ctx,
    );
    expect(spec.args.slice(5)).toEqual([
      '--model',
      'claude-sonnet-4-5',
      '--resume',
      'abc',
      '--permission-mode',
      'acceptEdits',
      '--allowedTools=Bash(git *),Read',
      '--disallowedTools=WebFetch',
      '--system-prompt',
      'sys',
      '--append-system-prompt',
      'more',
      '--max-turns',
      '4',
      '--add-dir',
      '/tmp',
    ]);
    expect(spec.cwd).toBe('/work/dir');
    expect(spec.env).toEqual({ ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' });
  });

  it('maps permission modes; bypass as root sets IS_SANDBOX=1, as a normal user it does not', () => {
    const flag = (mode: 'default' | 'read-only' | 'accept-edits' | 'bypass') => {
      const a = claudeCommand({ prompt: 'p', permissionMode: mode }, ctx).args;
      const i = a.indexOf('--permission-mode');
      return i < 0 ? undefined : a[i + 1];
    };
    expect([flag('default'), flag('read-only'), flag('accept-edits'), flag('bypass')]).toEqual([
      undefined,
      'plan',
      'acceptEdits',
      'bypassPermissions',
    ]);
    expect(claudeCommand({ prompt: 'p', permissionMode: 'bypass' }, { ...ctx, isRoot: true }).env).toEqual({
      IS_SANDBOX: '1',
    });
    expect(claudeCommand({ prompt: 'p', permissionMode: 'bypass' }, ctx).env).toBeUndefined();
  });

  it('uses --session-id for a new session and --resume wins over it', () => {
    const id = '0f8e7a8c-1111-4222-8333-444455556666';
    expect(claudeCommand({ prompt: 'p', sessionId: id }, ctx).args).toContain('--session-id');
    const both = claudeCommand({ prompt: 'p', sessionId: id, resume: 'r' }, ctx).args;
    expect(both).toContain('--resume');
    expect(both).not.toContain('--session-id');
  });
});

describe('plugin definition', () => {
  it('declares the binary, provider, credentials and capabilities', () => {
    expect(plugin.name).toBe('claude-code');
    expect(plugin.binary).toEqual({
      names: ['claude'],
      npmPackage: '@anthropic-ai/claude-code',
      install: 'npm install -g @anthropic-ai/claude-code',
    });
    expect(plugin.provider).toBe('anthropic');
    expect(plugin.credentialEnv).toEqual([
      'ANTHROPIC_API_KEY',
      'ANTHROPIC_AUTH_TOKEN',
      'ANTHROPIC_BASE_URL',
      'CLAUDE_CODE_OAUTH_TOKEN',
    ]);
    expect(plugin.capabilities).toMatchObject({
      resume: true,
      tokenUsage: 'per-call',
      cost: true,
      reasoning: true,
      streamingText: true,
      subagents: true,
    });
  });

  it('detect() reads the version from `claude --version`', async () => {
    expect(parseClaudeVersion('2.1.197 (Claude Code)\n')).toEqual({
      version: '2.1.197',
      details: { product: 'Claude Code' },
    });
    const seen: string[][] = [];
    const found = await plugin.detect!('/x/claude', async (args) => {
      seen.push(args);
      return { stdout: '2.1.197 (Claude Code)', stderr: '', exitCode: 0 };
    });
    expect(seen).toEqual([['--version']]);
    expect(found.version).toBe('2.1.197');
  });

  it('detect() reads 2.1.197 from the installed binary', async () => {
    const bin = join(dirname(fileURLToPath(import.meta.url)), '../node_modules/.bin/claude');
    const found = await plugin.detect!(
      bin,
      (args) =>
        new Promise((resolve) =>
          execFile(bin, args, { timeout: 60_000 }, (error, stdout, stderr) =>
            resolve({ stdout, stderr, exitCode: error ? 1 : 0 }),
          ),
        ),
    );
    expect(found.version).toBe('2.1.197');
  });
});
