// #18: discovery says what it skipped and never invents package names. Run with omnigent installed
// like a global npm package outside the repository (no plugin installed next to it).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliResult } from './helpers.js';
import { installCli } from './installed-cli.js';

const cli = installCli();

function run(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli.bin, ...args], {
      cwd,
      env: { ...process.env, ...cli.env, OMNIGENT_STORE: join(cwd, '.store') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const project = (): string => realpathSync(mkdtempSync(join(tmpdir(), 'omnigent-discovery-')));

describe('omnigent plugins', () => {
  it('regression: a package named like a plugin without the "omnigent" field is reported, not ignored silently', async () => {
    const dir = project();
    const pkg = join(dir, 'node_modules', 'omnigent-plugin-aider');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({ name: 'omnigent-plugin-aider', version: '1.0.0', type: 'module', main: 'index.js' }),
    );
    writeFileSync(join(pkg, 'index.js'), 'export default {};\n');
    const r = await run(['plugins'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('omnigent-plugin-aider');
    expect(r.stdout).toContain('ignored: no "omnigent" field in package.json');
    expect(r.stdout).toContain('see the "Plugins and discovery" section of the omnigent README');
    const j = JSON.parse((await run(['plugins', '--json'], dir)).stdout) as { ignored: Array<{ packageName: string }> };
    expect(j.ignored.map((p) => p.packageName)).toEqual(['omnigent-plugin-aider']);
  });

  it('lists the first-party plugins that are not installed, with their install command', async () => {
    const r = await run(['plugins'], project());
    expect(r.stdout).toContain('First-party plugins not installed:');
    for (const h of ['claude-code', 'codex', 'cursor', 'pi', 'acp'])
      expect(r.stdout).toMatch(new RegExp(`${h}\\s+npm install -g @omnigent/plugin-${h}\\n`));
  });
});

describe('an unknown harness', () => {
  it('regression: the hint names @omnigent/plugin-<x> only for first-party harnesses', async () => {
    const dir = project();
    const aider = await run(['run', '-H', 'aider', 'x'], dir);
    expect(aider.code).toBe(2);
    expect(aider.stderr).not.toContain('plugin-aider');
    expect(aider.stderr).toContain('"aider" is not a first-party harness');
    const cursor = await run(['run', '-H', 'cursor', 'x'], dir);
    expect(cursor.code).toBe(2);
    expect(cursor.stderr).toContain('npm install -g @omnigent/plugin-cursor');
  });

  it('regression: a plugin that fails to load is named once, not twice', async () => {
    const dir = project();
    writeFileSync(join(dir, 'broken-plugin.mjs'), 'export default 42;\n');
    writeFileSync(join(dir, 'omnigent.config.json'), JSON.stringify({ plugins: ['./broken-plugin.mjs'] }));
    const r = await run(['run', '-H', 'nope', 'x'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.split('Plugin ./broken-plugin.mjs').length - 1).toBe(1);
  });
});
