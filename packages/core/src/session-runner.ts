import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Writable } from 'node:stream';
import { EventBus } from './bus.js';
import { RUN_MARKER_ENV, spawnHarness, type ChildEnd, type HarnessChild } from './child.js';
import type { TerminalDraft } from './contract.js';
import { EventSequencer } from './event-sequencer.js';
import type { NonTerminalDraft, TerminalEvent } from './events.js';
import { RunIteration } from './run-iterator.js';
import { runHandle } from './run-handle.js';
import { idleMessage, type HarnessRun, type RunOptions } from './runner.js';
import type { SessionChannel, SessionHarnessPlugin } from './session-contract.js';
import { decideTerminal } from './terminal.js';

/**
 * After `session()` settles, how long the agent gets to exit on its own once stdin is closed before
 * the usual kill path (SIGTERM, SIGKILL after the grace) ends it: many agents keep serving after EOF.
 */
const CLOSE_GRACE_MS = 500;
/** After the child is gone, how long a plugin whose session has not settled is waited for. */
const SETTLE_GRACE_MS = 2000;

/** The child's stdio as web streams (what ACP-style SDKs take). */
function channelOf(stdin: Writable | undefined): {
  channel: SessionChannel;
  push: (chunk: Buffer) => void;
  close: () => void;
} {
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let closed = false;
  const readable = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
    },
    // the session stopped reading (its connection closed): later output has nowhere to go
    cancel: () => {
      closed = true;
    },
  });
  // a write after the agent died (EPIPE) must not crash omnigent: the session learns of it from stdout closing
  stdin?.on('error', () => undefined);
  const writable = new WritableStream<Uint8Array>({
    write: (chunk) =>
      new Promise<void>((resolve) => {
        if (!stdin || stdin.destroyed || stdin.writableEnded) return resolve();
        stdin.write(chunk, () => resolve());
      }),
    close: () => {
      stdin?.end();
    },
  });
  return {
    channel: { readable, writable },
    push: (chunk) => {
      if (closed) return;
      try {
        controller?.enqueue(new Uint8Array(chunk));
      } catch {
        closed = true;
      }
    },
    close: () => {
      if (closed) return;
      closed = true;
      try {
        controller?.close();
      } catch {
        // already errored or cancelled by the reader: nothing left to close
      }
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/**
 * Run a protocol-session plugin (see `defineSessionHarness`). Contract: the guarantees of
 * `startRun` hold (own process group, reaper, wall-clock and inactivity watchdogs, exactly one
 * terminal event last, `session.started` first, every tool call closed); a runner stop first aborts
 * the plugin's `stop` signal (it cancels the agent's turn) and runs the kill path `cancelGraceMs`
 * later; when the session ends on its own the agent's stdin is closed and whatever is left of its
 * tree is terminated; every stdout byte is progress for the inactivity watchdog.
 */
export function startSessionRun(options: RunOptions): HarnessRun {
  const plugin = options.plugin as SessionHarnessPlugin;
  const { request } = options;
  const runId = options.runId ?? randomUUID();
  const bus = options.bus ?? new EventBus();
  const t0 = performance.now();
  let child: HarnessChild | undefined;
  let abortAsked: { force: boolean } | undefined;
  const stopCtl = new AbortController();
  // set once the session ended and omnigent closes the agent: a kill then is housekeeping, not an outcome
  let closing = false;

  const seq = new EventSequencer({
    runId,
    harness: plugin.name,
    bus,
    step: options.step,
    harnessVersion: options.harnessVersion,
    cwd: request.cwd ?? process.cwd(),
    model: request.model,
  });
  let settle: (t: TerminalEvent) => void = () => undefined;
  const iteration = new RunIteration(bus, new Promise<TerminalEvent>((r) => (settle = r)));
  const emit = (draft: NonTerminalDraft): void => {
    const type = (draft as { type: string }).type;
    if (type === 'run.completed' || type === 'run.failed') {
      seq.emit({
        type: 'warning',
        code: 'plugin-contract',
        message: `The ${plugin.name} plugin emitted ${type}; ignored (the terminal event comes from session()'s result)`,
        raw: draft,
      });
      return;
    }
    seq.emit(draft);
  };

  const run = async (): Promise<TerminalEvent> => {
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
    const cwd = spec.cwd ?? request.cwd ?? process.cwd();
    let push: (chunk: Buffer) => void = () => undefined;
    child = spawnHarness({
      bin: options.bin,
      args: spec.args,
      cwd,
      env,
      keepStdin: true,
      marker: runId,
      timeoutMs,
      inactivityMs,
      killGraceMs: options.killGraceMs ?? 3000,
      pipeGraceMs: options.pipeGraceMs ?? 2000,
      signal: options.signal,
      onStdout: (chunk) => {
        push(chunk);
        return true;
      },
      timeoutMessage: () => `${plugin.name} did not finish within ${Math.round((timeoutMs ?? 0) / 1000)}s (--timeout)`,
      idleMessage: () => idleMessage(plugin.name, inactivityMs, seq, undefined, 'sent'),
      softStop: {
        ms: options.cancelGraceMs ?? 2000,
        notify: (why) => {
          if (closing) return false;
          stopCtl.abort(why);
          return true;
        },
      },
    });
    const io = channelOf(child.stdin);
    push = io.push;
    if (abortAsked) child.stop('aborted', 'the run was interrupted', abortAsked);
    const ended: Promise<ChildEnd> = child.ended.then((end) => {
      io.close();
      return end;
    });

    let outcome: { terminal?: TerminalDraft | undefined; error?: string } = {};
    const session = plugin
      .session({
        harness: plugin.name,
        request,
        cwd,
        env: { ...env, [RUN_MARKER_ENV]: runId },
        channel: io.channel,
        emit,
        stop: stopCtl.signal,
        elapsedMs: () => performance.now() - t0,
      })
      .then(
        (terminal) => void (outcome = { terminal }),
        (error: unknown) => void (outcome = { error: error instanceof Error ? error.message : String(error) }),
      );
    // the session ends first (normal), or the child dies first and the session gets a short grace
    const first = await Promise.race([session.then(() => 'session' as const), ended.then(() => 'child' as const)]);
    // the run took until its session ended; closing the agent afterwards is housekeeping
    const doneAt = performance.now();
    if (first === 'child') await Promise.race([session, sleep(SETTLE_GRACE_MS)]);
    else {
      closing = !stopCtl.signal.aborted;
      child.stdin?.end();
      const quit = await Promise.race([ended.then(() => true), sleep(CLOSE_GRACE_MS).then(() => false)]);
      if (!quit) child.stop('aborted', 'the agent did not exit after its session ended');
    }
    const end = await ended;

    seq.flushPending();
    seq.closeOpenTools();
    const byRunner = closing ? undefined : end.exit.endedByRunner;
    const exit = { ...end.exit, ...(byRunner ? { endedByRunner: byRunner } : {}) };
    if (!byRunner) delete exit.endedByRunner;
    let draft: TerminalDraft;
    if (byRunner || end.spawnError !== undefined) {
      draft = decideTerminal({
        harness: plugin.name,
        bin: options.bin,
        exit,
        pluginTerminal: outcome.terminal,
        runnerMessage: end.runnerMessage,
        spawnError: end.spawnError,
      });
    } else if (outcome.terminal) {
      // the agent is a server: how it exited after omnigent closed it says nothing about the run
      draft = { ...outcome.terminal };
      if (draft.type === 'run.failed') {
        if (draft.reason === 'aborted') draft.reason = 'exit';
        if (!draft.stderrTail && exit.stderrTail) draft.stderrTail = exit.stderrTail;
      }
    } else if (first === 'child' && (exit.exitCode !== 0 || exit.signal)) {
      // the agent died mid-session: its exit and stderr say more than "connection closed"
      draft = decideTerminal({ harness: plugin.name, bin: options.bin, exit });
    } else {
      draft = {
        type: 'run.failed',
        reason: 'error',
        message: outcome.error ?? `${plugin.name} ended its session without an outcome`,
        ...(exit.stderrTail ? { stderrTail: exit.stderrTail } : {}),
      };
    }
    return seq.finish(draft, Math.round((first === 'session' && !byRunner ? doneAt : performance.now()) - t0))!;
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
