import { describe, expect, it } from 'vitest';
import type { ExitInfo } from '../src/contract.js';
import { decideTerminal, type TerminalFacts } from '../src/terminal.js';

const facts = (f: Omit<Partial<TerminalFacts>, 'exit'> & { exit?: Partial<ExitInfo> }): TerminalFacts => ({
  harness: 'codex',
  bin: '/usr/bin/codex',
  ...f,
  exit: { stderrTail: '', durationMs: 10, ...f.exit },
});

describe('decideTerminal (pure: ExitInfo + finish() + runner facts -> one terminal draft)', () => {
  it('regression: a harness killed by a signal omnigent did not send fails with reason exit, even when the plugin says aborted', () => {
    const d = decideTerminal(
      facts({
        exit: { signal: 'SIGKILL' },
        pluginTerminal: {
          type: 'run.failed',
          reason: 'aborted',
          message: 'before its turn finished (interrupted or crashed)',
          turns: 1,
        },
      }),
    );
    expect(d).toMatchObject({ type: 'run.failed', reason: 'exit', signal: 'SIGKILL', turns: 1 });
    expect(d.type === 'run.failed' && d.message).toBe(
      'codex was killed by SIGKILL: before its turn finished (interrupted or crashed)',
    );
  });

  it('a plugin message that already names the signal is kept as it is', () => {
    const d = decideTerminal(
      facts({
        exit: { signal: 'SIGSEGV' },
        pluginTerminal: { type: 'run.failed', reason: 'aborted', message: 'codex was killed by SIGSEGV' },
      }),
    );
    expect(d).toMatchObject({ reason: 'exit', message: 'codex was killed by SIGSEGV' });
  });

  it('a plugin that says aborted for exit code 130 the runner did not cause: exit, not aborted', () => {
    const d = decideTerminal(
      facts({
        exit: { exitCode: 130 },
        pluginTerminal: { type: 'run.failed', reason: 'aborted', message: 'pi exited with code 130' },
      }),
    );
    expect(d).toMatchObject({ type: 'run.failed', reason: 'exit', exitCode: 130, message: 'pi exited with code 130' });
  });

  it('without a plugin terminal, an outside signal is exit with the signal and the last stderr line', () => {
    const d = decideTerminal(facts({ exit: { signal: 'SIGSEGV', stderrTail: 'booting\nSegmentation fault' } }));
    expect(d).toMatchObject({
      type: 'run.failed',
      reason: 'exit',
      signal: 'SIGSEGV',
      message: 'codex was killed by SIGSEGV: Segmentation fault',
      stderrTail: 'booting\nSegmentation fault',
    });
  });

  it('a runner abort is aborted, with the runner message, whatever the plugin said, keeping its usage and result', () => {
    const usage = { input: 3, output: 4, source: 'stream' as const, confidence: 'exact' as const };
    const d = decideTerminal(
      facts({
        exit: { signal: 'SIGTERM', endedByRunner: 'aborted' },
        runnerMessage: 'the run was interrupted',
        pluginTerminal: { type: 'run.completed', result: 'half', usage },
      }),
    );
    expect(d).toMatchObject({
      type: 'run.failed',
      reason: 'aborted',
      message: 'the run was interrupted',
      signal: 'SIGTERM',
      result: 'half',
      usage,
    });
  });

  it('a watchdog stop is timeout', () => {
    const d = decideTerminal(
      facts({ exit: { signal: 'SIGKILL', endedByRunner: 'timeout' }, runnerMessage: 'codex printed nothing for 1s' }),
    );
    expect(d).toMatchObject({ type: 'run.failed', reason: 'timeout', message: 'codex printed nothing for 1s' });
  });

  it('a binary that could not start is error, naming the binary', () => {
    const d = decideTerminal(facts({ spawnError: 'spawn ENOENT' }));
    expect(d).toMatchObject({
      type: 'run.failed',
      reason: 'error',
      message: 'Could not start /usr/bin/codex: spawn ENOENT',
    });
  });

  it('the plugin terminal wins otherwise, and a failure gets the stderr tail', () => {
    expect(
      decideTerminal(facts({ exit: { exitCode: 0 }, pluginTerminal: { type: 'run.completed', result: 'ok' } })),
    ).toEqual({ type: 'run.completed', exitCode: 0, result: 'ok' });
    const d = decideTerminal(
      facts({
        exit: { exitCode: 1, stderrTail: 'boom' },
        pluginTerminal: { type: 'run.failed', reason: 'error', message: 'rate limited' },
      }),
    );
    expect(d).toMatchObject({ reason: 'error', message: 'rate limited', stderrTail: 'boom', exitCode: 1 });
  });

  it('no plugin terminal: exit 0 completes, a non-zero code fails with exit', () => {
    expect(decideTerminal(facts({ exit: { exitCode: 0 } }))).toEqual({ type: 'run.completed', exitCode: 0 });
    expect(decideTerminal(facts({ exit: { exitCode: 3 } }))).toMatchObject({
      type: 'run.failed',
      reason: 'exit',
      message: 'codex exited with code 3 and printed nothing on stderr',
    });
  });
});
