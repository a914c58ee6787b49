import type { AnyHarness, OmnigentEvent, RunRequest, TerminalEvent } from '@omnigent/core';
import type { CheckResult, RunEval, UsageSummary } from '@omnigent/store';
import type { LoadedConfig } from '../config.js';

/** Workflow facts of a run that is one step of a workflow. */
export interface WorkflowStepContext {
  /** Id of the workflow run (shared by every step). */
  workflowRunId: string;
  workflowName?: string;
  step: string;
  needs: string[];
  /** W3C traceparent of the workflow's root span, when telemetry is on. */
  traceparent?: string;
}

/** The kind of work of a run: given (`explicit`, confidence 1) or classified from its prompt. */
export interface RunKind {
  kind: import('@omnigent/store').WorkKind;
  source: 'explicit' | 'classified';
  /** 0..1. */
  confidence: number;
}

/** Everything a sink may want to know about a run before it starts. */
export interface RunContext {
  runId: string;
  plugin: AnyHarness;
  /** Version of the plugin package. */
  pluginVersion?: string;
  request: RunRequest;
  config: LoadedConfig;
  /** False with `--no-store`. */
  store: boolean;
  tags: string[];
  workflow?: WorkflowStepContext;
  /** The eval cell, when the run is one. */
  eval?: RunEval;
  /** Eval success checks, set after the harness ended and before the sinks close. */
  checks?: CheckResult[];
  /** The run's usage as the store recorded it (summed, priced), set by the store sink when it closes. */
  storedUsage?: UsageSummary;
  startedAt: Date;
  /** Environment of omnigent itself (telemetry and store settings are read from it). */
  env: NodeJS.ProcessEnv;
  /** More variables whose values are secrets (those MCP server specs referenced), redacted by every sink. */
  secretEnvNames?: string[];
  /** Kind of work; absent only for contexts built by hand (tests). */
  kind?: RunKind;
}

/**
 * A consumer of one run's events (run store, telemetry…). Contract: `onEvent` may be async (the
 * bus queues for it, never blocking the harness); `close` is awaited with a bounded timeout and
 * must never throw for a backend that is down.
 */
export interface RunSink {
  name: string;
  /** Extra environment for the harness child (e.g. `TRACEPARENT`). */
  env?: Record<string, string>;
  onEvent: (event: OmnigentEvent) => void | Promise<void>;
  close: (terminal: TerminalEvent | undefined) => Promise<void>;
}

/** Makes a sink for a run, or undefined when it is switched off. */
export type SinkFactory = (ctx: RunContext) => Promise<RunSink | undefined>;
