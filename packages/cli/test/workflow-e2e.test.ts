import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMockAnthropic,
  startMockResponses,
  type MockAnthropic,
  type MockResponsesServer,
} from '@omnigent/testkit';
import { jsonLines, runCli, scratch } from './helpers.js';

// Real Claude Code and real Codex (installed with their plugins) against the testkit's local mocks.
describe('workflow end to end on two real CLIs', () => {
  let anthropic: MockAnthropic;
  let responses: MockResponsesServer;
  beforeAll(async () => {
    anthropic = await startMockAnthropic({
      turns: [
        {
          match: 'Write the release note',
          content: [
            {
              type: 'tool_use',
              name: 'Write',
              input: { file_path: 'NOTES.md', content: '# Release notes\n- handoff works across vendors\n' },
            },
          ],
          usage: { input: 900, output: 40 },
        },
      ],
      fallback: { content: [{ type: 'text', text: 'Wrote NOTES.md.' }], usage: { input: 1000, output: 12 } },
    });
    responses = await startMockResponses({
      turns: [
        {
          match: 'Review the diff',
          output: [{ type: 'message', text: 'Verdict: approve.' }],
          usage: { input: 700, output: 9 },
        },
      ],
    });
  });
  afterAll(async () => {
    await anthropic.close();
    await responses.close();
  });

  it("Claude Code writes a file in its own worktree; the prompt Codex's model received contains that diff", async () => {
    const dir = scratch();
    const project = join(dir, 'project');
    mkdirSync(project);
    const gitEnv = {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@l',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@l',
    };
    writeFileSync(join(project, 'README.md'), '# demo\n');
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: project, env: gitEnv });
    execFileSync('git', ['add', '-A'], { cwd: project, env: gitEnv });
    execFileSync('git', ['commit', '-q', '-m', 'init'], { cwd: project, env: gitEnv });
    const home = (name: string): string => {
      const h = join(dir, name);
      mkdirSync(h, { recursive: true });
      return h;
    };
    const codexHome = home('codex-home/.codex');
    writeFileSync(
      join(dir, 'omnigent.config.json'),
      JSON.stringify({
        harnesses: {
          'claude-code': {
            env: {
              HOME: home('claude-home'),
              ANTHROPIC_BASE_URL: anthropic.url,
              ANTHROPIC_API_KEY: 'sk-mock',
              CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
              DISABLE_AUTOUPDATER: '1',
            },
          },
          codex: {
            env: { HOME: home('codex-home'), CODEX_HOME: codexHome, MOCK_API_KEY: 'sk-mock' },
            args: [
              '-c',
              `model_providers.mock={name="Mock",base_url="${responses.url}",wire_api="responses",env_key="MOCK_API_KEY",request_max_retries=0,stream_max_retries=0}`,
              '-c',
              'model_provider="mock"',
            ],
          },
        },
      }),
    );
    const wf = join(dir, 'wf.yaml');
    writeFileSync(
      wf,
      [
        'name: two-vendors',
        'steps:',
        '  - id: build',
        '    harness: claude-code',
        '    model: claude-sonnet-4-5',
        '    isolation: worktree',
        '    permission_mode: accept-edits',
        '    timeout: 180',
        '    prompt: "Write the release note for: {{ input }}"',
        '  - id: review',
        '    harness: codex',
        '    model: gpt-5.5',
        '    needs: build',
        '    permission_mode: read-only',
        '    timeout: 180',
        '    prompt: |',
        '      Review the diff. Files: {{ steps.build.files }}',
        '      {{ steps.build.diff }}',
      ].join('\n'),
    );
    const r = await runCli(['workflow', 'run', wf, '--json', '-C', project, '--input', 'cross-vendor handoff'], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    const events = jsonLines(r.stdout);
    const buildStart = events.find((e) => e.type === 'workflow.step.started' && e.step === 'build')!;
    const worktree = String(buildStart.worktree);
    expect(buildStart.cwd).toBe(worktree);
    expect(worktree.startsWith(project)).toBe(false);
    // the write happened in the worktree, never in the project itself
    expect(existsSync(join(project, 'NOTES.md'))).toBe(false);

    const toolDone = events.find((e) => e.type === 'tool.completed' && e.step === 'build');
    expect(toolDone).toMatchObject({ name: 'Write', isError: false });
    const build = events.find((e) => e.type === 'workflow.step.completed' && e.step === 'build')!;
    expect(build).toMatchObject({ status: 'ok', files: ['NOTES.md'] });

    // what Codex's model was actually sent: the diff omnigent took from git
    const codexPrompts = responses.responsesRequests().map((q) => q.userText ?? '');
    expect(codexPrompts).toHaveLength(1);
    expect(codexPrompts[0]).toContain('Files: NOTES.md');
    expect(codexPrompts[0]).toContain('diff --git a/NOTES.md b/NOTES.md');
    expect(codexPrompts[0]).toContain('+- handoff works across vendors');
    const review = events.find((e) => e.type === 'workflow.step.completed' && e.step === 'review')!;
    expect(review).toMatchObject({ status: 'ok', output: 'Verdict: approve.', usage: { input: 700, output: 9 } });
    expect(
      anthropic
        .messageRequests()
        .map((q) => q.userText ?? '')
        .some((t) => t.includes('Write the release note for: cross-vendor handoff')),
    ).toBe(true);
  });
});
