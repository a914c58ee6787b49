import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError, type OmnigentEvent, type RunRequest } from '@omnigent/core';
import { splitCommand } from '../../agent-command.js';
import { loadConfig } from '../../config.js';
import { exitCodeFor } from '../../exit-codes.js';
import type { GlobalArgs } from '../../global-args.js';
import { withInterrupts } from '../../interrupts.js';
import { STDIN_MARKER, readStdin, useColor, writeOut } from '../../io.js';
import { createRenderer } from '../../render.js';
import { runHarness } from '../../run-harness.js';

/** Arguments of `omnigent run`. */
export interface RunArgs extends GlobalArgs {
  prompt?: string;
  harness?: string;
  model?: string;
  provider?: string;
  cwd?: string;
  resume?: string;
  'session-id'?: string;
  timeout?: number;
  'idle-timeout'?: number;
  json?: boolean;
  bin?: string;
  /** `--agent "<command>"`: the ACP agent to run (implies `-H acp`). */
  agent?: string;
  'permission-mode'?: 'default' | 'read-only' | 'accept-edits' | 'bypass';
  'max-turns'?: number;
  'allowed-tools'?: string[];
  'disallowed-tools'?: string[];
  'system-prompt'?: string;
  'append-system-prompt'?: string;
  arg?: string[];
  env?: string[];
  store?: boolean;
  tag?: string[];
  /** `--mcp a,b`: names from config `mcp.servers`; `none` overrides `mcp.default`. */
  mcp?: string[];
  kind?: import('@omnigent/store').WorkKind;
}

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
  if (prompt === '-' || prompt === STDIN_MARKER) prompt = (await readStdin()).replace(/\n$/, '');
  if (prompt === undefined || prompt.trim() === '')
    throw new UsageError(
      'No prompt given.',
      'Pass it as an argument, or "-" to read it from stdin: omnigent run -H codex "fix the failing test"',
    );
  const env = parseEnv(argv.env);
  return {
    prompt,
    ...(argv.model ? { model: argv.model } : {}),
    ...(argv.provider ? { provider: argv.provider } : {}),
    cwd: argv.cwd ? resolve(argv.cwd) : process.cwd(),
    ...(argv.resume ? { resume: argv.resume } : {}),
    ...(argv['session-id'] ? { sessionId: argv['session-id'] } : {}),
    ...(argv.timeout ? { timeoutMs: argv.timeout * 1000 } : {}),
    ...(argv['permission-mode'] ? { permissionMode: argv['permission-mode'] } : {}),
    ...(argv['max-turns'] ? { maxTurns: argv['max-turns'] } : {}),
    ...(argv['allowed-tools']?.length
      ? { allowedTools: argv['allowed-tools'].flatMap((t) => t.split(',')).filter(Boolean) }
      : {}),
    ...(argv['disallowed-tools']?.length
      ? { disallowedTools: argv['disallowed-tools'].flatMap((t) => t.split(',')).filter(Boolean) }
      : {}),
    ...(argv['system-prompt'] ? { systemPrompt: argv['system-prompt'] } : {}),
    ...(argv['append-system-prompt'] ? { appendSystemPrompt: argv['append-system-prompt'] } : {}),
    ...(argv.arg?.length ? { extraArgs: argv.arg } : {}),
    ...(env ? { env } : {}),
  };
}

/** `-C dir` must be a directory: checked before anything is stored (a usage error, not a failed run). */
async function checkCwd(cwd: string | undefined): Promise<void> {
  if (cwd === undefined) return;
  const st = await stat(resolve(cwd)).catch((error: NodeJS.ErrnoException) => error);
  if (st instanceof Error) {
    const why = st.code === 'ENOENT' ? 'no such directory' : st.code === 'EACCES' ? 'permission denied' : st.message;
    throw new UsageError(
      `--cwd ${cwd}: ${why} (${resolve(cwd)}).`,
      'Give -C the directory the harness should work in.',
    );
  }
  if (!st.isDirectory())
    throw new UsageError(
      `--cwd ${cwd}: not a directory (${resolve(cwd)}).`,
      'Give -C the directory the harness should work in.',
    );
}

/** `omnigent run`; returns the exit code. Setup errors are thrown to the CLI's error boundary. */
export async function runMain(argv: RunArgs): Promise<number> {
  await checkCwd(argv.cwd);
  const config = await loadConfig(process.cwd(), argv.config);
  const harness = argv.harness ?? (argv.agent !== undefined ? 'acp' : config.config.defaults?.harness);
  if (!harness)
    throw new UsageError(
      'No harness given.',
      'Pick one with -H, e.g. omnigent run -H claude-code "…" (omnigent plugins lists them).',
    );
  const agent = argv.agent !== undefined ? splitCommand(argv.agent) : undefined;
  if (agent && argv.bin)
    throw new UsageError(
      '--agent and --bin both name the program to start.',
      'Give one: --agent "<command with its arguments>".',
    );
  const request = await requestFromArgs(argv);
  // the agent command is the binary and its leading arguments
  if (agent && agent.length > 1) request.extraArgs = [...agent.slice(1), ...(request.extraArgs ?? [])];
  const bin = agent ? agent[0] : argv.bin;
  const json = argv.json === true;
  let onEvent: (e: OmnigentEvent) => void | Promise<void>;
  if (json) onEvent = (e) => writeOut(`${JSON.stringify(e)}\n`);
  else onEvent = createRenderer({ write: (t) => void writeOut(t), color: useColor() });
  return withInterrupts(
    async ({ signal }) => {
      const { terminal } = await runHarness({
        harness,
        request,
        config,
        ...(bin ? { bin } : {}),
        signal,
        ...(argv['idle-timeout'] !== undefined ? { inactivityMs: argv['idle-timeout'] * 1000 } : {}),
        onEvent,
        // undefined lets config `store.enabled` decide; --no-store always wins
        ...(argv.store === false ? { store: false } : {}),
        tags: argv.tag ?? [],
        ...(argv.mcp ? { mcp: argv.mcp } : {}),
        ...(argv.kind ? { kind: argv.kind } : {}),
      });
      return exitCodeFor(terminal);
    },
    {
      onFirst: () => {
        if (!json)
          process.stderr.write(`omnigent: interrupted: stopping ${harness} (Ctrl-C again to kill it at once)\n`);
      },
    },
  );
}
