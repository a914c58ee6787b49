import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ExitInfo, NonTerminalDraft, RunRequest, TerminalDraft } from '@omnigent/core';
import { createCursorState, finishCursor, translateCursor } from '../src/translate.js';

/** Absolute path of a fixture transcript. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}.jsonl`, import.meta.url));
}

/** How the real CLI ended for each fixture (documented behaviour), and the expected outcome. */
export interface FixtureCase {
  name: string;
  exitCode: number;
  stderr?: string;
  expect: 'completed' | 'failed';
  request?: Partial<RunRequest>;
}

export const TRUST_STDERR = 'Workspace Trust Required\nThis workspace has not been trusted. Run cursor-agent interactively in this folder, or pass --trust.';
export const ACTION_REQUIRED_STDERR = 'ActionRequiredError: Named models are unavailable on the free plan. Switch to Auto or upgrade your plan.';

export const FIXTURES: FixtureCase[] = [
  { name: 'official-read-write', exitCode: 0, expect: 'completed' },
  { name: 'all-tool-kinds', exitCode: 0, expect: 'completed', request: { model: 'auto' } },
  { name: 'tool-failures', exitCode: 0, expect: 'completed' },
  { name: 'thinking', exitCode: 0, expect: 'completed' },
  { name: 'partial-output', exitCode: 0, expect: 'completed', request: { options: { streamPartialOutput: true } } },
  { name: 'newline-call-id', exitCode: 0, expect: 'completed' },
  { name: 'interaction-query', exitCode: 0, expect: 'completed' },
  { name: 'action-required', exitCode: 1, stderr: ACTION_REQUIRED_STDERR, expect: 'failed', request: { model: 'claude-4.5-opus' } },
  { name: 'trust-required', exitCode: 1, stderr: TRUST_STDERR, expect: 'failed' },
  { name: 'result-is-error', exitCode: 0, expect: 'failed' },
  { name: 'eof-without-result', exitCode: 0, expect: 'failed' },
];

/** Every parsed line of a fixture. */
export function fixtureRecords(name: string): unknown[] {
  return readFileSync(fixturePath(name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

/** Replay a fixture through translate() and finish() without spawning anything. */
export function translateFixture(
  name: string,
  options: { request?: Partial<RunRequest>; exit?: Partial<ExitInfo> } = {},
): { events: NonTerminalDraft[]; terminal: TerminalDraft | undefined } {
  const request: RunRequest = { prompt: 'fixture', ...options.request };
  const state = createCursorState(request);
  const events: NonTerminalDraft[] = [];
  for (const record of fixtureRecords(name)) {
    events.push(...translateCursor(record, state, { request, line: JSON.stringify(record), elapsedMs: 0 }));
  }
  const fin = finishCursor(state, { exitCode: 0, stderrTail: '', durationMs: 1, ...options.exit });
  events.push(...(fin.events ?? []));
  return { events, terminal: fin.terminal };
}

/** The events of one type, narrowed. */
export function ofType<T extends NonTerminalDraft['type']>(events: NonTerminalDraft[], type: T): Extract<NonTerminalDraft, { type: T }>[] {
  return events.filter((e): e is Extract<NonTerminalDraft, { type: T }> => e.type === type);
}
