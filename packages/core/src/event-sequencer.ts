import { performance } from 'node:perf_hooks';
import type { EventBus } from './bus.js';
import type { TerminalDraft } from './contract.js';
import type { EventDraft, McpToolRef, OmnigentEvent, TerminalEvent } from './events.js';

/** Options of {@link EventSequencer}. */
export interface SequencerOptions {
  runId: string;
  /** The plugin's name, stamped as `harness`. */
  harness: string;
  bus: EventBus;
  /** Workflow step id stamped on every event. */
  step?: string | undefined;
  /** Filled into `session.started` when the harness does not report its version. */
  harnessVersion?: string | undefined;
  /** Facts of a synthesized `session.started`. */
  cwd: string;
  model?: string | undefined;
  /** How long events that precede the harness's own session may wait for it. Default: 1000 ms. */
  pendingWaitMs?: number;
}

/** A tool call that started and has not completed yet. */
export interface OpenTool {
  started: number;
  name: string;
  parentCallId: string | undefined;
  /** The MCP server and tool, when the call went to one. */
  mcp?: McpToolRef;
}

const PENDING_LIMIT = 256;

/**
 * Turns drafts into the run's event stream. Contract: stamps runId, harness, seq, time, sessionId
 * and step; `session.started` is the first event (synthesized when the harness names none within
 * `pendingWaitMs`, or ends first), and there is only one; every `tool.started` gets a `tool.completed`
 * (with a duration measured here when the harness gave none); nothing is published after the terminal.
 */
export class EventSequencer {
  /** Tool calls open right now, by call id (the watchdog names them). */
  readonly openTools = new Map<string, OpenTool>();
  /** Type of the last published event. */
  lastType: string | undefined;
  private seq = 0;
  private sessionId: string | undefined;
  private sessionStarted = false;
  private pending: EventDraft[] | undefined = [];
  private pendingTimer: NodeJS.Timeout | undefined;
  private terminalSent = false;

  constructor(private readonly o: SequencerOptions) {}

  /** Take one non-terminal draft from the harness or the runner. Dropped after the terminal. */
  emit(draft: EventDraft): void {
    if (this.terminalSent) return;
    if (draft.type === 'tool.started') {
      this.openTools.set(draft.callId, {
        started: performance.now(),
        name: draft.name,
        parentCallId: draft.parentCallId,
        ...(draft.mcp ? { mcp: draft.mcp } : {}),
      });
    } else if (draft.type === 'tool.completed') {
      const open = this.openTools.get(draft.callId);
      if (open) {
        this.openTools.delete(draft.callId);
        if (draft.durationMs === undefined)
          draft = { ...draft, durationMs: Math.round(performance.now() - open.started) };
        // the MCP server of a call is known at its start; its end says the same, whichever plugin made it
        if (draft.mcp === undefined && open.mcp) draft = { ...draft, mcp: open.mcp };
      }
    }
    if (this.sessionStarted && draft.type === 'session.started') {
      // the harness named its session after omnigent had to start one: keep the facts, once
      if (draft.sessionId) this.sessionId = draft.sessionId;
      this.publish({
        type: 'status',
        code: 'session',
        message: `${this.o.harness} session ${draft.sessionId ?? ''} started late`.replace('  ', ' '),
        raw: draft,
      });
      return;
    }
    if (!this.sessionStarted) {
      if (draft.type === 'session.started') {
        this.sessionStarted = true;
        clearTimeout(this.pendingTimer);
        this.publish(draft);
        this.releasePending();
        return;
      }
      if (
        draft.type !== 'run.completed' &&
        draft.type !== 'run.failed' &&
        this.pending &&
        this.pending.length < PENDING_LIMIT
      ) {
        this.pending.push(draft);
        // events that precede the session (Codex's model warning) wait briefly; a harness that never
        // names a session must not hold every event back until it exits
        if (!this.pendingTimer) {
          this.pendingTimer = setTimeout(() => this.flushPending(), this.o.pendingWaitMs ?? 1000);
          this.pendingTimer.unref?.();
        }
        return;
      }
      this.startSynthesized();
    }
    this.publish(draft);
  }

  /** Publish what waits for a session, under a synthesized one (the harness has not named its own). */
  flushPending(): void {
    clearTimeout(this.pendingTimer);
    if (!this.sessionStarted && this.pending && this.pending.length > 0) this.startSynthesized();
  }

  /** End every open tool call as interrupted (the harness died or was stopped mid-call). */
  closeOpenTools(): void {
    for (const [callId, open] of this.openTools) {
      this.emit({
        type: 'tool.completed',
        callId,
        name: open.name,
        output: null,
        isError: true,
        status: 'interrupted',
        ...(open.parentCallId ? { parentCallId: open.parentCallId } : {}),
        ...(open.mcp ? { mcp: open.mcp } : {}),
      });
    }
  }

  /**
   * Publish the terminal event. Contract: exactly once (later calls return undefined); a session is
   * synthesized first when none was published, so `session.started` is first even for a silent harness.
   */
  finish(draft: TerminalDraft, durationMs: number): TerminalEvent | undefined {
    if (this.terminalSent) return undefined;
    clearTimeout(this.pendingTimer);
    if (!this.sessionStarted) this.startSynthesized();
    const event = this.publish({ durationMs, ...draft } as EventDraft) as TerminalEvent;
    this.terminalSent = true;
    return event;
  }

  private startSynthesized(): void {
    clearTimeout(this.pendingTimer);
    this.sessionStarted = true;
    this.publish({
      type: 'session.started',
      cwd: this.o.cwd,
      ...(this.o.model !== undefined ? { model: this.o.model } : {}),
      details: { synthesized: true },
    });
    this.releasePending();
  }

  private releasePending(): void {
    const waiting = this.pending ?? [];
    this.pending = undefined;
    for (const p of waiting) this.publish(p);
  }

  private publish(draft: EventDraft): OmnigentEvent {
    this.lastType = draft.type;
    if (draft.type === 'session.started') {
      if (draft.sessionId) this.sessionId = draft.sessionId;
      if (!draft.harnessVersion && this.o.harnessVersion) draft = { ...draft, harnessVersion: this.o.harnessVersion };
    }
    const event = {
      ...draft,
      runId: this.o.runId,
      harness: this.o.harness,
      seq: this.seq++,
      time: new Date().toISOString(),
    } as OmnigentEvent;
    if (this.sessionId !== undefined && event.sessionId === undefined) event.sessionId = this.sessionId;
    if (this.o.step !== undefined) event.step = this.o.step;
    this.o.bus.emit(event);
    return event;
  }
}
