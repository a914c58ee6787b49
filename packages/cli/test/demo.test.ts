import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const DEMO_EVALS = fileURLToPath(new URL('../demo/evals/', import.meta.url));

/** Processes whose working directory contains `prefix` (an eval cell's checkout). */
function processesIn(prefix: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (cwd.includes(prefix)) out.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`);
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

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
    // then the eval: fix-bug on each harness, the scripted model that fixes add() passes the hidden tests, the other fails
    expect(r.stdout).toMatch(/eval \S+: 6 cells in temporary copies \(1 task × 6 per task\)/);
    const row = (label: string): string | undefined => r.stdout.split('\n').find((l) => l.startsWith(`${label} `));
    for (const [h, fixer, lazy] of [
      ['claude-code', 'claude-sonnet-4-5', 'claude-haiku-4-5'],
      ['codex', 'gpt-5', 'gpt-5-mini'],
      ['pi', 'fixer', 'lazy'],
    ]) {
      // runs, passes, pass rate with its Wilson interval, then cost per run and per passed task (~: priced from tokens)
      expect(row(`${h}/${fixer}/agent`)).toMatch(/\s1\s+1\s+100% \[21–100\]\s+~?\$0\.\d{4}\s+~?\$0\.\d{4}\s/);
      expect(row(`${h}/${lazy}/agent`)).toMatch(/\s1\s+0\s+0% \[0–79\]\s+~?\$0\.\d{4}\s+—\s/);
    }
    expect(r.stdout).toMatch(/HARNESS\/MODEL\/VARIANT\s+RUNS\s+PASS\s+PASS RATE \[95% CI\]\s+\$\/RUN\s+\$\/PASS/);
    expect(r.stderr).toContain('What it shows: a model that fixes the bug passes the hidden tests');
    expect(r.stderr).toMatch(/With your own keys: omnigent eval \S+demo\/evals --harness claude-code --model /);
    // the demo's copy of the task is untouched
    expect(readFileSync(join(DEMO_EVALS, 'fix-bug', 'repo', 'calc.js'), 'utf8')).toContain('return a - b');
    // scratch files are gone unless --keep
    const project = /Project:\s+(\S+)/.exec(r.stderr)?.[1];
    expect(project).toBeDefined();
    expect(existsSync(project!)).toBe(false);
    // the three runs were recorded by the store
    const runs = await runCli(['runs', '--json', '--limit', '50'], { cwd: dir, env });
    expect(runs.code).toBe(0);
    const stored = JSON.parse(runs.stdout) as Array<{ harness: string; tags?: string[]; checks?: unknown[] }>;
    // 3 workflow steps + 6 eval cells, the cells with their check results
    expect(
      stored
        .filter((x) => x.tags?.includes('demo'))
        .map((x) => x.harness)
        .sort(),
    ).toEqual(['claude-code', 'codex', 'pi']);
    const cells = stored.filter((x) => x.tags?.some((t) => t.startsWith('eval:')));
    expect(cells).toHaveLength(6);
    expect(cells.every((x) => x.checks?.length === 1)).toBe(true);
  }, 300_000);

  it('Ctrl-C during the eval: exit 130, no harness, setup or check process left, scratch files gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnigent-demo-test-'));
    const env = { OMNIGENT_STORE: join(dir, 'store'), ANTHROPIC_API_KEY: undefined, OPENAI_API_KEY: undefined };
    const seen: { running?: string[] } = {};
    let poll: NodeJS.Timeout | undefined;
    const r = await runCli(['demo'], {
      cwd: dir,
      env,
      onStdout: (text, child) => {
        // once the eval started, interrupt while a cell's process really runs in its checkout
        if (poll === undefined && /eval \S+: 6 cells/.test(text)) {
          poll = setInterval(() => {
            const running = processesIn('omnigent-eval-fix-bug-');
            if (running.length) {
              clearInterval(poll);
              seen.running = running;
              child.kill('SIGINT');
            }
          }, 20);
        }
      },
    });
    clearInterval(poll);
    expect(seen.running?.length ?? 0, `nothing ran when the demo was interrupted: ${r.stderr}`).toBeGreaterThan(0);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('interrupted: stopping the running harnesses');
    // the reaper's grace is 2 s
    await new Promise((ok) => setTimeout(ok, 3000));
    expect(processesIn('omnigent-eval-fix-bug-')).toEqual([]);
    const project = /Project:\s+(\S+)/.exec(r.stderr)?.[1];
    expect(existsSync(project!)).toBe(false);
  }, 300_000);

  it('--no-eval skips the eval; --no-store leaves no store behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnigent-demo-test-'));
    const env = { OMNIGENT_STORE: join(dir, 'store'), ANTHROPIC_API_KEY: undefined, OPENAI_API_KEY: undefined };
    const r = await runCli(['demo', '--no-eval', '--no-store'], { cwd: dir, env });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('workflow demo completed');
    expect(r.stdout).not.toMatch(/eval \S+: \d+ cells/);
    expect(r.stderr).not.toContain('Now a small eval');
    expect(existsSync(join(dir, 'store'))).toBe(false);
  }, 300_000);
});
