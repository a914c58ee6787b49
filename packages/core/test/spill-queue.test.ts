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

describe('SpillQueue files', () => {
  it('regression: the spill file is deleted once read back, and a queue never drained leaves none when the process exits', async () => {
    const { mkdtempSync, readdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { spawnSync } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'omnigent-spill-files-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = dir;
    try {
      const q = new SpillQueue<number>(2);
      for (let i = 0; i < 10; i++) q.push(i);
      expect(readdirSync(dir).length).toBe(1);
      while (q.size) q.shift();
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    // a process that exits with a spilled queue it never drained nor disposed
    const mod = new URL('../dist/spill-queue.js', import.meta.url).href;
    const script = `const { SpillQueue } = await import(${JSON.stringify(mod)});
      const q = new SpillQueue(1); for (let i = 0; i < 5; i++) q.push(i);
      const fs = await import('node:fs'); console.log(fs.readdirSync(process.env.TMPDIR).length); process.exit(0);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: dir },
    });
    expect(r.stdout.trim()).toBe('1');
    expect(readdirSync(dir)).toEqual([]);
  });
});
