import { describe, expect, it } from 'vitest';
import { EventBus } from '../src/bus.js';
import { EventSequencer } from '../src/event-sequencer.js';
import type { OmnigentEvent } from '../src/events.js';

function make(pendingWaitMs = 1000) {
  const bus = new EventBus();
  const events: OmnigentEvent[] = [];
  bus.on('*', (e) => void events.push(e));
  const seq = new EventSequencer({
    runId: 'r1',
    harness: 'h',
    bus,
    cwd: '/w',
    model: 'm',
    step: 's1',
    harnessVersion: '1.2.3',
    pendingWaitMs,
  });
  return { seq, events };
}

describe('EventSequencer', () => {
  it('regression: a harness that printed nothing still gets session.started first, then the terminal', () => {
    const { seq, events } = make();
    seq.finish({ type: 'run.failed', reason: 'exit', message: 'h exited with code 1' }, 5);
    expect(events.map((e) => e.type)).toEqual(['session.started', 'run.failed']);
    expect(events[0]).toMatchObject({
      cwd: '/w',
      model: 'm',
      details: { synthesized: true },
      harnessVersion: '1.2.3',
      seq: 0,
      runId: 'r1',
      step: 's1',
    });
    expect(events[1]).toMatchObject({ seq: 1, durationMs: 5 });
  });

  it('events before the harness session wait for it, then follow it; sessionId is stamped on all', () => {
    const { seq, events } = make();
    seq.emit({ type: 'warning', message: 'model notice' });
    expect(events).toEqual([]);
    seq.emit({ type: 'session.started', cwd: '/x', sessionId: 'S' });
    seq.finish({ type: 'run.completed' }, 1);
    expect(events.map((e) => [e.type, e.sessionId, e.seq])).toEqual([
      ['session.started', 'S', 0],
      ['warning', 'S', 1],
      ['run.completed', 'S', 2],
    ]);
  });

  it('a late harness session becomes a status event, and open tools are closed as interrupted before the terminal', () => {
    const { seq, events } = make();
    seq.emit({ type: 'message', role: 'assistant', text: 'early' });
    seq.flushPending();
    seq.emit({ type: 'session.started', cwd: '/x', sessionId: 'late' });
    seq.emit({ type: 'tool.started', callId: 'c', name: 'Bash', kind: 'shell', input: {} });
    seq.closeOpenTools();
    seq.finish({ type: 'run.completed' }, 1);
    expect(events.map((e) => e.type)).toEqual([
      'session.started',
      'message',
      'status',
      'tool.started',
      'tool.completed',
      'run.completed',
    ]);
    expect(events[4]).toMatchObject({ callId: 'c', status: 'interrupted', isError: true });
    expect(events.at(-1)?.sessionId).toBe('late');
  });

  it('nothing is published after the terminal, and the terminal only once', () => {
    const { seq, events } = make();
    expect(seq.finish({ type: 'run.completed' }, 1)).toBeDefined();
    expect(seq.finish({ type: 'run.completed' }, 1)).toBeUndefined();
    seq.emit({ type: 'message', role: 'assistant', text: 'late' });
    expect(events.map((e) => e.type)).toEqual(['session.started', 'run.completed']);
  });

  it('the MCP server named at a tool start is carried to its end, also when the call is closed as interrupted', () => {
    const { seq, events } = make();
    seq.emit({ type: 'session.started', cwd: '/x', sessionId: 'S' });
    const mcp = { server: 'docs', tool: 'search_docs' };
    seq.emit({ type: 'tool.started', callId: 'a', name: 'search_docs', kind: 'mcp', input: {}, mcp });
    seq.emit({ type: 'tool.completed', callId: 'a', name: 'search_docs', output: 'x', isError: false });
    seq.emit({
      type: 'tool.started',
      callId: 'b',
      name: 'fetch_page',
      kind: 'mcp',
      input: {},
      mcp: { server: 'docs', tool: 'fetch_page' },
    });
    seq.closeOpenTools();
    const ends = events.filter((e) => e.type === 'tool.completed');
    expect(ends.map((e) => [e.callId, e.type === 'tool.completed' ? e.mcp : undefined])).toEqual([
      ['a', mcp],
      ['b', { server: 'docs', tool: 'fetch_page' }],
    ]);
  });
});
