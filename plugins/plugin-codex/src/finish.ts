import type {
  ExitInfo,
  FinishResult,
  NonTerminalDraft,
  TokenUsage,
  UsageConfidence,
  UsageSource,
} from '@omnigent/core';
import { describeExit, describeOutsideStop, exitFields as exitFieldsOf, exitReason } from '@omnigent/core/kit';
import type { CodexState } from './state.js';
import { explainFailure } from './translate.js';

/** stderr lines codex prints on healthy runs; never the reason for a failure. */
const STDERR_NOISE = [
  /^WARNING: proceeding, even though we could not create PATH aliases/,
  /^Reading additional input from stdin/,
];

/** A frame of the backtrace codex prints under `RUST_BACKTRACE=1` (`  3: <unknown>`, `at src/x.rs:1`). */
const BACKTRACE_FRAME = /^(\d+: |at )/;

/**
 * The last stderr line that says something (skips codex's harmless notices). With RUST_BACKTRACE
 * set, codex follows its `Error: …` line with `Stack backtrace:` and frames: the error is the line.
 */
export function meaningfulStderr(tail: string): string | undefined {
  let all = tail.split('\n').map((l) => l.trim());
  const trace = all.findIndex((l) => /^stack backtrace:?$/i.test(l));
  if (trace >= 0) all = all.slice(0, trace);
  const lines = all.filter((l) => l.length > 0 && !BACKTRACE_FRAME.test(l) && !STDERR_NOISE.some((re) => re.test(l)));
  return lines.at(-1)?.slice(0, 500);
}

function explainNoJson(exit: ExitInfo): string {
  const line = meaningfulStderr(exit.stderrTail);
  if (line && /not inside a trusted directory/i.test(line)) {
    return `codex refused to run outside a git repository or trusted directory (${line}); pass options.skipGitRepoCheck: true or run inside a git repository`;
  }
  return `codex ${describeExit(exit)} before starting a thread${line ? `: ${line}` : ' and printed nothing on stderr'}`;
}

/**
 * Decide the run's outcome. Order: codex's own failure (`turn.failed` / top-level `error`), then a
 * non-zero exit or signal (codex prints no terminal line when interrupted), then success.
 */
export function finishCodex(state: CodexState, exit: ExitInfo): FinishResult {
  const usage: (TokenUsage & { source: UsageSource; confidence: UsageConfidence }) | undefined = state.runUsage
    ? { ...state.runUsage, source: 'derived', confidence: state.usageConfidence }
    : undefined;
  const common = {
    ...(usage ? { usage } : {}),
    ...((state.lastMessage ?? state.lastPlan) !== undefined ? { result: state.lastMessage ?? state.lastPlan } : {}),
    ...(state.turns > 0 ? { turns: state.turns } : {}),
  };
  const exitFields = exitFieldsOf(exit, { stderr: false });

  if (state.failure !== undefined) {
    return { terminal: { type: 'run.failed', reason: 'error', message: state.failure, ...exitFields, ...common } };
  }
  const streamError = state.streamErrors.at(-1);
  if (exit.exitCode === 0 && !exit.signal && state.completed) {
    // a stream error the turn recovered from (a reconnect notice) is worth showing, not fatal
    const events: NonTerminalDraft[] = state.streamErrors.map((message) => ({
      type: 'warning',
      code: 'harness-error',
      message,
    }));
    return { events, terminal: { type: 'run.completed', ...exitFields, ...common } };
  }
  if (streamError !== undefined) {
    return {
      terminal: { type: 'run.failed', reason: 'error', message: explainFailure(streamError), ...exitFields, ...common },
    };
  }
  if (exit.exitCode === 0 && !exit.signal) {
    return {
      terminal: {
        type: 'run.failed',
        reason: 'exit',
        message: 'codex exited with code 0 without finishing its turn (no turn.completed)',
        ...exitFields,
        ...common,
      },
    };
  }
  if (state.threadId === undefined) {
    return { terminal: { type: 'run.failed', reason: 'exit', message: explainNoJson(exit), ...exitFields, ...common } };
  }
  const line = meaningfulStderr(exit.stderrTail);
  // codex answers SIGINT with exit 1 and SIGTERM with 143, both without any turn.* line
  const how = describeOutsideStop(exit);
  const message = state.completed
    ? `codex ${how} after its turn completed${line ? `: ${line}` : ''}`
    : `codex ${how} before its turn finished (interrupted or crashed)${line ? `: ${line}` : ''}`;
  // only a stop omnigent made is an interrupt; a signal from elsewhere (SIGKILL, SIGSEGV, a kill)
  // is a crash as far as the user knows: reason exit, exit code 1
  return { terminal: { type: 'run.failed', reason: exitReason(exit), message, ...exitFields, ...common } };
}
