import type { ExitInfo, FinishResult, TerminalDraft } from '@omnigent/core';
import { describeOutsideStop, lastLine } from '@omnigent/core/kit';
import type { PiState } from './state.js';

/**
 * The run's outcome. `pi --mode json` exits 0 even when the model call failed, so failure is read
 * from the stream: `auto_retry_end.success === false`, or the last assistant message ending with
 * `stopReason` `error` (its `errorMessage` is the provider's message) or `aborted`.
 */
export function finishPi(state: PiState, exit: ExitInfo): FinishResult {
  const totals =
    state.total && state.calls > 0
      ? { usage: { ...state.total, source: 'stream' as const, confidence: 'exact' as const } }
      : {};
  const common = {
    ...totals,
    ...(state.turn > 0 ? { turns: state.turn } : {}),
    ...(state.answer !== undefined ? { result: state.answer } : {}),
  };
  const stderr = exit.stderrTail ? { stderrTail: exit.stderrTail } : {};
  const failed = (reason: 'error' | 'exit' | 'aborted' | 'timeout', message: string): FinishResult => ({
    terminal: { type: 'run.failed', reason, message, ...common, ...stderr } as TerminalDraft,
  });

  // timeout/abort: the runner's reason and message win; the totals are still worth keeping
  if (exit.endedByRunner) return failed(exit.endedByRunner, '');

  const modelError =
    state.retryError ??
    (state.last?.stopReason === 'error' ? (state.last.errorMessage ?? 'the model call failed') : undefined);
  if ((exit.exitCode !== undefined && exit.exitCode !== 0) || exit.signal) {
    const why = modelError ?? lastLine(exit.stderrTail) ?? 'it printed nothing on stderr';
    // omnigent's own stops returned above; pi answers SIGINT/SIGTERM/SIGHUP from elsewhere with
    // 130/143/129, and a SIGKILL or SIGSEGV kills it: no interrupt of the user's, so reason exit
    return failed('exit', `pi ${describeOutsideStop(exit)}: ${why}`);
  }
  if (modelError !== undefined) {
    const retries =
      state.retryError !== undefined && state.retryAttempts ? ` (after ${state.retryAttempts} retries)` : '';
    return failed('error', `The model call failed${retries}: ${modelError}`);
  }
  if (state.last?.stopReason === 'aborted') {
    return failed(
      'aborted',
      `The model call was aborted${state.last.errorMessage ? `: ${state.last.errorMessage}` : ''}`,
    );
  }
  if (!state.last) {
    // exit 0 without a single answer: pi printed help, or refused before calling a model
    const why = lastLine(exit.stderrTail) ?? (state.sessionId ? 'no model call was made' : 'it printed no session');
    return failed('error', `pi ended without an answer: ${why}`);
  }
  return { terminal: { type: 'run.completed', ...common } };
}
