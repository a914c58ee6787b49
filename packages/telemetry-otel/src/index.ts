export { GEN_AI, GENERAL, MLFLOW, OMNIGENT } from './attributes.js';
export type { MlflowSpanType } from './attributes.js';
export {
  SUPPORTED_PROTOCOL,
  parseKeyValueList,
  resolveTelemetryConfig,
  secretHeaderValues,
  tracesUrlFromEndpoint,
} from './config.js';
export type { MlflowApiConfig, TelemetryConfig, TelemetryFileConfig } from './config.js';
export { createExportPipeline, shownUrl } from './export-pipeline.js';
export type { ExportPipeline, ExportPipelineOptions } from './export-pipeline.js';
export type { MessagePart, SemconvMessage } from './messages.js';
export { REDACTED, createRedactor } from './redact.js';
export type { Redactor, RedactorOptions } from './redact.js';
export { startRunTelemetry, telemetrySettings } from './run-telemetry.js';
export type { RunTelemetry, TelemetryOptions } from './run-telemetry.js';
export { RunTracer } from './run-tracer.js';
export type { RunTraceInfo, RunTracerOptions } from './run-tracer.js';
export { exportStoredRuns } from './stored-export.js';
export type { StoredExportOptions, StoredExportOutcome, StoredRun } from './stored-export.js';
export { mlflowTraceId, traceIdFor } from './trace-id.js';
export { formatTraceparent, parseTraceparent } from './traceparent.js';
export { DEFAULT_LIMITS, limitsWithin, toBoundedJson, wellFormed } from './truncate.js';
export type { ContentLimits } from './truncate.js';
export { createWarnOnce, processWarnOnce } from './warn-once.js';
export type { WarnOnce } from './warn-once.js';
export { startWorkflowTrace } from './workflow-trace.js';
export type { WorkflowStatus, WorkflowTrace, WorkflowTraceInfo } from './workflow-trace.js';
export { evalTraceTags, logEvalAssessments } from './mlflow-assessments.js';
export type { EvalCellInfo, EvalCheckOutcome } from './mlflow-assessments.js';
