import { createHash } from 'node:crypto';
import type { HistorySession, OmnigentEvent, TerminalEvent, ToolKind } from '@omnigent/core';
import { classifyKind } from './classify-kind.js';
import { join } from 'node:path';
import { StoreQueryError } from './errors.js';
import { appendPrivate, ensurePrivateDir, writePrivateFile } from './private-files.js';
import { SKIPPED_EVENT_TYPES } from './recorder.js';
import type { RunStore } from './store.js';
import { SummaryBuilder } from './summarize.js';
import { PROMPT_PREVIEW_CHARS, type RunEnd, type RunStart, type StoredRequest } from './types.js';

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
  const files = events
    .filter((e) => e.type === 'file.changed')
    .map((e) => (e as Extract<OmnigentEvent, { type: 'file.changed' }>).path);
  const toolKinds: Partial<Record<ToolKind, number>> = {};
  for (const e of events) if (e.type === 'tool.started') toolKinds[e.kind] = (toolKinds[e.kind] ?? 0) + 1;
  return classifyKind({ prompt: prompt ?? '', files, toolKinds });
}

// Stores whose directories were made private in this process (an import writes thousands of runs).
const prepared = new WeakSet<RunStore>();

/**
 * Write one imported session into the store as a finished run (`source: imported`, kind
 * classified, tag `imported`). Contract: the caller checks the run id is not stored yet; the
 * events file is what a live run would have written, so `runs show`, `report` and `export` treat
 * it alike. Fewer writes than a live run (the whole session is known): the events in one write,
 * the start and end records in one append. Throws a {@link StoreQueryError} when the store cannot
 * be written.
 */
export function importSession(store: RunStore, session: HistorySession, options: ImportSessionOptions): RunEnd {
  const id = importedRunId(options.harness, session.sessionId);
  // redact the drafts before the fields omnigent adds (ids, times): a third fewer strings to scan
  const drafts = options.redact ? { ...session, events: session.events.map((e) => options.redact!(e)) } : session;
  const events = sessionEvents(drafts, id, options.harness);
  const guess = classifySession(events, session.prompt);
  const clean = options.redact ?? (<T>(v: T): T => v);
  const start: RunStart = clean({
    id,
    harness: options.harness,
    ...(options.pluginVersion ? { pluginVersion: options.pluginVersion } : {}),
    ...(session.model ? { requestedModel: session.model } : {}),
    startedAt: session.startedAt,
    cwd: session.cwd ?? '',
    tags: ['imported', ...(options.tags ?? [])],
    ...(session.gitBranch ? { gitBranch: session.gitBranch } : {}),
    ...(session.prompt !== undefined ? { prompt: session.prompt.slice(0, PROMPT_PREVIEW_CHARS) } : {}),
    kind: guess.kind,
    kindSource: 'classified' as const,
    kindConfidence: guess.confidence,
    source: 'imported' as const,
  });
  const request: StoredRequest = clean({
    prompt: session.prompt ?? '',
    ...(session.cwd ? { cwd: session.cwd } : {}),
    ...(session.model ? { model: session.model } : {}),
    ...(options.provider ? { provider: options.provider } : {}),
  });
  const builder = new SummaryBuilder();
  let text = '';
  for (const e of events) {
    if (SKIPPED_EVENT_TYPES.has(e.type)) continue;
    builder.add(e);
    text += `${JSON.stringify(e)}\n`;
  }
  const last = events[events.length - 1];
  const terminal =
    last && (last.type === 'run.completed' || last.type === 'run.failed') ? (last as TerminalEvent) : undefined;
  const end = builder.finish(id, start.startedAt, start.requestedModel, terminal);
  try {
    if (!prepared.has(store)) {
      ensurePrivateDir(store.dir);
      ensurePrivateDir(join(store.dir, 'runs'));
      prepared.add(store);
    }
    writePrivateFile(store.requestFile(id), JSON.stringify(request));
    writePrivateFile(store.eventsFile(id), text);
    // both records in one append: a reader never sees the imported run half-written as "running"
    appendPrivate(
      store.indexFile,
      `${JSON.stringify({ k: 'start', ...start })}\n${JSON.stringify({ k: 'end', ...end })}\n`,
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOSPC'
        ? 'no space left on device'
        : code === 'EDQUOT'
          ? 'disk quota exceeded'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : error instanceof Error
              ? error.message
              : String(error);
    throw new StoreQueryError(
      `cannot write the run store at ${store.dir} (${why}): the import stopped; the sessions imported so far are kept, the next import adds the rest.`,
      'Free some space or fix the permissions (or point OMNIGENT_STORE elsewhere), then run omnigent import again.',
    );
  }
  return end;
}
