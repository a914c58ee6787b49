// End to end: @zed-industries/codex-acp 0.16.0 (from npm; the Codex engine is inside its own
// platform binary) run by the real `omnigent run --agent …` against the testkit's scripted mock
// Responses server. Offline. Its sandboxed modes need bubblewrap (`bwrap`), so a command runs here
// only in its full-access mode, reached through the plugin's `modes` option.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockResponses, type MockResponsesScenario, type MockResponsesServer } from '@omnigent/testkit';
import { assertRunInvariants } from '@omnigent/testkit/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import { PLUGIN_DIR, runCli, type CliRun } from './support/cli.js';
import { ofType } from './support/run.js';

const ADAPTER = join(PLUGIN_DIR, 'node_modules', '.bin', 'codex-acp');
const mocks: MockResponsesServer[] = [];
afterAll(async () => {
  await Promise.all(mocks.map((m) => m.close()));
});

async function codex(
  prompt: string,
  scenario: MockResponsesScenario,
  flags: string[],
): Promise<CliRun & { mock: MockResponsesServer; work: string }> {
  const mock = await startMockResponses(scenario);
  mocks.push(mock);
  const root = mkdtempSync(join(tmpdir(), 'omnigent-acp-codex-'));
  const work = join(root, 'work');
  const home = join(root, 'codexhome');
  mkdirSync(work);
  mkdirSync(home);
  writeFileSync(
    join(home, 'config.toml'),
    `model = "mock-model"\nmodel_provider = "mock"\n[model_providers.mock]\nname = "Mock"\nbase_url = "${mock.url}"\nenv_key = "MOCK_API_KEY"\nwire_api = "responses"\nrequest_max_retries = 0\nstream_max_retries = 0\n`,
  );
  // codex-acp's own modes for omnigent's permission modes: the named-agent way to set them
  writeFileSync(
    join(work, 'omnigent.config.json'),
    JSON.stringify({
      harnesses: {
        codex: {
          plugin: 'acp',
          command: [ADAPTER],
          options: { modes: { 'read-only': 'read-only', 'accept-edits': 'auto', bypass: 'full-access' } },
        },
      },
    }),
  );
  const run = await runCli(['run', prompt, '-H', 'codex', '--no-store', '-C', work, '--idle-timeout', '60', ...flags], {
    cwd: work,
    env: { PATH: process.env.PATH, HOME: root, CODEX_HOME: home, MOCK_API_KEY: 'sk-mock', TERM: 'dumb' },
  });
  return { ...run, mock, work };
}

describe('codex-acp (Codex over ACP) through a named agent', () => {
  it('runs offline: initialize, session, a shell command in full-access mode with its exit code, the answer', async () => {
    const r = await codex(
      'Run echo hi',
      {
        turns: [
          {
            output: [
              { type: 'message', text: 'Let me run it.' },
              { type: 'exec_command', cmd: 'echo hi' },
            ],
            usage: { input: 120, cached: 20, output: 15 },
          },
          { output: [{ type: 'message', text: 'Done: hi' }], usage: { input: 130, cached: 30, output: 7 } },
        ],
      },
      ['--permission-mode', 'bypass'],
    );
    expect(r.exitCode, r.stderr).toBe(0);
    assertRunInvariants(r.events);
    // the named agent replaces the native codex harness for this config: events say `codex`
    expect(r.events[0]).toMatchObject({
      type: 'session.started',
      harness: 'codex',
      harnessVersion: '0.16.0',
      details: { agent: { name: 'codex-acp' }, modes: { currentModeId: 'full-access' } },
    });
    const started = ofType(r.events, 'tool.started')[0]!;
    expect(started).toMatchObject({ kind: 'shell', input: { command: ['/bin/bash', '-lc', 'echo hi'] } });
    expect(ofType(r.events, 'tool.completed')[0]).toMatchObject({ callId: started.callId, status: 'ok', exitCode: 0 });
    expect(r.events.at(-1)).toMatchObject({ type: 'run.completed', result: 'Done: hi' });
    expect(JSON.stringify(r.mock.requests.at(-1)!.body)).toContain('Process exited with code 0');
  });
});
