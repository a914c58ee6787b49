import type { OmnigentEvent, TokenUsage, UsageConfidence, UsageEvent } from '@omnigent/core';
import { addUsage } from '@omnigent/core/events';
import type { RunEnd, ToolStats, UsageSummary } from './types.js';

const RANK: Record<UsageConfidence, number> = { exact: 0, estimated: 1, partial: 2 };

function worse(a: UsageConfidence | undefined, b: UsageConfidence): UsageConfidence {
  return a === undefined || RANK[b] > RANK[a] ? b : a;
}

interface UsageSum {
  usage: TokenUsage;
  confidence: UsageConfidence | undefined;
  count: number;
}

function addTo(sum: UsageSum, e: UsageEvent): void {
  sum.usage = addUsage(sum.usage, e);
  sum.confidence = worse(sum.confidence, e.confidence);
  sum.count += 1;
}

function hasFigure(u: TokenUsage): boolean {
  return u.input !== undefined || u.output !== undefined || u.costUsd !== undefined;
}

/**
 * Folds a run's events into the figures of its index `end` record. Used live by the recorder and,
 * for a run whose process died, on the events file afterwards (same result either way).
 */
export class SummaryBuilder {
  private readonly tools = new Map<string, ToolStats>();
  private readonly mcp = new Map<string, ToolStats>();
  private toolCalls = 0;
  private toolErrors = 0;
  private events = 0;
  private turns = 0;
  private model: string | undefined;
  private harnessVersion: string | undefined;
  private sessionId: string | undefined;
  private lastTime: string | undefined;
  private runUsage: UsageEvent | undefined;
  // Harnesses report usage per call, per turn or per run; each scope is summed apart so that the
  // totals never count the same tokens twice.
  private readonly turnSum: UsageSum = { usage: {}, confidence: undefined, count: 0 };
  private readonly callSum: UsageSum = { usage: {}, confidence: undefined, count: 0 };

  /** Take one event into account. */
  add(event: OmnigentEvent): void {
    this.events += 1;
    this.lastTime = event.time;
    if (event.sessionId) this.sessionId = event.sessionId;
    switch (event.type) {
      case 'session.started':
        if (event.model) this.model = event.model;
        if (event.harnessVersion) this.harnessVersion = event.harnessVersion;
        break;
      case 'turn.started':
        this.turns = Math.max(this.turns, event.turn);
        break;
      case 'tool.completed': {
        let t = this.tools.get(event.name);
        if (!t) this.tools.set(event.name, (t = { calls: 0, errors: 0, durations: [] }));
        t.calls += 1;
        this.toolCalls += 1;
        if (event.isError) {
          t.errors += 1;
          this.toolErrors += 1;
        }
        if (event.durationMs !== undefined) t.durations.push(Math.round(event.durationMs));
        if (event.mcp) {
          let m = this.mcp.get(event.mcp.server);
          if (!m) this.mcp.set(event.mcp.server, (m = { calls: 0, errors: 0, durations: [] }));
          m.calls += 1;
          if (event.isError) m.errors += 1;
          if (event.durationMs !== undefined) m.durations.push(Math.round(event.durationMs));
        }
        break;
      }
      case 'usage':
        if (event.scope === 'run') this.runUsage = event;
        else addTo(event.scope === 'turn' ? this.turnSum : this.callSum, event);
        if (event.model && !this.model) this.model = event.model;
        break;
      default:
        break;
    }
  }

  /** Run totals from the best source seen so far: terminal totals, a run-scope figure, turn sums, call sums. */
  private usage(
    terminal: Extract<OmnigentEvent, { type: 'run.completed' | 'run.failed' }> | undefined,
  ): UsageSummary | undefined {
    const pick = (
      u: TokenUsage,
      confidence: UsageConfidence,
      source?: UsageSummary['source'],
    ): UsageSummary | undefined => {
      if (!hasFigure(u)) return undefined;
      const { input, output, cacheRead, cacheWrite, reasoning, costUsd, costSource } = u;
      const out: UsageSummary = { confidence };
      if (input !== undefined) out.input = input;
      if (output !== undefined) out.output = output;
      if (cacheRead !== undefined) out.cacheRead = cacheRead;
      if (cacheWrite !== undefined) out.cacheWrite = cacheWrite;
      if (reasoning !== undefined) out.reasoning = reasoning;
      if (costUsd !== undefined) out.costUsd = costUsd;
      if (costSource !== undefined) out.costSource = costSource;
      if (source !== undefined) out.source = source;
      return out;
    };
    // Without a terminal event the run died: whatever was summed is only a lower bound.
    const died = terminal === undefined;
    if (terminal?.usage) {
      const u = pick(terminal.usage, terminal.usage.confidence, terminal.usage.source);
      if (u) return u;
    }
    if (this.runUsage) {
      const u = pick(this.runUsage, died ? 'partial' : this.runUsage.confidence, this.runUsage.source);
      if (u) return u;
    }
    const sum = this.turnSum.count > 0 ? this.turnSum : this.callSum;
    if (sum.count === 0) return undefined;
    return pick(sum.usage, died ? 'partial' : (sum.confidence ?? 'partial'), 'derived');
  }

  /** The `end` record: from the terminal event, or (none) as a run killed after its last stored event. */
  finish(
    id: string,
    startedAt: string,
    requestedModel: string | undefined,
    terminal: Extract<OmnigentEvent, { type: 'run.completed' | 'run.failed' }> | undefined,
  ): RunEnd {
    const tools: Record<string, ToolStats> = {};
    for (const [name, t] of [...this.tools.entries()].sort((a, b) => b[1].calls - a[1].calls)) tools[name] = t;
    const endedAt = terminal?.time ?? this.lastTime;
    const end: RunEnd = {
      id,
      status:
        terminal === undefined
          ? 'interrupted'
          : terminal.type === 'run.completed'
            ? 'completed'
            : terminal.reason === 'aborted'
              ? 'interrupted'
              : 'failed',
      toolCalls: this.toolCalls,
      toolErrors: this.toolErrors,
      tools,
      ...(this.mcp.size
        ? { mcp: Object.fromEntries([...this.mcp.entries()].sort(([a], [b]) => a.localeCompare(b))) }
        : {}),
      events: this.events,
    };
    if (terminal === undefined) end.reason = 'killed';
    else if (terminal.type === 'run.failed') {
      end.reason = terminal.reason;
      end.message = terminal.message;
    }
    if (terminal?.exitCode !== undefined) end.exitCode = terminal.exitCode;
    if (endedAt) end.endedAt = endedAt;
    const duration = terminal?.durationMs ?? (endedAt ? Date.parse(endedAt) - Date.parse(startedAt) : undefined);
    if (duration !== undefined && Number.isFinite(duration)) end.durationMs = Math.max(0, Math.round(duration));
    const model = this.model ?? requestedModel;
    if (model) end.model = model;
    if (this.harnessVersion) end.harnessVersion = this.harnessVersion;
    if (this.sessionId) end.sessionId = this.sessionId;
    const usage = this.usage(terminal);
    if (usage) end.usage = usage;
    const turns = terminal?.turns ?? (this.turns || undefined);
    if (turns !== undefined) end.turns = turns;
    return end;
  }
}
