import { fileURLToPath } from 'node:url';
import type { RunRequest } from '@omnigent/core';
import { readExitMeta } from '@omnigent/testkit';

/** Absolute path of a fixture transcript (its exit is in `<name>.meta.json` next to it). */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}.jsonl`, import.meta.url));
}

/** The expected outcome of each fixture (how the CLI exited is in its meta file). */
export interface FixtureCase {
  name: string;
  expect: 'completed' | 'failed';
  request?: Partial<RunRequest>;
}

/** The stderr a fixture's CLI printed, from its meta file. */
const stderrOf = (name: string): string => readExitMeta(fixturePath(name))?.stderr ?? '';

export const TRUST_STDERR = stderrOf('trust-required');
export const ACTION_REQUIRED_STDERR = stderrOf('action-required');

export const FIXTURES: FixtureCase[] = [
  { name: 'official-read-write', expect: 'completed' },
  { name: 'all-tool-kinds', expect: 'completed', request: { model: 'auto' } },
  { name: 'tool-failures', expect: 'completed' },
  { name: 'thinking', expect: 'completed' },
  { name: 'partial-output', expect: 'completed', request: { options: { streamPartialOutput: true } } },
  { name: 'newline-call-id', expect: 'completed' },
  { name: 'interaction-query', expect: 'completed' },
  { name: 'action-required', expect: 'failed', request: { model: 'claude-4.5-opus' } },
  { name: 'trust-required', expect: 'failed' },
  { name: 'result-is-error', expect: 'failed' },
  { name: 'eof-without-result', expect: 'failed' },
];
