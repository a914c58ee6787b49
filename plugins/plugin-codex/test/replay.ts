import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExitInfo, RunRequest } from '@omnigent/core';
import { readTranscript, translateTranscript, type TranscriptReplay } from '@omnigent/testkit';
import { codexHarness } from '../src/plugin.js';
import type { CodexState } from '../src/state.js';

export { ofType } from '@omnigent/testkit';

/** Directory of the recorded transcripts. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Lines of a fixture transcript, parsed. */
export const fixture = (name: string): unknown[] => readTranscript(join(FIXTURES, `${name}.jsonl`));

/**
 * testkit's translateTranscript with this package's defaults: cwd `/work`, and never the machine's
 * ~/.codex (config.toml model, rollouts): tests that need a home say which.
 */
export function replay(
  records: unknown[],
  options: { request?: Partial<RunRequest>; exit?: Partial<ExitInfo> } = {},
): TranscriptReplay<CodexState> {
  const request = {
    cwd: '/work',
    ...options.request,
    env: { CODEX_HOME: join(tmpdir(), 'omnigent-codex-test-no-home'), ...options.request?.env },
  };
  return translateTranscript(codexHarness, records, { request, ...(options.exit ? { exit: options.exit } : {}) });
}
