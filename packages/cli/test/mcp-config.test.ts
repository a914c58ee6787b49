// `mcp.servers` in the config, `--mcp` on run: names resolved before anything starts, secrets
// from the environment at run time, only names stored.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '@omnigent/store';
import { runCli, scratch, transcript } from './helpers.js';

const story = [
  { type: 'session.started', cwd: '/w', sessionId: 's-1' },
  { type: 'result', ok: true, result: 'done' },
];
const SECRET = 'sk-mcp-very-secret-4f9a2c';
/** A `${NAME}` reference as written in omnigent.config.* (built, so it is not mistaken for a template). */
const ref = (name: string): string => `$${'{'}${name}}`;

const servers = {
  docs: {
    command: 'node',
    args: ['docs-server.js', '--token', ref('DOCS_TOKEN')],
    env: { DOCS_TOKEN: ref('DOCS_TOKEN') },
  },
  search: { url: 'http://127.0.0.1:1/mcp', headers: { Authorization: `Bearer ${ref('SEARCH_TOKEN')}` } },
};

function storeFiles(dir: string): string {
  const root = join(dir, '.store');
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(readFileSync(join(d, e.name), 'utf8'));
    }
  };
  walk(root);
  return out.join('\n');
}

describe('omnigent run --mcp', () => {
  it('stores the names of the servers given (never their commands, URLs or secrets)', async () => {
    const dir = scratch({ mcp: { servers } });
    const t = transcript(dir, 't.jsonl', story);
    const r = await runCli(['run', '-H', 'fake', '--json', '--mcp', 'docs,search', 'go'], {
      cwd: dir,
      env: { OMNIGENT_FAKE_TRANSCRIPT: t, DOCS_TOKEN: SECRET, SEARCH_TOKEN: SECRET },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain(SECRET);
    const runs = JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout) as Array<Record<string, unknown>>;
    expect(runs[0]!.mcpServers).toEqual(['docs', 'search']);
    const stored = storeFiles(dir);
    expect(stored).toContain('"mcpServers":["docs","search"]');
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain('docs-server.js');
  });

  it('mcp.default applies when --mcp is absent, and --mcp none overrides it', async () => {
    const dir = scratch({ mcp: { servers, default: ['search'] } });
    const t = transcript(dir, 't.jsonl', story);
    const env = { OMNIGENT_FAKE_TRANSCRIPT: t, SEARCH_TOKEN: SECRET };
    expect((await runCli(['run', '-H', 'fake', 'one'], { cwd: dir, env })).code).toBe(0);
    expect((await runCli(['run', '-H', 'fake', '--mcp', 'none', 'two'], { cwd: dir, env })).code).toBe(0);
    const runs = JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout) as Array<Record<string, unknown>>;
    const byPrompt = Object.fromEntries(runs.map((r) => [r.prompt, r.mcpServers]));
    expect(byPrompt.one).toEqual(['search']);
    expect(byPrompt.two).toBeUndefined();
  });

  it('an unknown name is exit 2 listing the configured servers; nothing is stored', async () => {
    const dir = scratch({ mcp: { servers } });
    const t = transcript(dir, 't.jsonl', story);
    const r = await runCli(['run', '-H', 'fake', '--mcp', 'docs,serch', 'go'], {
      cwd: dir,
      env: { OMNIGENT_FAKE_TRANSCRIPT: t, DOCS_TOKEN: SECRET },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown MCP server "serch"; configured: docs, search');
    expect(r.stdout).toBe('');
    const runs = JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout) as Array<Record<string, unknown>>;
    expect(runs).toEqual([]);
  });

  it('a missing environment variable is exit 2 naming the variable and the key, and no secret is printed', async () => {
    const dir = scratch({ mcp: { servers } });
    const t = transcript(dir, 't.jsonl', story);
    const r = await runCli(['run', '-H', 'fake', '--mcp', 'search', 'go'], {
      cwd: dir,
      env: { OMNIGENT_FAKE_TRANSCRIPT: t, SEARCH_TOKEN: undefined },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'mcp.servers.search.headers.Authorization needs the environment variable SEARCH_TOKEN, which is not set',
    );
  });

  it('a stdio command that is not on PATH is exit 2 naming the server and key; nothing is stored', async () => {
    const dir = scratch({ mcp: { servers: { ghost: { command: 'omnigent-no-such-mcp-server' } } } });
    const t = transcript(dir, 't.jsonl', story);
    const r = await runCli(['run', '-H', 'fake', '--mcp', 'ghost', 'go'], {
      cwd: dir,
      env: { OMNIGENT_FAKE_TRANSCRIPT: t },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('MCP server "ghost": its command omnigent-no-such-mcp-server is not on PATH');
    expect(r.stderr).toContain('mcp.servers.ghost.command');
    expect(JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout)).toEqual([]);
  });

  it('--mcp none with a name is a usage error (exit 2)', async () => {
    const dir = scratch({ mcp: { servers } });
    const r = await runCli(['run', '-H', 'fake', '--mcp', 'none,docs', 'go'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--mcp none cannot be combined');
  });

  it('a server with neither command nor url is a config error naming the key', async () => {
    const dir = scratch({ mcp: { servers: { bad: { args: ['x'] } } } });
    const r = await runCli(['run', '-H', 'fake', 'go'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('mcp.servers.bad');
    expect(r.stderr).toContain(
      'expected a stdio server {command, args?, env?, cwd?} or an HTTP server {url, headers?}',
    );
  });

  it('a value an MCP server took from the environment is redacted from the store, even under a harmless-looking name', async () => {
    const value = 'opaque-value-93f1c2d7e8';
    const dir = scratch({
      mcp: { servers: { docs: { command: 'node', env: { DOCS_SETTING: ref('DOCS_SETTING') } } } },
    });
    const t = transcript(dir, 't.jsonl', [
      story[0],
      { type: 'message', role: 'assistant', text: `the server said ${value}` },
      story[1],
    ]);
    const r = await runCli(['run', '-H', 'fake', '--mcp', 'docs', 'go'], {
      cwd: dir,
      env: { OMNIGENT_FAKE_TRANSCRIPT: t, DOCS_SETTING: value },
    });
    expect(r.code, r.stderr).toBe(0);
    const stored = storeFiles(dir);
    expect(stored).toContain('the server said');
    expect(stored).not.toContain(value);
  });
});

describe('workflow steps with mcp:', () => {
  it("a step's mcp: (or defaults.mcp) gives its run those servers; an unknown name is exit 2 before any step runs", async () => {
    const dir = scratch({ mcp: { servers } });
    const t = transcript(dir, 't.jsonl', story);
    const wf = join(dir, 'wf.yaml');
    writeFileSync(
      wf,
      [
        'name: mcp-steps',
        'defaults: { harness: fake, mcp: search, env: { OMNIGENT_FAKE_TRANSCRIPT: "' + t + '" } }',
        'steps:',
        '  - id: one',
        '    prompt: first',
        '    mcp: [docs, search]',
        '  - id: two',
        '    prompt: second',
        '  - id: three',
        '    prompt: third',
        '    mcp: none',
      ].join('\n'),
    );
    const r = await runCli(['workflow', 'run', wf], { cwd: dir, env: { DOCS_TOKEN: SECRET, SEARCH_TOKEN: SECRET } });
    expect(r.code, r.stderr).toBe(0);
    const runs = JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout) as RunSummary[];
    const byStep = Object.fromEntries(runs.map((x) => [x.workflow?.step, x.mcpServers]));
    expect(byStep).toEqual({ one: ['docs', 'search'], two: ['search'], three: undefined });

    writeFileSync(
      wf,
      ['name: bad', 'steps:', '  - id: one', '    harness: fake', '    prompt: first', '    mcp: serch'].join('\n'),
    );
    const bad = await runCli(['workflow', 'run', wf], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('step "one": unknown MCP server "serch"; configured: docs, search');
    const validate = await runCli(['workflow', 'validate', wf], { cwd: dir });
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain('step "one": unknown MCP server "serch"');
  });
});
