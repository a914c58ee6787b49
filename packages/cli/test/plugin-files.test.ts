// #18: the README's `plugins: - ./my-harness-plugin.mjs` works from a directory where
// @omnigent/core cannot be resolved (a global omnigent, a project without node_modules).
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './helpers.js';

const PLUGIN = `import { defineHarness } from '@omnigent/core';
export default defineHarness({
  name: 'echo',
  meta: { version: '1.0.0' },
  capabilities: {},
  binary: { names: ['echo-harness'], install: 'write one' },
  command: (request) => ({ args: [request.prompt] }),
  createState: () => ({}),
  translate: (record) => [record],
  finish: () => ({}),
});
`;
const HARNESS = `#!/usr/bin/env node
console.log(JSON.stringify({ type: 'session.started', cwd: process.cwd(), sessionId: 'e-1' }));
console.log(JSON.stringify({ type: 'message', role: 'assistant', text: 'echo: ' + process.argv[2] }));
`;

describe('a plugin file outside any node_modules', () => {
  it('regression: imports @omnigent/core from the CLI and runs (was: Cannot find package @omnigent/core)', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'omnigent-plugin-file-')));
    writeFileSync(join(dir, 'my-harness-plugin.mjs'), PLUGIN);
    writeFileSync(join(dir, 'echo-harness.mjs'), HARNESS, { mode: 0o755 });
    writeFileSync(
      join(dir, 'omnigent.config.yaml'),
      `plugins:\n  - ./my-harness-plugin.mjs\nharnesses:\n  echo: { bin: ${join(dir, 'echo-harness.mjs')} }\n`,
    );
    const plugins = await runCli(['plugins'], { cwd: dir });
    expect(plugins.stdout).not.toContain('Cannot find package');
    expect(plugins.stdout).toMatch(/echo\s+.*my-harness-plugin\.mjs/);
    const r = await runCli(['run', '-H', 'echo', '--json', '--no-store', 'hi'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout).find((e) => e.type === 'message')?.text).toBe('echo: hi');
  });
});
