import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { LoadedConfig } from '../../config.js';
import { mockHarnessConfig } from './mock-harnesses.js';

const run = promisify(execFile);

/** The scratch world of `omnigent demo`: a small git project, mock model servers, harness configs. */
export interface DemoWorld {
  /** Root of everything the demo made. */
  root: string;
  /** The git project the workflow works on. */
  project: string;
  /** In-memory omnigent config pointing each harness at its mock (env, args). */
  config: LoadedConfig;
  /** Requests each mock received (for the closing notes and tests). */
  requests: () => { anthropic: number; responses: number; chat: number };
  /** Stop the mocks and, unless kept, delete the scratch files. */
  close: (keep: boolean) => Promise<void>;
}

const GREET = `/** Say hello. */
export function greet(name) {
  return \`Hello, \${name}!\`;
}
`;
const GREET_TEST = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { greet } from './greet.js';

test('greet', () => assert.equal(greet('Ada'), 'Hello, Ada!'));
`;
const FAREWELL = `/** Say goodbye. */
export function farewell(name) {
  return \`Goodbye, \${name}!\`;
}
`;
const FAREWELL_TEST = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { farewell } from './farewell.js';

test('farewell', () => assert.equal(farewell('Ada'), 'Goodbye, Ada!'));
`;

/**
 * The executable `bin` of npm package `pkg` installed in a node_modules at or above `from`.
 * Core's resolver asks `require.resolve('<pkg>/package.json')`, which fails for packages whose
 * `exports` hide package.json (Pi's); reading the directories works for every package.
 */
export function findPackageBin(from: string, pkg: string, bin: string): string | undefined {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'node_modules', pkg, 'package.json');
    if (existsSync(manifest)) {
      try {
        const m = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: string | Record<string, string> };
        const rel = typeof m.bin === 'string' ? m.bin : m.bin?.[bin];
        if (rel) return join(dirname(manifest), rel);
      } catch {
        // an unreadable manifest: keep looking further up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The testkit's mock model servers (an optional package, loaded by the caller). */
export type Testkit = Pick<
  typeof import('@omnigent/testkit'),
  'startMockAnthropic' | 'startMockResponses' | 'startMockChatCompletions'
>;

/**
 * Build the demo's world. The mocks play a fixed script (that is what "scripted model" means):
 * Claude Code's model writes farewell.js and its test, Pi's model runs `node --test` (for real)
 * and reports, Codex's model reviews the diff it is given.
 */
export async function createDemoWorld(
  testkit: Testkit,
  bins: Record<string, string | undefined> = {},
): Promise<DemoWorld> {
  const { startMockAnthropic, startMockResponses, startMockChatCompletions } = testkit;
  const root = await mkdtemp(join(tmpdir(), 'omnigent-demo-'));
  const project = join(root, 'project');
  await mkdir(project, { recursive: true });
  await writeFile(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'demo-project', private: true, type: 'module' }, null, 2)}\n`,
  );
  await writeFile(join(project, 'greet.js'), GREET);
  await writeFile(join(project, 'greet.test.js'), GREET_TEST);
  const gitEnv = {
    ...process.env,
    GIT_AUTHOR_NAME: 'omnigent demo',
    GIT_AUTHOR_EMAIL: 'demo@localhost',
    GIT_COMMITTER_NAME: 'omnigent demo',
    GIT_COMMITTER_EMAIL: 'demo@localhost',
  };
  await run('git', ['init', '-q', '-b', 'main'], { cwd: project, env: gitEnv });
  await run('git', ['add', '-A'], { cwd: project, env: gitEnv });
  await run('git', ['-c', 'commit.gpgsign=false', 'commit', '-q', '--no-verify', '-m', 'greet()'], {
    cwd: project,
    env: gitEnv,
  });

  const anthropic = await startMockAnthropic({
    turns: [
      {
        match: 'farewell',
        content: [
          { type: 'text', text: 'I will add farewell() in its own module, mirroring greet(), with a node:test test.' },
          { type: 'tool_use', name: 'Write', input: { file_path: 'farewell.js', content: FAREWELL } },
          { type: 'tool_use', name: 'Write', input: { file_path: 'farewell.test.js', content: FAREWELL_TEST } },
        ],
        usage: { input: 1800, cacheRead: 1200, output: 210 },
      },
    ],
    fallback: {
      content: [
        { type: 'text', text: 'Added farewell(name) in farewell.js, mirroring greet(), and farewell.test.js.' },
      ],
      usage: { input: 2100, cacheRead: 1800, output: 40 },
    },
  });
  const responses = await startMockResponses({
    turns: [
      {
        match: 'Review this change',
        output: [
          {
            type: 'message',
            text: 'Verdict: approve. farewell() mirrors greet() exactly, is exported, and is covered by a test. No issues found.',
          },
        ],
        usage: { input: 2400, cached: 0, output: 48 },
      },
    ],
  });
  const chat = await startMockChatCompletions({
    scripts: [
      {
        match: 'node --test',
        turns: [
          {
            content: 'Running the tests.',
            toolCalls: [{ name: 'bash', arguments: { command: 'node --test' } }],
            usage: { prompt: 1500, completion: 30 },
          },
          {
            content: 'PASS: `node --test` ran greet.test.js and farewell.test.js, and both passed.',
            usage: { prompt: 1700, completion: 25 },
          },
        ],
      },
    ],
  });

  const harnesses = await mockHarnessConfig(
    root,
    { anthropic: anthropic.url, responses: responses.url, chat: chat.url },
    [{ id: 'mock-model', name: 'Scripted mock model', cost: { input: 1, output: 2, cacheRead: 0.1, cacheWrite: 0 } }],
    bins,
  );
  const config: LoadedConfig = { dir: project, config: { harnesses } };

  return {
    root,
    project,
    config,
    requests: () => ({
      anthropic: anthropic.messageRequests().length,
      responses: responses.responsesRequests().length,
      chat: chat.chatRequests().length,
    }),
    close: async (keep) => {
      await Promise.all([anthropic.close(), responses.close(), chat.close()]);
      if (!keep) await rm(root, { recursive: true, force: true });
    },
  };
}
