// `omnigent import` end to end through the CLI, on the session files the real Claude Code, Codex
// and Pi CLIs wrote (the plugins' test/fixtures/history, recorded by their scripts/record-history.mjs).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startOtlpReceiver } from '@omnigent/testkit';
import { CLI, runCli } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed CLI output, read field by field in the assertions
type Json = Record<string, any>;
const plugin = (name: string): string =>
  fileURLToPath(new URL(`../../../plugins/plugin-${name}/dist/index.js`, import.meta.url));
const fixtures = (name: string): string =>
  fileURLToPath(new URL(`../../../plugins/plugin-${name}/test/fixtures/history`, import.meta.url));

/** A scratch project whose config loads the three plugins, and each harness's history dir (copies). */
function project(): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'omnigent-import-'));
  writeFileSync(
    join(dir, 'omnigent.config.json'),
    JSON.stringify({ plugins: [plugin('claude-code'), plugin('codex'), plugin('pi')] }),
  );
  for (const h of ['claude-code', 'codex', 'pi']) cpSync(fixtures(h), join(dir, h), { recursive: true });
  return {
    dir,
    env: {
      CLAUDE_CONFIG_DIR: join(dir, 'claude-code'),
      CODEX_HOME: join(dir, 'codex'),
      PI_CODING_AGENT_DIR: join(dir, 'pi'),
    },
  };
}

describe('omnigent import', () => {
  it('imports each harness once; a second import finds only what is new; --dry-run writes nothing', async () => {
    const { dir, env } = project();
    const dry = await runCli(['import', '--dry-run'], { cwd: dir, env });
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      'claude-code: 1 session file, would import 1 (5 tool calls, 20,222 tokens), 0 already in the store',
    );
    expect(dry.stdout).toContain('dry run: nothing written');
    expect(existsSync(join(dir, '.store', 'index.jsonl'))).toBe(false);

    const first = JSON.parse((await runCli(['import', '--json'], { cwd: dir, env })).stdout) as Json;
    expect(first.harnesses.map((h: Json) => [h.harness, h.files, h.imported, h.already])).toEqual([
      ['claude-code', 1, 1, 0],
      ['codex', 1, 1, 0],
      ['pi', 1, 1, 0],
    ]);
    const again = JSON.parse((await runCli(['import', '--json'], { cwd: dir, env })).stdout) as Json;
    expect(again.harnesses.map((h: Json) => [h.harness, h.imported, h.already])).toEqual([
      ['claude-code', 0, 1],
      ['codex', 0, 1],
      ['pi', 0, 1],
    ]);
    expect(again.runIds).toEqual([]);

    const runs = JSON.parse((await runCli(['runs', '--source', 'imported', '--json'], { cwd: dir })).stdout) as Json[];
    const by = Object.fromEntries(runs.map((r) => [r.harness, r]));
    expect(Object.keys(by).sort()).toEqual(['claude-code', 'codex', 'pi']);
    // the same figures as the stream-json runs of the same sessions (the plugins' history tests compare them)
    expect(by['claude-code']).toMatchObject({
      source: 'imported',
      status: 'failed',
      toolCalls: 5,
      toolErrors: 1,
      usage: { input: 20050, output: 172, cacheRead: 2300, cacheWrite: 50, confidence: 'exact', source: 'derived' },
      tags: ['imported'],
      gitBranch: 'HEAD',
      kindSource: 'classified',
    });
    expect(by.codex).toMatchObject({
      toolCalls: 4,
      toolErrors: 1,
      model: 'gpt-5.5',
      usage: { input: 1560, output: 73, cacheRead: 1100, reasoning: 8 },
    });
    expect(by.pi).toMatchObject({ toolCalls: 4, toolErrors: 1, usage: { input: 1270, output: 74, cacheRead: 930 } });
    expect(by.pi.usage.costUsd).toBeCloseTo(0.000581, 9);
    // deterministic ids: the same session is the same run everywhere
    expect(first.runIds.sort()).toEqual(runs.map((r) => r.id).sort());
    expect((await runCli(['runs', '--source', 'live', '--json'], { cwd: dir })).stdout.trim()).toBe('[]');

    const show = await runCli(['runs', 'show', by.codex.id], { cwd: dir });
    expect(show.stdout).toMatch(/\n {2}source {3}imported from the harness's own history\n/);
    expect(show.stdout).toMatch(
      /command_execution \[shell\] \/bin\/bash -lc 'ls \/nonexistent-omnigent-dir'\s+-> FAILED \(error, exit 2\)/,
    );
    const insights = JSON.parse(
      (await runCli(['insights', '--since', '2026-01-01', '--json'], { cwd: dir })).stdout,
    ) as Json;
    expect(insights.runs).toBe(3);
    expect(insights.failures.toolCalls.total).toBe(3);
  });

  it('--since skips older sessions; an unknown harness is exit 2; a harness without history is exit 2', async () => {
    const { dir, env } = project();
    const later = await runCli(['import', '--since', '2099-01-01', '--json'], { cwd: dir, env });
    expect((JSON.parse(later.stdout) as Json).harnesses.every((h: Json) => h.imported === 0)).toBe(true);
    const unknown = await runCli(['import', '-H', 'nope'], { cwd: dir, env });
    expect(unknown.code).toBe(2);
    const blocked = join(dir, 'not-a-dir');
    writeFileSync(blocked, 'x');
    const nowhere = await runCli(['import', '-H', 'pi'], { cwd: dir, env: { ...env, OMNIGENT_STORE: blocked } });
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain(blocked);
    const fake = mkdtempSync(join(tmpdir(), 'omnigent-import-fake-'));
    writeFileSync(
      join(fake, 'omnigent.config.json'),
      JSON.stringify({ plugins: [fileURLToPath(new URL('../../testkit/dist/fake-plugin.js', import.meta.url))] }),
    );
    const none = await runCli(['import', '-H', 'fake'], { cwd: fake });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/fake cannot import its history/);
  });

  it('shows progress on a terminal (stderr), and nothing there when stderr is not one', () => {
    const { dir, env } = project();
    // util-linux `script` gives the CLI a real pseudo-terminal; its output is what the terminal got
    const tty = spawnSync('script', ['-qec', `${process.execPath} ${CLI} import -H codex --dry-run`, '/dev/null'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, ...env, OMNIGENT_STORE: join(dir, '.store') },
    });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toContain('importing codex: 1/1 sessions');
    expect(tty.stdout).toContain('codex: 1 session file, would import 1');
  });

  it('--export sends the imported runs as traces on ids derived from the session, so a repeat lands on the same traces', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const { dir, env } = project();
      const otel = {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-mlflow-experiment-id=0',
      };
      const r = await runCli(['import', '-H', 'codex', '--export'], { cwd: dir, env: { ...env, ...otel } });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/exported 1 run to /);
      const root = receiver.spans.find((s) => !s.parentSpanId)!;
      expect(root.name).toBe('invoke_agent codex');
      expect(receiver.spans.filter((s) => s.name.startsWith('execute_tool'))).toHaveLength(4);
      expect(receiver.mlflowTraces.has(`tr-${root.traceId}`)).toBe(true);
      // a fresh store importing the same session gets the same run id, hence the same trace: MLflow has it, nothing is sent twice
      const other = project();
      const again = await runCli(['import', '-H', 'codex', '--export'], {
        cwd: other.dir,
        env: { ...other.env, CODEX_HOME: env.CODEX_HOME!, ...otel },
      });
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/skipped 1 run already in MLflow/);
      expect(receiver.spans.filter((s) => !s.parentSpanId)).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });
});
