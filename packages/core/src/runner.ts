import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { EventBus } from './bus.js';
import { spawnHarness, type ChildEnd, type HarnessChild } from './child.js';
import type { AnyHarness, FinishResult, HarnessPlugin, RunRequest, TerminalDraft } from './contract.js';
import { EventSequencer } from './event-sequencer.js';
import type { OmnigentEvent, TerminalEvent } from './events.js';
import { DEFAULT_MAX_LINE_BYTES, JsonlFramer } from './jsonl.js';
import { LineReader } from './line-reader.js';
import { RunIteration } from './run-iterator.js';
import { runHandle } from './run-handle.js';
import { decideTerminal } from './terminal.js';
import { isSessionPlugin } from './session-contract.js';
import { startSessionRun } from './session-runner.js';

/** Options of {@link startRun}. */
export interface RunOptions {
  /** Any plugin, whatever its state type. */
  plugin: AnyHarness;
  request: RunRequest;
  /** Resolved harness binary (see `resolveBinary`). */
  bin: string;
  /** Default: a new UUID. */
  runId?: string;
  /** Bus to publish on. Default: a new one (`run.bus`). */
  bus?: EventBus;
  /** Abort the run: the child's whole process tree is terminated, the run ends `aborted`. */
  signal?: AbortSignal;
  /** Wall-clock limit. Default: `request.timeoutMs`, else none. */
  timeoutMs?: number;
  /**
   * End the run when the harness makes no progress for this long. Progress is any stdout line except
   * a repeat of the previous warning (same code, same message up to numbers: "retry 3/5" repeats
   * "retry 2/5"), so a harness retrying forever is stopped. Default: 10 minutes; 0 disables.
   */
  inactivityMs?: number;
  /** Time between SIGTERM and SIGKILL. Default: 3000 ms. */
  killGraceMs?: number;
  /** Bound on one stdout line. Default: 64 MiB. */
  maxLineBytes?: number;
  /** Base environment of the child. Default: `process.env`. */
  baseEnv?: NodeJS.ProcessEnv;
  /** Added last to the child's environment (e.g. `TRACEPARENT` from telemetry). */
  extraEnv?: Record<string, string>;
  /** Workflow step id stamped on every event. */
  step?: string;
  /** The harness CLI's version, filled into `session.started` when the harness does not report it. */
  harnessVersion?: string;
  /** After the harness exits, how long its stdout may stay open (held by a background child). Default: 2000 ms. */
  pipeGraceMs?: number;
  /** `unparsed-line` warnings published one by one before the rest are counted into one summary. Default: 20. */
  unparsedWarnings?: number;
  /** Session plugins: time between asking the agent to stop (ACP `session/cancel`) and the kill path. Default: 2000 ms. */
  cancelGraceMs?: number;
}

/**
 * A running harness: iterate its events, or await its terminal event. Contract: the first iterator
 * sees every event from `startRun()` on, whenever it is created (call `result()` after creating it,
 * or in the same turn: a `result()` with no iterator in that turn stops keeping events for one).
 */
export interface HarnessRun extends AsyncIterable<OmnigentEvent> {
  readonly runId: string;
  readonly bus: EventBus;
  /** The terminal event (`run.completed` or `run.failed`); never rejects. */
  result(): Promise<TerminalEvent>;
  /**
   * Same as aborting `options.signal`: SIGTERM to the tree, SIGKILL after `killGraceMs`. With
   * `force`, SIGKILL at once (also hurries an abort already under way; a second abort never skips the kill).
   */
  abort(options?: { force?: boolean }): void;
  /** Pid of the harness process, once spawned. */
  readonly pid: number | undefined;
}

/** The plugin hooks as the runner calls them: `createState` and `finish` may be left out. */
type Hooks = {
  createState?: HarnessPlugin<unknown>['createState'];
  finish?: HarnessPlugin<unknown>['finish'];
};

/**
 * Start a harness run. Contract: exactly one terminal event, always the last; `session.started`
 * is the first event, even when the harness printed nothing; every `tool.started` gets a
 * `tool.completed`; stdout is never paused for slow subscribers; a harness killed by a signal the
 * runner did not send fails with reason `exit`, only a runner abort is `aborted`.
 */
export function startRun(options: RunOptions): HarnessRun {
  if (isSessionPlugin(options.plugin)) return startSessionRun(options);
  const { plugin, request } = options;
  const hooks = plugin as Hooks;
  const runId = options.runId ?? randomUUID();
  const bus = options.bus ?? new EventBus();
  const t0 = performance.now();
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let child: HarnessChild | undefined;
  let abortAsked: { force: boolean } | undefined;

  const seq = new EventSequencer({
    runId,
    harness: plugin.name,
    bus,
    step: options.step,
    harnessVersion: options.harnessVersion,
    cwd: request.cwd ?? process.cwd(),
    model: request.model,
  });
  const emit = seq.emit.bind(seq);
  // before anything can be emitted: the first iterator sees every event, however late it comes
  let settle: (t: TerminalEvent) => void = () => undefined;
  const iteration = new RunIteration(bus, new Promise<TerminalEvent>((r) => (settle = r)));

  const run = async (): Promise<TerminalEvent> => {
    const state =
      hooks.createState?.(request, {
        env: { ...(options.baseEnv ?? process.env), ...request.env, ...options.extraEnv },
      }) ?? {};
    const reader = new LineReader({
      plugin,
      state,
      request,
      emit,
      t0,
      maxLineBytes,
      ...(options.unparsedWarnings !== undefined ? { unparsedWarnings: options.unparsedWarnings } : {}),
    });
    let progress = false;
    const framer = new JsonlFramer(
      {
        line: (line) => void (progress = reader.line(line) || progress),
        overflow: (bytes, head) => reader.overflow(bytes, head),
      },
      maxLineBytes,
    );

    const spec = plugin.command(request, { bin: options.bin, isRoot: process.getuid?.() === 0 });
    const env: NodeJS.ProcessEnv = { ...(options.baseEnv ?? process.env), ...request.env };
    for (const [k, v] of Object.entries(spec.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    Object.assign(env, options.extraEnv);
    for (const message of spec.warnings ?? []) emit({ type: 'warning', code: 'unsupported-option', message });

    const inactivityMs = options.inactivityMs ?? 10 * 60_000;
    const timeoutMs = options.timeoutMs ?? request.timeoutMs;
    child = spawnHarness({
      bin: options.bin,
      args: spec.args,
      cwd: spec.cwd ?? request.cwd ?? process.cwd(),
      env,
      stdin: spec.stdin,
      marker: runId,
      timeoutMs,
      inactivityMs,
      killGraceMs: options.killGraceMs ?? 3000,
      pipeGraceMs: options.pipeGraceMs ?? 2000,
      signal: options.signal,
      onStdout: (chunk) => {
        progress = false;
        framer.push(chunk);
        // a chunk inside one long line is the harness talking too
        return progress || !chunk.includes(10);
      },
      timeoutMessage: () => `${plugin.name} did not finish within ${Math.round((timeoutMs ?? 0) / 1000)}s (--timeout)`,
      idleMessage: () => idleMessage(plugin.name, inactivityMs, seq, reader.repeating),
    });
    if (abortAsked) child.stop('aborted', 'the run was interrupted', abortAsked);
    const end: ChildEnd = await child.ended;
    framer.end();
    reader.end();

    let fin: FinishResult = {};
    try {
      fin = hooks.finish?.(state, end.exit) ?? {};
    } catch (error) {
      emit({
        type: 'warning',
        code: 'translate-error',
        message: `The ${plugin.name} plugin failed in finish(): ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    for (const e of fin.events ?? []) emit(e);
    seq.flushPending();
    // every started tool gets an end, even when the harness died mid-call
    seq.closeOpenTools();
    const draft: TerminalDraft = decideTerminal({
      harness: plugin.name,
      bin: options.bin,
      exit: end.exit,
      pluginTerminal: fin.terminal,
      runnerMessage: end.runnerMessage,
      spawnError: end.spawnError,
    });
    return seq.finish(draft, end.exit.durationMs)!;
  };

  return runHandle({
    runId,
    bus,
    seq,
    t0,
    iteration,
    settle,
    run,
    pid: () => child?.pid,
    abort: (force) => {
      if (child) child.stop('aborted', 'the run was interrupted', { force });
      else abortAsked = { force: force || abortAsked?.force === true };
    },
  });
}

/** What the harness was doing when it went quiet: a long tool call reads differently from a model that never answered. */
export function idleMessage(
  harness: string,
  ms: number,
  seq: EventSequencer,
  repeating: { message: string; times: number } | undefined,
  /** How the harness talks: `printed` (stdout lines) or `sent` (a protocol session's messages). */
  verb: 'printed' | 'sent' = 'printed',
): string {
  const secs = Math.round(ms / 1000);
  if (repeating) {
    return `${harness} made no progress for ${secs}s: it only repeated the warning "${repeating.message}" (${repeating.times} times); stopped by the inactivity watchdog (raise it with --idle-timeout, 0 turns it off)`;
  }
  const quiet = `${harness} ${verb} nothing for ${secs}s`;
  const running = [...seq.openTools.values()].map(
    (t) => `${t.name} (running ${Math.round((performance.now() - t.started) / 1000)}s)`,
  );
  const doing = running.length
    ? `while tool call${running.length > 1 ? 's' : ''} ${running.join(', ')} ${running.length > 1 ? 'were' : 'was'} open`
    : seq.lastType
      ? `after its last event (${seq.lastType})`
      : `and never ${verb} anything`;
  return `${quiet} ${doing}; stopped by the inactivity watchdog (raise it with --idle-timeout, 0 turns it off)`;
}
