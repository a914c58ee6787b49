import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExitInfo, RunRequest } from '@omnigent/core';
import { translateTranscript, type TranscriptReplay } from '@omnigent/testkit';
import { piHarness } from '../../src/plugin.js';
import type { PiState } from '../../src/state.js';

export { ofType, readTranscript } from '@omnigent/testkit';

const here = dirname(fileURLToPath(import.meta.url));
/** Fixtures recorded in this package from the real pi. */
export const OWN_FIXTURES = join(here, '..', 'fixtures');
/** Transcripts of the research report (copied from shared/fixtures/pi so CI has them). */
export const SHARED_FIXTURES = join(here, '..', 'fixtures', 'research');

/**
 * testkit's translateTranscript with this package's default cwd (`/work`, against which tool
 * paths resolve). A file path is read with its `<case>.meta.json`.
 */
export function replay(
  records: unknown[] | string,
  options: { request?: Partial<RunRequest>; exit?: Partial<ExitInfo> } = {},
): TranscriptReplay<PiState> {
  return translateTranscript(piHarness, records, {
    request: { cwd: '/work', ...options.request },
    ...(options.exit ? { exit: options.exit } : {}),
  });
}
