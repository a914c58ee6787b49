// `omnigent eval` on the REAL Claude Code, Codex and Pi CLIs against scripted local models: one
// "model" fixes the bug of examples/evals/fix-bug, the other does not. Offline, no API key.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockAnthropic, startMockChatCompletions, startMockResponses } from '@omnigent/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelRouter } from '../src/commands/demo/model-router.js';
import { findPackageBin } from '../src/commands/demo/setup.js';
import { runCli } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLES = join(ROOT, 'examples', 'evals');
/** What the fixing model runs: looks for the hidden test (it is not there yet), then fixes add(). */
const FIX = "ls -a; cat test/calc.hidden.test.js; sed -i 's/return a - b/return a + b/' calc.js && echo fixed-it";

/** Processes whose working directory is a cell checkout (`omnigent-eval-<label>-…`). */
function processesIn(prefix: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (cwd.includes(prefix))
        out.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')} (in ${cwd})`);
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

interface World {
  dir: string;
  close: () => Promise<void>;
}

async function scriptedWorld(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'omnigent-eval-real-'));
  const closers: Array<() => Promise<void>> = [];
  const done = 'I fixed add() in calc.js.';
  const lazy = 'I read calc.js; add() looks correct to me, so I changed nothing.';

  // Anthropic Messages (Claude Code): claude-sonnet-4-5 fixes, claude-haiku-4-5 does not
  const aFix = await startMockAnthropic({
    fallback: {
      content: [{ type: 'tool_use', name: 'Bash', input: { command: FIX, description: 'Fix add' } }],
      usage: { input: 1000, output: 100 },
    },
  });
  const aLazy = await startMockAnthropic({
    fallback: { content: [{ type: 'text', text: lazy }], usage: { input: 1000, output: 50 } },
  });
  const aDone = await startMockAnthropic({
    fallback: { content: [{ type: 'text', text: done }], usage: { input: 1200, output: 20 } },
  });
  const aRouter = await startModelRouter({
    afterTool: aDone.url,
    byModel: { 'claude-sonnet-4-5': aFix.url, 'claude-haiku-4-5': aLazy.url },
    fallback: aLazy.url,
  });
  // OpenAI Responses (Codex): gpt-5 fixes, gpt-5-mini does not
  const rFix = await startMockResponses({
    fallback: { output: [{ type: 'exec_command', cmd: FIX }], usage: { input: 2000, output: 100 } },
  });
  const rLazy = await startMockResponses({
    fallback: { output: [{ type: 'message', text: lazy }], usage: { input: 2000, output: 50 } },
  });
  const rDone = await startMockResponses({
    fallback: { output: [{ type: 'message', text: done }], usage: { input: 2400, output: 20 } },
  });
  const rRouter = await startModelRouter({
    afterTool: rDone.url,
    byModel: { 'gpt-5': rFix.url, 'gpt-5-mini': rLazy.url },
    fallback: rLazy.url,
  });
  // Chat Completions (Pi): fixer fixes, lazy does not
  const cFix = await startMockChatCompletions({
    scripts: [
      {
        turns: [
          { toolCalls: [{ name: 'bash', arguments: { command: FIX } }], usage: { prompt: 1500, completion: 30 } },
        ],
      },
    ],
    models: ['fixer', 'lazy'],
  });
  const cLazy = await startMockChatCompletions({
    scripts: [{ turns: [{ content: lazy, usage: { prompt: 1500, completion: 25 } }] }],
    models: ['fixer', 'lazy'],
  });
  const cDone = await startMockChatCompletions({
    fallback: [{ content: done, usage: { prompt: 1700, completion: 10 } }],
    models: ['fixer', 'lazy'],
  });
  const cRouter = await startModelRouter({
    afterTool: cDone.url,
    byModel: { fixer: cFix.url, lazy: cLazy.url },
    fallback: cLazy.url,
  });
  for (const m of [aFix, aLazy, aDone, rFix, rLazy, rDone, cFix, cLazy, cDone]) closers.push(() => m.close());
  for (const r of [aRouter, rRouter, cRouter]) closers.push(() => r.close());

  const homes = { claude: join(dir, 'home-claude'), codex: join(dir, 'home-codex'), pi: join(dir, 'home-pi') };
  const codexHome = join(homes.codex, '.codex');
  const piAgent = join(homes.pi, '.pi', 'agent');
  for (const d of [homes.claude, codexHome, piAgent]) mkdirSync(d, { recursive: true });
  const modelEntry = (id: string, input: number, output: number): Record<string, unknown> => ({
    id,
    name: id,
    contextWindow: 32000,
    maxTokens: 4096,
    cost: { input, output, cacheRead: 0, cacheWrite: 0 },
  });
  writeFileSync(
    join(piAgent, 'models.json'),
    JSON.stringify({
      providers: {
        mock: {
          baseUrl: cRouter.url,
          api: 'openai-completions',
          apiKey: 'MOCK_API_KEY',
          compat: { supportsDeveloperRole: false, supportsReasoningEffort: false },
          models: [modelEntry('fixer', 2, 8), modelEntry('lazy', 1, 4)],
        },
      },
    }),
  );
  writeFileSync(join(piAgent, 'settings.json'), JSON.stringify({ retry: { enabled: false } }));
  const provider = `{name="Scripted mock",base_url="${rRouter.url}",wire_api="responses",env_key="MOCK_API_KEY",request_max_retries=0,stream_max_retries=0}`;
  const plugins = (p: string): string => join(ROOT, 'plugins', p);
  const bin = (plugin: string, pkg: string, name: string): string => findPackageBin(plugins(plugin), pkg, name)!;
  writeFileSync(
    join(dir, 'omnigent.config.json'),
    JSON.stringify({
      harnesses: {
        'claude-code': {
          bin: bin('plugin-claude-code', '@anthropic-ai/claude-code', 'claude'),
          env: {
            HOME: homes.claude,
            ANTHROPIC_BASE_URL: aRouter.url,
            ANTHROPIC_API_KEY: 'sk-mock-not-a-real-key',
            CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
            DISABLE_AUTOUPDATER: '1',
            DISABLE_ERROR_REPORTING: '1',
          },
        },
        codex: {
          bin: bin('plugin-codex', '@openai/codex', 'codex'),
          env: { HOME: homes.codex, CODEX_HOME: codexHome, MOCK_API_KEY: 'sk-mock-not-a-real-key' },
          args: [
            '-c',
            `model_providers.mock=${provider}`,
            '-c',
            'model_provider="mock"',
            '-c',
            'check_for_update_on_startup=false',
          ],
        },
        pi: {
          bin: bin('plugin-pi', '@mariozechner/pi-coding-agent', 'pi'),
          env: {
            HOME: homes.pi,
            PI_CODING_AGENT_DIR: piAgent,
            PI_OFFLINE: '1',
            MOCK_API_KEY: 'sk-mock-not-a-real-key',
          },
          args: ['--provider', 'mock'],
        },
      },
    }),
  );
  return { dir, close: async () => void (await Promise.all(closers.map((c) => c()))) };
}

interface EvalJson {
  eval: string;
  baseline: string | null;
  cells: Array<{ harness: string; model?: string; status: string; pass?: boolean; runId?: string; costUsd?: number }>;
  groups: Array<{
    label: string;
    summary: {
      runs: number;
      passes: number;
      passRate: number;
      interval: { low: number; high: number };
      cost: { total?: number; perRun?: number; perPass?: number; estimated: boolean };
    };
    vsBaseline?: { difference: number; pValue: number; verdict: string; method: string };
  }>;
}
interface StoredRun {
  id: string;
  harness: string;
  requestedModel?: string;
  usage?: { input?: number; output?: number; cacheRead?: number; costUsd?: number; costSource?: string };
  checks?: Array<{ name: string; pass: boolean }>;
}

describe('omnigent eval on the real Claude Code, Codex and Pi', () => {
  let world: World;
  beforeAll(async () => {
    world = await scriptedWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  const cases: Array<{ harness: string; fixer: string; lazy: string }> = [
    { harness: 'claude-code', fixer: 'claude-sonnet-4-5', lazy: 'claude-haiku-4-5' },
    { harness: 'codex', fixer: 'gpt-5', lazy: 'gpt-5-mini' },
    { harness: 'pi', fixer: 'fixer', lazy: 'lazy' },
  ];
  for (const c of cases) {
    it(`${c.harness}: the fixing model passes the hidden tests 2/2, the other 0/2; intervals and cost per pass exact; the agent never saw the hidden test`, async () => {
      const id = `real-${c.harness}`;
      const r = await runCli(
        [
          'eval',
          join(EXAMPLES, 'suite.yaml'),
          join(EXAMPLES, 'fix-bug'),
          '-H',
          c.harness,
          '-m',
          `${c.lazy},${c.fixer}`,
          '--variant',
          'agent',
          '-n',
          '2',
          '-j',
          '2',
          '--id',
          id,
          '--json',
        ],
        { cwd: world.dir, env: { ANTHROPIC_API_KEY: undefined, OPENAI_API_KEY: undefined } },
      );
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as EvalJson;
      const lazyLabel = `${c.harness}/${c.lazy}/agent`;
      const fixLabel = `${c.harness}/${c.fixer}/agent`;
      expect(out.groups.map((g) => [g.label, g.summary.runs, g.summary.passes])).toEqual([
        [lazyLabel, 2, 0],
        [fixLabel, 2, 2],
      ]);
      const [lazy, fix] = out.groups;
      // Wilson 95 % for 0/2 and 2/2: half-widths by hand, z = 1.96: high(0/2) = z²/(n+z²) = 0.6576
      expect(lazy!.summary.interval.low).toBe(0);
      expect(lazy!.summary.interval.high).toBeCloseTo(0.6576, 4);
      expect(fix!.summary.interval.low).toBeCloseTo(0.3424, 4);
      expect(fix!.summary.interval.high).toBe(1);
      expect(out.baseline).toBe(lazyLabel);
      expect(fix!.vsBaseline).toMatchObject({ method: 'paired', difference: 1, verdict: 'not-enough-runs' });
      expect(fix!.vsBaseline!.pValue).toBeCloseTo(0.5, 12);

      // per pass: everything the fixer's runs cost over its passes, from the stored runs
      const runs = JSON.parse(
        (await runCli(['runs', '--json', '--tag', `eval:${id}`, '--limit', '50'], { cwd: world.dir })).stdout,
      ) as StoredRun[];
      expect(runs).toHaveLength(4);
      const fixRuns = runs.filter((x) => x.requestedModel === c.fixer);
      const costs = fixRuns.map((x) => x.usage?.costUsd);
      expect(costs.every((x) => typeof x === 'number' && x > 0)).toBe(true);
      expect(fix!.summary.cost.perPass).toBeCloseTo((costs[0]! + costs[1]!) / 2, 12);
      if (c.harness === 'codex') {
        // Codex reports no cost: priced from its tokens with the catalog (gpt-5: $1.25/M in, $10/M out), marked
        expect(fix!.summary.cost.estimated).toBe(true);
        for (const x of fixRuns) {
          expect(x.usage!.costSource).toBe('catalog-estimate');
          const cached = x.usage!.cacheRead ?? 0;
          expect(x.usage!.costUsd).toBeCloseTo(
            ((x.usage!.input! - cached) * 1.25 + cached * 0.125 + x.usage!.output! * 10) / 1e6,
            12,
          );
        }
      } else {
        expect(fix!.summary.cost.estimated).toBe(false);
      }
      if (c.harness === 'pi') {
        // Pi prices with its models.json (fixer: $2/M in, $8/M out) and says so: a reported cost, not ours
        for (const x of fixRuns) {
          expect(x.usage!.costSource).toBe('configured-price');
          expect(x.usage!.costUsd).toBeCloseTo((x.usage!.input! * 2 + x.usage!.output! * 8) / 1e6, 12);
        }
      }
      expect(fixRuns.every((x) => x.checks?.every((k) => k.pass))).toBe(true);
      expect(runs.filter((x) => x.requestedModel === c.lazy).every((x) => x.checks?.[0]?.pass === false)).toBe(true);

      // the agent looked for the hidden test and it was not there: its tool call's output says so
      for (const x of fixRuns) {
        const list = (
          JSON.parse((await runCli(['runs', 'show', x.id, '--json'], { cwd: world.dir })).stdout) as {
            events: Array<{ type: string; output?: unknown }>;
          }
        ).events;
        const outputs = list.filter((e) => e.type === 'tool.completed').map((e) => JSON.stringify(e.output ?? ''));
        expect(outputs.join('\n')).toMatch(/No such file or directory/);
        expect(outputs.join('\n')).toContain('fixed-it');
        expect(outputs.join('\n')).not.toContain('add sums');
      }
      // the example's starting code is untouched
      expect(readFileSync(join(EXAMPLES, 'fix-bug', 'repo', 'calc.js'), 'utf8')).toContain('return a - b');
    }, 300_000);
  }

  it('a killed eval (SIGTERM, then SIGKILL of omnigent) leaves no harness process behind; --resume runs only the missing cells', async () => {
    const id = 'real-killed';
    const args = [
      'eval',
      join(EXAMPLES, 'suite.yaml'),
      join(EXAMPLES, 'fix-bug'),
      '-H',
      'pi',
      '-m',
      'fixer',
      '--variant',
      'agent',
      '-n',
      '3',
      '-j',
      '1',
      '--id',
      id,
    ];
    for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
      const started: { pid?: number; running?: string[] } = {};
      const r = await runCli(sig === 'SIGTERM' ? args : [...args.slice(0, -1), `${id}-k`], {
        cwd: world.dir,
        onStdout: (text, child) => {
          // once the first cell is done, stop omnigent while the second runs
          if (started.pid === undefined && /\[1\/3\]/.test(text)) {
            started.pid = child.pid;
            // kill while the second cell's harness (or its setup or checks) really runs in its checkout
            const poll = setInterval(() => {
              const running = processesIn('omnigent-eval-fix-bug-pi');
              if (running.length) {
                clearInterval(poll);
                started.running = running;
                child.kill(sig);
              }
            }, 20);
          }
        },
      });
      expect(started.running?.length, 'nothing ran when omnigent was killed').toBeGreaterThan(0);
      if (sig === 'SIGTERM') expect(r.code).toBe(130);
      else expect(r.signal).toBe('SIGKILL');
      // nothing omnigent started is left: no pi, no shell of a setup or check (the reaper's grace is 2 s)
      await new Promise((ok) => setTimeout(ok, 3000));
      expect(processesIn('omnigent-eval-fix-bug-pi')).toEqual([]);
    }
    const resumed = await runCli([...args.slice(0, -2), '--resume', id, '--json'], { cwd: world.dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resuming ${id}: 1 of 3 cells already done`));
    const out = JSON.parse(resumed.stdout) as EvalJson;
    expect(out.cells).toHaveLength(2);
    expect(out.groups.map((g) => [g.label, g.summary.runs, g.summary.passes])).toEqual([['pi/fixer/agent', 3, 3]]);
  }, 300_000);
});
