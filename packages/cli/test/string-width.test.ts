import { describe, expect, it } from 'vitest';
import stringWidth from '../src/string-width.js';

describe("stringWidth (the bundle's stand-in for string-width in --help layout)", () => {
  it('counts terminal columns', () => {
    expect(stringWidth('')).toBe(0);
    expect(stringWidth('--max-turns')).toBe(11);
    expect(stringWidth('\u001b[1mbold\u001b[22m')).toBe(4);
    expect(stringWidth('\u001b[1mbold\u001b[22m', { countAnsiEscapeCodes: true })).toBe(11);
    expect(stringWidth('0 ok · 1 run failed × 2 …')).toBe(25);
    expect(stringWidth('日本語')).toBe(6);
    expect(stringWidth('e\u0301')).toBe(1);
    expect(stringWidth('a\u200bb')).toBe(2);
    expect(stringWidth('ok 🚀')).toBe(5);
    expect(stringWidth('tab\there')).toBe(7);
  });
});
