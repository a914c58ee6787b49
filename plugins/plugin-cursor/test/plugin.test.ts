import { describe, expect, it } from 'vitest';
import { isHarnessPlugin } from '@omnigent/core';
import cursor from '../src/index.js';
import { doctorHint } from '../src/doctor.js';

describe('the cursor plugin object', () => {
  it('is a harness plugin named cursor that finds cursor-agent, then agent', () => {
    expect(isHarnessPlugin(cursor)).toBe(true);
    expect(cursor.name).toBe('cursor');
    expect(cursor.binary).toEqual({
      names: ['cursor-agent', 'agent'],
      install: 'curl https://cursor.com/install -fsS | bash',
    });
    expect(cursor.provider).toBe('cursor');
    expect(cursor.credentialEnv).toEqual(['CURSOR_API_KEY']);
    expect(cursor.meta.packageName).toBe('@omnigent/plugin-cursor');
  });

  it('declares what Cursor can do as data', () => {
    expect(cursor.capabilities).toMatchObject({
      resume: true,
      tokenUsage: 'per-run',
      cost: false,
      reasoning: true,
      subagents: false,
      traceparent: false,
    });
  });

  it('detects the version with `--version`', async () => {
    const r = await cursor.detect!('/x/cursor-agent', async () => ({
      stdout: '2026.09.10-fd3934a\n',
      stderr: '',
      exitCode: 0,
    }));
    expect(r.version).toBe('2026.09.10-fd3934a');
  });

  it('tells users how to install and sign in', () => {
    expect(doctorHint).toContain('curl https://cursor.com/install -fsS | bash');
    expect(doctorHint).toContain('cursor-agent login');
    expect(doctorHint).toContain('CURSOR_API_KEY');
  });
});
