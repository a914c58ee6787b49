import type { StepPermissionMode, StepWorkKind } from './schema.js';

/** A step ready to schedule: defaults applied, `needs` a list. */
export interface WorkflowStep {
  id: string;
  harness: string;
  model?: string;
  /** The prompt template. */
  prompt: string;
  needs: string[];
  /** Working directory as written (relative to the base directory). */
  cwd?: string;
  timeoutMs?: number;
  /** Extra attempts after a failure. */
  retries: number;
  env: Record<string, string>;
  args: string[];
  permissionMode?: StepPermissionMode;
  maxTurns?: number;
  systemPrompt?: string;
  appendSystemPrompt?: string;
  allowedTools?: string[];
  /** MCP server names (`mcp:`; `['none']` for none), resolved by the CLI against its config. */
  mcp?: string[];
  /** `kind:` as written (else the run's kind is classified from its prompt). */
  kind?: StepWorkKind;
  onFailure: 'stop' | 'continue';
  always: boolean;
  isolation: 'none' | 'worktree';
  apply: boolean;
  /** 1-based line of the step in its file, for messages. */
  line?: number;
}

/** A validated workflow. */
export interface Workflow {
  name: string;
  description?: string;
  /** Default input. */
  input?: string;
  concurrency?: number;
  steps: WorkflowStep[];
  /** The file it was read from. */
  file?: string;
}
