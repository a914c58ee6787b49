import { describe, expect, it } from 'vitest';
import { SpillQueue } from '../src/spill-queue.js';

describe('SpillQueue', () => {
  it('spills past the memory bound to disk and gives every item back in order', () => {
    const q = new SpillQueue<{ i: number; s: string }>(16);
    for (let i = 0; i < 1000; i++) q.push({ i, s: `ü-${i}-🌍` });
    expect(q.totalSpilled).toBe(1000 - 16);
    const out: number[] = [];
    for (let x = q.shift(); x; x = q.shift()) {
      expect(x.s).toBe(`ü-${x.i}-🌍`);
      out.push(x.i);
    }
    expect(out).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    q.dispose();
  });

  it('interleaves pushes and shifts without reordering', () => {
    const q = new SpillQueue<number>(4);
    const out: number[] = [];
    let n = 0;
    for (let round = 0; round < 50; round++) {
      for (let k = 0; k < 7; k++) q.push(n++);
      for (let k = 0; k < 5; k++) out.push(q.shift()!);
    }
    while (q.size) out.push(q.shift()!);
    expect(out).toEqual(Array.from({ length: n }, (_, i) => i));
    q.dispose();
  });
});
