import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

describe('omnigent demo', () => {
  it('runs the example workflow on the real Claude Code, Codex and Pi against scripted local models, ends with the comparison', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnigent-demo-test-'));
    const env = {
      OMNIGENT_STORE: join(dir, 'store'),
      FORCE_COLOR: undefined,
      ANTHROPIC_API_KEY: undefined,
      OPENAI_API_KEY: undefined,
    };
    const r = await runCli(['demo'], { cwd: dir, env });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stderr).toContain('The models are scripted');
    // live view off a TTY: one line per step event
    expect(r.stdout).toMatch(/> build started \(claude-code · claude-sonnet-4-5\) in worktree /);
    expect(r.stdout).toMatch(/ok test /);
    expect(r.stdout).toMatch(/ok review /);
    // the summary table: exact token figures the scripted models sent
    expect(r.stdout).toMatch(/step\s+harness\s+model\s+status\s+duration\s+tokens\s+cost/);
    expect(r.stdout).toMatch(/build\s+claude-code\s+claude-sonnet-4-5\s+done\s+\S+\s+7,150\s+\$\d+\.\d{4}/);
    expect(r.stdout).toMatch(/test\s+pi\s+mock-model\s+done\s+\S+\s+3,255\s+\$0\.0033/);
    // codex reports no cost: priced from its tokens with the price catalog (gpt-5.5: 2,400 in, 48 out), marked ~
    expect(r.stdout).toMatch(/review\s+codex\s+gpt-5\.5\s+done\s+\S+\s+2,448\s+~\$0\.0134/);
    expect(r.stdout).toMatch(
      /total\s+12,853\s+~\$0\.\d{4}\n~ estimated: review reported no cost; priced from its tokens with the price catalog\n/,
    );
    expect(r.stdout).toContain('workflow demo completed');
    expect(r.stderr).toContain('Claude Code wrote farewell.js, farewell.test.js in a worktree');
    expect(r.stderr).toMatch(/answered 2 Anthropic Messages, 1 OpenAI Responses and 2 Chat Completions requests/);
    // scratch files are gone unless --keep
    const project = /Project:\s+(\S+)/.exec(r.stderr)?.[1];
    expect(project).toBeDefined();
    expect(existsSync(project!)).toBe(false);
    // the three runs were recorded by the store
    const runs = await runCli(['runs'], { cwd: dir, env });
    expect(runs.code).toBe(0);
    for (const h of ['claude-code', 'codex', 'pi']) expect(runs.stdout).toContain(h);
  });
});
