import type { EventDraft } from './events.js';

/** A normalized event read from a history file: a draft plus the time the file recorded for it. */
export type HistoryEvent = EventDraft & {
  /** ISO-8601 time from the file. Default: the time of the event before it (or the session's start). */
  time?: string;
};

/** One session read from a harness's own history files (`omnigent import`). */
export interface HistorySession {
  /** The harness's session/thread id (the import dedupes on it). */
  sessionId: string;
  /** ISO-8601 time of the session's first record. */
  startedAt: string;
  /** ISO-8601 time of its last record. */
  endedAt?: string;
  cwd?: string;
  gitBranch?: string;
  /** The model of the session's first model call. */
  model?: string;
  harnessVersion?: string;
  /** The first user prompt. */
  prompt?: string;
  /**
   * The session as normalized events, in order: `session.started` first, then messages, tool calls
   * (with `durationMs` where the file has both times), `usage` per model call, and exactly one
   * terminal draft last (`run.completed`, or `run.failed` when the session's last request failed),
   * whose `usage` is the session's total.
   */
  events: HistoryEvent[];
  /** Other files read for this session (e.g. sub-agent transcripts). */
  extraFiles?: string[];
}

/** What {@link HarnessHistory.parse} gets: the file and a reader for files next to it. */
export interface HistoryFile {
  /** Absolute path. */
  path: string;
  text: string;
  /** Read another file (e.g. a sub-agent transcript beside the session); undefined when unreadable. */
  readFile: (path: string) => string | undefined;
}

/**
 * Reading a harness's own session history (`omnigent import`). Optional: a plugin without it is
 * simply not importable. Contract: no network, no writes; `parse` is pure apart from `readFile`.
 */
export interface HarnessHistory {
  /**
   * Session files in the harness's default location (honouring its env variables, e.g.
   * `CODEX_HOME`), newest first is not required. Missing directory: an empty list, never a throw.
   */
  sessionFiles: (env: NodeJS.ProcessEnv) => Promise<string[]>;
  /** One session file -> one session; undefined when the file holds no session (empty, foreign, unreadable). */
  parse: (file: HistoryFile) => HistorySession | undefined;
}
