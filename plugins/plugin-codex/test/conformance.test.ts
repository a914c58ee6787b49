import { join } from 'node:path';
import { describeHarnessConformance } from '@omnigent/testkit/conformance';
import codex from '../src/index.js';
import { FIXTURES } from './replay.js';

const t = (name: string): string => join(FIXTURES, `${name}.jsonl`);

describeHarnessConformance(codex, [
  { name: 'tool', transcript: t('tool'), expect: 'completed' },
  { name: 'cmdfail', transcript: t('cmdfail'), expect: 'completed' },
  { name: 'patch', transcript: t('patch'), expect: 'completed' },
  { name: 'patch-failed (partly applied)', transcript: t('patch-failed'), expect: 'completed' },
  { name: 'unknown-model', transcript: t('unknown-model'), expect: 'completed' },
  { name: 'http500', transcript: t('http500'), exitCode: 1, expect: 'failed' },
  { name: 'response-failed', transcript: t('response-failed'), exitCode: 1, expect: 'failed' },
  { name: 'missing-key', transcript: t('missing-key'), exitCode: 1, expect: 'failed' },
  { name: 'sigint (open tool closed by the runner)', transcript: t('sigint'), exitCode: 1, expect: 'failed' },
  {
    name: 'not-git (no JSON)',
    transcript: [],
    exitCode: 1,
    stderr: 'Not inside a trusted directory and --skip-git-repo-check was not specified.',
    expect: 'failed',
  },
  { name: 'reconnect (websocket retries, then https)', transcript: t('reconnect'), expect: 'completed' },
  { name: 'reference text', transcript: t('reference-text'), expect: 'completed' },
  { name: 'reference error', transcript: t('reference-error'), exitCode: 1, expect: 'failed' },
]);
