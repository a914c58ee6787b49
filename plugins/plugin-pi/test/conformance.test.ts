import { join } from 'node:path';
import { describeHarnessConformance } from '@omnigent/testkit/conformance';
import piHarness from '../src/index.js';
import { OWN_FIXTURES, SHARED_FIXTURES } from './support/replay.js';

describeHarnessConformance(piHarness, [
  { name: 'research: bash tool', transcript: join(SHARED_FIXTURES, 'tool.jsonl'), expect: 'completed' },
  { name: 'research: HTTP 500 with exit 0', transcript: join(SHARED_FIXTURES, 'error.jsonl'), expect: 'failed' },
  {
    name: 'research: RPC stream without a session header',
    transcript: join(SHARED_FIXTURES, 'rpc.jsonl'),
    expect: 'completed',
  },
  { name: 'bash-fail', transcript: join(OWN_FIXTURES, 'bash-fail.jsonl'), expect: 'completed' },
  { name: 'write-edit', transcript: join(OWN_FIXTURES, 'write-edit.jsonl'), expect: 'completed' },
  { name: 'thinking', transcript: join(OWN_FIXTURES, 'thinking.jsonl'), expect: 'completed' },
  { name: 'http-500', transcript: join(OWN_FIXTURES, 'http-500.jsonl'), expect: 'failed' },
  { name: 'retry-recovered', transcript: join(OWN_FIXTURES, 'retry-recovered.jsonl'), expect: 'completed' },
  { name: 'resumed', transcript: join(OWN_FIXTURES, 'resumed.jsonl'), expect: 'completed' },
  {
    name: 'no output, exit 1',
    transcript: [],
    exitCode: 1,
    stderr: "No session found matching 'nope'",
    expect: 'failed',
  },
]);
