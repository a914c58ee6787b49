import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExitInfo, NonTerminalDraft, RunRequest, TerminalDraft } from '@omnigent/core';
import { createClaudeState, finishClaude, translateClaude } from '../src/index.js';

/** Folder of the recorded transcripts. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Exit codes the real CLI had for each recording. */
export const RECORDED_EXIT: Record<string, { exitCode: number; stderr: string }> = JSON.parse(readFileSync(join(FIXTURES, 'exit-codes.json'), 'utf8'));

/** Lines of a fixture (relative to test/fixtures). */
export function fixtureLines(name: string): string[] {
  return readFileSync(join(FIXTURES, name), 'utf8').split('\n').filter((l) => l.trim() !== '');
}

/** Run the pure translator over a transcript, then finish() with the given exit. */
export function translateFixture(name: string, exit: Partial<ExitInfo> = {}, request: Partial<RunRequest> = {}): { events: NonTerminalDraft[]; terminal: TerminalDraft | undefined } {
  const state = createClaudeState({ prompt: 'test', ...request });
  const events: NonTerminalDraft[] = [];
  for (const line of fixtureLines(name)) events.push(...translateClaude(JSON.parse(line) as unknown, state));
  const fin = finishClaude(state, { stderrTail: '', durationMs: 1, exitCode: 0, ...exit });
  events.push(...(fin.events ?? []));
  return { events, terminal: fin.terminal };
}

/** Events of one type, narrowed. */
export function ofType<T extends NonTerminalDraft['type']>(events: NonTerminalDraft[], type: T): Extract<NonTerminalDraft, { type: T }>[] {
  return events.filter((e): e is Extract<NonTerminalDraft, { type: T }> => e.type === type);
}
