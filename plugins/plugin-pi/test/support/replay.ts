import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventDraft, ExitInfo, NonTerminalDraft, RunRequest, TerminalDraft } from '@omnigent/core';
import { createPiState, finishPi, translatePi } from '../../src/index.js';
import type { PiState } from '../../src/state.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Fixtures recorded in this package from the real pi. */
export const OWN_FIXTURES = join(here, '..', 'fixtures');
/** Transcripts of the research report (copied from shared/fixtures/pi so CI has them). */
export const SHARED_FIXTURES = join(here, '..', 'fixtures', 'research');

/** JSONL lines of a fixture file. */
export function fixtureLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
}

/** Result of translating a transcript without spawning anything. */
export interface Translated {
  events: NonTerminalDraft[];
  terminal: TerminalDraft | undefined;
  all: EventDraft[];
  state: PiState;
}

/** Feed records through the pure translator, then `finish()` with the given exit. */
export function translateAll(records: unknown[], exit: Partial<ExitInfo> = {}, request: Partial<RunRequest> = {}): Translated {
  const req: RunRequest = { prompt: 'test', cwd: '/work', ...request };
  const state = createPiState(req);
  const events: NonTerminalDraft[] = [];
  for (const r of records) events.push(...translatePi(r, state, { request: req, line: JSON.stringify(r), elapsedMs: 0 }));
  const fin = finishPi(state, { exitCode: 0, stderrTail: '', durationMs: 1, ...exit });
  events.push(...(fin.events ?? []));
  return { events, terminal: fin.terminal, all: [...events, ...(fin.terminal ? [fin.terminal as EventDraft] : [])], state };
}

/** Translate a fixture file. */
export function translateFile(file: string, exit: Partial<ExitInfo> = {}, request: Partial<RunRequest> = {}): Translated {
  return translateAll(fixtureLines(file).map((l) => JSON.parse(l) as unknown), exit, request);
}

/** Events of one type, typed. */
export function ofType<T extends NonTerminalDraft['type']>(events: NonTerminalDraft[], type: T): Extract<NonTerminalDraft, { type: T }>[] {
  return events.filter((e): e is Extract<NonTerminalDraft, { type: T }> => e.type === type);
}
