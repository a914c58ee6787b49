import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExitInfo, NonTerminalDraft, RunRequest, TerminalDraft } from '@omnigent/core';
import { createCodexState, finishCodex, translateCodex, type CodexState } from '../src/index.js';

/** Directory of the recorded transcripts. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Lines of a fixture transcript, parsed. */
export function fixture(name: string): unknown[] {
  return readFileSync(join(FIXTURES, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as unknown);
}

/** Translate records and finish, without spawning: the pure path of the plugin. */
export function translateAll(
  records: unknown[],
  request: Partial<RunRequest> = {},
  exit: Partial<ExitInfo> = {},
): { events: NonTerminalDraft[]; terminal: TerminalDraft | undefined; state: CodexState } {
  // never read the machine's ~/.codex (config.toml model, rollouts): tests say which home they use
  const env = { CODEX_HOME: join(tmpdir(), 'omnigent-codex-test-no-home'), ...request.env };
  const state = createCodexState({ prompt: 'p', cwd: '/work', ...request, env });
  const events = records.flatMap((r) => translateCodex(r, state));
  const fin = finishCodex(state, { stderrTail: '', durationMs: 1, exitCode: 0, ...exit });
  return { events: [...events, ...(fin.events ?? [])], terminal: fin.terminal, state };
}

/** Events of one type, narrowed. */
export function ofType<T extends NonTerminalDraft['type']>(events: NonTerminalDraft[], type: T): Extract<NonTerminalDraft, { type: T }>[] {
  return events.filter((e): e is Extract<NonTerminalDraft, { type: T }> => e.type === type);
}
