// #18: @omnigent/telemetry-otel is optional. Tested with omnigent installed like a global npm
// package outside the repository, with and without the telemetry package next to it.
import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAKE_PLUGIN, runCli, scratch, transcript, type CliResult } from './helpers.js';
import { installCli } from './installed-cli.js';

const session = { type: 'session.started', cwd: '/w', sessionId: 's-1', model: 'fake-model' };
const INSTALL = 'npm install -g @omnigent/telemetry-otel';

/** A project dir outside the repository using the fake plugin, with a one-line answer. */
function project(): { dir: string; t: string } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'omnigent-project-')));
  writeFileSync(join(dir, 'omnigent.config.json'), JSON.stringify({ plugins: [FAKE_PLUGIN] }));
  const t = transcript(dir, 't.jsonl', [
    session,
    { type: 'message', role: 'assistant', text: 'the answer' },
    { type: 'result', ok: true, result: 'the answer' },
  ]);
  return { dir, t };
}

function run(bin: string, args: string[], cwd: string, env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { ...process.env, OMNIGENT_STORE: join(cwd, '.store'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const TELEMETRY_ON = { OMNIGENT_TELEMETRY_ENABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' };
const count = (text: string, part: string): number => text.split(part).length - 1;

describe('omnigent installed without @omnigent/telemetry-otel', () => {
  const cli = installCli();

  it('a run with telemetry on says once how to install it, and completes without telemetry', async () => {
    const { dir, t } = project();
    const r = await run(cli.bin, ['run', '-H', 'fake', 'x'], dir, {
      ...cli.env,
      ...TELEMETRY_ON,
      OMNIGENT_FAKE_TRANSCRIPT: t,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('the answer');
    expect(count(r.stderr, INSTALL)).toBe(1);
    expect(r.stderr).toContain('running without it');
  });

  it('a two-step workflow with telemetry on says it once, not per step', async () => {
    const { dir, t } = project();
    const wf = join(dir, 'wf.yaml');
    writeFileSync(
      wf,
      [
        'steps:',
        `  - { id: a, harness: fake, env: { OMNIGENT_FAKE_TRANSCRIPT: "${t}" }, prompt: x }`,
        `  - { id: b, harness: fake, needs: a, env: { OMNIGENT_FAKE_TRANSCRIPT: "${t}" }, prompt: y }`,
      ].join('\n'),
    );
    const r = await run(cli.bin, ['workflow', 'run', wf], dir, { ...cli.env, ...TELEMETRY_ON });
    expect(r.code).toBe(0);
    expect(count(r.stderr, INSTALL)).toBe(1);
  });

  it('with telemetry off, nothing is said about it', async () => {
    const { dir, t } = project();
    const r = await run(cli.bin, ['run', '-H', 'fake', 'x'], dir, {
      ...cli.env,
      OMNIGENT_FAKE_TRANSCRIPT: t,
      OMNIGENT_TELEMETRY_ENABLED: 'false',
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('doctor reports it missing with the install command, and enabled', async () => {
    const { dir } = project();
    const r = await run(cli.bin, ['doctor'], dir, { ...cli.env, ...TELEMETRY_ON });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('telemetry: enabled; @omnigent/telemetry-otel not installed');
    expect(r.stdout).toContain(INSTALL);
    const j = await run(cli.bin, ['doctor', '--json'], dir, cli.env);
    expect(JSON.parse(j.stdout).telemetryPackage).toMatchObject({ installed: false, enabled: false, install: INSTALL });
  });

  it('export says the same and exits 2', async () => {
    const { dir, t } = project();
    expect(
      (await run(cli.bin, ['run', '-H', 'fake', 'x'], dir, { ...cli.env, OMNIGENT_FAKE_TRANSCRIPT: t })).code,
    ).toBe(0);
    const r = await run(cli.bin, ['export', '--since', '1d'], dir, cli.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('omnigent export needs @omnigent/telemetry-otel, which is not installed');
    expect(r.stderr).toContain(INSTALL);
  });
});

describe('omnigent with @omnigent/telemetry-otel installed globally next to it', () => {
  it('doctor finds it in the global node_modules', async () => {
    const cli = installCli(['@omnigent/telemetry-otel']);
    const { dir } = project();
    const r = await run(cli.bin, ['doctor', '--json'], dir, { ...cli.env, ...TELEMETRY_ON });
    const pkg = JSON.parse(r.stdout).telemetryPackage;
    expect(pkg).toMatchObject({
      installed: true,
      enabled: true,
      dir: join(cli.prefix, 'lib', 'node_modules', '@omnigent', 'telemetry-otel'),
    });
  });
});

describe('doctor and endpoint passwords', () => {
  it('regression: the password of an endpoint URL is masked (env and config file)', async () => {
    const dir = scratch({ telemetry: { endpoint: 'https://cfg-user:cfg-secret@mlflow.example/otel' } });
    const r = await runCli(['doctor'], {
      cwd: dir,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://alice:s3cret-pw@collector.example:4318' },
    });
    expect(r.stdout).toContain('https://alice:***@collector.example:4318');
    expect(r.stdout).toContain('https://cfg-user:***@mlflow.example/otel');
    expect(r.stdout).not.toContain('s3cret-pw');
    expect(r.stdout).not.toContain('cfg-secret');
    const j = await runCli(['doctor', '--json'], {
      cwd: dir,
      env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://bob:hunter2@h/v1/traces' },
    });
    expect(j.stdout).not.toContain('hunter2');
  });
});
