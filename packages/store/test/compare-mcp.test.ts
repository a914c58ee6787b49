// compare --by mcp: per MCP server, the runs that used it, their calls, errors, latency, tokens
// and cost, from runs recorded through the store (figures worked out by hand).
import type { OmnigentEvent } from '@omnigent/core';
import { describe, expect, it } from 'vitest';
import {
  NO_MCP,
  compareByMcp,
  mcpCompareCsv,
  openStore,
  renderHtmlReport,
  renderMcpCompareTable,
  type RunStart,
} from '../src/index.js';
import { tempDir } from './helpers.js';

let seq = 0;
const ev = (draft: Record<string, unknown>): OmnigentEvent =>
  ({ runId: 'r', harness: 'fake', seq: seq++, time: '2026-02-01T10:00:01.000Z', ...draft }) as unknown as OmnigentEvent;

function record(
  store: ReturnType<typeof openStore>,
  id: string,
  start: Partial<RunStart>,
  calls: Array<[server: string, isError: boolean, ms: number]>,
  usage: { input: number; output: number; costUsd: number },
): void {
  const rec = store.begin({
    id,
    harness: 'fake',
    startedAt: '2026-02-01T10:00:00.000Z',
    cwd: '/w',
    tags: [],
    ...start,
  });
  rec.append(ev({ type: 'session.started', cwd: '/w' }));
  calls.forEach(([server, isError, ms], i) => {
    const mcp = { server, tool: 'search_docs' };
    rec.append(
      ev({ type: 'tool.started', callId: `c${i}`, name: `mcp__${server}__search_docs`, kind: 'mcp', input: {}, mcp }),
    );
    rec.append(
      ev({
        type: 'tool.completed',
        callId: `c${i}`,
        name: `mcp__${server}__search_docs`,
        output: 'x',
        isError,
        durationMs: ms,
        mcp,
      }),
    );
  });
  rec.append(ev({ type: 'usage', scope: 'run', source: 'result', confidence: 'exact', ...usage }));
  rec.finish(ev({ type: 'run.completed', durationMs: 1000 }) as Extract<OmnigentEvent, { type: 'run.completed' }>);
}

describe('compare --by mcp', () => {
  const store = openStore(tempDir());
  // provider A: fast, never fails, small answers (fewer tokens); provider B: slow, fails 1 in 3
  record(
    store,
    'a1',
    { mcpServers: ['docs-a'], requestedModel: 'm1' },
    [
      ['docs-a', false, 10],
      ['docs-a', false, 30],
    ],
    { input: 100, output: 10, costUsd: 0.01 },
  );
  record(store, 'a2', { mcpServers: ['docs-a'], requestedModel: 'm2' }, [['docs-a', false, 20]], {
    input: 300,
    output: 30,
    costUsd: 0.03,
  });
  record(
    store,
    'b1',
    { mcpServers: ['docs-b'], requestedModel: 'm1' },
    [
      ['docs-b', false, 100],
      ['docs-b', true, 300],
      ['docs-b', false, 200],
    ],
    { input: 1000, output: 50, costUsd: 0.1 },
  );
  // a server that was given but not called still counts the run (0 calls)
  record(store, 'b2', { mcpServers: ['docs-b'], requestedModel: 'm1' }, [], { input: 500, output: 20, costUsd: 0.05 });
  record(store, 'n1', { requestedModel: 'm1' }, [], { input: 50, output: 5, costUsd: 0.005 });
  const runs = store.all();

  it('stores per-server MCP call figures on each run', () => {
    expect(runs.find((r) => r.id === 'b1')!.mcp).toEqual({
      'docs-b': { calls: 3, errors: 1, durations: [100, 300, 200] },
    });
    expect(runs.find((r) => r.id === 'n1')!.mcp).toBeUndefined();
  });

  it('one group per server (and one without MCP): runs, calls per run, error rate, p50/p90, tokens and cost per run', () => {
    const groups = compareByMcp(runs, ['mcp']);
    expect(groups.map((g) => g.label)).toEqual(['(none)', 'docs-a', 'docs-b']);
    const [none, a, b] = groups;
    expect(none).toMatchObject({ runs: 1, key: { mcp: NO_MCP } });
    expect(none!.mcp).toBeUndefined();
    expect(a).toMatchObject({
      runs: 2,
      completed: 2,
      mcp: { server: 'docs-a', calls: 3, callsPerRun: 1.5, errors: 0, errorRate: 0, p50Ms: 20 },
    });
    // durations 10, 20, 30: p90 at rank 1.8 -> 20 + 0.8 * 10
    expect(a!.mcp!.p90Ms).toBeCloseTo(28, 10);
    expect(a!.tokens.input.mean).toBe(200);
    expect(a!.costUsd.mean).toBeCloseTo(0.02, 10);
    expect(b).toMatchObject({ runs: 2, mcp: { calls: 3, callsPerRun: 1.5, errors: 1, p50Ms: 200 } });
    expect(b!.mcp!.errorRate).toBeCloseTo(1 / 3, 10);
    expect(b!.mcp!.p90Ms).toBeCloseTo(280, 10);
    expect(b!.tokens.input.mean).toBe(750);
    expect(b!.costUsd.mean).toBeCloseTo(0.075, 10);
  });

  it('--by mcp,model splits each server by model; table and CSV show the same figures', () => {
    const groups = compareByMcp(runs, ['mcp', 'model']);
    expect(groups.map((g) => [g.label, g.runs, g.mcp?.calls])).toEqual([
      ['(none) · m1', 1, undefined],
      ['docs-a · m1', 1, 2],
      ['docs-a · m2', 1, 1],
      ['docs-b · m1', 2, 3],
    ]);
    const table = renderMcpCompareTable(compareByMcp(runs, ['mcp']), ['mcp']);
    expect(table.split('\n')[0]).toMatch(/^MCP\s+RUNS\s+OK\s+MCP CALLS\/RUN\s+MCP ERRORS\s+MCP P50\s+MCP P90/);
    const bRow = table
      .split('\n')
      .find((l) => l.startsWith('docs-b'))!
      .split(/\s{2,}/);
    expect(bRow.slice(0, 5)).toEqual(['docs-b', '2', '100%', '1.5', '33%']);
    const csv = mcpCompareCsv(compareByMcp(runs, ['mcp']), ['mcp'])
      .trim()
      .split('\n');
    expect(csv[0]!.startsWith('mcp,runs,completed,success_rate,mcp_calls,')).toBe(true);
    expect(csv[2]).toMatch(/^docs-a,2,2,1,3,1\.5,0,0,20,28,200,20,0\.02,/);
  });

  it('the HTML report has a "By MCP server" table when runs used MCP, and none otherwise', () => {
    const html = renderHtmlReport({ runs, events: (id) => store.events(id) });
    expect(html).toContain('<h2>By MCP server</h2>');
    const row = /<tr><td class="l">docs-b<\/td>(.*?)<\/tr>/.exec(html)![1]!;
    expect([...row.matchAll(/<td>(.*?)<\/td>/g)].map((m) => m[1]).slice(0, 4)).toEqual(['2', '100%', '1.5', '33%']);
    const plain = renderHtmlReport({ runs: runs.filter((r) => r.id === 'n1'), events: (id) => store.events(id) });
    expect(plain).not.toContain('By MCP server');
  });
});
