import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertRunInvariants } from '@omnigent/testkit/conformance';
import { eventsOf, omnigentRun, processesMentioning, sandbox, type Sandbox } from './e2e-harness.js';

// The REAL codex CLI (node_modules/.bin/codex 0.169.0) driven by `omnigent run -H codex --json` as a
// child process, against the testkit's mock Responses server on 127.0.0.1: no network needed.

const boxes: Sandbox[] = [];
async function box(...args: Parameters<typeof sandbox>): Promise<Sandbox> {
  const b = await sandbox(...args);
  boxes.push(b);
  return b;
}
afterEach(async () => {
  for (const b of boxes.splice(0)) {
    await b.mock.close();
    rmSync(b.root, { recursive: true, force: true });
  }
});

const last = <T>(xs: T[]): T => xs[xs.length - 1]!;

describe('omnigent run -H codex with the real codex CLI', () => {
  it('runs a shell command: tool call with output and exit code, exact tokens, system prompts sent', async () => {
    const b = await box({
      turns: [
        {
          output: [
            { type: 'reasoning', summary: ['Plan: run echo'] },
            { type: 'exec_command', cmd: 'echo hi' },
          ],
          usage: { input: 120, cached: 20, output: 15, reasoning: 5 },
        },
        {
          output: [{ type: 'message', text: 'Done: the command printed hi' }],
          usage: { input: 130, cached: 30, output: 7, reasoning: 2 },
        },
      ],
    });
    const run = await omnigentRun(b, 'Run echo hi', [
      '-m',
      'gpt-5.5',
      '--system-prompt',
      'SYSTEM-MARKER you are terse',
      '--append-system-prompt',
      'APPEND-MARKER be kind',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    assertRunInvariants(run.events);
    const session = eventsOf(run, 'session.started')[0]!;
    // the provider comes from omnigent.config.json's options.provider (id mock)
    expect(session).toMatchObject({ harness: 'codex', cwd: b.work, model: 'gpt-5.5', provider: 'mock' });
    expect(eventsOf(run, 'usage')[0]).toMatchObject({ provider: 'mock' });
    expect(session.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(eventsOf(run, 'reasoning').map((r) => r.text)).toEqual(['Plan: run echo']);
    const started = eventsOf(run, 'tool.started');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ name: 'command_execution', kind: 'shell' });
    expect((started[0]!.input as { command: string }).command).toContain('echo hi');
    const completed = eventsOf(run, 'tool.completed')[0]!;
    expect(completed).toMatchObject({ callId: started[0]!.callId, isError: false, exitCode: 0 });
    expect(String(completed.output)).toMatch(/(^|\n)hi\n$/);
    // two model calls of 120/20/15/5 and 130/30/7/2: one turn of 250/50/22/7
    expect(eventsOf(run, 'usage')).toEqual([
      expect.objectContaining({
        scope: 'turn',
        source: 'derived',
        confidence: 'exact',
        input: 250,
        cacheRead: 50,
        output: 22,
        reasoning: 7,
      }),
    ]);
    expect(last(run.events)).toMatchObject({
      type: 'run.completed',
      result: 'Done: the command printed hi',
      usage: { input: 250, output: 22 },
    });
    // the mock saw the provider from omnigent.config.json (via -c), the key, and both prompts
    const calls = b.mock.responsesRequests();
    expect(calls).toHaveLength(2);
    expect(calls[0]!.headers.authorization).toBe('Bearer sk-mock');
    expect(calls[0]!.userText).toBe('Run echo hi');
    const developer = JSON.stringify(
      (calls[0]!.body as { input: unknown[] }).input.filter((i) => (i as { role?: string }).role === 'developer'),
    );
    expect(developer).toContain('SYSTEM-MARKER you are terse');
    expect(developer).toContain('APPEND-MARKER be kind');
    expect(JSON.stringify(calls[1]!.body)).toContain('function_call_output');
  });

  it('reports a failing command as an error with its exit code, and the run still succeeds', async () => {
    const b = await box({
      turns: [
        { output: [{ type: 'exec_command', cmd: 'ls /nonexistent-omnigent-dir' }], usage: { input: 100, output: 10 } },
        { output: [{ type: 'message', text: 'It does not exist' }], usage: { input: 120, cached: 100, output: 5 } },
      ],
    });
    const run = await omnigentRun(b, 'List a missing directory', ['-m', 'gpt-5.5']);
    expect(run.exitCode, run.stderr).toBe(0);
    assertRunInvariants(run.events);
    const done = eventsOf(run, 'tool.completed')[0]!;
    expect(done).toMatchObject({ isError: true, status: 'error', exitCode: 2 });
    expect(String(done.output)).toContain('No such file or directory');
    expect(eventsOf(run, 'usage')[0]).toMatchObject({ input: 220, cacheRead: 100, output: 15 });
  });

  it('writes a file through apply_patch in workspace-write: file.changed and the file on disk', async () => {
    const patch = '*** Begin Patch\n*** Add File: hello.txt\n+hello world\n*** End Patch\n';
    const b = await box({
      turns: [
        { output: [{ type: 'apply_patch', patch }], usage: { input: 100, output: 10 } },
        { output: [{ type: 'message', text: 'Created hello.txt' }], usage: { input: 110, cached: 100, output: 5 } },
      ],
    });
    const run = await omnigentRun(b, 'Create hello.txt', ['-m', 'gpt-5.5']);
    expect(run.exitCode, run.stderr).toBe(0);
    assertRunInvariants(run.events);
    const file = join(b.work, 'hello.txt');
    expect(eventsOf(run, 'tool.started')[0]).toMatchObject({ name: 'file_change', kind: 'edit' });
    expect(eventsOf(run, 'file.changed')).toEqual([
      expect.objectContaining({ path: file, change: 'add', callId: eventsOf(run, 'tool.started')[0]!.callId }),
    ]);
    expect(readFileSync(file, 'utf8')).toBe('hello world\n');
  });

  it('bug: failed patch changed a file on disk but reported no file.changed (real codex)', async () => {
    // hunk 1 applies; hunk 2 cannot (its parent is a file), so codex reports the patch `failed`
    const patch =
      '*** Begin Patch\n*** Update File: a.txt\n@@\n-one\n+ONE\n*** Add File: b.txt/x.txt\n+hi\n*** End Patch\n';
    const b = await box({
      turns: [
        { output: [{ type: 'apply_patch', patch }], usage: { input: 100, output: 10 } },
        { output: [{ type: 'message', text: 'Only a.txt was updated' }], usage: { input: 110, output: 5 } },
      ],
    });
    writeFileSync(join(b.work, 'a.txt'), 'one\n');
    writeFileSync(join(b.work, 'b.txt'), 'bee\n');
    const run = await omnigentRun(b, 'Update a.txt and add b.txt/x.txt', ['-m', 'gpt-5.5']);
    expect(run.exitCode, run.stderr).toBe(0);
    assertRunInvariants(run.events);
    expect(readFileSync(join(b.work, 'a.txt'), 'utf8')).toBe('ONE\n');
    const call = eventsOf(run, 'tool.completed')[0]!;
    expect(call).toMatchObject({ name: 'file_change', isError: true, status: 'error' });
    expect(eventsOf(run, 'file.changed')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: join(b.work, 'a.txt'), change: 'update', callId: call.callId }),
      ]),
    );
  });

  it('does not edit in read-only mode: no file_change, no file', async () => {
    const patch = '*** Begin Patch\n*** Add File: blocked.txt\n+nope\n*** End Patch\n';
    const b = await box({
      turns: [
        { output: [{ type: 'apply_patch', patch }], usage: { input: 100, output: 10 } },
        { output: [{ type: 'message', text: 'Could not write' }], usage: { input: 110, output: 5 } },
      ],
    });
    const run = await omnigentRun(b, 'Create blocked.txt', ['-m', 'gpt-5.5', '--permission-mode', 'read-only']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(eventsOf(run, 'file.changed')).toEqual([]);
    expect(existsSync(join(b.work, 'blocked.txt'))).toBe(false);
  });

  it('warns about an unknown model slug and still succeeds', async () => {
    const b = await box({
      turns: [
        {
          output: [{ type: 'message', text: 'Hello from the mock model' }],
          usage: { input: 120, cached: 20, output: 15, reasoning: 5 },
        },
      ],
    });
    const run = await omnigentRun(b, 'Say hello', ['-m', 'mock-model']);
    expect(run.exitCode, run.stderr).toBe(0);
    assertRunInvariants(run.events);
    expect(eventsOf(run, 'warning')).toEqual([
      expect.objectContaining({
        code: 'harness-warning',
        message: expect.stringContaining('Model metadata for `mock-model` not found'),
      }),
    ]);
    expect(last(run.events)).toMatchObject({ type: 'run.completed', result: 'Hello from the mock model' });
  });

  it('fails on HTTP 500 with a clear message and exit 1, without retrying', async () => {
    const b = await box({ turns: [{ status: 500 }] });
    const run = await omnigentRun(b, 'Say hello', ['-m', 'gpt-5.5']);
    expect(run.exitCode).toBe(1);
    assertRunInvariants(run.events);
    expect(last(run.events)).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      exitCode: 1,
      message: expect.stringContaining('HTTP 5xx from the model provider'),
    });
    expect(b.mock.responsesRequests()).toHaveLength(1);
  });

  it('fails with a clear message when codex refuses a non-git directory (exit 1, no JSON)', async () => {
    const b = await box({}, { options: { skipGitRepoCheck: false } });
    const run = await omnigentRun(b, 'Say hello', ['-m', 'gpt-5.5']);
    expect(run.exitCode).toBe(1);
    assertRunInvariants(run.events);
    expect(last(run.events)).toMatchObject({
      type: 'run.failed',
      reason: 'exit',
      exitCode: 1,
      message: expect.stringContaining('refused to run outside a git repository'),
      stderrTail: expect.stringContaining('--skip-git-repo-check was not specified'),
    });
    expect(b.mock.responsesRequests()).toHaveLength(0);
  });

  it("fails with codex's message when the provider key variable is missing", async () => {
    const b = await box({}, { envKey: 'OMNIGENT_UNSET_KEY' });
    const run = await omnigentRun(b, 'Say hello', ['-m', 'gpt-5.5']);
    expect(run.exitCode).toBe(1);
    expect(last(run.events)).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: 'Missing environment variable: `OMNIGENT_UNSET_KEY`.',
    });
    expect(b.mock.responsesRequests()).toHaveLength(0);
  });

  it('resumes a thread: same session id, history re-sent, exact per-turn usage across processes', async () => {
    const first = await box({
      turns: [
        {
          output: [{ type: 'message', text: 'First answer' }],
          usage: { input: 120, cached: 20, output: 15, reasoning: 5 },
        },
      ],
    });
    const run1 = await omnigentRun(first, 'First question', ['-m', 'gpt-5.5']);
    expect(run1.exitCode, run1.stderr).toBe(0);
    const threadId = eventsOf(run1, 'session.started')[0]!.sessionId!;
    expect(eventsOf(run1, 'usage')[0]).toMatchObject({
      input: 120,
      cacheRead: 20,
      output: 15,
      reasoning: 5,
      confidence: 'exact',
    });

    const second = await box(
      {
        turns: [
          {
            output: [{ type: 'message', text: 'Second answer' }],
            usage: { input: 300, cached: 200, output: 20, reasoning: 4 },
          },
        ],
      },
      { reuse: first },
    );
    const run2 = await omnigentRun(second, 'And again', ['-m', 'gpt-5.5', '--resume', threadId]);
    expect(run2.exitCode, run2.stderr).toBe(0);
    assertRunInvariants(run2.events);
    expect(eventsOf(run2, 'session.started')[0]).toMatchObject({
      sessionId: threadId,
      details: { resumed: true, usageBaseline: 'rollout' },
    });
    // codex reports the thread total 420/220/35/9; this turn alone is what the mock sent
    expect(eventsOf(run2, 'usage')).toEqual([
      expect.objectContaining({ input: 300, cacheRead: 200, output: 20, reasoning: 4, confidence: 'exact' }),
    ]);
    expect(last(run2.events)).toMatchObject({
      type: 'run.completed',
      result: 'Second answer',
      usage: { input: 300, output: 20, confidence: 'exact' },
    });
    const resent = JSON.stringify(second.mock.responsesRequests()[0]!.body);
    expect(resent).toContain('First answer');
    expect(second.mock.responsesRequests()[0]!.userText).toBe('And again');
  });

  it('bug: resuming an unknown thread with RUST_BACKTRACE=1 failed with a backtrace frame as its message (real codex)', async () => {
    const b = await box({ turns: [{ output: [{ type: 'message', text: 'never' }] }] });
    const run = await omnigentRun(b, 'Say hello', [
      '-m',
      'gpt-5.5',
      '--env',
      'RUST_BACKTRACE=1',
      '--resume',
      '01a20d5b-37cf-7350-9817-84f4adfc7000',
    ]);
    expect(run.exitCode).toBe(1);
    assertRunInvariants(run.events);
    expect(last(run.events)).toMatchObject({
      type: 'run.failed',
      reason: 'exit',
      exitCode: 1,
      message: expect.stringContaining('no rollout found for thread id 01a20d5b-37cf-7350-9817-84f4adfc7000'),
    });
    expect(b.mock.responsesRequests()).toHaveLength(0);
  });

  it('stops on SIGINT during a command: exit 130, run.failed aborted, no codex process left', async () => {
    const marker = `omnigent-sigint-${process.pid}-${Date.now()}`;
    const b = await box({
      turns: [
        { output: [{ type: 'exec_command', cmd: `sleep 45; echo ${marker}` }], usage: { input: 100, output: 10 } },
      ],
    });
    let signalled = false;
    let sawCommandRunning = false;
    const run = await omnigentRun(b, 'Sleep for a while', ['-m', 'gpt-5.5'], (event, pid) => {
      if (event.type !== 'tool.started' || signalled) return;
      signalled = true;
      // interrupt once the command's shell really runs, so "nothing left" below means something
      let polls = 0;
      const poll = setInterval(() => {
        sawCommandRunning = processesMentioning(marker).length > 0;
        if (sawCommandRunning || ++polls > 100) {
          clearInterval(poll);
          process.kill(pid, 'SIGINT');
        }
      }, 100);
    });
    expect(signalled).toBe(true);
    expect(sawCommandRunning).toBe(true);
    expect(run.exitCode).toBe(130);
    assertRunInvariants(run.events);
    expect(last(run.events)).toMatchObject({ type: 'run.failed', reason: 'aborted' });
    expect(eventsOf(run, 'tool.completed')).toEqual([
      expect.objectContaining({ status: 'interrupted', isError: true }),
    ]);
    expect(processesMentioning(b.work)).toEqual([]);
    expect(processesMentioning(marker)).toEqual([]);
  });

  it('bug: codex killed by a signal omnigent did not send (SIGKILL from outside) was reported as an interrupt (130); it is a failure (1, reason exit)', async () => {
    const marker = `omnigent-sigkill-${process.pid}-${Date.now()}`;
    const b = await box({
      turns: [
        { output: [{ type: 'exec_command', cmd: `sleep 45; echo ${marker}` }], usage: { input: 100, output: 10 } },
      ],
    });
    let killed: number | undefined;
    const run = await omnigentRun(b, 'Sleep for a while', ['-m', 'gpt-5.5'], (event, pid) => {
      if (event.type !== 'tool.started' || killed !== undefined) return;
      // the harness process omnigent spawned (its direct child), killed as the OOM killer would
      killed = processesMentioning(b.work).find(
        (p) => readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(pid),
      );
      if (killed !== undefined) process.kill(killed, 'SIGKILL');
    });
    expect(killed).toBeDefined();
    expect(run.exitCode).toBe(1);
    assertRunInvariants(run.events);
    expect(last(run.events)).toMatchObject({
      type: 'run.failed',
      reason: 'exit',
      signal: 'SIGKILL',
      message: expect.stringContaining('codex was killed by SIGKILL'),
    });
  });
});
