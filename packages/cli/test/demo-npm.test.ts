// #18: `omnigent demo` from an npm install (no clone): the workflow ships in the package, the mock
// model servers come from @omnigent/testkit found at run time, missing harness CLIs are skipped.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planDemo } from '../src/commands/demo/plan.js';
import type { CliResult } from './helpers.js';
import { installCli, type InstalledCli } from './installed-cli.js';

function demo(cli: InstalledCli): Promise<CliResult> {
  const cwd = realpathSync(mkdtempSync(join(tmpdir(), 'omnigent-demo-npm-')));
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...cli.env, OMNIGENT_STORE: join(cwd, 'store') };
    delete env.ANTHROPIC_API_KEY;
    delete env.OPENAI_API_KEY;
    delete env.FORCE_COLOR;
    const child = spawn(process.execPath, [cli.bin, 'demo'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('planDemo', () => {
  const steps = [
    { id: 'build', harness: 'claude-code', needs: [] },
    { id: 'test', harness: 'pi', needs: ['build'] },
    { id: 'review', harness: 'codex', needs: ['build'] },
  ];
  it('runs the steps whose harness is present, skips the others and what needs them', () => {
    expect(planDemo(steps, (h) => h !== 'codex')).toEqual({
      run: ['build', 'test'],
      skipped: [{ id: 'review', harness: 'codex', why: 'the codex CLI is not installed' }],
    });
    expect(planDemo(steps, (h) => h !== 'claude-code')).toEqual({
      run: [],
      skipped: [
        { id: 'build', harness: 'claude-code', why: 'the claude-code CLI is not installed' },
        { id: 'test', harness: 'pi', why: 'it needs build, which is skipped' },
        { id: 'review', harness: 'codex', why: 'it needs build, which is skipped' },
      ],
    });
  });
});

describe('omnigent demo from an npm install', () => {
  it('ships the same workflow as examples/workflows/demo.yaml', () => {
    const shipped = readFileSync(fileURLToPath(new URL('../demo/demo.yaml', import.meta.url)), 'utf8');
    const example = readFileSync(
      fileURLToPath(new URL('../../../examples/workflows/demo.yaml', import.meta.url)),
      'utf8',
    );
    expect(shipped).toBe(example);
  });

  it("ships the same fix-bug task as examples/evals/fix-bug (the demo's eval)", () => {
    const rel = ['task.yaml', 'repo/calc.js', 'repo/package.json', 'hidden/test/calc.hidden.test.js'];
    for (const f of rel) {
      const shipped = readFileSync(fileURLToPath(new URL(`../demo/evals/fix-bug/${f}`, import.meta.url)), 'utf8');
      const example = readFileSync(
        fileURLToPath(new URL(`../../../examples/evals/fix-bug/${f}`, import.meta.url)),
        'utf8',
      );
      expect(shipped, f).toBe(example);
    }
  });

  it('without @omnigent/testkit: exit 2 with the exact install command', async () => {
    const r = await demo(installCli(['@omnigent/plugin-claude-code']));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'omnigent demo (its scripted model servers) needs @omnigent/testkit, which is not installed',
    );
    expect(r.stderr).toContain('npm install -g @omnigent/testkit');
  });

  it('without any harness plugin: exit 2 naming what to install', async () => {
    const r = await demo(installCli(['@omnigent/testkit']));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('npm install -g @omnigent/plugin-claude-code @anthropic-ai/claude-code');
  });

  it('with Claude Code and Pi but no Codex: runs build and test for real, skips review with a note, exit 0', async () => {
    const r = await demo(installCli(['@omnigent/testkit', '@omnigent/plugin-claude-code', '@omnigent/plugin-pi']));
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stderr).toContain('Skipped step review (codex): the codex CLI is not installed.');
    expect(r.stderr).toContain('npm install -g @omnigent/plugin-codex @openai/codex');
    expect(r.stdout).toMatch(/ok test /);
    expect(r.stdout).not.toMatch(/review/);
    expect(r.stdout).toContain('workflow demo completed');
    // the eval ships in the package and runs on the two harnesses there are
    expect(r.stdout).toMatch(/eval \S+: 4 cells in temporary copies/);
    expect(r.stdout).toMatch(/^claude-code\/claude-sonnet-4-5\/agent\s+1\s+1\s+100%/m);
    expect(r.stdout).toMatch(/^pi\/lazy\/agent\s+1\s+0\s+0%/m);
    expect(r.stdout).not.toMatch(/^codex\//m);
  }, 180_000);
});
