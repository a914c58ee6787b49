import { createHash } from 'node:crypto';
import type { HistorySession, OmnigentEvent, TerminalEvent, ToolKind } from '@omnigent/core';
import { classifyKind } from './classify-kind.js';
import type { RecorderOptions } from './recorder.js';
import type { RunStore } from './store.js';
import type { RunEnd, RunStart } from './types.js';

/**
 * The run id of an imported session: a UUID-shaped digest of harness and session id. Contract:
 * the same session always gets the same id, so importing twice finds it, and `export` sends it
 * on the same trace id every time.
 */
export function importedRunId(harness: string, sessionId: string): string {
  const h = createHash('sha256').update(`omnigent-import:${harness}:${sessionId}`).digest('hex');
  // version nibble 8 ("custom"), variant 10xx: a valid UUID that no random v4 id can equal
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** What {@link importSession} needs besides the session. */
export interface ImportSessionOptions {
  harness: string;
  pluginVersion?: string;
  /** Provider name for the stored request (telemetry export). */
  provider?: string;
  /** Extra tags (the importer adds `imported`). */
  tags?: string[];
  /** Applied to the start record, the request and every event before they are written (secret redaction). */
  redact?: <T>(value: T) => T;
  onWriteError?: RecorderOptions['onWriteError'];
}

/** The events of a session as stored: run id, harness, seq, session id and time filled in. */
export function sessionEvents(session: HistorySession, runId: string, harness: string): OmnigentEvent[] {
  let time = session.startedAt;
  return session.events.map((draft, seq) => {
    if (draft.time) time = draft.time;
    return { ...draft, runId, harness, seq, time, sessionId: session.sessionId } as OmnigentEvent;
  });
}

/** The kind of an imported session: from its first prompt, the files it changed and its tool mix. */
export function classifySession(events: OmnigentEvent[], prompt: string | undefined): ReturnType<typeof classifyKind> {
  const files = events.filter((e) => e.type === 'file.changed').map((e) => (e as Extract<OmnigentEvent, { type: 'file.changed' }>).path);
  const toolKinds: Partial<Record<ToolKind, number>> = {};
  for (const e of events) if (e.type === 'tool.started') toolKinds[e.kind] = (toolKinds[e.kind] ?? 0) + 1;
  return classifyKind({ prompt: prompt ?? '', files, toolKinds });
}

/**
 * Write one imported session into the store as a finished run (`source: imported`, kind
 * classified, tag `imported`). Contract: the caller checks the run id is not stored yet; the
 * events are written as a live run's would be, so `runs show`, `report` and `export` treat it alike.
 */
export function importSession(store: RunStore, session: HistorySession, options: ImportSessionOptions): RunEnd {
  const id = importedRunId(options.harness, session.sessionId);
  // redact the drafts before the fields omnigent adds (ids, times): a third fewer strings to scan
  const drafts = options.redact ? { ...session, events: session.events.map((e) => options.redact!(e)) } : session;
  const events = sessionEvents(drafts, id, options.harness);
  const guess = classifySession(events, session.prompt);
  const clean = options.redact ?? (<T>(v: T): T => v);
  const start: RunStart = {
    id,
    harness: options.harness,
    ...(options.pluginVersion ? { pluginVersion: options.pluginVersion } : {}),
    ...(session.model ? { requestedModel: session.model } : {}),
    startedAt: session.startedAt,
    cwd: session.cwd ?? '',
    tags: ['imported', ...(options.tags ?? [])],
    ...(session.gitBranch ? { gitBranch: session.gitBranch } : {}),
    ...(session.prompt !== undefined ? { prompt: session.prompt } : {}),
    kind: guess.kind,
    kindSource: 'classified',
    kindConfidence: guess.confidence,
    source: 'imported',
  };
  const recorder = store.begin(
    clean(start),
    clean({ prompt: session.prompt ?? '', ...(session.cwd ? { cwd: session.cwd } : {}), ...(session.model ? { model: session.model } : {}), ...(options.provider ? { provider: options.provider } : {}) }),
    options.onWriteError ? { onWriteError: options.onWriteError } : {},
  );
  const last = events[events.length - 1];
  const terminal = last && (last.type === 'run.completed' || last.type === 'run.failed') ? (last as TerminalEvent) : undefined;
  recorder.appendAll(events);
  return recorder.finish(terminal);
}
