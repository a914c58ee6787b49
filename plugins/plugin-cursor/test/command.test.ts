import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_PROMPT_ARG_BYTES, cursorCommand } from '../src/command.js';

const ctx = { bin: '/usr/local/bin/cursor-agent', isRoot: false };

describe('cursorCommand', () => {
  it('runs print mode with stream-json and --trust, the workspace as cwd, and the prompt last after --', () => {
    const spec = cursorCommand({ prompt: 'Fix the build', cwd: '/tmp/proj' }, ctx);
    expect(spec.args).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--trust',
      '--workspace',
      '/tmp/proj',
      '--',
      'Fix the build',
    ]);
    expect(spec.cwd).toBe('/tmp/proj');
    expect(spec.stdin).toBeUndefined();
    expect(spec.env).toBeUndefined();
  });

  it('uses the current directory, made absolute, when no cwd is given', () => {
    const spec = cursorCommand({ prompt: 'hi' }, ctx);
    expect(spec.cwd).toBe(resolve(process.cwd()));
    expect(spec.args[spec.args.indexOf('--workspace') + 1]).toBe(resolve(process.cwd()));
  });

  it('passes --model, --resume and extra args before the -- separator', () => {
    const spec = cursorCommand(
      {
        prompt: 'again',
        cwd: '/w',
        model: 'claude-sonnet-4-5',
        resume: 'c6b62c6f-7ead-4fd6-9922-e952131177ff',
        extraArgs: ['--sandbox', 'disabled'],
      },
      ctx,
    );
    expect(spec.args).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--trust',
      '--model',
      'claude-sonnet-4-5',
      '--workspace',
      '/w',
      '--resume',
      'c6b62c6f-7ead-4fd6-9922-e952131177ff',
      '--sandbox',
      'disabled',
      '--',
      'again',
    ]);
  });

  it('adds --force for accept-edits and bypass only, and --mode plan for read-only', () => {
    const flags = (permissionMode?: 'default' | 'read-only' | 'accept-edits' | 'bypass') =>
      cursorCommand({ prompt: 'p', cwd: '/w', ...(permissionMode ? { permissionMode } : {}) }, ctx).args;
    expect(flags()).not.toContain('--force');
    expect(flags('default')).not.toContain('--force');
    expect(flags('accept-edits')).toContain('--force');
    expect(flags('bypass')).toContain('--force');
    expect(flags('read-only')).not.toContain('--force');
    const ro = flags('read-only');
    expect(ro.slice(ro.indexOf('--mode'), ro.indexOf('--mode') + 2)).toEqual(['--mode', 'plan']);
  });

  it('adds --stream-partial-output only when the plugin option is true', () => {
    expect(cursorCommand({ prompt: 'p', options: { streamPartialOutput: true } }, ctx).args).toContain(
      '--stream-partial-output',
    );
    expect(cursorCommand({ prompt: 'p', options: { streamPartialOutput: 'yes' } }, ctx).args).not.toContain(
      '--stream-partial-output',
    );
    expect(cursorCommand({ prompt: 'p' }, ctx).args).not.toContain('--stream-partial-output');
  });

  it('hands the API key over as CURSOR_API_KEY in the environment, never in argv', () => {
    const spec = cursorCommand({ prompt: 'p', options: { apiKey: 'key_secret_123' } }, ctx);
    expect(spec.env).toEqual({ CURSOR_API_KEY: 'key_secret_123' });
    expect(spec.args.join(' ')).not.toContain('key_secret_123');
    expect(spec.args).not.toContain('--api-key');
  });

  it('keeps a prompt that starts with a dash as the positional after --', () => {
    const spec = cursorCommand({ prompt: '--help me', cwd: '/w' }, ctx);
    expect(spec.args.slice(-2)).toEqual(['--', '--help me']);
  });
});

describe('long prompts', () => {
  it('bug: a prompt over 128 KiB went into argv (spawn E2BIG); it goes on stdin, with no `--` and no prompt argument', () => {
    const prompt = `-${'é'.repeat(60_000)}`; // 120,001 UTF-8 bytes, under 128 KiB of characters
    const spec = cursorCommand({ prompt, cwd: '/w' });
    expect(spec.stdin).toBe(prompt);
    expect(spec.args).not.toContain('--');
    expect(spec.args.some((a) => a.includes('éé'))).toBe(false);
    expect(spec.args.at(-1)).toBe('/w');
  });

  it('keeps a prompt up to the limit in argv after `--`, stdin closed', () => {
    const prompt = 'x'.repeat(MAX_PROMPT_ARG_BYTES);
    const spec = cursorCommand({ prompt, cwd: '/w' });
    expect(spec.args.slice(-2)).toEqual(['--', prompt]);
    expect(spec.stdin).toBeUndefined();
  });

  it('MCP servers: warned as not applied before the run, nothing written into .cursor/mcp.json', () => {
    const spec = cursorCommand({
      prompt: 'p',
      cwd: '/w',
      mcpServers: { docs: { type: 'stdio', command: 'node' }, web: { type: 'http', url: 'http://x/mcp' } },
    });
    expect(spec.warnings).toEqual([expect.stringContaining('MCP servers docs, web were not applied')]);
    expect(spec.args.join(' ')).not.toContain('mcp');
    expect(cursorCommand({ prompt: 'p', cwd: '/w' }).warnings).toBeUndefined();
  });
});
