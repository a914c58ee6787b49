import { describe, expect, it } from 'vitest';
import { defineHarness } from '../src/contract.js';
import type { EventDraft, NonTerminalDraft } from '../src/events.js';
import { LineReader, MAX_RAW_CHARS } from '../src/line-reader.js';

const plugin = defineHarness({
  name: 'h',
  meta: { version: '0.0.0' },
  capabilities: {},
  binary: { names: ['h'], install: 'none' },
  command: () => ({ args: [] }),
  createState: () => ({}),
  translate: (record) => (Array.isArray(record) ? (record as NonTerminalDraft[]) : [record as NonTerminalDraft]),
  finish: () => ({}),
});

function make(unparsedWarnings?: number) {
  const out: EventDraft[] = [];
  const reader = new LineReader({
    plugin,
    state: {},
    request: { prompt: 'x' },
    emit: (d) => void out.push(d),
    t0: 0,
    maxLineBytes: 1000,
    ...(unparsedWarnings !== undefined ? { unparsedWarnings } : {}),
  });
  return { reader, out };
}

describe('LineReader', () => {
  it('regression: a flood of non-JSON lines gives the first 20 warnings, then one summary with the count and samples', () => {
    const { reader, out } = make();
    for (let i = 0; i < 10_000; i++) reader.line(`plain log line ${i}`);
    reader.end();
    expect(out.length).toBe(21);
    expect(out.slice(0, 20).every((d) => d.type === 'warning' && d.code === 'unparsed-line')).toBe(true);
    const summary = out[20]!;
    expect(summary).toMatchObject({ type: 'warning', code: 'unparsed-lines', raw: { count: 9980, total: 10_000 } });
    expect(summary.type === 'warning' && summary.message).toContain('9980 more lines that are not JSON');
    expect((summary as { raw: { samples: string[] } }).raw.samples).toEqual([
      'plain log line 20',
      'plain log line 21',
      'plain log line 22',
      'plain log line 23',
      'plain log line 24',
    ]);
  });

  it('bounds the raw text kept per warning', () => {
    const { reader, out } = make();
    reader.line('x'.repeat(100_000));
    const raw = (out[0] as { raw: string }).raw;
    expect(raw.length).toBeLessThan(MAX_RAW_CHARS + 100);
    expect(raw).toContain('98000 more characters');
  });

  it('no summary when there were few unparsed lines', () => {
    const { reader, out } = make();
    reader.line('a');
    reader.end();
    expect(out.map((d) => d.type === 'warning' && d.code)).toEqual(['unparsed-line']);
  });

  it('regression: a repeated retry warning (same code, numbers aside) is not progress; anything else is', () => {
    const { reader } = make();
    const retry = (n: number) =>
      JSON.stringify({ type: 'warning', code: 'api-retry', message: `Reconnecting... ${n}/5` });
    expect(reader.line(retry(1))).toBe(true);
    expect(reader.line(retry(2))).toBe(false);
    expect(reader.line(retry(3))).toBe(false);
    expect(reader.repeating).toEqual({ message: 'Reconnecting... 1/5', times: 3 });
    expect(reader.line(JSON.stringify({ type: 'message', role: 'assistant', text: 'hi' }))).toBe(true);
    expect(reader.repeating).toBeUndefined();
    expect(reader.line(retry(1))).toBe(true);
    expect(reader.line(JSON.stringify({ type: 'warning', code: 'api-retry', message: 'another problem' }))).toBe(true);
    expect(reader.line(JSON.stringify([]))).toBe(true);
  });
});
