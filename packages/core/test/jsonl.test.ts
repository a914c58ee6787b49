import { describe, expect, it } from 'vitest';
import { JsonlFramer } from '../src/jsonl.js';

function frame(chunks: Buffer[], max?: number) {
  const lines: string[] = [];
  const overflows: Array<[number, string]> = [];
  const f = new JsonlFramer({ line: (l) => lines.push(l), overflow: (b, h) => overflows.push([b, h]) }, max);
  for (const c of chunks) f.push(c);
  f.end();
  return { lines, overflows };
}

describe('JsonlFramer', () => {
  it('splits on LF only and strips a trailing CR', () => {
    const { lines } = frame([Buffer.from('{"a":1}\r\n{"b":"x\u2028y\u2029z"}\n')]);
    expect(lines).toEqual(['{"a":1}', '{"b":"x\u2028y\u2029z"}']);
  });

  it('keeps multi-byte UTF-8 characters that are split across chunks', () => {
    const text = Buffer.from('{"t":"héllo 🌍 世界"}\n', 'utf8');
    const chunks: Buffer[] = [];
    for (let i = 0; i < text.length; i++) chunks.push(text.subarray(i, i + 1));
    expect(frame(chunks).lines).toEqual(['{"t":"héllo 🌍 世界"}']);
  });

  it('delivers a last line without a newline at end of stream and skips blank lines', () => {
    expect(frame([Buffer.from('a\n\n\nb')]).lines).toEqual(['a', 'b']);
  });

  it('drops a line over the bound with an overflow report and goes on with the next line', () => {
    const big = 'x'.repeat(5000);
    const { lines, overflows } = frame(
      [Buffer.from(`${big.slice(0, 2000)}`), Buffer.from(`${big.slice(2000)}\nafter\n`)],
      1024,
    );
    expect(lines).toEqual(['after']);
    expect(overflows).toHaveLength(1);
    expect(overflows[0]![0]).toBe(5000);
    expect(overflows[0]![1].startsWith('xxxx')).toBe(true);
  });
});
