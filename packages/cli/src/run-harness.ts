import { randomUUID } from 'node:crypto';
import {
  EventBus,
  UsageError,
  resolveBinary,
  startRun,
  type LoadedPlugin,
  type OmnigentEvent,
  type RunRequest,
  type TerminalEvent,
} from '@omnigent/core';
import type { CheckResult, RunEval, UsageSummary } from '@omnigent/store';
import type { LoadedConfig } from './config.js';
import { envName } from '@omnigent/core/internal';
import { checkMcpCommands, mcpNames, resolveMcp } from './mcp-resolve.js';
import { estimateCost } from './cost-estimate.js';
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
  /**
   * MCP server names (`--mcp a,b`, a step's `mcp:`), resolved against config `mcp.servers` into
   * `request.mcpServers`. Default: config `mcp.default`, else none; `['none']` overrides a default.
   */
  mcp?: string[];
  /** The eval cell this run is (recorded on its start record and its trace). Default: not an eval run. */
  eval?: RunEval;
  /**
   * Called after the harness ended and before the sinks close (eval success checks): the results
   * are stored on the run's end record and sent with its trace. Default: none.
   */
  afterRun?: (terminal: TerminalEvent) => Promise<CheckResult[] | undefined>;
}

/** Result of {@link runHarness}. */
export interface RunHarnessResult {
  runId: string;
  terminal: TerminalEvent;
  plugin: LoadedPlugin;
  /** The run's usage as stored (summed over its events, priced when the harness reported no cost); undefined without the store. */
  usage?: UsageSummary;
}

/**
 * A plugin with no binary of its own (ACP: it runs whatever agent is named) needs one named:
 * `--agent`/`--bin`, config `harnesses.<name>.command`/`bin`, or `OMNIGENT_<NAME>_BIN`. Else a usage error.
 */
function assertAgentNamed(plugin: LoadedPlugin['plugin'], options: RunHarnessOptions): void {
  if (plugin.binary.names.length > 0 || plugin.binary.npmPackage || options.bin) return;
  if (options.config.config.harnesses?.[options.harness]?.bin) return;
  if ((options.env ?? process.env)[`OMNIGENT_${envName(plugin.name)}_BIN`]) return;
  throw new UsageError(`${options.harness} runs an agent you name, and none was named.`, plugin.binary.install);
}

/** Merge config defaults (`defaults`, `harnesses.<name>`) under what the request already says. */
export function applyConfig(harness: string, request: RunRequest, config: LoadedConfig): RunRequest {
  const d = config.config.defaults ?? {};
  const h = config.config.harnesses?.[harness] ?? {};
  const model = request.model ?? h.model ?? d.model;
  const permissionMode = request.permissionMode ?? h.permissionMode ?? d.permissionMode;
  const timeout = request.timeoutMs ?? ((h.timeout ?? d.timeout) ? (h.timeout ?? d.timeout)! * 1000 : undefined);
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
  // MCP names and ${VAR}s are checked first: a bad name or a missing variable is exit 2 before anything starts
  const mcp = resolveMcp(mcpNames(options.mcp, options.config), options.config, {
    ...(options.env ?? process.env),
    ...options.request.env,
  });
  const loaded = await loadHarnessPlugin(options.harness, options.config, cwd);
  const request = applyConfig(
    options.harness,
    { ...options.request, cwd, ...(Object.keys(mcp.servers).length ? { mcpServers: mcp.servers } : {}) },
    options.config,
  );
  assertAgentNamed(loaded.plugin, options);
  // against the PATH the harness will have (config and --env included)
  if (request.mcpServers)
    checkMcpCommands(request.mcpServers, { ...(options.env ?? process.env), ...request.env }, cwd, options.config.file);
  const bin = resolveBinary(loaded.plugin, {
    ...(options.bin ? { flag: options.bin } : {}),
    ...(options.config.config.harnesses?.[options.harness]?.bin
      ? { config: options.config.config.harnesses[options.harness]!.bin! }
      : {}),
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
    ...(options.eval ? { eval: options.eval } : {}),
    startedAt: new Date(),
    env: options.env ?? process.env,
    ...(mcp.secretEnvNames.length ? { secretEnvNames: mcp.secretEnvNames } : {}),
    kind: await runKind(request.prompt, options.kind),
  };
  const sinks: RunSink[] = [];
  for (const factory of options.sinks ?? SINKS) {
    try {
      const sink = await factory(ctx);
      if (sink) sinks.push(sink);
    } catch (error) {
      process.stderr.write(
        `omnigent: warning: a sink could not start: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
  }
  const bus = new EventBus();
  let reportedModel: string | undefined;
  bus.on(
    '*',
    (e) => {
      if (e.type === 'session.started' && e.model) reportedModel = e.model;
    },
    'model watch',
  );
  if (options.onEvent) bus.on('*', options.onEvent, 'renderer');
  for (const sink of sinks) bus.on('*', sink.onEvent, sink.name);
  const extraEnv: Record<string, string> = {};
  for (const sink of sinks) Object.assign(extraEnv, sink.env);
  const idle =
    options.inactivityMs ??
    (options.config.config.defaults?.idleTimeout !== undefined
      ? options.config.config.defaults.idleTimeout * 1000
      : undefined);
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
  // a harness that reports no cost (Codex): priced from its tokens, marked as an estimate
  if (terminal.usage && terminal.usage.costUsd === undefined) {
    const est = await estimateCost(
      terminal.usage,
      reportedModel ?? request.model,
      options.config.config.prices,
      loaded.plugin.provider,
    );
    // in place: consumers that kept the terminal's usage object (the workflow view) see the estimate too
    if (est) Object.assign(terminal.usage, { costUsd: est.costUsd, costSource: est.costSource });
  }
  if (options.afterRun) {
    try {
      const checks = await options.afterRun(terminal);
      if (checks) ctx.checks = checks;
    } catch (error) {
      process.stderr.write(
        `omnigent: warning: the checks could not run: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
  }
  const flushMs = options.flushTimeoutMs ?? 10_000;
  const drained = await bus.flush(flushMs);
  if (!drained)
    process.stderr.write(`omnigent: warning: some event consumers did not finish within ${flushMs / 1000}s\n`);
  await Promise.all(
    sinks.map((s) =>
      Promise.race([
        s.close(terminal).catch((error: unknown) => {
          process.stderr.write(
            `omnigent: warning: ${s.name} failed to close: ${error instanceof Error ? error.message : String(error)}\n`,
          );
        }),
        new Promise<void>((r) => setTimeout(r, flushMs).unref()),
      ]),
    ),
  );
  return { runId, terminal, plugin: loaded, ...(ctx.storedUsage ? { usage: ctx.storedUsage } : {}) };
}
