import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { EventBus } from './bus.js';
import type { ExitInfo, HarnessPlugin, RunRequest, TerminalDraft } from './contract.js';
import type { EventDraft, OmnigentEvent, TerminalEvent } from './events.js';
import { DEFAULT_MAX_LINE_BYTES, JsonlFramer } from './jsonl.js';
import { terminateTree } from './process-tree.js';

/** Options of {@link startRun}. */
export interface RunOptions {
  plugin: HarnessPlugin<any>;
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
  /** End the run when the harness prints nothing on stdout for this long. Default: 10 minutes; 0 disables. */
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
}

/**
 * A running harness: iterate its events, or await its terminal event. Contract: an iterator sees
 * the events emitted from the moment it is created, so start iterating before the first `await`
 * after `startRun()` (nothing is emitted before then: spawning is asynchronous).
 */
export interface HarnessRun extends AsyncIterable<OmnigentEvent> {
  readonly runId: string;
  readonly bus: EventBus;
  /** The terminal event (`run.completed` or `run.failed`); never rejects. */
  result(): Promise<TerminalEvent>;
  /** Same as aborting `options.signal`. */
  abort(): void;
  /** Pid of the harness process, once spawned. */
  readonly pid: number | undefined;
}

const STDERR_TAIL_BYTES = 8192;
const PENDING_LIMIT = 256;
const PENDING_WAIT_MS = 1000;

function tailOf(text: string, maxLines = 40): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(-maxLines).join('\n');
}

/**
 * Start a harness run. Contract: exactly one terminal event, always the last; `session.started`
 * precedes every other event; every `tool.started` gets a `tool.completed`; stdout is never
 * paused for slow subscribers.
 */
export function startRun(options: RunOptions): HarnessRun {
  const { plugin, request } = options;
  const runId = options.runId ?? randomUUID();
  const bus = options.bus ?? new EventBus();
  const controller = new AbortController();
  let pid: number | undefined;
  const t0 = performance.now();

  let seq = 0;
  let sessionId: string | undefined;
  let sessionStarted = false;
  let pending: EventDraft[] | undefined = [];
  const openTools = new Map<string, { started: number; name: string; parentCallId: string | undefined }>();
  let terminalSent = false;
  let pendingTimer: NodeJS.Timeout | undefined;

  let lastType: string | undefined;
  const publish = (draft: EventDraft): OmnigentEvent => {
    lastType = draft.type;
    if (draft.type === 'session.started') {
      if (draft.sessionId) sessionId = draft.sessionId;
      if (!draft.harnessVersion && options.harnessVersion) draft = { ...draft, harnessVersion: options.harnessVersion };
    }
    const event = {
      ...draft,
      runId,
      harness: plugin.name,
      seq: seq++,
      time: new Date().toISOString(),
    } as OmnigentEvent;
    if (sessionId !== undefined && event.sessionId === undefined) event.sessionId = sessionId;
    if (options.step !== undefined) event.step = options.step;
    bus.emit(event);
    return event;
  };

  const synthesizeSession = (): void => {
    sessionStarted = true;
    publish({
      type: 'session.started',
      cwd: request.cwd ?? process.cwd(),
      ...(request.model !== undefined ? { model: request.model } : {}),
      details: { synthesized: true },
    });
  };

  const emit = (draft: EventDraft): void => {
    if (terminalSent) return;
    if (draft.type === 'tool.started') {
      openTools.set(draft.callId, { started: performance.now(), name: draft.name, parentCallId: draft.parentCallId });
    } else if (draft.type === 'tool.completed') {
      const open = openTools.get(draft.callId);
      if (open) {
        openTools.delete(draft.callId);
        if (draft.durationMs === undefined) draft = { ...draft, durationMs: Math.round(performance.now() - open.started) };
      }
    }
    if (sessionStarted && draft.type === 'session.started') {
      // the harness named its session after omnigent had to start one: keep the facts, once
      if (draft.sessionId) sessionId = draft.sessionId;
      publish({ type: 'status', code: 'session', message: `${plugin.name} session ${draft.sessionId ?? ''} started late`.replace('  ', ' '), raw: draft });
      return;
    }
    if (!sessionStarted) {
      if (draft.type === 'session.started') {
        sessionStarted = true;
        clearTimeout(pendingTimer);
        publish(draft);
        for (const p of pending ?? []) publish(p);
        pending = undefined;
        return;
      }
      if (draft.type !== 'run.completed' && draft.type !== 'run.failed' && pending && pending.length < PENDING_LIMIT) {
        pending.push(draft);
        // events that precede the session (Codex's model warning) wait briefly; a harness that never
        // names a session must not hold every event back until it exits
        pendingTimer ??= setTimeout(flushPending, PENDING_WAIT_MS);
        pendingTimer.unref?.();
        return;
      }
      clearTimeout(pendingTimer);
      synthesizeSession();
      for (const p of pending ?? []) publish(p);
      pending = undefined;
    }
    publish(draft);
  };

  const flushPending = (): void => {
    clearTimeout(pendingTimer);
    if (!sessionStarted && pending && pending.length > 0) {
      synthesizeSession();
      for (const p of pending) publish(p);
      pending = undefined;
    }
  };

  const state = plugin.createState(request, { env: { ...(options.baseEnv ?? process.env), ...request.env, ...options.extraEnv } });
  let endedBy: 'timeout' | 'aborted' | undefined;
  let endMessage = '';
  let lineNo = 0;

  const framer = new JsonlFramer(
    {
      line: (line) => {
        lineNo += 1;
        let record: unknown;
        try {
          record = JSON.parse(line);
        } catch {
          emit({
            type: 'warning',
            code: 'unparsed-line',
            message: `${plugin.name} printed a line that is not JSON (stdout line ${lineNo}); kept as raw`,
            raw: line,
          });
          return;
        }
        let drafts: EventDraft[];
        try {
          drafts = plugin.translate(record, state, { request, line, elapsedMs: performance.now() - t0 });
        } catch (error) {
          emit({
            type: 'warning',
            code: 'translate-error',
            message: `The ${plugin.name} plugin could not translate stdout line ${lineNo}: ${error instanceof Error ? error.message : String(error)}`,
            raw: record,
          });
          return;
        }
        for (const d of drafts) {
          if (d.type === 'run.completed' || d.type === 'run.failed') {
            emit({ type: 'warning', code: 'plugin-contract', message: `The ${plugin.name} plugin returned ${d.type} from translate(); ignored (terminal events come from finish())`, raw: d });
            continue;
          }
          emit(d);
        }
      },
      overflow: (bytes, head) => {
        lineNo += 1;
        emit({
          type: 'warning',
          code: 'line-too-long',
          message: `${plugin.name} printed a ${bytes}-byte line (stdout line ${lineNo}), over the ${options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES}-byte limit; it was skipped`,
          raw: head,
        });
      },
    },
    options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
  );

  const result = (async (): Promise<TerminalEvent> => {
    const spec = plugin.command(request, { bin: options.bin, isRoot: process.getuid?.() === 0 });
    const env: NodeJS.ProcessEnv = { ...(options.baseEnv ?? process.env), ...request.env };
    for (const [k, v] of Object.entries(spec.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    Object.assign(env, options.extraEnv);
    const cwd = spec.cwd ?? request.cwd ?? process.cwd();
    for (const message of spec.warnings ?? []) emit({ type: 'warning', code: 'unsupported-option', message });

    let stderrTail = '';
    let spawnError: Error | undefined;
    const child = execa(options.bin, spec.args, {
      cwd,
      env,
      extendEnv: false,
      stdin: spec.stdin !== undefined ? 'pipe' : 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      detached: true,
      buffer: false,
      reject: false,
      cleanup: true,
      stripFinalNewline: false,
      encoding: 'buffer',
      ...(spec.stdin !== undefined ? { input: spec.stdin } : {}),
    });
    pid = child.pid;
    // the child runs in its own process group (so a terminal's Ctrl-C reaches only omnigent, which
    // then stops it cleanly); if omnigent itself exits without that (an uncaught error, exit()),
    // the group must not be left running: a synchronous TERM on the way out
    if (pid !== undefined) trackGroup(pid);

    let killing: Promise<void> | undefined;
    const stop = (why: 'timeout' | 'aborted', message: string): void => {
      if (endedBy) return;
      endedBy = why;
      endMessage = message;
      if (pid !== undefined) killing = terminateTree(pid, options.killGraceMs ?? 3000);
    };

    const timeoutMs = options.timeoutMs ?? request.timeoutMs;
    const timers: NodeJS.Timeout[] = [];
    if (timeoutMs && timeoutMs > 0) {
      timers.push(setTimeout(() => stop('timeout', `${plugin.name} did not finish within ${Math.round(timeoutMs / 1000)}s (--timeout)`), timeoutMs));
    }
    const inactivityMs = options.inactivityMs ?? 10 * 60_000;
    let idleTimer: NodeJS.Timeout | undefined;
    const armIdle = (): void => {
      if (!inactivityMs) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => stop('timeout', idleMessage(inactivityMs)), inactivityMs);
    };
    armIdle();
    // say what the harness was doing when it went quiet: a long tool call reads differently from a
    // model that never answered
    const idleMessage = (ms: number): string => {
      const quiet = `${plugin.name} printed nothing for ${Math.round(ms / 1000)}s`;
      const running = [...openTools.values()].map((t) => `${t.name} (running ${Math.round((performance.now() - t.started) / 1000)}s)`);
      const doing = running.length
        ? `while tool call${running.length > 1 ? 's' : ''} ${running.join(', ')} ${running.length > 1 ? 'were' : 'was'} open`
        : lastType
          ? `after its last event (${lastType})`
          : 'and never printed anything';
      return `${quiet} ${doing}; stopped by the inactivity watchdog (raise it with --idle-timeout, 0 turns it off)`;
    };
    const onAbort = (): void => stop('aborted', 'the run was interrupted');
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    controller.signal.addEventListener('abort', onAbort, { once: true });

    child.stdout?.on('data', (chunk: Buffer) => {
      armIdle();
      framer.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    const stdoutDone = child.stdout
      ? new Promise<void>((r) => {
          child.stdout!.once('close', r);
          child.stdout!.once('end', r);
        })
      : Promise.resolve();

    // A background process the harness started may keep our stdout pipe open after the harness
    // itself exited; once it has exited, give the pipe a short grace to drain, then stop reading
    // so the run ends (the orphan is left alone: it may be a server the agent meant to start).
    child.once('exit', () => {
      const grace = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, options.pipeGraceMs ?? 2000);
      grace.unref();
      void stdoutDone.then(() => clearTimeout(grace));
    });
    const res = await child;
    if (pid !== undefined) untrackGroup(pid);
    await stdoutDone;
    framer.end();
    if (res.failed && res.exitCode === undefined && !res.signal && !endedBy) {
      spawnError = new Error(res.originalMessage || res.shortMessage || 'spawn failed');
    }
    for (const t of timers) clearTimeout(t);
    clearTimeout(idleTimer);
    options.signal?.removeEventListener('abort', onAbort);
    await killing;

    const durationMs = Math.round(performance.now() - t0);
    const exit: ExitInfo = {
      stderrTail: tailOf(stderrTail),
      durationMs,
      ...(res.exitCode !== undefined ? { exitCode: res.exitCode } : {}),
      ...(res.signal ? { signal: res.signal } : {}),
      ...(endedBy ? { endedByRunner: endedBy } : {}),
    };

    let terminal: TerminalDraft | undefined;
    try {
      const fin = plugin.finish(state, exit);
      for (const e of fin.events ?? []) emit(e);
      terminal = fin.terminal;
    } catch (error) {
      emit({ type: 'warning', code: 'translate-error', message: `The ${plugin.name} plugin failed in finish(): ${error instanceof Error ? error.message : String(error)}` });
    }
    flushPending();

    // every started tool gets an end, even when the harness died mid-call
    for (const [callId, open] of openTools) {
      emit({
        type: 'tool.completed',
        callId,
        name: open.name,
        output: null,
        isError: true,
        status: 'interrupted',
        ...(open.parentCallId ? { parentCallId: open.parentCallId } : {}),
      });
    }

    let draft: TerminalDraft;
    const exitFields = {
      ...(res.exitCode !== undefined ? { exitCode: res.exitCode } : {}),
      ...(res.signal ? { signal: res.signal } : {}),
    };
    if (endedBy) {
      draft = {
        ...(terminal ?? {}),
        type: 'run.failed',
        reason: endedBy,
        message: endMessage,
        ...exitFields,
        ...(exit.stderrTail ? { stderrTail: exit.stderrTail } : {}),
      } as TerminalDraft;
    } else if (spawnError) {
      draft = { type: 'run.failed', reason: 'error', message: `Could not start ${options.bin}: ${spawnError.message}`, ...exitFields };
    } else if (terminal) {
      draft = { ...exitFields, ...terminal } as TerminalDraft;
      if (draft.type === 'run.failed' && !draft.stderrTail && exit.stderrTail) draft.stderrTail = exit.stderrTail;
    } else if (res.exitCode === 0) {
      draft = { type: 'run.completed', exitCode: 0 };
    } else {
      const how = res.signal ? `was killed by ${res.signal}` : `exited with code ${res.exitCode}`;
      draft = {
        type: 'run.failed',
        reason: 'exit',
        message: `${plugin.name} ${how}${exit.stderrTail ? `: ${lastLine(exit.stderrTail)}` : ' and printed nothing on stderr'}`,
        ...exitFields,
        ...(exit.stderrTail ? { stderrTail: exit.stderrTail } : {}),
      };
    }
    const event = publish({ durationMs, ...draft } as EventDraft) as TerminalEvent;
    terminalSent = true;
    return event;
  })().catch((error: unknown): TerminalEvent => {
    // programmer errors (a throwing command()) still end the run with exactly one terminal event
    flushPending();
    const durationMs = Math.round(performance.now() - t0);
    const event = publish({
      type: 'run.failed',
      reason: 'error',
      message: error instanceof Error ? error.message : String(error),
      durationMs,
    }) as TerminalEvent;
    terminalSent = true;
    return event;
  });

  return {
    runId,
    bus,
    get pid() {
      return pid;
    },
    result: () => result,
    abort: () => controller.abort(),
    [Symbol.asyncIterator]: () => iterate(bus, result),
  };
}

/** Process groups of running harnesses, terminated synchronously if omnigent exits first. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // one listener for all runs (parallel workflow steps would otherwise add one each)
  process.once('exit', () => {
    for (const g of liveGroups) {
      try {
        process.kill(-g, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  });
}

function untrackGroup(pid: number): void {
  liveGroups.delete(pid);
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1]!.slice(0, 500);
}

/** Async iterator over a run's events, backed by a bus subscription (slow consumers spill to disk). */
function iterate(bus: EventBus, done: Promise<TerminalEvent>): AsyncIterator<OmnigentEvent> {
  const ready: OmnigentEvent[] = [];
  let wake: (() => void) | undefined;
  let release: (() => void) | undefined;
  let finished = false;
  const unsubscribe = bus.on(
    '*',
    (event) =>
      new Promise<void>((resolve) => {
        ready.push(event);
        release = resolve;
        wake?.();
      }),
    'iterator',
  );
  void done.then(() => {
    void bus.flush().then(() => {
      finished = true;
      wake?.();
    });
  });
  return {
    async next(): Promise<IteratorResult<OmnigentEvent>> {
      for (;;) {
        const event = ready.shift();
        if (event) {
          const r = release;
          release = undefined;
          r?.();
          if (event.type === 'run.completed' || event.type === 'run.failed') {
            finished = true;
            unsubscribe();
          }
          return { value: event, done: false };
        }
        if (finished) {
          unsubscribe();
          return { value: undefined, done: true };
        }
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    },
    async return(): Promise<IteratorResult<OmnigentEvent>> {
      finished = true;
      unsubscribe();
      release?.();
      return { value: undefined, done: true };
    },
  };
}

