import type {
  ExitInfo,
  FinishResult,
  NonTerminalDraft,
  TerminalDraft,
  TokenUsage,
  UsageConfidence,
  UsageSource,
} from '@omnigent/core';
import type { ClaudeResultLine } from './events.js';
import { describeExit, exitFields, lastLine } from '@omnigent/core/kit';
import type { ClaudeState } from './state.js';
import { flushPendingDeltas, fromApiUsage } from './translate.js';

type RunUsage = TokenUsage & { source: UsageSource; confidence: UsageConfidence };

/**
 * Run totals from the latest result line. `modelUsage` covers sub-agents, `usage` only the main
 * loop, so `modelUsage` wins; cost is the CLI's own list-price estimate. `modelUsage` and cost are
 * running totals across results, `usage` is per result: `mainLoopSum` is its sum over all of them.
 */
export function runUsageOf(result: ClaudeResultLine, mainLoopSum?: TokenUsage): RunUsage | undefined {
  const models = Object.values(result.modelUsage ?? {});
  let usage: TokenUsage | undefined;
  let confidence: UsageConfidence = 'exact';
  if (models.length > 0) {
    usage = {};
    for (const m of models) {
      const read = m.cacheReadInputTokens ?? 0;
      const write = m.cacheCreationInputTokens ?? 0;
      if (m.inputTokens !== undefined) usage.input = (usage.input ?? 0) + m.inputTokens + read + write;
      if (m.outputTokens !== undefined) usage.output = (usage.output ?? 0) + m.outputTokens;
      if (m.cacheReadInputTokens !== undefined) usage.cacheRead = (usage.cacheRead ?? 0) + read;
      if (m.cacheCreationInputTokens !== undefined) usage.cacheWrite = (usage.cacheWrite ?? 0) + write;
    }
  } else if (result.usage || mainLoopSum) {
    usage = mainLoopSum ?? fromApiUsage(result.usage);
    // main loop only: a sub-agent's tokens would be missing
    confidence = 'partial';
  }
  if (typeof result.total_cost_usd === 'number') {
    usage = { ...usage, costUsd: result.total_cost_usd, costSource: 'harness-estimate' };
  }
  if (!usage || Object.keys(usage).length === 0) return undefined;
  return { ...usage, source: 'result', confidence };
}

/** The child ended: close what is open and decide the outcome (exit code AND result line). */
export function finishClaude(state: ClaudeState, exit: ExitInfo): FinishResult {
  // text that streamed but never got its assistant line (the process died mid-block)
  const events: NonTerminalDraft[] = flushPendingDeltas(state);
  if (state.openTurn) {
    const open = state.openTurn;
    state.openTurn = undefined;
    events.push({ type: 'turn.completed', turn: open.turn });
  }
  // calls cut off mid-stream still report what they had
  for (const call of state.calls.values()) {
    if (call.usageSent || !call.start) continue;
    call.usageSent = true;
    events.push({
      type: 'usage',
      scope: 'call',
      source: 'stream',
      confidence: 'partial',
      callId: call.id,
      ...(call.model ? { model: call.model } : {}),
      ...(call.parentCallId ? { parentCallId: call.parentCallId } : {}),
      ...fromApiUsage({ ...call.start, ...call.delta }, call.delta?.output_tokens !== undefined),
    });
  }

  const code = exitFields(exit, { signal: false, stderr: false });
  const stderr = exit.stderrTail ? { stderrTail: exit.stderrTail } : {};
  const r = state.result;
  if (!r) {
    const why =
      state.apiError ??
      lastLine(exit.stderrTail) ??
      (exit.exitCode === 0 ? 'it printed no result line' : 'it printed nothing on stderr');
    const terminal: TerminalDraft = {
      type: 'run.failed',
      reason: 'exit',
      message: `claude ${describeExit(exit)} without a result: ${why}`,
      ...code,
      ...stderr,
    };
    return { events, terminal };
  }

  const usage = runUsageOf(r, state.resultMainUsage);
  const turns = state.resultTurns ?? r.num_turns;
  const common = {
    ...(usage ? { usage } : {}),
    ...(turns !== undefined ? { turns } : {}),
    ...(typeof r.result === 'string' ? { result: r.result } : {}),
    ...code,
  };

  // `subtype: success` with `is_error: true` is how API errors end; the subtype alone lies
  if (r.is_error === true || r.subtype !== 'success') {
    const errors = r.errors?.length ? r.errors : undefined;
    const startup =
      typeof r.startup_failure_reason === 'string' && r.startup_failure_reason ? r.startup_failure_reason : undefined;
    const subtype = typeof r.subtype === 'string' && r.subtype ? r.subtype : undefined;
    // a result line without a subtype (or an empty one) still says what it can: the run failed
    const message =
      r.subtype === 'success'
        ? r.result || state.apiError || `Claude API error${r.api_error_status ? ` ${r.api_error_status}` : ''}`
        : errors?.join('; ') ||
          r.result ||
          startup ||
          subtype ||
          `Claude Code ended with an error result without a subtype${lastLine(exit.stderrTail) ? `: ${lastLine(exit.stderrTail)}` : ''}`;
    // the harness's own facts go in `details`, the event's slot for them (never top-level extras)
    const details: Record<string, unknown> = subtype ? { subtype } : {};
    if (r.terminal_reason) details.terminalReason = r.terminal_reason;
    if (typeof r.api_error_status === 'number') details.apiErrorStatus = r.api_error_status;
    if (startup) details.startupFailureReason = startup;
    const terminal: TerminalDraft = {
      type: 'run.failed',
      reason: 'error',
      message,
      ...common,
      ...stderr,
      ...(errors ? { errors } : {}),
      details,
    };
    return { events, terminal };
  }

  if (exit.exitCode !== 0 || exit.signal) {
    const why = lastLine(exit.stderrTail);
    const terminal: TerminalDraft = {
      type: 'run.failed',
      reason: 'exit',
      message: `claude ${describeExit(exit)} after its result${why ? `: ${why}` : ''}`,
      ...common,
      ...stderr,
    };
    return { events, terminal };
  }

  return { events, terminal: { type: 'run.completed', ...common } };
}
