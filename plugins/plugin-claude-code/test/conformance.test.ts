import { join } from 'node:path';
import { describeHarnessConformance } from '@omnigent/testkit/conformance';
import plugin from '../src/index.js';
import { FIXTURES, RECORDED_EXIT } from './helpers.js';

// exit codes and stderr come from each transcript's <case>.meta.json
const recorded = Object.entries(RECORDED_EXIT).map(([name, r]) => ({
  name,
  transcript: join(FIXTURES, `${name}.jsonl`),
  expect: r.exitCode === 0 ? ('completed' as const) : ('failed' as const),
}));

describeHarnessConformance(plugin, [
  ...recorded,
  {
    name: 'shared/include-partial-messages',
    transcript: join(FIXTURES, 'shared/include-partial-messages.jsonl'),
    expect: 'completed',
  },
  { name: 'shared/basic-bash-tool', transcript: join(FIXTURES, 'shared/basic-bash-tool.jsonl'), expect: 'completed' },
  { name: 'shared/api-error-400', transcript: join(FIXTURES, 'shared/api-error-400.jsonl'), expect: 'failed' },
  { name: 'shared/max-turns-2', transcript: join(FIXTURES, 'shared/max-turns-2.jsonl'), expect: 'failed' },
  {
    name: 'shared/stream-json-without-verbose (no stdout)',
    transcript: [],
    exitCode: 1,
    stderr: 'Error: When using --print, --output-format=stream-json requires --verbose',
    expect: 'failed',
  },
]);
