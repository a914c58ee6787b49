// Attribute keys are kept here as plain strings: the GenAI semantic conventions are experimental
// and only exported from `@opentelemetry/semantic-conventions/incubating`, whose README advises
// instrumentations to copy the names rather than import them at runtime.

/** OpenTelemetry GenAI attribute keys used on omnigent spans. */
export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  agentName: 'gen_ai.agent.name',
  agentId: 'gen_ai.agent.id',
  agentVersion: 'gen_ai.agent.version',
  agentDescription: 'gen_ai.agent.description',
  conversationId: 'gen_ai.conversation.id',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheCreationTokens: 'gen_ai.usage.cache_creation.input_tokens',
  reasoningTokens: 'gen_ai.usage.reasoning.output_tokens',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  systemInstructions: 'gen_ai.system_instructions',
  workflowName: 'gen_ai.workflow.name',
} as const;

/** MLflow span attribute keys (values as MLflow's OTLP ingest reads them). */
export const MLFLOW = {
  /** Plain string (`AGENT`, `CHAT_MODEL`, `TOOL`, `CHAIN`): a JSON-encoded one is stored with its quotes. */
  spanType: 'mlflow.spanType',
  spanInputs: 'mlflow.spanInputs',
  spanOutputs: 'mlflow.spanOutputs',
  tokenUsage: 'mlflow.chat.tokenUsage',
} as const;

/** General attribute keys. */
export const GENERAL = {
  sessionId: 'session.id',
  userId: 'user.id',
  errorType: 'error.type',
} as const;

/** omnigent's own attribute keys. */
export const OMNIGENT = {
  runId: 'omnigent.run.id',
  harness: 'omnigent.harness',
  kind: 'omnigent.kind',
  pluginVersion: 'omnigent.plugin.version',
  cwd: 'omnigent.cwd',
  workflowRunId: 'omnigent.workflow.run_id',
  workflowStep: 'omnigent.workflow.step',
  workflowNeeds: 'omnigent.workflow.needs',
  workflowSteps: 'omnigent.workflow.steps',
  workflowOutputs: 'omnigent.workflow.outputs',
  promptChars: 'omnigent.prompt.chars',
  resultChars: 'omnigent.result.chars',
  inputChars: 'omnigent.input.chars',
  outputChars: 'omnigent.output.chars',
  toolKind: 'omnigent.tool.kind',
  toolStatus: 'omnigent.tool.status',
  /** A permission answer (ACP agents): `allow` or `reject`, why, under which mode. */
  permissionDecision: 'omnigent.permission.decision',
  permissionReason: 'omnigent.permission.reason',
  permissionMode: 'omnigent.permission.mode',
  toolExitCode: 'omnigent.tool.exit_code',
  toolDurationMs: 'omnigent.tool.duration_ms',
  toolInputBytes: 'omnigent.tool.input.bytes',
  toolResultBytes: 'omnigent.tool.result.bytes',
  /** The MCP server a tool call went to (as named in `mcp.servers` or the harness's MCP config). */
  mcpServer: 'omnigent.mcp.server',
  /** The tool's own name on that MCP server (`gen_ai.tool.name` keeps the harness's name for it). */
  mcpTool: 'omnigent.mcp.tool',
  usageScope: 'omnigent.usage.scope',
  usageSource: 'omnigent.usage.source',
  usageConfidence: 'omnigent.usage.confidence',
  usageNote: 'omnigent.usage.note',
  costUsd: 'omnigent.usage.cost_usd',
  costSource: 'omnigent.usage.cost_source',
  totalInputTokens: 'omnigent.usage.total.input_tokens',
  totalOutputTokens: 'omnigent.usage.total.output_tokens',
  totalCacheReadTokens: 'omnigent.usage.total.cache_read_tokens',
  totalCacheWriteTokens: 'omnigent.usage.total.cache_creation_tokens',
  totalReasoningTokens: 'omnigent.usage.total.reasoning_tokens',
  turns: 'omnigent.turns',
  exitCode: 'omnigent.exit_code',
  failureReason: 'omnigent.failure.reason',
  parentCallId: 'omnigent.parent_call_id',
  warnings: 'omnigent.warnings',
} as const;

/** MLflow span types omnigent emits. */
export type MlflowSpanType = 'AGENT' | 'CHAT_MODEL' | 'TOOL' | 'CHAIN';
