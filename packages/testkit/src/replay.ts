import { existsSync, readFileSync } from 'node:fs';
import type { EventDraft, ExitInfo, HarnessPlugin, NonTerminalDraft, RunRequest, TerminalDraft } from '@omnigent/core';

/**
 * How the real CLI exited for one recorded case: `<case>.meta.json` next to `<case>.jsonl`, the
 * one fixture format for it. Extra fields (e.g. `requests`, the model calls the mock served) are kept.
 */
export interface ExitMeta {
  /** Exit code; `null` when the process died of a signal. */
  exitCode: number | null;
  /** The signal that killed it. Default: none. */
  signal?: string | null;
  /** What it printed on stderr. Default: nothing. */
  stderr?: string;
  [key: string]: unknown;
}

/** The parsed JSONL records of a transcript file (blank lines skipped). */
export function readTranscript(file: string): unknown[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

/** The path of a transcript's `<case>.meta.json`. */
export function metaPathOf(transcript: string): string {
  return transcript.replace(/\.jsonl$/, '') + '.meta.json';
}

/** A transcript's exit meta (`<case>.meta.json`). Default: undefined when the file does not exist. */
export function readExitMeta(transcript: string): ExitMeta | undefined {
  const file = metaPathOf(transcript);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ExitMeta;
}

/** An exit meta as the `ExitInfo` fields `finish()` reads. */
export function exitOfMeta(meta: ExitMeta): Partial<ExitInfo> {
  return {
    exitCode: meta.exitCode ?? undefined,
    ...(meta.signal ? { signal: meta.signal } : {}),
    stderrTail: meta.stderr ?? '',
  };
}

/** Options of {@link translateTranscript}. */
export interface TranscriptOptions {
  /** Merged over `{ prompt: 'test' }`. */
  request?: Partial<RunRequest>;
  /** Merged over `{ exitCode: 0, stderrTail: '', durationMs: 1 }` (and, for a file, its meta). */
  exit?: Partial<ExitInfo>;
  /** The child's environment `createState` sees, before `request.env`. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** What a replay produced. */
export interface TranscriptReplay<S> {
  /** translate() output of every record, then finish()'s events. */
  events: NonTerminalDraft[];
  terminal: TerminalDraft | undefined;
  /** `events` followed by the terminal draft. */
  all: EventDraft[];
  /** The plugin's state after finish(). */
  state: S;
}

/**
 * Replay records through a plugin's pure path (createState, translate per record, finish) without
 * spawning anything. A file path is read as JSONL and its `<case>.meta.json` supplies the exit.
 * Contract: the runner's own work (session synthesis, tool closing, stamping) is not done here;
 * use `replayTranscript` from `@omnigent/testkit/conformance` for the whole run.
 */
export function translateTranscript<S>(
  plugin: HarnessPlugin<S>,
  records: unknown[] | string,
  options: TranscriptOptions = {},
): TranscriptReplay<S> {
  const request: RunRequest = { prompt: 'test', ...options.request };
  const meta = typeof records === 'string' ? readExitMeta(records) : undefined;
  const list = typeof records === 'string' ? readTranscript(records) : records;
  const state = plugin.createState(request, { env: { ...(options.env ?? process.env), ...request.env } });
  const events: NonTerminalDraft[] = [];
  for (const record of list)
    events.push(...plugin.translate(record, state, { request, line: JSON.stringify(record), elapsedMs: 0 }));
  const exit: ExitInfo = {
    exitCode: 0,
    stderrTail: '',
    durationMs: 1,
    ...(meta ? exitOfMeta(meta) : {}),
    ...options.exit,
  };
  const fin = plugin.finish(state, exit);
  events.push(...(fin.events ?? []));
  return {
    events,
    terminal: fin.terminal,
    all: [...events, ...(fin.terminal ? [fin.terminal as EventDraft] : [])],
    state,
  };
}

/** The events of one type, narrowed (works on drafts and on stamped events). */
export function ofType<E extends { type: string }, T extends E['type']>(
  events: readonly E[],
  type: T,
): Extract<E, { type: T }>[] {
  return events.filter((e): e is Extract<E, { type: T }> => e.type === type);
}
