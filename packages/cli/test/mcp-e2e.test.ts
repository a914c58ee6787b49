// END TO END: the REAL Claude Code and the REAL Codex, run by `omnigent run --mcp …`, calling the
// testkit's two real MCP providers (official SDK; A over stdio: fast, no errors, short answers; B
// over streamable HTTP with a bearer token: slow, every 2nd call fails, long answers), offline
// against the mock model servers. Checked: normalized MCP events with server names, the user's own
// MCP config files untouched, the token nowhere omnigent writes, and `compare --by mcp` against the
// providers' own logs. Pi (no MCP): the warning, and the run goes on.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMockAnthropic,
  startMockChatCompletions,
  startMockResponses,
  type MockAnthropic,
  type MockChatCompletionsServer,
  type MockResponsesServer,
} from '@omnigent/testkit';
import {
  MCP_PROVIDER_BIN,
  readMcpProviderLog,
  startMcpHttpProvider,
  type McpHttpProvider,
} from '@omnigent/testkit/mcp';
import type { McpCompareGroup, RunSummary } from '@omnigent/store';
import { jsonLines, runCli } from './helpers.js';

/** A tool event as printed by --json (the fields this test reads). */
interface ToolEvent {
  type: string;
  kind?: string;
  isError?: boolean;
  output?: unknown;
  mcp?: { server: string; tool: string };
}
const TOKEN = 'sk-docs-b-7f3e9a1c55d2';
// a literal ${VAR} reference, as written in omnigent.config.*
const TOKEN_REF = ['Bearer $', '{DOCS_B_TOKEN}'].join('');
const ASK_A = 'ask provider A about retries';
const ASK_B = 'ask provider B about retries';

function files(dir: string): string {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(readFileSync(join(d, e.name), 'utf8'));
    }
  };
  walk(dir);
  return out.join('\n');
}

describe('MCP servers end to end: real Claude Code and real Codex, A/B of two providers', () => {
  let root: string;
  let home: string;
  let work: string;
  let logA: string;
  let logB: string;
  let providerB: McpHttpProvider;
  let anthropic: MockAnthropic;
  let responses: MockResponsesServer;
  let chat: MockChatCompletionsServer;
  const env = (): Record<string, string | undefined> => ({
    HOME: home,
    OMNIGENT_STORE: join(root, 'store'),
    DOCS_B_TOKEN: TOKEN,
    ANTHROPIC_API_KEY: undefined,
    OPENAI_API_KEY: undefined,
    NO_COLOR: '1',
  });
  const userFiles = (): Record<string, string> => ({
    codexConfig: readFileSync(join(home, '.codex', 'config.toml'), 'utf8'),
    projectMcp: readFileSync(join(work, '.mcp.json'), 'utf8'),
    claudeJson: readFileSync(join(home, '.claude.json'), 'utf8'),
  });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'omnigent-mcp-e2e-'));
    home = join(root, 'home');
    work = join(root, 'work');
    for (const d of [home, work, join(home, '.codex'), join(root, 'agent')]) mkdirSync(d, { recursive: true });
    logA = join(root, 'docs-a.jsonl');
    logB = join(root, 'docs-b.jsonl');
    providerB = await startMcpHttpProvider({
      name: 'docs-b',
      latencyMs: 250,
      failEvery: 2,
      answerChars: 4000,
      logFile: logB,
    });
    const twoCalls = (server: string) => [
      { type: 'tool_use' as const, name: `mcp__${server}__search_docs`, input: { query: 'retry policy' } },
      { type: 'tool_use' as const, name: `mcp__${server}__fetch_page`, input: { url: 'https://docs.example/retries' } },
    ];
    anthropic = await startMockAnthropic({
      turns: [
        { match: ASK_A, repeat: true, content: twoCalls('docs-a'), usage: { input: 400, output: 30 } },
        { match: ASK_B, repeat: true, content: twoCalls('docs-b'), usage: { input: 400, output: 30 } },
      ],
      fallback: {
        content: [{ type: 'text', text: 'Retries back off exponentially.' }],
        usage: { input: 900, output: 12 },
      },
    });
    const codexTurns = (server: string, ask: string) => [
      {
        match: ask,
        output: [
          { type: 'mcp_tool_call' as const, server, tool: 'search_docs', arguments: { query: 'retry policy' } },
          {
            type: 'mcp_tool_call' as const,
            server,
            tool: 'fetch_page',
            arguments: { url: 'https://docs.example/retries' },
          },
        ],
        usage: { input: 300, output: 20 },
      },
      {
        match: ask,
        output: [{ type: 'message' as const, text: 'Retries back off exponentially.' }],
        usage: { input: 800, output: 10 },
      },
    ];
    responses = await startMockResponses({ turns: [...codexTurns('docs-a', ASK_A), ...codexTurns('docs-b', ASK_B)] });
    chat = await startMockChatCompletions({
      scripts: [],
      fallback: [{ content: 'No MCP here.', usage: { prompt: 10, completion: 3 } }],
    });
    writeFileSync(
      join(root, 'agent', 'models.json'),
      JSON.stringify({
        providers: {
          mock: {
            baseUrl: chat.url,
            api: 'openai-completions',
            apiKey: 'MOCK_API_KEY',
            compat: { supportsDeveloperRole: false, supportsReasoningEffort: false },
            models: [{ id: 'mock-model', name: 'Mock', contextWindow: 32000, maxTokens: 4096 }],
          },
        },
      }),
    );
    // the user's own MCP configuration: must stay byte-identical, and must not be what runs
    writeFileSync(
      join(home, '.codex', 'config.toml'),
      '# my own codex settings\n[mcp_servers.mine]\ncommand = "/nonexistent/my-mcp-server"\nenabled = false\n',
    );
    writeFileSync(
      join(work, '.mcp.json'),
      JSON.stringify({ mcpServers: { project: { command: '/nonexistent/project-mcp-server' } } }, null, 2),
    );
    writeFileSync(
      join(root, 'omnigent.config.json'),
      JSON.stringify({
        mcp: {
          servers: {
            // a relative script and its cwd: both harnesses must start the server in that directory
            'docs-a': {
              command: process.execPath,
              args: [basename(MCP_PROVIDER_BIN), '--name', 'docs-a', '--answer-chars', '300', '--log', logA],
              cwd: dirname(MCP_PROVIDER_BIN),
            },
            'docs-b': { url: providerB.url, headers: { Authorization: TOKEN_REF } },
            broken: { command: '/nonexistent/mcp-server' },
            // starts and exits at once: not an MCP server
            dead: { command: 'false' },
          },
        },
        harnesses: {
          'claude-code': {
            env: {
              ANTHROPIC_BASE_URL: anthropic.url,
              ANTHROPIC_API_KEY: 'sk-mock',
              CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
              DISABLE_AUTOUPDATER: '1',
            },
          },
          codex: {
            env: { CODEX_HOME: join(home, '.codex'), MOCK_API_KEY: 'sk-mock' },
            args: [
              '-c',
              `model_providers.mock={name="Mock",base_url="${responses.url}",wire_api="responses",env_key="MOCK_API_KEY",request_max_retries=0,stream_max_retries=0}`,
              '-c',
              'model_provider="mock"',
            ],
          },
          pi: {
            options: { agentDir: join(root, 'agent'), offline: true, provider: 'mock' },
            env: { MOCK_API_KEY: 'sk-mock' },
          },
        },
      }),
    );
    // Claude Code adds its own bookkeeping to ~/.claude.json on its first start (with or without
    // omnigent): one plain run first, so what is compared afterwards is what --mcp runs change
    writeFileSync(
      join(home, '.claude.json'),
      JSON.stringify({ mcpServers: { mine: { command: '/nonexistent/my-mcp-server' } } }, null, 2),
    );
    const warm = await runCli(
      ['run', '-H', 'claude-code', '-m', 'claude-sonnet-4-5', '-C', work, '--no-store', 'hello'],
      { cwd: root, env: env() },
    );
    expect(warm.code, warm.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([providerB?.close(), anthropic?.close(), responses?.close(), chat?.close()]);
  });

  it("A/B: every MCP call arrives normalized with its server; compare --by mcp matches the providers' own logs", async () => {
    const before = userFiles();
    const runs: Array<{ harness: string; server: string; events: ToolEvent[] }> = [];
    const plan: Array<[string, string, string[]]> = [
      ['claude-code', 'docs-a', ['-m', 'claude-sonnet-4-5']],
      ['claude-code', 'docs-b', ['-m', 'claude-sonnet-4-5']],
      ['claude-code', 'docs-a', ['-m', 'claude-sonnet-4-5']],
      ['claude-code', 'docs-b', ['-m', 'claude-sonnet-4-5']],
      // a model without deferred tool search: Codex 0.169 then exposes MCP tools directly (namespace mcp__<server>)
      ['codex', 'docs-a', ['-m', 'gpt-5']],
      ['codex', 'docs-b', ['-m', 'gpt-5']],
    ];
    for (const [harness, server, flags] of plan) {
      const prompt = server === 'docs-a' ? ASK_A : ASK_B;
      const r = await runCli(['run', '-H', harness, ...flags, '-C', work, '--json', '--mcp', server, prompt], {
        cwd: root,
        env: env(),
      });
      expect(r.code, `${harness} ${server}: ${r.stderr}`).toBe(0);
      expect(r.stdout).not.toContain(TOKEN);
      runs.push({ harness, server, events: jsonLines(r.stdout) as unknown as ToolEvent[] });
    }

    for (const { harness, server, events } of runs) {
      const started = events.filter((e) => e.type === 'tool.started');
      const done = events.filter((e) => e.type === 'tool.completed');
      expect(
        started.map((e) => e.mcp),
        `${harness} ${server}: ${JSON.stringify(events).slice(0, 3000)}`,
      ).toEqual([
        { server, tool: 'search_docs' },
        { server, tool: 'fetch_page' },
      ]);
      expect(started.every((e) => e.kind === 'mcp')).toBe(true);
      expect(done.map((e) => e.mcp?.server)).toEqual([server, server]);
      // the provider's answer reached the harness (not a permission refusal or approval error)
      expect(
        done.some((e) => !e.isError && JSON.stringify(e.output).includes(`[${server}]`)),
        `${harness} ${server}: ${JSON.stringify(done)}`,
      ).toBe(true);
    }

    // the servers' own view: what they served and failed
    const servedA = readMcpProviderLog(logA);
    const servedB = readMcpProviderLog(logB);
    expect(servedA).toHaveLength(6);
    expect(servedB).toHaveLength(6);
    expect(servedA.every((c) => !c.isError)).toBe(true);
    expect(servedB.filter((c) => c.isError)).toHaveLength(3);
    // omnigent's view of the same calls
    const mcpDone = (server: string) =>
      runs.flatMap((r) => r.events).filter((e) => e.type === 'tool.completed' && e.mcp?.server === server);
    expect(mcpDone('docs-a')).toHaveLength(servedA.length);
    expect(mcpDone('docs-b').filter((e) => e.isError)).toHaveLength(servedB.filter((c) => c.isError).length);
    // the HTTP provider got the token from the environment, sent by both harnesses as a header on every request
    expect(providerB.headers.length).toBeGreaterThan(0);
    expect(providerB.headers.filter((h) => h.authorization !== `Bearer ${TOKEN}`)).toEqual([]);

    const cmp = await runCli(['compare', '--by', 'mcp', '--json'], { cwd: root, env: env() });
    expect(cmp.code, cmp.stderr).toBe(0);
    const groups = (JSON.parse(cmp.stdout) as { groups: McpCompareGroup[] }).groups;
    const a = groups.find((g) => g.key.mcp === 'docs-a')!;
    const b = groups.find((g) => g.key.mcp === 'docs-b')!;
    expect(a).toMatchObject({
      runs: 3,
      completed: 3,
      mcp: { calls: servedA.length, callsPerRun: 2, errors: 0, errorRate: 0 },
    });
    expect(b).toMatchObject({
      runs: 3,
      completed: 3,
      mcp: { calls: servedB.length, callsPerRun: 2, errors: 3, errorRate: 0.5 },
    });
    // B is slow (250 ms a call, by its own log): omnigent's latency for it includes that, and A is faster
    expect(servedB.every((c) => c.durationMs >= 240)).toBe(true);
    // omnigent times a call from the lines' arrival: a loaded machine can read the start late by a
    // few tens of ms, so the bound is looser than the server's own 250 ms
    expect(b.mcp!.p50Ms).toBeGreaterThanOrEqual(200);
    expect(a.mcp!.p50Ms).toBeLessThan(b.mcp!.p50Ms!);
    expect(a.tokens.input.mean).toBeGreaterThan(0);
    const byModel = (
      JSON.parse((await runCli(['compare', '--by', 'mcp,model', '--json'], { cwd: root, env: env() })).stdout) as {
        groups: McpCompareGroup[];
      }
    ).groups;
    expect(byModel.map((g) => `${g.label}:${g.runs}`).sort()).toEqual([
      'docs-a · claude-sonnet-4-5:2',
      'docs-a · gpt-5:1',
      'docs-b · claude-sonnet-4-5:2',
      'docs-b · gpt-5:1',
    ]);
    const table = await runCli(['compare', '--by', 'mcp'], { cwd: root, env: env() });
    expect(table.stdout).toMatch(/\ndocs-b\s+3\s+100%\s+2\.0\s+50%/);

    // stored: server names only, never the token, the URL's secret header or the command line
    const runsList = JSON.parse((await runCli(['runs', '--json'], { cwd: root, env: env() })).stdout) as RunSummary[];
    expect(runsList.map((r) => r.mcpServers).sort()).toEqual([
      ['docs-a'],
      ['docs-a'],
      ['docs-a'],
      ['docs-b'],
      ['docs-b'],
      ['docs-b'],
    ]);
    const stored = files(join(root, 'store'));
    expect(stored).not.toContain(TOKEN);
    expect(stored).not.toContain('mcp-provider-bin');

    // the user's own MCP configuration files: byte-identical, and none of their servers was started
    expect(userFiles()).toEqual(before);
    expect(statSync(join(home, '.codex', 'config.toml')).mode & 0o777).toBe(0o644 & ~process.umask());
  }, 600_000);

  it('pi has no MCP: a warning names the servers before the run, which goes on', async () => {
    const r = await runCli(
      ['run', '-H', 'pi', '-m', 'mock-model', '-C', work, '--json', '--mcp', 'docs-a,docs-b', 'hello'],
      { cwd: root, env: env() },
    );
    expect(r.code, r.stderr).toBe(0);
    const events = jsonLines(r.stdout);
    const warning = events.find((e) => e.type === 'warning' && e.code === 'unsupported-option')!;
    expect(warning.message).toContain('Pi has no MCP support; MCP servers docs-a, docs-b were not applied');
    expect(events.indexOf(warning)).toBeLessThan(events.findIndex((e) => e.type === 'message'));
    expect(events.at(-1)!.type).toBe('run.completed');
    // not applied, so not recorded as used: compare --by mcp counts it under (none)
    const runsList = JSON.parse(
      (await runCli(['runs', '--json', '--harness', 'pi'], { cwd: root, env: env() })).stdout,
    ) as RunSummary[];
    expect(runsList).toHaveLength(1);
    expect(runsList[0]!.mcpServers).toBeUndefined();
  }, 120_000);

  it('a server whose command is missing is exit 2 before the run; one that dies at start is a warning (Claude Code)', async () => {
    for (const [harness, model] of [
      ['claude-code', 'claude-sonnet-4-5'],
      ['codex', 'gpt-5'],
    ] as const) {
      const r = await runCli(
        ['run', '-H', harness, '-m', model, '-C', work, '--json', '--no-store', '--mcp', 'broken', 'say hi'],
        { cwd: root, env: env() },
      );
      expect(r.code, harness).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('MCP server "broken": its command /nonexistent/mcp-server is not an executable file');
    }
    const r = await runCli(
      [
        'run',
        '-H',
        'claude-code',
        '-m',
        'claude-sonnet-4-5',
        '-C',
        work,
        '--json',
        '--no-store',
        '--mcp',
        'dead',
        'say hi',
      ],
      { cwd: root, env: env() },
    );
    expect(r.code, r.stderr).toBe(0);
    const warning = jsonLines(r.stdout).find((e) => e.type === 'warning' && e.code === 'mcp-server-failed');
    expect(warning?.message).toBe('MCP server "dead" failed to start; its tools are not available in this run');
  }, 120_000);
});
