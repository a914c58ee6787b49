import { UsageError, type OmnigentEvent, type RunRequest } from '@omnigent/core';
import { loadConfig } from '../config.js';
import { EXIT, exitCodeFor, exitCodeForError } from '../exit-codes.js';
import { onStdoutClosed, printError, readStdin, useColor, writeOut } from '../io.js';
import { createRenderer } from '../render.js';
import { runHarness } from '../run-harness.js';
import type { RunArgs } from './run.js';

function parseEnv(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs?.length) return undefined;
  const env: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`--env expects KEY=VALUE, got "${p}"`);
    env[p.slice(0, i)] = p.slice(i + 1);
  }
  return env;
}

/** Build the RunRequest from the command line. */
export async function requestFromArgs(argv: RunArgs): Promise<RunRequest> {
  let prompt = argv.prompt;
  if (prompt === '-' || prompt === '\u0000stdin') prompt = (await readStdin()).replace(/\n$/, '');
  if (prompt === undefined || prompt.trim() === '') throw new UsageError('No prompt given.', 'Pass it as an argument, or "-" to read it from stdin: omnigent run -H codex "fix the failing test"');
  const env = parseEnv(argv.env);
  return {
    prompt,
    ...(argv.model ? { model: argv.model } : {}),
    ...(argv.provider ? { provider: argv.provider } : {}),
    cwd: argv.cwd ? (await import('node:path')).resolve(argv.cwd) : process.cwd(),
    ...(argv.resume ? { resume: argv.resume } : {}),
    ...(argv['session-id'] ? { sessionId: argv['session-id'] } : {}),
    ...(argv.timeout ? { timeoutMs: argv.timeout * 1000 } : {}),
    ...(argv['permission-mode'] ? { permissionMode: argv['permission-mode'] } : {}),
    ...(argv['max-turns'] ? { maxTurns: argv['max-turns'] } : {}),
    ...(argv['allowed-tools']?.length ? { allowedTools: argv['allowed-tools'].flatMap((t) => t.split(',')).filter(Boolean) } : {}),
    ...(argv['disallowed-tools']?.length ? { disallowedTools: argv['disallowed-tools'].flatMap((t) => t.split(',')).filter(Boolean) } : {}),
    ...(argv['system-prompt'] ? { systemPrompt: argv['system-prompt'] } : {}),
    ...(argv['append-system-prompt'] ? { appendSystemPrompt: argv['append-system-prompt'] } : {}),
    ...(argv.arg?.length ? { extraArgs: argv.arg } : {}),
    ...(env ? { env } : {}),
  };
}

/** `omnigent run`; returns the exit code. */
export async function runMain(argv: RunArgs): Promise<number> {
  const controller = new AbortController();
  let interrupted = 0;
  const onSignal = (): void => {
    interrupted += 1;
    if (interrupted > 1) process.exit(EXIT.interrupted);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // the reader of our output went away (`| head`): stop the harness like an interrupt, never leave it running
  const offClosed = onStdoutClosed(() => controller.abort());
  try {
    const config = await loadConfig(process.cwd(), argv.config);
    const harness = argv.harness ?? config.config.defaults?.harness;
    if (!harness) throw new UsageError('No harness given.', 'Pick one with -H, e.g. omnigent run -H claude-code "…" (omnigent plugins lists them).');
    const request = await requestFromArgs(argv);
    const json = argv.json === true;
    let onEvent: (e: OmnigentEvent) => void | Promise<void>;
    if (json) onEvent = (e) => writeOut(`${JSON.stringify(e)}\n`);
    else {
      const render = createRenderer({ write: (t) => void writeOut(t), color: useColor() });
      onEvent = render;
    }
    const { terminal } = await runHarness({
      harness,
      request,
      config,
      ...(argv.bin ? { bin: argv.bin } : {}),
      signal: controller.signal,
      ...(argv['idle-timeout'] !== undefined ? { inactivityMs: argv['idle-timeout'] * 1000 } : {}),
      onEvent,
      // undefined lets config `store.enabled` decide; --no-store always wins
      ...(argv.store === false ? { store: false } : {}),
      tags: argv.tag ?? [],
    });
    return exitCodeFor(terminal);
  } catch (error) {
    printError(error);
    return exitCodeForError(error);
  } finally {
    offClosed();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
