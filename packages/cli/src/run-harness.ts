import { randomUUID } from 'node:crypto';
import {
  EventBus,
  resolveBinary,
  startRun,
  type LoadedPlugin,
  type OmnigentEvent,
  type RunRequest,
  type TerminalEvent,
} from '@omnigent/core';
import type { LoadedConfig } from './config.js';
import { loadHarnessPlugin } from './plugins.js';
import { harnessVersion } from './harness-version.js';
import { SINKS } from './sinks/index.js';
import type { RunContext, RunKind, RunSink, SinkFactory, WorkflowStepContext } from './sinks/types.js';
import { runKind } from './run-kind.js';

/** Options of {@link runHarness}. */
export interface RunHarnessOptions {
  harness: string;
  request: RunRequest;
  config: LoadedConfig;
  /** `--bin`. */
  bin?: string;
  signal?: AbortSignal;
  /** Inactivity watchdog in ms (0 disables). Default: config `defaults.idleTimeout` or 10 minutes. */
  inactivityMs?: number;
  /** Called for every event, in order (the renderer). */
  onEvent?: (event: OmnigentEvent) => void | Promise<void>;
  /** Default: true, unless config `store.enabled` is false. */
  store?: boolean;
  tags?: string[];
  workflow?: WorkflowStepContext;
  /** Override the sinks (tests, SDK users). Default: the run store and telemetry. */
  sinks?: SinkFactory[];
  env?: NodeJS.ProcessEnv;
  runId?: string;
  /** Kind of work (`--kind`, a step's `kind:`, an eval task's). Default: classified from the prompt. */
  kind?: RunKind['kind'];
  /** Bound on flushing sinks at the end. Default: 10 s. */
  flushTimeoutMs?: number;
}

/** Result of {@link runHarness}. */
export interface RunHarnessResult {
  runId: string;
  terminal: TerminalEvent;
  plugin: LoadedPlugin;
}

/** Merge config defaults (`defaults`, `harnesses.<name>`) under what the request already says. */
export function applyConfig(harness: string, request: RunRequest, config: LoadedConfig): RunRequest {
  const d = config.config.defaults ?? {};
  const h = config.config.harnesses?.[harness] ?? {};
  const model = request.model ?? h.model ?? d.model;
  const permissionMode = request.permissionMode ?? h.permissionMode ?? d.permissionMode;
  const timeout = request.timeoutMs ?? (h.timeout ?? d.timeout ? (h.timeout ?? d.timeout)! * 1000 : undefined);
  const extraArgs = [...(h.args ?? []), ...(request.extraArgs ?? [])];
  const env = { ...(h.env ?? {}), ...(request.env ?? {}) };
  const options = { ...(h.options ?? {}), ...(request.options ?? {}) };
  return {
    ...request,
    ...(model !== undefined ? { model } : {}),
    ...(permissionMode !== undefined ? { permissionMode } : {}),
    ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
    ...(extraArgs.length ? { extraArgs } : {}),
    ...(Object.keys(env).length ? { env } : {}),
    ...(Object.keys(options).length ? { options } : {}),
  };
}

/**
 * Run one harness end to end: load its plugin, resolve its binary, attach the sinks (run store,
 * telemetry), run it, flush the sinks (bounded). Throws only for setup errors (unknown harness,
 * binary not found, bad config); run failures come back as the terminal event.
 */
export async function runHarness(options: RunHarnessOptions): Promise<RunHarnessResult> {
  const cwd = options.request.cwd ?? process.cwd();
  const loaded = await loadHarnessPlugin(options.harness, options.config, cwd);
  const request = applyConfig(options.harness, { ...options.request, cwd }, options.config);
  const bin = resolveBinary(loaded.plugin, {
    ...(options.bin ? { flag: options.bin } : {}),
    ...(options.config.config.harnesses?.[options.harness]?.bin ? { config: options.config.config.harnesses[options.harness]!.bin! } : {}),
    resolveFrom: [...(loaded.dir ? [loaded.dir] : []), cwd],
    ...(options.env ? { env: options.env } : {}),
  });
  const version = await harnessVersion(loaded.plugin, bin.path, options.env ?? process.env);
  const runId = options.runId ?? randomUUID();
  const ctx: RunContext = {
    runId,
    plugin: loaded.plugin,
    ...(loaded.version ? { pluginVersion: loaded.version } : {}),
    request,
    config: options.config,
    store: options.store ?? options.config.config.store?.enabled ?? true,
    tags: options.tags ?? [],
    ...(options.workflow ? { workflow: options.workflow } : {}),
    startedAt: new Date(),
    env: options.env ?? process.env,
    kind: await runKind(request.prompt, options.kind),
  };
  const sinks: RunSink[] = [];
  for (const factory of options.sinks ?? SINKS) {
    try {
      const sink = await factory(ctx);
      if (sink) sinks.push(sink);
    } catch (error) {
      process.stderr.write(`omnigent: warning: a sink could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  const bus = new EventBus();
  if (options.onEvent) bus.on('*', options.onEvent, 'renderer');
  for (const sink of sinks) bus.on('*', sink.onEvent, sink.name);
  const extraEnv: Record<string, string> = {};
  for (const sink of sinks) Object.assign(extraEnv, sink.env);
  const idle = options.inactivityMs ?? (options.config.config.defaults?.idleTimeout !== undefined ? options.config.config.defaults.idleTimeout * 1000 : undefined);
  const run = startRun({
    plugin: loaded.plugin,
    request,
    bin: bin.path,
    runId,
    bus,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(idle !== undefined ? { inactivityMs: idle } : {}),
    extraEnv,
    ...(version ? { harnessVersion: version } : {}),
    ...(options.workflow ? { step: options.workflow.step } : {}),
  });
  const terminal = await run.result();
  const flushMs = options.flushTimeoutMs ?? 10_000;
  const drained = await bus.flush(flushMs);
  if (!drained) process.stderr.write(`omnigent: warning: some event consumers did not finish within ${flushMs / 1000}s\n`);
  await Promise.all(
    sinks.map((s) =>
      Promise.race([
        s.close(terminal).catch((error: unknown) => {
          process.stderr.write(`omnigent: warning: ${s.name} failed to close: ${error instanceof Error ? error.message : String(error)}\n`);
        }),
        new Promise<void>((r) => setTimeout(r, flushMs).unref()),
      ]),
    ),
  );
  return { runId, terminal, plugin: loaded };
}
