import type { TelemetryConfig } from './config.js';
import type { ExportPipeline } from './export-pipeline.js';
import type { Redactor } from './redact.js';

/** A workflow trace open in this process: its steps export through its pipeline. */
export interface OpenWorkflow {
  config: TelemetryConfig;
  pipeline: ExportPipeline;
  redactor: Redactor;
  /** Settles true once MLflow holds the trace (StartTraceV3 done); false when it could not. */
  started: Promise<boolean>;
}

/**
 * Open workflow traces by OTel trace id. Contract: a step whose traceparent names one of them
 * shares its pipeline (one bounded flush when the workflow ends, none per step).
 */
export const openWorkflows = new Map<string, OpenWorkflow>();
