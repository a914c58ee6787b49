import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { GEN_AI, GENERAL, MLFLOW, OMNIGENT, type MlflowSpanType } from './attributes.js';
import { mlflowMessages } from './messages.js';
import { TRACE_METADATA, TRACE_NAME_TAG, userTags } from './mlflow-trace-tags.js';
import { openWorkflows } from './open-workflows.js';
import { mlflowStarter, openPipeline, telemetrySettings, type TelemetryOptions } from './run-telemetry.js';
import { traceIdFor } from './trace-id.js';
import { processWarnOnce } from './warn-once.js';
import { formatTraceparent } from './traceparent.js';
import { boundedText, sizeOf, toBoundedJson } from './truncate.js';

/** What a workflow trace records about the workflow. */
export interface WorkflowTraceInfo {
  workflowRunId: string;
  /** Workflow name: the span is `invoke_workflow {name}`. */
  name?: string;
  /** The workflow's input (a prompt string, or an object of inputs). Captured only with content capture on. */
  input?: unknown;
  /** Step ids, in order. */
  steps?: string[];
  startedAt?: Date;
  /** The user's `--tag`s (MLflow trace tags). */
  tags?: string[];
}

/** How a workflow ended (`ok` and `completed` are the same; the workflow engine says `ok`). */
export type WorkflowStatus = 'ok' | 'completed' | 'failed' | 'cancelled';

/** An open workflow trace: pass `traceparent` to each step (`workflow.traceparent`), then `end` it. */
export interface WorkflowTrace {
  /** W3C traceparent of the workflow root span; every step's `invoke_agent` span becomes its child. */
  traceparent: string;
  /** End the root span and flush (bounded); never throws. `output`: the final answer or outputs object. */
  end: (status: WorkflowStatus, output?: unknown, message?: string) => Promise<void>;
}

/** Tags of a workflow's trace (steps add `omnigent.step.<step>.*`). */
export function workflowTraceTags(info: WorkflowTraceInfo, name: string): Record<string, string> {
  return {
    ...userTags(info.tags),
    [TRACE_NAME_TAG]: name,
    'omnigent.workflow': name,
    'omnigent.run_id': info.workflowRunId,
    ...(info.steps?.length ? { 'omnigent.workflow.steps': info.steps.join(',') } : {}),
  };
}

/** Attributes of the `invoke_workflow` root span (live and exported alike). */
export function workflowRootAttributes(
  info: Pick<WorkflowTraceInfo, 'workflowRunId' | 'steps'>,
  name: string,
  user: string,
): Attributes {
  const attrs: Attributes = {
    [GEN_AI.operationName]: 'invoke_workflow',
    [MLFLOW.spanType]: 'CHAIN' satisfies MlflowSpanType,
    [GEN_AI.workflowName]: name,
    [OMNIGENT.workflowRunId]: info.workflowRunId,
    [GENERAL.sessionId]: info.workflowRunId.slice(0, 250),
    [GEN_AI.conversationId]: info.workflowRunId.slice(0, 250),
    [GENERAL.userId]: user,
  };
  if (info.steps?.length) attrs[OMNIGENT.workflowSteps] = info.steps;
  return attrs;
}

function asMessages(role: 'user' | 'assistant', value: unknown): unknown {
  return typeof value === 'string' ? mlflowMessages(role, value) : value;
}

/**
 * Open one trace for a whole workflow: an `invoke_workflow {name}` root span (MLflow type CHAIN).
 * Returns undefined when telemetry is off. Steps become children through the traceparent.
 */
export function startWorkflowTrace(info: WorkflowTraceInfo, options: TelemetryOptions): WorkflowTrace | undefined {
  const config = telemetrySettings(options);
  if (!config) return undefined;
  const { pipeline, redactor } = openPipeline(config, options);
  const startedAt = info.startedAt ?? new Date();
  const limits = options.limits ?? pipeline.limits;
  const json = (v: unknown): string => toBoundedJson(redactor.value(v), limits);
  const name = info.name ?? 'workflow';
  const attrs = workflowRootAttributes(info, name, config.user);
  if (info.input !== undefined) {
    if (config.captureContent) attrs[MLFLOW.spanInputs] = json(asMessages('user', info.input));
    else attrs[OMNIGENT.inputChars] = sizeOf(info.input);
  }
  // the workflow run id gives the trace id: its export later finds the same trace
  const traceId = traceIdFor(info.workflowRunId);
  pipeline.useNextTraceId(traceId);
  const span = pipeline.tracer.startSpan(
    `invoke_workflow ${name}`,
    { kind: SpanKind.INTERNAL, startTime: startedAt, attributes: attrs },
    ROOT_CONTEXT,
  );
  const mlflow = config.mlflow
    ? mlflowStarter(
        config.mlflow,
        config.tracesUrl,
        pipeline,
        options.exportTimeoutMs ?? 4_000,
        options.warn ?? processWarnOnce,
      )
    : undefined;
  const baseTags = workflowTraceTags(info, name);
  let started: Promise<boolean> = Promise.resolve(false);
  if (mlflow) {
    // session = the workflow run id, known now: the trace starts in MLflow before any step runs
    mlflow.start(
      traceId,
      startedAt,
      { [TRACE_METADATA.session]: info.workflowRunId, [TRACE_METADATA.user]: config.user },
      { ...baseTags, 'omnigent.status': 'running' },
    );
    started = mlflow.whenStarted();
  }
  openWorkflows.set(traceId, { config, pipeline, redactor, started });
  let ended = false;
  return {
    traceparent: formatTraceparent(span.spanContext()),
    end: async (status, output, message) => {
      if (ended) return;
      ended = true;
      try {
        if (output !== undefined) {
          if (config.captureContent) {
            // step outputs ({step: answer}): the trace preview shows the last step's answer; the map stays an attribute
            const steps =
              output && typeof output === 'object' && !Array.isArray(output)
                ? Object.values(output as Record<string, unknown>)
                : [];
            const last = steps[steps.length - 1];
            if (typeof last === 'string') {
              span.setAttribute(MLFLOW.spanOutputs, json(mlflowMessages('assistant', last)));
              span.setAttribute(OMNIGENT.workflowOutputs, json(output));
            } else span.setAttribute(MLFLOW.spanOutputs, json(asMessages('assistant', output)));
          } else span.setAttribute(OMNIGENT.outputChars, sizeOf(output));
        }
        if (status === 'completed' || status === 'ok') span.setStatus({ code: SpanStatusCode.OK });
        else {
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: boundedText(redactor.text(message ?? `workflow ${status}`), 2_000),
          });
          span.setAttribute(GENERAL.errorType, status);
        }
        span.end();
        mlflow?.tag(traceId, { ...baseTags, 'omnigent.status': status === 'completed' ? 'ok' : status });
      } catch {
        // Never let telemetry fail a workflow.
      }
      openWorkflows.delete(traceId);
      // the one bounded flush of the whole workflow (steps do not flush on their own)
      await pipeline.shutdown();
    },
  };
}
