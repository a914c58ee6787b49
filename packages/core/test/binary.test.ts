import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBinary } from '../src/binary.js';
import { HarnessNotFoundError } from '../src/errors.js';

function exe(file: string): string {
  writeFileSync(file, '#!/bin/sh\necho 1.0.0\n');
  chmodSync(file, 0o755);
  return file;
}

function setup() {
  const root = mkdtempSync(join(tmpdir(), 'omnigent-bin-'));
  const pathDir = join(root, 'path');
  mkdirSync(pathDir);
  // an npm package whose `exports` hides package.json (as @mariozechner/pi-coding-agent does)
  const pkgDir = join(root, 'node_modules', '@acme', 'agent-cli');
  mkdirSync(join(pkgDir, 'dist'), { recursive: true });
  writeFileSync(
    join(pkgDir, 'package.json'),
    JSON.stringify({ name: '@acme/agent-cli', exports: { '.': './dist/index.js' }, bin: { agent: 'dist/cli.js' } }),
  );
  exe(join(pkgDir, 'dist', 'cli.js'));
  const plugin = {
    name: 'acme-agent',
    binary: { names: ['agent'], npmPackage: '@acme/agent-cli', install: 'npm i -g @acme/agent-cli' },
  };
  return { root, pathDir, plugin };
}

describe('resolveBinary', () => {
  it('prefers --bin, then config, then OMNIGENT_<NAME>_BIN, then PATH, then the npm package', () => {
    const { root, pathDir, plugin } = setup();
    const onPath = exe(join(pathDir, 'agent'));
    const flag = exe(join(root, 'flag-agent'));
    const env = { PATH: pathDir, OMNIGENT_ACME_AGENT_BIN: exe(join(root, 'env-agent')) };
    expect(resolveBinary(plugin, { flag, env, resolveFrom: [root] })).toEqual({ path: flag, source: 'flag' });
    expect(resolveBinary(plugin, { config: flag, env, resolveFrom: [root] }).source).toBe('config');
    expect(resolveBinary(plugin, { env, resolveFrom: [root] })).toEqual({
      path: join(root, 'env-agent'),
      source: 'env',
    });
    expect(resolveBinary(plugin, { env: { PATH: pathDir }, resolveFrom: [root] })).toEqual({
      path: onPath,
      source: 'path',
    });
  });

  it('finds the bin of an installed npm package even when its exports hide package.json', () => {
    const { root, plugin } = setup();
    const nested = join(root, 'a', 'b');
    mkdirSync(nested, { recursive: true });
    const r = resolveBinary(plugin, { env: { PATH: '' }, resolveFrom: [nested] });
    expect(r).toEqual({ path: join(root, 'node_modules', '@acme', 'agent-cli', 'dist', 'cli.js'), source: 'npm' });
  });

  it('regression: a package that ships its own harness binary finds it from inside itself', () => {
    const { root, plugin } = setup();
    const inside = join(root, 'node_modules', '@acme', 'agent-cli', 'dist');
    const r = resolveBinary(plugin, { env: { PATH: '' }, resolveFrom: [inside] });
    expect(r.path).toBe(join(inside, 'cli.js'));
  });

  it('throws HarnessNotFoundError with the install command, and an explicit setting that points nowhere is an error', () => {
    const { root, plugin } = setup();
    const other = mkdtempSync(join(tmpdir(), 'omnigent-bin-empty-'));
    expect(() => resolveBinary(plugin, { env: { PATH: '' }, resolveFrom: [other] })).toThrow(HarnessNotFoundError);
    try {
      resolveBinary(plugin, { env: { PATH: '', OMNIGENT_ACME_AGENT_BIN: join(root, 'nope') }, resolveFrom: [root] });
      expect.unreachable();
    } catch (e) {
      expect((e as HarnessNotFoundError).message).toContain('OMNIGENT_ACME_AGENT_BIN');
      expect((e as HarnessNotFoundError).hint).toContain('npm i -g @acme/agent-cli');
    }
  });
});
