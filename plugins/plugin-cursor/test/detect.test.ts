import { describe, expect, it } from 'vitest';
import type { DetectExec } from '@omnigent/core';
import { detectCursor, parseCursorVersion } from '../src/detect.js';

const execPrinting =
  (stdout: string, stderr = ''): DetectExec =>
  async (args) => {
    expect(args).toEqual(['--version']);
    return { stdout, stderr, exitCode: 0 };
  };

describe('detectCursor', () => {
  it('reads the date-based version of cursor-agent', async () => {
    const r = await detectCursor('/home/u/.local/bin/cursor-agent', execPrinting('2026.09.10-fd3934a\n'));
    expect(r.version).toBe('2026.09.10-fd3934a');
    expect(r.details).toEqual({ bin: '/home/u/.local/bin/cursor-agent' });
  });

  it('finds the version inside a longer banner on stderr', async () => {
    const r = await detectCursor('/bin/agent', execPrinting('', 'Cursor Agent 2026.09.02-c22c1a3 (linux-x64)\n'));
    expect(r.version).toBe('2026.09.02-c22c1a3');
  });

  it('flags an `agent` binary that does not print a Cursor version', async () => {
    const r = await detectCursor('/usr/bin/agent', execPrinting('agent version 1.4.2\n'));
    expect(r.version).toBe('1.4.2');
    expect(String(r.details?.warning)).toContain("is this Cursor's agent?");
  });

  it('parses only Cursor-style versions', () => {
    expect(parseCursorVersion('2026.07.23-1a2b3c4')).toBe('2026.07.23-1a2b3c4');
    expect(parseCursorVersion('v1.2.3')).toBeUndefined();
  });
});
