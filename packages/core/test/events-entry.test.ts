import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Which modules does importing a specifier load? A real child node process with a module.register()
// resolve hook that appends every resolved URL to a file: no mocking, the built dist is loaded.
const dir = mkdtempSync(join(tmpdir(), 'omnigent-events-entry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function modulesLoadedBy(specifier: string): string[] {
  const log = join(dir, `${specifier.replace(/\W/g, '_')}.log`);
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  writeFileSync(log, '');
  // run from the package so that the self-reference `@omnigent/core/...` resolves through exports
  execFileSync(
    process.execPath,
    ['--import', register, '--input-type=module', '-e', `await import(${JSON.stringify(specifier)});`],
    { cwd: join(import.meta.dirname, '..') },
  );
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

describe('@omnigent/core entries: main, /events, /kit, /internal', () => {
  it('the main entry loads no dependency either: the runner spawns with node:child_process (execa was ~95 ms of every run)', () => {
    const loaded = modulesLoadedBy('@omnigent/core');
    expect(loaded.some((u) => u.endsWith('/runner.js'))).toBe(true);
    expect(loaded.filter((u) => u.includes('node_modules'))).toEqual([]);
  });

  it('@omnigent/core/events loads no dependency and not the runner', () => {
    const loaded = modulesLoadedBy('@omnigent/core/events');
    expect(loaded.some((u) => u.endsWith('/events-entry.js'))).toBe(true);
    expect(loaded.filter((u) => u.includes('node_modules'))).toEqual([]);
    expect(loaded.some((u) => u.endsWith('/runner.js'))).toBe(false);
  });

  it('@omnigent/core/kit loads no dependency and not the runner', () => {
    const loaded = modulesLoadedBy('@omnigent/core/kit');
    expect(loaded.some((u) => u.endsWith('/kit.js'))).toBe(true);
    expect(loaded.filter((u) => u.includes('node_modules') || u.endsWith('/runner.js'))).toEqual([]);
  });

  it('@omnigent/core/internal holds what the packages share beyond the public API, and loads no dependency', async () => {
    const internal = await import('@omnigent/core/internal');
    expect(Object.keys(internal).sort()).toEqual([
      'SpillQueue',
      'descendants',
      'envName',
      'isAlive',
      'killTreeNow',
      'nodeModulesDirs',
      'reaperForget',
      'reaperWatch',
      'terminateTree',
      'trackChild',
      'untrackChild',
      'which',
    ]);
    expect(internal.isAlive(process.pid)).toBe(true);
    expect(modulesLoadedBy('@omnigent/core/internal').filter((u) => u.includes('node_modules'))).toEqual([]);
  });

  it('the main entry no longer exports the internals (review 2026-11 "Surface size")', async () => {
    const main: Record<string, unknown> = await import('@omnigent/core');
    for (const name of ['SpillQueue', 'descendants', 'isAlive', 'terminateTree', 'nodeModulesDirs', 'which', 'envName'])
      expect(main[name], name).toBeUndefined();
    // what plugins and hosts use is still there
    for (const name of [
      'defineHarness',
      'startRun',
      'EventBus',
      'JsonlFramer',
      'killAllRunsNow',
      'resolveBinary',
      'detectVersion',
      'discoverPlugins',
      'UsageError',
    ])
      expect(typeof main[name], name).toBe('function');
  });

  it('the subpath exports the same functions as the main entry', async () => {
    const events = await import('@omnigent/core/events');
    expect(events.isTerminal({ type: 'run.failed' })).toBe(true);
    expect(events.isTerminal({ type: 'message' })).toBe(false);
    expect(events.USAGE_KEYS).toEqual(['input', 'output', 'cacheRead', 'cacheWrite', 'reasoning', 'costUsd']);
    expect(events.addUsage({ input: 1 }, { input: 2, output: 3 })).toEqual({ input: 3, output: 3 });
  });
});
