import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineHarness, type HarnessDefinition } from '../src/contract.js';
import { detectVersion } from '../src/detect.js';
import type { NonTerminalDraft } from '../src/events.js';
import { startRun } from '../src/runner.js';
import { spawnProcess } from '../src/spawn-process.js';

// The runner and version detection spawn with node:child_process (no execa): what a user notices
// when a harness cannot start, reads its prompt from stdin, ignores that stdin, or hangs on --version.
const dir = mkdtempSync(join(tmpdir(), 'omnigent-spawn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A plugin that runs `node -e <prompt>`, giving the child `stdin` when asked. */
function nodePlugin(stdin?: string) {
  return defineHarness({
    name: 'node',
    meta: { version: '0.0.0' },
    capabilities: {},
    binary: { names: ['node'], install: 'none' },
    command: (request) => ({ args: ['-e', request.prompt], ...(stdin !== undefined ? { stdin } : {}) }),
    translate: (record) => [record as NonTerminalDraft],
  } as HarnessDefinition<unknown>);
}
const print = (line: unknown) => `console.log(${JSON.stringify(JSON.stringify(line))});`;

describe('spawning a harness', () => {
  it('a binary that is not executable ends the run failed, naming the binary and EACCES', async () => {
    const bin = join(dir, 'not-executable');
    writeFileSync(bin, '#!/bin/sh\necho hi\n');
    chmodSync(bin, 0o644);
    const end = await startRun({ plugin: nodePlugin(), bin, request: { prompt: 'x', cwd: dir } }).result();
    expect(end).toMatchObject({ type: 'run.failed', reason: 'error' });
    expect(end.type === 'run.failed' && end.message).toMatch(`Could not start ${bin}`);
    expect(end.type === 'run.failed' && end.message).toMatch(/EACCES/);
  });

  it('a working directory that does not exist ends the run failed (ENOENT), not with a crash', async () => {
    const end = await startRun({
      plugin: nodePlugin(),
      bin: process.execPath,
      request: { prompt: 'x', cwd: join(dir, 'gone') },
    }).result();
    expect(end).toMatchObject({ type: 'run.failed', reason: 'error' });
    expect(end.type === 'run.failed' && end.message).toMatch(/ENOENT/);
  });

  it("the plugin's stdin text reaches the harness, which sees stdin closed after it", async () => {
    const echo = `let t='';process.stdin.on('data',(c)=>t+=c).on('end',()=>console.log(JSON.stringify({type:'message',role:'assistant',text:t})))`;
    const run = startRun({
      plugin: nodePlugin('the prompt\nin two lines'),
      bin: process.execPath,
      request: { prompt: echo, cwd: dir },
    });
    const texts: string[] = [];
    for await (const e of run) if (e.type === 'message') texts.push(e.text);
    expect(texts).toEqual(['the prompt\nin two lines']);
    expect(await run.result()).toMatchObject({ type: 'run.completed', exitCode: 0 });
  });

  it('a harness that exits without reading a large stdin keeps its own outcome (no EPIPE crash)', async () => {
    const end = await startRun({
      plugin: nodePlugin('x'.repeat(4 * 1024 * 1024)),
      bin: process.execPath,
      request: { prompt: `${print({ type: 'session.started', cwd: '/w' })}process.exit(3)`, cwd: dir },
    }).result();
    expect(end).toMatchObject({ type: 'run.failed', reason: 'exit', exitCode: 3 });
  });

  it('a harness killed by a signal reports the signal', async () => {
    const end = await startRun({
      plugin: nodePlugin(),
      bin: process.execPath,
      request: { prompt: "process.kill(process.pid, 'SIGKILL')", cwd: dir },
    }).result();
    expect(end).toMatchObject({ type: 'run.failed', signal: 'SIGKILL' });
  });
});

describe('spawnProcess', () => {
  it('keepStdin: the caller writes to an open stdin after the start, and ends it', async () => {
    const echo = `process.stdin.setEncoding('utf8'); let t = ''; process.stdin.on('data', (c) => (t += c)).on('end', () => process.stdout.write(t.toUpperCase()));`;
    const { child, ended } = spawnProcess(process.execPath, ['-e', echo], {
      env: process.env,
      input: 'first ',
      keepStdin: true,
    });
    let out = '';
    child!.stdout!.setEncoding('utf8').on('data', (t: string) => (out += t));
    await new Promise((r) => setTimeout(r, 100));
    child!.stdin!.end('then more');
    expect(await ended).toEqual({ exitCode: 0 });
    expect(out).toBe('FIRST THEN MORE');
  });
});

describe('detectVersion', () => {
  const script = (name: string, body: string): string => {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };

  it('reads the version from stdout, or from stderr when stdout has none', async () => {
    expect(await detectVersion({}, script('v-out', 'echo "tool 1.2.3"'))).toEqual({ version: '1.2.3' });
    expect(await detectVersion({}, script('v-err', 'echo "tool v4.5.6" >&2'))).toEqual({ version: '4.5.6' });
  });

  it("a plugin's own detect gets stdout without the final newline, stderr and the exit code", async () => {
    const bin = script('v-custom', 'echo "line one"; echo "line two"; echo oops >&2; exit 3');
    const seen = await detectVersion(
      { detect: async (_bin, exec) => ({ version: JSON.stringify(await exec(['--version'])) }) },
      bin,
    );
    expect(JSON.parse(seen.version!)).toEqual({ stdout: 'line one\nline two', stderr: 'oops', exitCode: 3 });
  });

  it('a binary that hangs on --version is given up on after the timeout, with an error', async () => {
    const bin = script('v-hang', 'sleep 30');
    // the sleep grandchild keeps the pipes open after sh is killed: detection must not wait for
    // it (if it did, the test would time out)
    const r = await detectVersion({}, bin, 300);
    expect(r.version).toBeUndefined();
    expect(r.error).toMatch(/could not read a version/);
  });

  it('a missing binary gives an error naming it, never a throw', async () => {
    const r = await detectVersion({}, join(dir, 'no-such-binary'));
    expect(r).toEqual({ error: expect.stringMatching(/no-such-binary ENOENT/) });
  });
});
