import { appendFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OmnigentEvent } from '@omnigent/core';
import { describe, expect, it } from 'vitest';
import {
  CACHE_REFRESH_BYTES,
  formatStatus,
  openStore,
  parseEvents,
  renderRunsTable,
  renderTimeline,
  terminalSafe,
  type RunStart,
} from '../src/index.js';
import { tempDir } from './helpers.js';

let seq = 0;
function ev(draft: Record<string, unknown>): OmnigentEvent {
  return {
    runId: 'r',
    harness: 'fake',
    seq: seq++,
    time: '2026-02-01T10:00:01.000Z',
    ...draft,
  } as unknown as OmnigentEvent;
}
const start = (id: string, extra: Partial<RunStart> = {}): RunStart => ({
  id,
  harness: 'fake',
  startedAt: '2026-02-01T10:00:00.000Z',
  cwd: '/w',
  tags: [],
  host: 'elsewhere',
  ...extra,
});
const completed = (): Extract<OmnigentEvent, { type: 'run.completed' }> =>
  ev({ type: 'run.completed', durationMs: 900 }) as Extract<OmnigentEvent, { type: 'run.completed' }>;

describe('terminalSafe', () => {
  it('shows every control sequence as visible text and keeps newlines and tabs', () => {
    expect(terminalSafe('a\tb\nc')).toBe('a\tb\nc');
    expect(terminalSafe('copy\x1b]52;c;ZXZpbA==\x07')).toBe('copy␛]52;c;ZXZpbA==␇');
    expect(terminalSafe('\x1b]0;title\x1b\\')).toBe('␛]0;title␛\\');
    expect(terminalSafe('\x1b[2J\x1b[H\x1b[3A\x08\x7f')).toBe('␛[2J␛[H␛[3A␈␡');
    expect(terminalSafe('\u009b2J\u009d52;c;x\u009c')).toBe('\\x9b2J\\x9d52;c;x\\x9c');
    expect(terminalSafe('line\r\nnext\rover')).toBe('line\nnext␍over');
    expect(terminalSafe('\x00')).toBe('␀');
    expect(terminalSafe('plain – ünïcode ✓')).toBe('plain – ünïcode ✓');
  });
});

describe('a full disk while recording', () => {
  it('reports the first failed write once, keeps the run going and indexes it incomplete', () => {
    const dir = tempDir();
    const store = openStore(dir);
    const errors: Error[] = [];
    let writes = 0;
    const rec = store.begin(start('full-1'), undefined, {
      onWriteError: (e) => errors.push(e),
      // the disk fills up after two events
      write: (_fd, text) => {
        writes += 1;
        if (writes > 2) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        appendFileSync(store.eventsFile('full-1'), text);
        return Buffer.byteLength(text);
      },
    });
    rec.append(ev({ type: 'session.started', cwd: '/w' }));
    rec.append(ev({ type: 'message', role: 'assistant', text: 'one' }));
    expect(() => {
      for (let i = 0; i < 50; i++)
        rec.append(ev({ type: 'tool.completed', callId: `c${i}`, name: 'Bash', isError: false }));
      rec.append(completed());
    }).not.toThrow();
    const end = rec.finish(completed());
    expect(errors).toHaveLength(1);
    expect(writes).toBe(3);
    expect(end).toMatchObject({
      status: 'incomplete',
      outcome: 'completed',
      reason: 'store-write-failed',
      toolCalls: 50,
      events: 53,
    });
    expect(end.message).toBe(
      'the store could not be written (no space left on device): 51 of 53 events were not stored',
    );
    const [run] = store.list();
    expect(run).toMatchObject({ id: 'full-1', status: 'incomplete', outcome: 'completed' });
    expect(formatStatus(run!)).toBe('incomplete (completed)');
    expect(renderRunsTable([run!])).toMatch(/incomplete \(completed\)/);
    expect(renderTimeline(run!, store.events('full-1'))).toContain(
      '(record incomplete: the store could not be written (no space left on device): 51 of 53 events were not stored)',
    );
    expect(store.list({ status: ['incomplete'] })).toHaveLength(1);
  });

  it('takes a short write (what a full disk does first) as a failure too', () => {
    const store = openStore(tempDir());
    const errors: Error[] = [];
    const rec = store.begin(start('short-1'), undefined, {
      onWriteError: (e) => errors.push(e),
      write: (_fd, text) => Math.floor(Buffer.byteLength(text) / 2),
    });
    rec.append(ev({ type: 'message', role: 'assistant', text: 'x' }));
    rec.append(ev({ type: 'message', role: 'assistant', text: 'y' }));
    expect(rec.finish(completed()).status).toBe('incomplete');
    expect(errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(['ENOSPC']);
  });

  it('a failed end record is reported, never thrown', () => {
    const dir = tempDir();
    const store = openStore(dir);
    const errors: Error[] = [];
    const rec = store.begin(start('ro-1'), undefined, { onWriteError: (e) => errors.push(e) });
    // the index becomes a directory: the end record cannot be appended
    const index = join(dir, 'index.jsonl');
    writeFileSync(index, '');
    rmSync(index);
    mkdirSync(index);
    expect(() => rec.finish(completed())).not.toThrow();
    expect(errors).toHaveLength(1);
  });
});

describe('redaction hook', () => {
  it('stores each event as the redactor returns it, and summarizes the redacted event', () => {
    const store = openStore(tempDir());
    const rec = store.begin(start('red-1'), undefined, {
      redact: (e) => JSON.parse(JSON.stringify(e).replaceAll('hunter2hunter2', '[REDACTED]')) as OmnigentEvent,
    });
    const original = ev({
      type: 'run.failed',
      reason: 'exit',
      message: 'password hunter2hunter2 rejected',
      durationMs: 5,
    });
    rec.append(original);
    rec.finish(original as Extract<OmnigentEvent, { type: 'run.failed' }>);
    expect(readFileSync(store.eventsFile('red-1'), 'utf8')).not.toContain('hunter2hunter2');
    // the caller's event is not changed (other sinks see it as it was)
    expect((original as { message: string }).message).toContain('hunter2hunter2');
  });
});

describe('reading odd records', () => {
  it('parseEvents keeps readable events and unknown types, and names what it skipped', () => {
    const skipped: string[] = [];
    const text = [
      'null',
      '"text"',
      '{"type":"message","time":"t","role":"assistant","text":42}',
      '{"type":"message","time":"t","role":"assistant","text":"ok"}',
      '{"type":"future.thing","time":"t","x":1}',
      '{"time":"t"}',
      '{"type":"tool.completed","time":"t","callId":"c","name":"Bash","isError":false,"durationMs":"slow"}',
      '{"type":"mess',
    ].join('\n');
    const events = parseEvents(text, (r) => skipped.push(r));
    expect(events.map((e) => e.type)).toEqual(['message', 'future.thing']);
    expect(skipped).toEqual([
      'null',
      'not an object',
      'message with a bad text',
      'event without type',
      'tool.completed with a bad durationMs',
      'not JSON',
    ]);
  });

  it('ignores an index cache that no longer matches its index (rewritten in place, same size or larger)', () => {
    const dir = tempDir();
    const store = openStore(dir);
    let n = 0;
    while ((statSync(join(dir, 'index.jsonl'), { throwIfNoEntry: false })?.size ?? 0) < CACHE_REFRESH_BYTES) {
      store.begin(start(`run-${String(n++).padStart(5, '0')}`, { prompt: 'p'.repeat(200) })).finish(completed());
    }
    expect(store.all()).toHaveLength(n);
    expect(statSync(join(dir, 'index.cache.json')).isFile()).toBe(true);
    // the same file, rewritten with other runs (a restored backup, a hand edit): same inode
    const index = readFileSync(join(dir, 'index.jsonl'), 'utf8');
    writeFileSync(join(dir, 'index.jsonl'), index.replaceAll('"run-', '"new-'));
    const ids = store.all().map((r) => r.id);
    expect(ids).toHaveLength(n);
    expect(ids.every((id) => id.startsWith('new-'))).toBe(true);
  });

  it('says once per file how many records were skipped and why', () => {
    const dir = tempDir();
    const store = openStore(dir);
    store.begin(start('ok-1')).finish(completed());
    appendFileSync(
      join(dir, 'index.jsonl'),
      'null\n{"k":"start","id":"x","harness":"h","startedAt":"2026-01-01T00:00:00Z","tags":"nope"}\n',
    );
    store.all();
    store.list();
    expect(store.warnings()).toEqual([
      `omnigent: 2 records in ${join(dir, 'index.jsonl')} were skipped (unreadable: 1 null, 1 start record with a bad tags); the rest of the store reads as usual.`,
    ]);
  });
});
