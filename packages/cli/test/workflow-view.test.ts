import { describe, expect, it } from 'vitest';
import type { OmnigentEvent } from '@omnigent/core';
import type { WorkflowEvent } from '@omnigent/workflow';
import { WorkflowTracker, canDrawLive, plainLine, renderLive, summaryTable } from '../src/commands/workflow/view.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (ms: number): string => new Date(T0 + ms).toISOString();
const base = { workflowRunId: 'abcdef12-0000', time: at(0) };

function feed(t: WorkflowTracker, events: Array<WorkflowEvent | OmnigentEvent>): void {
  for (const e of events) t.on(e);
}

describe('workflow live view and summary', () => {
  it('shows each step pending, running with elapsed time and activity, done, failed or skipped', () => {
    const t = new WorkflowTracker();
    feed(t, [
      {
        ...base,
        type: 'workflow.started',
        name: 'wf',
        input: '',
        steps: [
          { id: 'plan', harness: 'cursor', needs: [] },
          { id: 'build', harness: 'claude-code', model: 'sonnet', needs: ['plan'] },
          { id: 'test', harness: 'pi', needs: ['build'] },
          { id: 'lint', harness: 'codex', needs: [] },
          { id: 'ship', harness: 'codex', needs: ['test'] },
        ],
      },
      {
        ...base,
        type: 'workflow.step.started',
        step: 'plan',
        harness: 'cursor',
        attempt: 1,
        runId: 'r1',
        cwd: '/w',
        prompt: 'p',
      },
      {
        type: 'session.started',
        runId: 'r1',
        harness: 'cursor',
        seq: 0,
        time: at(1),
        cwd: '/w',
        model: 'gpt-5',
        step: 'plan',
      },
      {
        ...base,
        time: at(4000),
        type: 'workflow.step.completed',
        step: 'plan',
        status: 'ok',
        harness: 'cursor',
        needs: [],
        attempts: 1,
        runIds: ['r1'],
        durationMs: 4000,
        diff: '',
        files: ['a.ts', 'b.ts'],
        usage: { input: 1000, output: 234 },
      },
      {
        ...base,
        time: at(4000),
        type: 'workflow.step.started',
        step: 'build',
        harness: 'claude-code',
        model: 'sonnet',
        attempt: 1,
        runId: 'r2',
        cwd: '/w',
        prompt: 'p',
      },
      {
        type: 'tool.started',
        runId: 'r2',
        harness: 'claude-code',
        seq: 1,
        time: at(5000),
        callId: 'c1',
        name: 'Bash',
        kind: 'shell',
        input: { command: 'npm test' },
        step: 'build',
      },
      {
        ...base,
        type: 'workflow.step.completed',
        step: 'lint',
        status: 'failed',
        harness: 'codex',
        needs: [],
        attempts: 1,
        runIds: ['r3'],
        durationMs: 1500,
        diff: '',
        files: [],
        message: 'codex exited with code 1',
      },
      {
        ...base,
        type: 'workflow.step.skipped',
        step: 'ship',
        reason: 'stopped',
        because: 'lint',
        message: 'the workflow stopped after "lint" failed (on_failure: stop)',
      },
    ]);
    const lines = renderLive(t, false, T0 + 16_500, 200).split('\n');
    expect(lines[0]).toBe('workflow wf · abcdef12');
    expect(lines[1]).toMatch(/^✔ plan\s+cursor · gpt-5\s+done\s+4\.0s\s+1,234 tokens · 2 files changed$/);
    expect(lines[2]).toMatch(/^● build\s+claude-code · sonnet\s+running\s+12\.5s\s+Bash npm test$/);
    expect(lines[3]).toMatch(/^○ test\s+pi\s+pending\s+waits for build$/);
    expect(lines[4]).toMatch(/^✖ lint\s+codex\s+failed\s+1\.5s\s+codex exited with code 1$/);
    expect(lines[5]).toMatch(/^– ship\s+codex\s+skipped\s+the workflow stopped after "lint" failed/);

    const table = summaryTable(t, false).split('\n');
    expect(table[0]).toMatch(/^step\s+harness\s+model\s+status\s+duration\s+tokens\s+cost$/);
    expect(table[2]).toMatch(/^plan\s+cursor\s+gpt-5\s+done\s+4\.0s\s+1,234\s+—$/);
    // lint ran and reported no tokens: the total is a lower bound, not a sum that counts lint as 0
    expect(table.at(-2)).toMatch(/^total\s+1,234\+\s+—$/);
    expect(table.at(-1)).toBe('+ lower bound: build, lint reported no tokens');
  });

  it('unknown is — (as in runs and compare), never 0: no "0ms" for a step without a duration, no lower-bound note when every step that ran reported', () => {
    type Completed = Extract<WorkflowEvent, { type: 'workflow.step.completed' }>;
    const done = (extra: Pick<Completed, 'step' | 'status'> & Partial<Completed>): Completed => ({
      ...base,
      type: 'workflow.step.completed',
      harness: 'h',
      needs: [],
      attempts: 1,
      runIds: [],
      diff: '',
      files: [],
      ...extra,
    });
    expect(plainLine(done({ step: 'a', status: 'cancelled', message: 'the run was interrupted' }))).toBe(
      'CANCELLED a: the run was interrupted',
    );
    expect(plainLine(done({ step: 'a', status: 'ok', durationMs: 1500 }))).toBe('ok a 1.5s');
    const t = new WorkflowTracker();
    feed(t, [
      {
        ...base,
        type: 'workflow.started',
        name: 'wf',
        input: '',
        steps: [
          { id: 'a', harness: 'h', needs: [] },
          { id: 'b', harness: 'h', needs: ['a'] },
        ],
      },
      done({ step: 'a', status: 'ok', durationMs: 10, usage: { input: 5, output: 1, costUsd: 0.5 } }),
      { ...base, type: 'workflow.step.skipped', step: 'b', reason: 'stopped', because: 'a', message: 'x' },
    ]);
    const table = summaryTable(t, false).split('\n');
    expect(table.at(-1)).toMatch(/^total\s+6\s+\$0\.5000$/);
    expect(table.find((l) => l.startsWith('b '))).toMatch(/^b\s+h\s+—\s+skipped\s+—\s+—\s+—$/);
  });

  it('the live view needs a TTY that knows its size (regression: a 0-row TTY showed no progress at all); else plain lines', () => {
    expect(canDrawLive({ isTTY: true, rows: 40, columns: 100 })).toBe(true);
    expect(canDrawLive({ isTTY: true, rows: 0, columns: 0 })).toBe(false);
    expect(canDrawLive({ isTTY: true })).toBe(false);
    expect(canDrawLive({ isTTY: false, rows: 40, columns: 100 })).toBe(false);
  });

  it('a narrow terminal shortens the activity, never wrapping a step over two lines', () => {
    const t = new WorkflowTracker();
    feed(t, [
      { ...base, type: 'workflow.started', name: 'wf', input: '', steps: [{ id: 'a', harness: 'h', needs: [] }] },
      {
        ...base,
        type: 'workflow.step.completed',
        step: 'a',
        status: 'failed',
        harness: 'h',
        needs: [],
        attempts: 1,
        runIds: [],
        durationMs: 1,
        diff: '',
        files: [],
        message: 'x'.repeat(300),
      },
    ]);
    const line = renderLive(t, false, T0, 60).split('\n')[1]!;
    expect(line.length).toBeLessThanOrEqual(60);
    expect(line.endsWith('…')).toBe(true);
  });
});
