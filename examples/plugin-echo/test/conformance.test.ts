import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeHarnessConformance } from '@omnigent/testkit/conformance';
import echoHarness from '../src/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
// the hello transcript without its last line ("done"): the CLI stopped early but exited 0
const cutShort = readFileSync(fixture('hello.jsonl'), 'utf8').trim().split('\n').slice(0, -1);

// Transcripts recorded from the real omnigent-echo (`npm run record`), replayed by the testkit's fake harness.
describeHarnessConformance(echoHarness, [
  { name: 'hello: one tool call and an answer', transcript: fixture('hello.jsonl'), expect: 'completed' },
  {
    name: 'fail: the harness reports an error and exits 2',
    transcript: fixture('fail.jsonl'),
    exitCode: 2,
    stderr: 'omnigent-echo: echo was asked to fail',
    expect: 'failed',
  },
  { name: 'cut short: exit 0 before "done"', transcript: cutShort, expect: 'failed' },
  {
    name: 'no output, exit 2',
    transcript: [],
    exitCode: 2,
    stderr: 'omnigent-echo: no prompt on stdin',
    expect: 'failed',
  },
]);
