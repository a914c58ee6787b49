import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACP_AGENT_BIN, acpAgentEnv } from '@omnigent/testkit';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const OMNIGENT = join(here, '..', '..', '..', 'packages', 'cli', 'bin', 'omnigent.js');

const SCRIPT = acpAgentEnv({
  agentInfo: { name: 'scripted', version: '9.9.9' },
  usage: { inputTokens: 10, outputTokens: 3, totalTokens: 13 },
  steps: [{ say: 'hello from acp' }],
});

function project(config?: string): { dir: string; store: string } {
  const dir = mkdtempSync(join(tmpdir(), 'omnigent-acp-cli-'));
  if (config) writeFileSync(join(dir, 'omnigent.config.json'), config);
  return { dir, store: join(dir, 'store') };
}

/** Run the real CLI; never rejects. */
function omnigent(
  args: string[],
  p: { dir: string; store: string },
  env: Record<string, string> = SCRIPT,
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [OMNIGENT, ...args], {
      cwd: p.dir,
      env: { ...process.env, ...env, OMNIGENT_STORE: p.store, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

function events(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('omnigent CLI with ACP agents', () => {
  it('run --agent "<command>" runs the agent under -H acp (implied), and the run is stored', async () => {
    const p = project();
    const r = await omnigent(['run', '--agent', `${process.execPath} ${ACP_AGENT_BIN}`, '--json', 'say hi'], p);
    expect(r.exitCode, r.stderr).toBe(0);
    const ev = events(r.stdout);
    expect(ev[0]).toMatchObject({ type: 'session.started', harness: 'acp', harnessVersion: '9.9.9' });
    expect(ev.at(-1)).toMatchObject({
      type: 'run.completed',
      result: 'hello from acp',
      usage: { input: 10, output: 3 },
    });
    const runs = await omnigent(['runs', '--json'], p);
    expect(JSON.parse(runs.stdout)).toMatchObject([
      {
        harness: 'acp',
        status: 'completed',
        harnessVersion: '9.9.9',
        usage: { input: 10, output: 3, source: 'result' },
      },
    ]);
  });

  it('a named agent in config is its own harness: run, plugins and doctor list it', async () => {
    const p = project(
      JSON.stringify({ harnesses: { scripted: { plugin: 'acp', command: [process.execPath, ACP_AGENT_BIN] } } }),
    );
    const r = await omnigent(['run', '-H', 'scripted', '--json', 'say hi'], p);
    expect(r.exitCode, r.stderr).toBe(0);
    const ev = events(r.stdout);
    expect(ev.every((e) => e.harness === 'scripted')).toBe(true);
    expect(ev.at(-1)).toMatchObject({ type: 'run.completed', result: 'hello from acp' });

    const plugins = JSON.parse((await omnigent(['plugins', '--json'], p)).stdout) as {
      plugins: Array<{ harness: string }>;
    };
    expect(plugins.plugins.map((x) => x.harness)).toEqual(expect.arrayContaining(['acp', 'scripted']));
    const doctor = JSON.parse((await omnigent(['doctor', '--json'], p)).stdout) as {
      harnesses: Array<{ harness: string; found: boolean; bin?: string }>;
    };
    expect(doctor.harnesses.find((h) => h.harness === 'scripted')).toMatchObject({
      found: true,
      bin: process.execPath,
    });
    // the plugin itself has no binary: not "missing", it runs the agent a run names
    expect(doctor.harnesses.find((h) => h.harness === 'acp')).toMatchObject({ found: true, binSource: 'agent' });
  });

  it('a named agent runs as a workflow step', async () => {
    const p = project(
      JSON.stringify({ harnesses: { scripted: { plugin: 'acp', command: [process.execPath, ACP_AGENT_BIN] } } }),
    );
    writeFileSync(
      join(p.dir, 'flow.yaml'),
      'name: acp-flow\nsteps:\n  - id: ask\n    harness: scripted\n    prompt: say hi\n',
    );
    const r = await omnigent(['workflow', 'run', 'flow.yaml'], p);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain('scripted');
  });

  it('usage errors exit 2 and say what to do: -H acp without an agent, an unclosed quote, --agent with --bin, a named agent on a missing plugin', async () => {
    const p = project();
    const none = await omnigent(['run', '-H', 'acp', 'x'], p);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('--agent "<command>"');
    const quote = await omnigent(['run', '--agent', "node 'oops", 'x'], p);
    expect(quote.exitCode).toBe(2);
    expect(quote.stderr).toContain('unclosed');
    const both = await omnigent(['run', '--agent', 'node', '--bin', 'node', 'x'], p);
    expect(both.exitCode).toBe(2);
    const missing = project(JSON.stringify({ harnesses: { ghost: { plugin: 'no-such-plugin', command: ['node'] } } }));
    const r = await omnigent(['run', '-H', 'ghost', 'x'], missing);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('no-such-plugin');
  });

  it('an agent command that does not exist exits 127 naming it', async () => {
    const r = await omnigent(['run', '--agent', 'no-such-acp-agent --acp', 'x'], project());
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toContain('no-such-acp-agent');
  });
});
