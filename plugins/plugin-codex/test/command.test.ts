import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { detectVersion } from '@omnigent/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRequest } from '@omnigent/core';
import codex from '../src/index.js';
import { codexCommand, insideGitRepo } from '../src/command.js';
import { toToml } from '../src/toml.js';

const ctx = { bin: '/usr/bin/codex', isRoot: true };
const scratch = mkdtempSync(join(tmpdir(), 'codex-cmd-'));
const plain = join(scratch, 'plain');
const repo = join(scratch, 'repo');
mkdirSync(plain, { recursive: true });
mkdirSync(join(repo, '.git'), { recursive: true });
writeFileSync(join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
mkdirSync(join(plain, '.git-not'), { recursive: true });
mkdirSync(join(repo, 'sub', 'dir'), { recursive: true });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const args = (request: Partial<RunRequest>): string[] =>
  codexCommand({ prompt: 'do it', cwd: plain, ...request }, ctx).args;
/** Values of every `-c` flag. */
const configs = (a: string[]): string[] => a.flatMap((v, i) => (a[i - 1] === '-c' ? [v] : []));

describe('codex command()', () => {
  it('runs exec --json with the prompt on stdin (`-` last) and the cwd as -C', () => {
    const spec = codexCommand({ prompt: 'fix the test', cwd: plain }, ctx);
    expect(spec.args.slice(0, 2)).toEqual(['exec', '--json']);
    expect(spec.args.at(-1)).toBe('-');
    expect(spec.args).not.toContain('fix the test');
    expect(spec.stdin).toBe('fix the test');
    expect(spec.args[spec.args.indexOf('-C') + 1]).toBe(plain);
    expect(spec.cwd).toBe(plain);
  });

  it('maps the model to -m and always sets approval_policy="never"', () => {
    const a = args({ model: 'gpt-5.5' });
    expect(a[a.indexOf('-m') + 1]).toBe('gpt-5.5');
    expect(configs(a)).toContain('approval_policy="never"');
    expect(configs(args({ options: { approvalPolicy: 'on-request' } }))).toContain('approval_policy="on-request"');
  });

  it('maps permission modes onto the sandbox', () => {
    const sandbox = (permissionMode?: RunRequest['permissionMode']) => {
      const a = args(permissionMode ? { permissionMode } : {});
      return a[a.indexOf('-s') + 1];
    };
    expect(sandbox()).toBe('workspace-write');
    expect(sandbox('accept-edits')).toBe('workspace-write');
    expect(sandbox('read-only')).toBe('read-only');
    expect(sandbox('bypass')).toBe('danger-full-access');
  });

  it('adds --skip-git-repo-check only outside a git repository (found upward)', () => {
    expect(insideGitRepo(join(repo, 'sub', 'dir'))).toBe(true);
    expect(insideGitRepo(plain)).toBe(false);
    expect(args({})).toContain('--skip-git-repo-check');
    expect(args({ cwd: join(repo, 'sub', 'dir') })).not.toContain('--skip-git-repo-check');
    expect(args({ cwd: repo, options: { skipGitRepoCheck: true } })).toContain('--skip-git-repo-check');
  });

  it('puts every exec-level option before `resume <id> -`', () => {
    const a = args({ resume: 'thread-1', model: 'm', extraArgs: ['--enable', 'x'] });
    expect(a.slice(-3)).toEqual(['resume', 'thread-1', '-']);
    for (const flag of ['-C', '-s', '-m', '--enable']) expect(a.indexOf(flag)).toBeLessThan(a.indexOf('resume'));
  });

  it('writes config overrides as TOML values', () => {
    const c = configs(
      args({
        options: {
          config: {
            model_reasoning_effort: 'low',
            'sandbox_workspace_write.network_access': true,
            'tools.list': ['a', 'b'],
            retries: 0,
          },
        },
      }),
    );
    expect(c).toEqual(
      expect.arrayContaining([
        'model_reasoning_effort="low"',
        'sandbox_workspace_write.network_access=true',
        'tools.list=["a", "b"]',
        'retries=0',
      ]),
    );
  });

  it('makes options.provider the active model provider, with the request base URL', () => {
    const c = configs(
      args({
        baseUrl: 'http://127.0.0.1:9/v1',
        options: { provider: { id: 'mock', env_key: 'MOCK_API_KEY', request_max_retries: 0 } },
      }),
    );
    expect(c).toContain(
      'model_providers.mock={ name = "mock", wire_api = "responses", env_key = "MOCK_API_KEY", request_max_retries = 0, base_url = "http://127.0.0.1:9/v1" }',
    );
    expect(c).toContain('model_provider="mock"');
  });

  it('sends a bare base URL to the built-in OpenAI provider, and a provider name as model_provider', () => {
    const c = configs(args({ baseUrl: 'http://127.0.0.1:9/v1', provider: 'ollama' }));
    expect(c).toEqual(expect.arrayContaining(['openai_base_url="http://127.0.0.1:9/v1"', 'model_provider="ollama"']));
  });

  it('replaces the system prompt through model_instructions_file and appends via developer_instructions', () => {
    const c = configs(args({ systemPrompt: 'You are terse.\nAlways "quote".', appendSystemPrompt: 'Also be kind.' }));
    const file = c.find((v) => v.startsWith('model_instructions_file='))!;
    const path = JSON.parse(file.slice('model_instructions_file='.length)) as string;
    expect(readFileSync(path, 'utf8')).toBe('You are terse.\nAlways "quote".');
    expect(c).toContain('developer_instructions="Also be kind."');
  });

  it('passes ephemeral, profile, add-dir and extra args through', () => {
    const a = args({ options: { ephemeral: true, profile: 'ci', addDirs: ['/tmp/x'] }, extraArgs: ['--oss'] });
    expect(a).toEqual(expect.arrayContaining(['--ephemeral', '-p', 'ci', '--add-dir', '/tmp/x', '--oss']));
  });

  it('serializes TOML strings with escapes, nested tables and rejects non-TOML values', () => {
    expect(toToml('a "b"\n')).toBe('"a \\"b\\"\\n"');
    expect(toToml({ 'a.b': { c: 1 } })).toBe('{ "a.b" = { c = 1 } }');
    expect(() => toToml(null)).toThrow(TypeError);
  });
});

describe('codex plugin definition', () => {
  it('declares the binary, provider, credentials and capabilities', () => {
    expect(codex.name).toBe('codex');
    expect(codex.binary).toEqual({
      names: ['codex'],
      npmPackage: '@openai/codex',
      install: 'npm install -g @openai/codex',
    });
    expect(codex.provider).toBe('openai');
    expect(codex.credentialEnv).toEqual(['OPENAI_API_KEY', 'CODEX_API_KEY', 'CODEX_HOME']);
    expect(codex.capabilities).toMatchObject({
      resume: true,
      tokenUsage: 'per-turn',
      cost: false,
      fileChanges: true,
      sandbox: true,
    });
  });

  it("detects the version of the installed codex (`codex-cli 0.169.0`) with core's default detect", async () => {
    expect(codex.detect).toBeUndefined();
    const bin = join(dirname(createRequire(import.meta.url).resolve('@openai/codex/package.json')), 'bin', 'codex.js');
    const r = await detectVersion(codex, bin);
    expect(r.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
