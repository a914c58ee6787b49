import { ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { OmnigentEvent, TerminalEvent } from '@omnigent/core';
import type { TelemetryConfig } from './config.js';
import type { ExportPipeline } from './export-pipeline.js';
import { mlflowTraceExists } from './mlflow-api.js';
import { runTraceTags, stepTraceTags, TRACE_METADATA, type RunSummary } from './mlflow-trace-tags.js';
import type { Redactor } from './redact.js';
import { mlflowStarter } from './run-telemetry.js';
import { RunTracer, type RunTraceInfo } from './run-tracer.js';
import { traceIdFor } from './trace-id.js';
import { formatTraceparent } from './traceparent.js';
import { GENERAL } from './attributes.js';
import type { WarnOnce } from './warn-once.js';
import { workflowRootAttributes, workflowTraceTags } from './workflow-trace.js';

/** One stored run to export: its facts and its recorded events. */
export interface StoredRun {
  info: RunTraceInfo;
  events: OmnigentEvent[];
}

/** What {@link exportStoredRuns} did. */
export interface StoredExportOutcome {
  /** Runs whose spans were sent. */
  sent: number;
  /** Traces sent (a workflow's steps share one). */
  traces: number;
  /** Run ids not sent because MLflow already holds their trace (live telemetry, or an earlier export). */
  skipped: string[];
}

/** Options of {@link exportStoredRuns}. */
export interface StoredExportOptions {
  config: TelemetryConfig;
  pipeline: ExportPipeline;
  redactor: Redactor;
  warn: WarnOnce;
  /** Bound on each MLflow REST call in ms. Default: 10000. */
  timeoutMs?: number;
}

function timeOf(e: { time: string } | undefined): Date | undefined {
  if (!e) return undefined;
  const d = new Date(e.time);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Feed a stored run through a RunTracer exactly as live telemetry does; returns what it came to. */
function replay(
  run: StoredRun,
  options: StoredExportOptions,
): { tracer: RunTracer; summary: RunSummary; end: Date; failed: boolean } {
  const tracer = new RunTracer(
    { ...run.info, ...(run.info.user === undefined ? { user: options.config.user } : {}) },
    { tracer: options.pipeline.tracer, captureContent: options.config.captureContent, redactor: options.redactor },
  );
  let terminal: TerminalEvent | undefined;
  for (const e of run.events) {
    if (e.type === 'run.completed' || e.type === 'run.failed') terminal = e;
    tracer.onEvent(e);
  }
  const last = run.events[run.events.length - 1];
  // A run whose omnigent died has no terminal event: end its spans at its last stored event
  // (not at export time), as a failure that says what happened.
  const end: TerminalEvent | undefined =
    terminal ??
    (last
      ? {
          type: 'run.failed',
          reason: 'error',
          message: 'the omnigent process died while recording this run (no terminal event)',
          durationMs: 0,
          runId: run.info.runId,
          harness: run.info.harness,
          seq: last.seq + 1,
          time: last.time,
        }
      : undefined);
  tracer.end(end);
  return {
    tracer,
    summary: tracer.summary,
    end: timeOf(end) ?? run.info.startedAt,
    failed: end?.type !== 'run.completed',
  };
}

/**
 * Export stored runs as traces, each run (or each workflow, its steps under one `invoke_workflow`
 * root) on the trace id derived from its id. Contract: with an MLflow target, a trace MLflow
 * already holds is skipped (never sent twice: a re-send would double its token usage), and a new
 * one gets its session/user metadata and tags first; tagged `omnigent.exported = true`. Never throws.
 */
export async function exportStoredRuns(runs: StoredRun[], options: StoredExportOptions): Promise<StoredExportOutcome> {
  const { config, pipeline, warn } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const outcome: StoredExportOutcome = { sent: 0, traces: 0, skipped: [] };
  const exported = { 'omnigent.exported': 'true' };
  const units: Array<{ id: string; runs: StoredRun[]; workflow?: { runId: string; name?: string } }> = [];
  const workflows = new Map<string, StoredRun[]>();
  for (const run of runs) {
    const wf = run.info.workflow;
    if (!wf) {
      units.push({ id: run.info.runId, runs: [run] });
      continue;
    }
    if (!workflows.has(wf.workflowRunId)) {
      workflows.set(wf.workflowRunId, []);
      units.push({
        id: wf.workflowRunId,
        runs: workflows.get(wf.workflowRunId)!,
        workflow: { runId: wf.workflowRunId, ...(wf.workflowName ? { name: wf.workflowName } : {}) },
      });
    }
    workflows.get(wf.workflowRunId)!.push(run);
  }

  for (const unit of units) {
    // let the batch processor send between traces (a long export would otherwise queue everything)
    await new Promise((r) => setImmediate(r));
    const traceId = traceIdFor(unit.id);
    if (config.mlflow && (await mlflowTraceExists(config.mlflow, traceId, timeoutMs)) === true) {
      outcome.skipped.push(...unit.runs.map((r) => r.info.runId));
      continue;
    }
    const mlflow = config.mlflow
      ? mlflowStarter(config.mlflow, config.tracesUrl, pipeline, timeoutMs, warn)
      : undefined;
    if (!unit.workflow) {
      const run = unit.runs[0]!;
      const { summary } = replay(run, options);
      mlflow?.start(
        traceId,
        run.info.startedAt,
        { [TRACE_METADATA.session]: summary.sessionId ?? run.info.runId, [TRACE_METADATA.user]: config.user },
        { ...runTraceTags(run.info, summary), ...exported },
      );
    } else {
      const steps = [...unit.runs].sort((a, b) => a.info.startedAt.getTime() - b.info.startedAt.getTime());
      const name = unit.workflow.name ?? 'workflow';
      const start = steps[0]!.info.startedAt;
      const stepIds = steps.map((s) => s.info.workflow!.step);
      pipeline.useNextTraceId(traceId);
      const root = pipeline.tracer.startSpan(
        `invoke_workflow ${name}`,
        {
          kind: SpanKind.INTERNAL,
          startTime: start,
          attributes: {
            ...workflowRootAttributes({ workflowRunId: unit.workflow.runId, steps: stepIds }, name, config.user),
            'omnigent.exported': true,
          },
        },
        ROOT_CONTEXT,
      );
      const traceparent = formatTraceparent(root.spanContext());
      let end = start;
      let failed = false;
      let tags: Record<string, string> = {
        ...workflowTraceTags({ workflowRunId: unit.workflow.runId, name, steps: stepIds }, name),
        ...exported,
      };
      for (const step of steps) {
        const r = replay(
          { ...step, info: { ...step.info, workflow: { ...step.info.workflow!, traceparent } } },
          options,
        );
        if (r.end.getTime() > end.getTime()) end = r.end;
        failed ||= r.failed;
        tags = { ...tags, ...stepTraceTags(step.info, r.summary) };
      }
      tags['omnigent.status'] = failed ? 'failed' : 'ok';
      if (failed) {
        root.setStatus({ code: SpanStatusCode.ERROR, message: 'a step of the workflow failed' });
        root.setAttribute(GENERAL.errorType, 'failed');
      } else root.setStatus({ code: SpanStatusCode.OK });
      root.end(end);
      mlflow?.start(
        traceId,
        start,
        { [TRACE_METADATA.session]: unit.workflow.runId, [TRACE_METADATA.user]: config.user },
        tags,
      );
    }
    outcome.sent += unit.runs.length;
    outcome.traces += 1;
  }
  return outcome;
}
