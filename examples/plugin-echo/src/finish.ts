import type { ExitInfo, FinishResult } from '@omnigent/core';
import type { EchoState } from './state.js';

/**
 * The outcome once `omnigent-echo` has exited. Contract: the harness's own error wins over its exit
 * code; exit 0 without a `done` record is a failure (the stream was cut short); a run the runner ended
 * (timeout, abort) keeps the runner's reason.
 */
export function finishEcho(state: EchoState, exit: ExitInfo): FinishResult {
  if (exit.endedByRunner) return {};
  const totals = state.usage
    ? { usage: { ...state.usage, source: 'stream' as const, confidence: 'exact' as const } }
    : {};
  const stderr = exit.stderrTail ? { stderrTail: exit.stderrTail } : {};
  if (state.error !== undefined) {
    return {
      terminal: {
        type: 'run.failed',
        reason: 'error',
        message: `omnigent-echo: ${state.error}`,
        ...(exit.exitCode !== undefined ? { exitCode: exit.exitCode } : {}),
        ...totals,
        ...stderr,
      },
    };
  }
  if (exit.exitCode !== 0 || exit.signal) {
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
    return {
      terminal: {
        type: 'run.failed',
        reason: 'exit',
        message: `omnigent-echo ${how}`,
        ...(exit.exitCode !== undefined ? { exitCode: exit.exitCode } : {}),
        ...totals,
        ...stderr,
      },
    };
  }
  if (state.turns === undefined) {
    return {
      terminal: {
        type: 'run.failed',
        reason: 'error',
        message: 'omnigent-echo ended without finishing its answer',
        ...totals,
        ...stderr,
      },
    };
  }
  return {
    terminal: {
      type: 'run.completed',
      turns: state.turns,
      ...(state.answer !== undefined ? { result: state.answer } : {}),
      ...totals,
    },
  };
}
