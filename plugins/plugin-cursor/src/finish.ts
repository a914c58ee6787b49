import type { ExitInfo, FinishResult, NonTerminalDraft, TerminalDraft } from '@omnigent/core';
import { describeExit, firstLine, lastLine } from '@omnigent/core/kit';
import type { CursorState } from './state.js';
import { closeTurn, flushPending } from './translate.js';

/** Why a run without a result line failed, read from stderr (the only place Cursor says it). */
export function explainStderr(stderrTail: string): string | undefined {
  if (/workspace trust required/i.test(stderrTail)) {
    return 'cursor-agent refused an untrusted workspace ("Workspace Trust Required"). omnigent passes --trust; if this persists, open the folder once with `cursor-agent` interactively, or update the CLI (`cursor-agent update`)';
  }
  if (/ActionRequiredError/.test(stderrTail)) {
    return `Cursor requires an action on your account (ActionRequiredError), e.g. a named model on a free plan: try --model auto, or check your plan at cursor.com${detail(stderrTail)}`;
  }
  if (
    /not (?:logged|signed) in|unauthori[sz]ed|authentication (?:required|failed)|login required|invalid api key/i.test(
      stderrTail,
    )
  ) {
    return `cursor-agent is not signed in: set CURSOR_API_KEY or run \`cursor-agent login\`${detail(stderrTail)}`;
  }
  return undefined;
}

function detail(stderrTail: string): string {
  const line = lastLine(stderrTail);
  return line ? ` (stderr: ${line})` : '';
}

/**
 * The child ended: close what is open and decide the outcome. Contract: success needs a `result`
 * line with `is_error: false` AND exit code 0; EOF without a result is a failure (Cursor's docs:
 * "the stream may end early without a terminal event"), explained from stderr when it can be.
 */
export function finishCursor(state: CursorState, exit: ExitInfo): FinishResult {
  const events: NonTerminalDraft[] = flushPending(state);
  for (const [callId, open] of state.open) {
    events.push({
      type: 'tool.completed',
      callId,
      name: open.name,
      output: null,
      isError: true,
      status: 'interrupted',
    });
  }
  state.open.clear();
  events.push(...closeTurn(state));

  const extras = {
    ...(state.usage ? { usage: { ...state.usage, source: 'result' as const, confidence: 'partial' as const } } : {}),
    ...(state.turns > 0 ? { turns: state.turns } : {}),
    ...(state.result?.text !== undefined ? { result: state.result.text } : {}),
  };
  const stderr = exit.stderrTail ? { stderrTail: exit.stderrTail } : {};
  const failed = (reason: 'error' | 'exit', message: string): TerminalDraft => ({
    type: 'run.failed',
    reason,
    message,
    ...stderr,
    ...extras,
  });

  let terminal: TerminalDraft;
  const r = state.result;
  if (r && r.isError) {
    const why = firstLine(r.text) ?? lastLine(exit.stderrTail) ?? 'no details';
    terminal = failed(
      'error',
      `Cursor reported an error${r.subtype && r.subtype !== 'success' ? ` (${r.subtype})` : ''}: ${why}`,
    );
  } else if (r && exit.exitCode === 0 && !exit.signal) {
    terminal = { type: 'run.completed', ...extras };
  } else if (r) {
    terminal = failed('exit', `cursor-agent ${describeExit(exit)} after its result line${detail(exit.stderrTail)}`);
  } else {
    const explained = explainStderr(exit.stderrTail);
    const base = `cursor-agent ${describeExit(exit)} without a result line`;
    const message = explained
      ? `${explained} [${base}]`
      : `${base}${exit.stderrTail ? `: ${lastLine(exit.stderrTail)}` : ' and printed nothing on stderr'}`;
    // the process ended without its result line: an `exit` failure, with code 0 too (the same rule
    // as the Claude Code plugin); the message names the cause when stderr tells it
    terminal = failed('exit', message);
  }
  return { events, terminal };
}
