import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { GEN_AI, GENERAL, MLFLOW, OMNIGENT, type MlflowSpanType } from './attributes.js';
import { mlflowMessages } from './messages.js';
import { openPipeline, telemetrySettings, type TelemetryOptions } from './run-telemetry.js';
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
  const limits = options.limits ?? pipeline.limits;
  const json = (v: unknown): string => toBoundedJson(redactor.value(v), limits);
  const name = info.name ?? 'workflow';
  const attrs: Attributes = {
    [GEN_AI.operationName]: 'invoke_workflow',
    [MLFLOW.spanType]: 'CHAIN' satisfies MlflowSpanType,
    [GEN_AI.workflowName]: name,
    [OMNIGENT.workflowRunId]: info.workflowRunId,
    [GENERAL.sessionId]: info.workflowRunId.slice(0, 250),
    [GEN_AI.conversationId]: info.workflowRunId.slice(0, 250),
  };
  if (info.steps?.length) attrs[OMNIGENT.workflowSteps] = info.steps;
  if (info.input !== undefined) {
    if (config.captureContent) attrs[MLFLOW.spanInputs] = json(asMessages('user', info.input));
    else attrs[OMNIGENT.inputChars] = sizeOf(info.input);
  }
  const span = pipeline.tracer.startSpan(`invoke_workflow ${name}`, { kind: SpanKind.INTERNAL, startTime: info.startedAt ?? new Date(), attributes: attrs }, ROOT_CONTEXT);
  let ended = false;
  return {
    traceparent: formatTraceparent(span.spanContext()),
    end: async (status, output, message) => {
      if (ended) return;
      ended = true;
      try {
        if (output !== undefined) {
          if (config.captureContent) span.setAttribute(MLFLOW.spanOutputs, json(asMessages('assistant', output)));
          else span.setAttribute(OMNIGENT.outputChars, sizeOf(output));
        }
        if (status === 'completed' || status === 'ok') span.setStatus({ code: SpanStatusCode.OK });
        else {
          span.setStatus({ code: SpanStatusCode.ERROR, message: boundedText(redactor.text(message ?? `workflow ${status}`), 2_000) });
          span.setAttribute(GENERAL.errorType, status);
        }
        span.end();
      } catch {
        // Never let telemetry fail a workflow.
      }
      await pipeline.shutdown();
    },
  };
}
