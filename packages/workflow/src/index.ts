export type { WorkflowIssue } from './errors.js';
export { WorkflowError, formatIssue } from './errors.js';
export type { StepSpec, WorkflowSpec, StepPermissionMode } from './schema.js';
export { workflowSchema, stepSchema, STEP_ID } from './schema.js';
export type { Workflow, WorkflowStep } from './workflow.js';
export type { ParseWorkflowOptions } from './load.js';
export { parseWorkflow, loadWorkflow } from './load.js';
export type { StepField, TemplateRef, TemplatePlaceholder, TemplateValues } from './template.js';
export { STEP_FIELDS, scanTemplate, renderTemplate, stepsUsingInput } from './template.js';
export type { GraphStep } from './dag.js';
export { findCycle, ancestorsOf, descendantsOf } from './dag.js';
export type {
  StepOutcome,
  StepResult,
  WorkflowEventBase,
  WorkflowStartedEvent,
  WorkflowStepStartedEvent,
  WorkflowStepRetryingEvent,
  WorkflowStepCompletedEvent,
  WorkflowStepSkippedEvent,
  WorkflowCompletedEvent,
  WorkflowEvent,
} from './events.js';
export type { StepRunInput, RunStep, RunWorkflowOptions, WorkflowRunResult } from './engine.js';
export { runWorkflow } from './engine.js';
export { gitToplevel, snapshotTree, diffTrees, commitTree, addWorktree, removeWorktree, applyDiff } from './git.js';
export { lineOfPath } from './yaml-lines.js';
