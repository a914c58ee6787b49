import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRequest } from '@omnigent/core';
import type { MockAnthropicScenario } from '@omnigent/testkit';

/** One scripted conversation: what the mock model plays and what the user asks for. */
export interface ClaudeCase {
  name: string;
  prompt: string;
  /** Request fields besides prompt and cwd. */
  request?: Partial<RunRequest>;
  /** Prepare the working directory; returns the scenario (tool inputs may need absolute paths). */
  scenario: (workDir: string) => MockAnthropicScenario;
}

/** Exact token figures the mock sends, asserted by the tests. */
export const BASH_USAGE = {
  first: { input: 1200, cacheRead: 300, cacheWrite: 50, output: 40 },
  second: { input: 1500, cacheRead: 0, cacheWrite: 0, output: 24 },
} as const;

/** Every scripted case, shared by the fixture recorder and the end-to-end tests. */
export const CASES: ClaudeCase[] = [
  {
    name: 'bash-tool',
    prompt: 'Run echo hi for me',
    request: { allowedTools: ['Bash'] },
    scenario: () => ({
      turns: [
        {
          content: [
            { type: 'text', text: 'I will run a command.' },
            { type: 'tool_use', name: 'Bash', input: { command: 'echo hi', description: 'Print hi' } },
          ],
          usage: BASH_USAGE.first,
        },
        { content: [{ type: 'text', text: 'Done: the command printed hi.' }], usage: BASH_USAGE.second },
      ],
    }),
  },
  {
    name: 'read-file',
    prompt: 'What is in notes.txt?',
    scenario: (dir) => {
      writeFileSync(join(dir, 'notes.txt'), 'alpha\nbeta\n');
      return {
        turns: [
          {
            content: [{ type: 'tool_use', name: 'Read', input: { file_path: join(dir, 'notes.txt') } }],
            usage: { input: 900, output: 30 },
          },
          { content: [{ type: 'text', text: 'The file lists alpha and beta.' }], usage: { input: 1000, output: 12 } },
        ],
      };
    },
  },
  {
    name: 'write-file',
    prompt: 'Create out.txt',
    request: { permissionMode: 'accept-edits' },
    scenario: (dir) => ({
      turns: [
        {
          content: [
            {
              type: 'tool_use',
              name: 'Write',
              input: { file_path: join(dir, 'out.txt'), content: 'written by the mock\n' },
            },
          ],
        },
        { content: [{ type: 'text', text: 'Created out.txt.' }] },
      ],
    }),
  },
  {
    name: 'failing-command',
    prompt: 'Run the failing script',
    request: { allowedTools: ['Bash'] },
    scenario: () => ({
      turns: [
        {
          content: [
            { type: 'tool_use', name: 'Bash', input: { command: 'echo oops; exit 3', description: 'Fail on purpose' } },
          ],
        },
        { content: [{ type: 'text', text: 'The command failed with exit code 3.' }] },
      ],
    }),
  },
  {
    name: 'permission-denied',
    prompt: 'Create a file with touch',
    scenario: () => ({
      turns: [
        {
          content: [
            {
              type: 'tool_use',
              name: 'Bash',
              input: { command: 'touch created-by-mock.txt', description: 'Create a file' },
            },
          ],
        },
        { content: [{ type: 'text', text: 'I was not allowed to create the file.' }] },
      ],
    }),
  },
  {
    name: 'thinking',
    prompt: 'What is 2+2? Think first.',
    scenario: () => ({
      turns: [
        {
          content: [
            { type: 'thinking', thinking: 'Two plus two is four.', signature: 'sig-mock' },
            { type: 'text', text: 'The answer is 4.' },
          ],
          usage: { input: 700, output: 55 },
        },
      ],
    }),
  },
  {
    name: 'subagent',
    prompt: 'Delegate a check to a sub-agent',
    request: { allowedTools: ['Bash', 'Agent', 'Task'] },
    scenario: () => ({
      turns: [
        {
          content: [
            {
              type: 'tool_use',
              name: 'Agent',
              input: {
                description: 'Check echo',
                prompt: 'SUBTASK: run echo from-sub',
                subagent_type: 'general-purpose',
              },
            },
          ],
          usage: { input: 2000, output: 60 },
        },
        {
          match: 'SUBTASK: run echo from-sub',
          content: [
            {
              type: 'tool_use',
              name: 'Bash',
              input: { command: 'echo from-sub', description: 'Echo from the sub-agent' },
            },
          ],
          usage: { input: 3000, output: 25 },
        },
        { content: [{ type: 'text', text: 'Sub-agent result: from-sub.' }], usage: { input: 3100, output: 9 } },
        { content: [{ type: 'text', text: 'The sub-agent reported from-sub.' }], usage: { input: 2200, output: 11 } },
      ],
    }),
  },
  {
    name: 'overloaded-then-ok',
    prompt: 'Say hello',
    scenario: () => ({
      turns: [
        { status: 529, errorMessage: 'Overloaded' },
        { content: [{ type: 'text', text: 'Hello after a retry.' }], usage: { input: 400, output: 6 } },
      ],
    }),
  },
  {
    name: 'api-error-400',
    prompt: 'Say hello',
    scenario: () => ({ turns: [{ status: 400, errorMessage: 'mock: forced error' }] }),
  },
  {
    name: 'max-turns',
    prompt: 'Loop forever',
    request: { allowedTools: ['Bash'], maxTurns: 2 },
    scenario: () => ({
      fallback: {
        content: [{ type: 'tool_use', name: 'Bash', input: { command: 'echo again', description: 'Loop' } }],
      },
    }),
  },
];

/** The two-run resume conversation: run 1 then run 2 with `--resume`. */
export const RESUME_SCENARIO: MockAnthropicScenario = {
  turns: [
    {
      match: 'first question',
      content: [{ type: 'text', text: 'First answer: the number is 42.' }],
      usage: { input: 500, output: 10 },
    },
    {
      match: 'second question',
      content: [{ type: 'text', text: 'Second answer: still 42.' }],
      usage: { input: 800, output: 8 },
    },
  ],
};
