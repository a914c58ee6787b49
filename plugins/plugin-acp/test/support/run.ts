import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { startRun, type OmnigentEvent, type RunRequest, type TerminalEvent } from '@omnigent/core';
import { ACP_AGENT_BIN, acpAgentEnv, type AcpAgentScript } from '@omnigent/testkit';
import { acpHarness } from '../../src/index.js';

/** A finished run: every event, the terminal, and the agent's pid. */
export interface Ran {
  events: OmnigentEvent[];
  terminal: TerminalEvent;
  pid: number | undefined;
}

/** Run the plugin against the testkit's scripted ACP agent. */
export async function runScripted(
  script: AcpAgentScript,
  request: Partial<RunRequest> = {},
  extra: { abortAfterMs?: number; inactivityMs?: number; cancelGraceMs?: number } = {},
): Promise<Ran> {
  const run = startRun({
    plugin: acpHarness,
    bin: ACP_AGENT_BIN,
    request: { prompt: 'go', ...request },
    extraEnv: acpAgentEnv(script),
    killGraceMs: 1000,
    ...(extra.inactivityMs !== undefined ? { inactivityMs: extra.inactivityMs } : {}),
    ...(extra.cancelGraceMs !== undefined ? { cancelGraceMs: extra.cancelGraceMs } : {}),
  });
  const events: OmnigentEvent[] = [];
  run.bus.on('*', (e) => void events.push(e));
  if (extra.abortAfterMs !== undefined) setTimeout(() => run.abort(), extra.abortAfterMs);
  const terminal = await run.result();
  await run.bus.flush();
  return { events, terminal, pid: run.pid };
}

/** Events of one type. */
export function ofType<T extends OmnigentEvent['type']>(
  events: OmnigentEvent[],
  type: T,
): Array<Extract<OmnigentEvent, { type: T }>> {
  return events.filter((e): e is Extract<OmnigentEvent, { type: T }> => e.type === type);
}

/** All assistant text of the run (what the scripted agent told back). */
export function said(events: OmnigentEvent[]): string {
  return ofType(events, 'message')
    .filter((m) => m.role === 'assistant')
    .map((m) => m.text)
    .join('');
}

/** Pids (from /proc) whose environment carries `OMNIGENT_RUN_ID=<runId>`: what a run left behind. */
export function processesOfRun(runId: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const file = `/proc/${entry}/environ`;
    try {
      if (existsSync(file) && readFileSync(file, 'latin1').split('\0').includes(`OMNIGENT_RUN_ID=${runId}`))
        out.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}
