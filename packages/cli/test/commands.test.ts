import { describe, expect, it } from 'vitest';
import { runCli, scratch } from './helpers.js';

describe('omnigent --help / --version / plugins / doctor', () => {
  it('--help lists the commands and the exit codes', async () => {
    const r = await runCli(['--help'], { cwd: scratch() });
    expect(r.code).toBe(0);
    for (const c of ['run', 'plugins', 'doctor']) expect(r.stdout).toContain(`omnigent ${c}`);
    expect(r.stdout).toContain('127 harness binary not found');
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version'], { cwd: scratch() });
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('plugins lists the config-named fake plugin with its contract version', async () => {
    const r = await runCli(['plugins', '--json'], { cwd: scratch() });
    const out = JSON.parse(r.stdout) as {
      plugins: Array<{ harness: string; contractVersion: number; source: string }>;
    };
    expect(out.plugins.find((p) => p.harness === 'fake')).toMatchObject({ contractVersion: 1, source: 'config' });
  });

  it('doctor shows which credential variables are set and header names, never their values', async () => {
    const secret = 'sk-very-secret-value-123';
    const r = await runCli(['doctor'], {
      cwd: scratch(),
      env: {
        ANTHROPIC_API_KEY: secret,
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: `x-mlflow-experiment-id=0,authorization=Bearer ${secret}`,
        OMNIGENT_TELEMETRY_ENABLED: 'true',
      },
    });
    expect(r.stdout + r.stderr).not.toContain(secret);
    expect(r.stdout).toContain(
      'OTEL_EXPORTER_OTLP_TRACES_HEADERS=names: x-mlflow-experiment-id, authorization (values hidden)',
    );
    expect(r.stdout).toMatch(/ok\s+fake/);
  });
});
