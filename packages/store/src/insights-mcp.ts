import type { McpToolRef, OmnigentEvent } from '@omnigent/core';
import type { McpServerFigures } from './insights-types.js';
import { quantile } from './stats.js';
import type { RunSummary } from './types.js';

// Claude Code names MCP tools `mcp__<server>__<tool>`; other harnesses' plugins set `mcp` on the event.
const CLAUDE_MCP = /^mcp__(.+?)__(.+)$/;

/** The MCP server and tool of a call: the event's `mcp`, else parsed from a `mcp__server__tool` name. */
export function mcpRefOf(name: string, mcp: McpToolRef | undefined): McpToolRef | undefined {
  if (mcp) return mcp;
  const m = CLAUDE_MCP.exec(name);
  return m ? { server: m[1]!, tool: m[2]! } : undefined;
}

/** Whether a run may hold MCP calls (its events are worth reading): it was given servers, or a tool name says so. */
export function mayUseMcp(run: RunSummary): boolean {
  return (
    (run.mcpServers?.length ?? 0) > 0 || Object.keys(run.tools ?? {}).some((n) => CLAUDE_MCP.test(n) || /mcp/i.test(n))
  );
}

/** Accumulates MCP calls per server over runs' events. */
export class McpTally {
  private readonly servers = new Map<
    string,
    {
      calls: number;
      errors: number;
      durations: number[];
      runs: Set<string>;
      tools: Map<string, { calls: number; errors: number }>;
    }
  >();

  /** Count the MCP calls of one run. */
  add(runId: string, events: OmnigentEvent[]): void {
    const started = new Map<string, McpToolRef | undefined>();
    for (const e of events) {
      if (e.type === 'tool.started') started.set(e.callId, mcpRefOf(e.name, e.mcp));
      if (e.type !== 'tool.completed') continue;
      const ref = mcpRefOf(e.name, e.mcp ?? started.get(e.callId));
      if (!ref) continue;
      let s = this.servers.get(ref.server);
      if (!s)
        this.servers.set(ref.server, (s = { calls: 0, errors: 0, durations: [], runs: new Set(), tools: new Map() }));
      s.calls += 1;
      s.runs.add(runId);
      if (e.isError) s.errors += 1;
      if (e.durationMs !== undefined) s.durations.push(e.durationMs);
      let t = s.tools.get(ref.tool);
      if (!t) s.tools.set(ref.tool, (t = { calls: 0, errors: 0 }));
      t.calls += 1;
      if (e.isError) t.errors += 1;
    }
  }

  /** Per server, most called first. */
  figures(): McpServerFigures[] {
    return [...this.servers.entries()]
      .map(([server, s]): McpServerFigures => {
        const f: McpServerFigures = {
          server,
          calls: s.calls,
          errors: s.errors,
          errorRate: s.calls ? s.errors / s.calls : 0,
          runs: s.runs.size,
          tools: [...s.tools.entries()]
            .map(([tool, t]) => ({ tool, ...t }))
            .sort((a, b) => b.calls - a.calls || a.tool.localeCompare(b.tool)),
        };
        const p50 = quantile(s.durations, 0.5);
        const p90 = quantile(s.durations, 0.9);
        if (p50 !== undefined) f.p50Ms = p50;
        if (p90 !== undefined) f.p90Ms = p90;
        return f;
      })
      .sort((a, b) => b.calls - a.calls || a.server.localeCompare(b.server));
  }
}
