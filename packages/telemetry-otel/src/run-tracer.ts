import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { OmnigentEvent, RunRequest, TerminalEvent, TokenUsage, UsageEvent } from '@omnigent/core';
import { GEN_AI, GENERAL, MLFLOW, OMNIGENT, type MlflowSpanType } from './attributes.js';
import { idsOfTracer, limitsOfTracer } from './export-pipeline.js';
import {
  chatInputText,
  chatMessages,
  messagesAttribute,
  mlflowMessages,
  type MessagePart,
  type SemconvMessage,
} from './messages.js';
import { baseModelName } from './model-name.js';
import { traceIdFor } from './trace-id.js';
import type { Redactor } from './redact.js';
import { formatTraceparent, parseTraceparent } from './traceparent.js';
import { DEFAULT_LIMITS, boundedText, sizeOf, toBoundedJson, type ContentLimits } from './truncate.js';

/** What the tracer needs to know about a run before it starts. */
export interface RunTraceInfo {
  runId: string;
  /** Harness id (`claude-code`, `codex`…): `gen_ai.agent.name`. */
  harness: string;
  /** GenAI provider name (`anthropic`, `openai`…). */
  provider?: string;
  pluginVersion?: string;
  request: Pick<RunRequest, 'prompt' | 'model' | 'systemPrompt' | 'appendSystemPrompt' | 'cwd'>;
  startedAt: Date;
  /** The user's `--tag`s (MLflow trace tags). */
  tags?: string[];
  /** Kind of work (`feature`, `bugfix`…): the `omnigent.kind` trace tag. */
  kind?: string;
  /** `user.id` on the root span (MLflow ≥ 3.9 maps it to `mlflow.trace.user`). */
  user?: string;
  workflow?: { workflowRunId: string; workflowName?: string; step: string; needs?: string[]; traceparent?: string };
  /** The eval cell the run is (`omnigent eval`): trace tags, and its checks as assessments. */
  eval?: { id: string; task: string; variant: string; repeat: number };
}

/** Options of {@link RunTracer}. */
export interface RunTracerOptions {
  tracer: Tracer;
  /** Record prompts, responses, tool arguments and results. Default: false. */
  captureContent: boolean;
  /** Applied to every captured string (and error messages) before export. */
  redactor: Redactor;
  /** Default: the limits of the pipeline that made `tracer`, else {@link DEFAULT_LIMITS}. */
  limits?: ContentLimits;
}

/** An agent span (the run's root, or a sub-agent under its tool call) and its model-call bookkeeping. */
interface AgentScope {
  span: Span;
  ctx: Context;
  /** Start of the next model call: the last model call's end or tool completion. */
  cursor: Date;
  turnStart?: Date;
  usageInTurn: boolean;
  chats: number;
  model?: string;
  /** New input since the last model call (prompt, tool results). */
  input: SemconvMessage[];
  /** Output since the last model call (text, reasoning, tool calls). */
  output: MessagePart[];
  lastAssistantText?: string;
  subagentPrompt?: string;
}

interface ToolRecord {
  span: Span;
  ctx: Context;
  name: string;
  start: Date;
  scope: string;
  input: unknown;
}

const ROOT = '';

function timeOf(event: { time: string }): Date {
  const d = new Date(event.time);
  return Number.isNaN(d.getTime()) ? new Date() : d;
}

function later(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

function tokenCount(n: number | undefined): number | undefined {
  // MLflow rejects the whole trace when one count is not an integer (seen as a 422).
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.round(n) : undefined;
}

function setIf(attrs: Attributes, key: string, value: string | number | boolean | string[] | undefined): void {
  if (value === undefined || value === '') return;
  attrs[key] = value;
}

function subagentName(input: unknown, toolName: string): string {
  if (input && typeof input === 'object') {
    const i = input as Record<string, unknown>;
    for (const k of ['subagent_type', 'agent', 'agent_type', 'name'])
      if (typeof i[k] === 'string' && i[k]) return i[k] as string;
  }
  return toolName;
}

function subagentPrompt(input: unknown): string | undefined {
  if (input && typeof input === 'object') {
    const i = input as Record<string, unknown>;
    for (const k of ['prompt', 'message', 'task', 'description']) if (typeof i[k] === 'string') return i[k] as string;
  }
  return undefined;
}

/**
 * Turns one run's normalized events into OpenTelemetry spans shaped for MLflow: `invoke_agent
 * {harness}` (root, or child of a workflow), `chat {model}` per model call with integer token
 * counts, `execute_tool {tool}` with the tool's real start and end, sub-agents nested under the
 * tool call that started them. Parents are always passed explicitly (no active-context reliance).
 */
export class RunTracer {
  private readonly tracer: Tracer;
  private readonly capture: boolean;
  private readonly redactor: Redactor;
  private readonly limits: ContentLimits;
  private readonly info: RunTraceInfo;
  private readonly root: AgentScope;
  private readonly scopes = new Map<string, AgentScope>();
  private readonly tools = new Map<string, ToolRecord>();
  private sessionId: string | undefined;
  private sessionModel: string | undefined;
  private sessionProvider: string | undefined;
  private runUsage: (TokenUsage & { source?: string; confidence?: string }) | undefined;
  private harnessVersion: string | undefined;
  /** Tokens on spans MLflow sums (both counts present): compared with the run total at the end. */
  private counted = { input: 0, output: 0 };
  /** A model call whose usage came in, kept open until its tool calls are known (Pi sends usage first). */
  private pendingChat: { scope: AgentScope; usage: UsageEvent; end: Date; start: Date | undefined } | undefined;
  private outcome: { status: 'ok' | 'failed' | 'interrupted'; costUsd?: number } | undefined;
  private warnings = 0;
  private ended = false;

  constructor(info: RunTraceInfo, options: RunTracerOptions) {
    this.tracer = options.tracer;
    this.capture = options.captureContent;
    this.redactor = options.redactor;
    this.limits = options.limits ?? limitsOfTracer(options.tracer) ?? DEFAULT_LIMITS;
    this.info = info;
    const remote = parseTraceparent(info.workflow?.traceparent);
    const parent = remote ? trace.setSpanContext(ROOT_CONTEXT, remote) : ROOT_CONTEXT;
    // A run of its own always gets the same trace id, so exporting it again finds the same trace.
    if (!remote) idsOfTracer(this.tracer)?.useNextTraceId(traceIdFor(info.runId));
    const attrs: Attributes = {
      [GEN_AI.operationName]: 'invoke_agent',
      [MLFLOW.spanType]: 'AGENT' satisfies MlflowSpanType,
      [GEN_AI.agentName]: info.harness,
      [OMNIGENT.runId]: info.runId,
      [OMNIGENT.harness]: info.harness,
    };
    setIf(attrs, GEN_AI.providerName, info.provider);
    setIf(attrs, GEN_AI.requestModel, baseModelName(info.request.model));
    setIf(attrs, OMNIGENT.pluginVersion, info.pluginVersion);
    setIf(attrs, OMNIGENT.kind, info.kind);
    setIf(attrs, GENERAL.userId, info.user);
    if (info.workflow) {
      setIf(attrs, OMNIGENT.workflowRunId, info.workflow.workflowRunId);
      setIf(attrs, OMNIGENT.workflowStep, info.workflow.step);
      setIf(attrs, GEN_AI.workflowName, info.workflow.workflowName);
      if (info.workflow.needs?.length) attrs[OMNIGENT.workflowNeeds] = info.workflow.needs;
    }
    const prompt = info.request.prompt;
    if (this.capture) {
      attrs[GEN_AI.inputMessages] = this.json(
        messagesAttribute([{ role: 'user', parts: [{ type: 'text', content: prompt }] }]),
      );
      // Root inputs in the {"messages":[{role,content}]} shape: MLflow's trace list previews the prompt from it.
      attrs[MLFLOW.spanInputs] = this.json(mlflowMessages('user', prompt));
      const system = [info.request.systemPrompt, info.request.appendSystemPrompt].filter((s): s is string => !!s);
      if (system.length)
        attrs[GEN_AI.systemInstructions] = this.json(system.map((content) => ({ type: 'text', content })));
    } else {
      attrs[OMNIGENT.promptChars] = prompt.length;
    }
    const span = this.tracer.startSpan(
      `invoke_agent ${info.harness}`,
      { kind: SpanKind.CLIENT, startTime: info.startedAt, attributes: attrs },
      parent,
    );
    this.root = this.newScope(span, info.startedAt);
    this.root.input.push({ role: 'user', parts: [{ type: 'text', content: prompt }] });
    this.scopes.set(ROOT, this.root);
  }

  /** Context holding the run's span, to parent other spans explicitly. */
  get context(): Context {
    return this.root.ctx;
  }

  /** W3C traceparent of the run's span, for the harness child (`TRACEPARENT`). */
  get traceparent(): string {
    return formatTraceparent(this.root.span.spanContext());
  }

  /** OTel trace id of the run's trace (32 hex). */
  get traceId(): string {
    return this.root.span.spanContext().traceId;
  }

  /** What the run came to so far: for MLflow trace tags (name, model, status, cost). */
  get summary(): {
    sessionId?: string;
    model?: string;
    harnessVersion?: string;
    status?: 'ok' | 'failed' | 'interrupted';
    costUsd?: number;
  } {
    const model = this.sessionModel ?? baseModelName(this.info.request.model);
    return {
      ...(this.sessionId ? { sessionId: this.sessionId } : {}),
      ...(model ? { model } : {}),
      ...(this.harnessVersion ? { harnessVersion: this.harnessVersion } : {}),
      ...(this.outcome ?? {}),
    };
  }

  /** Feed one normalized event. Never throws for odd event sequences. */
  onEvent(event: OmnigentEvent): void {
    if (this.ended) return;
    // Pi reports a call's usage before the tool calls it asked for: they join that call's output.
    if (
      this.pendingChat &&
      !(event.type === 'tool.started' && this.scopeFor(event.parentCallId, event) === this.pendingChat.scope)
    )
      this.flushPendingChat();
    if (event.sessionId && event.sessionId !== this.sessionId) this.setSession(event.sessionId);
    switch (event.type) {
      case 'session.started': {
        const attrs: Attributes = {};
        setIf(attrs, GEN_AI.agentVersion, event.harnessVersion);
        if (event.harnessVersion) this.harnessVersion = event.harnessVersion;
        // the provider the harness names on the session (Pi's per-model one, Codex's configured
        // one) is more precise than the plugin's fixed default (`openai` for any Codex provider)
        if (event.provider) {
          this.sessionProvider = event.provider;
          attrs[GEN_AI.providerName] = event.provider;
        }
        if (event.model) {
          // one model name per run: Claude Code's `claude-opus-4-8[1m]` is `claude-opus-4-8` on the wire
          this.sessionModel = baseModelName(event.model);
          attrs[GEN_AI.responseModel] = this.sessionModel;
          if (!this.info.request.model) attrs[GEN_AI.requestModel] = baseModelName(event.requestedModel ?? event.model);
        }
        this.root.span.setAttributes(attrs);
        return;
      }
      case 'turn.started': {
        const scope = this.root;
        scope.turnStart = timeOf(event);
        scope.cursor = later(scope.cursor, scope.turnStart);
        scope.usageInTurn = false;
        return;
      }
      case 'turn.completed': {
        // Harnesses that put usage only on turn.completed still get one model span per turn.
        if (event.usage && !this.root.usageInTurn)
          this.chat(this.root, { ...event.usage, scope: 'turn' }, timeOf(event));
        this.root.turnStart = undefined;
        return;
      }
      case 'message': {
        const scope = this.scopeFor(event.parentCallId, event);
        if (event.model) scope.model = baseModelName(event.model);
        if (event.role === 'assistant') {
          scope.output.push({ type: 'text', content: event.text });
          scope.lastAssistantText = event.text;
        } else if (
          event.role === 'user' &&
          event.text !== (scope === this.root ? this.info.request.prompt : scope.subagentPrompt)
        ) {
          scope.input.push({ role: 'user', parts: [{ type: 'text', content: event.text }] });
        }
        return;
      }
      case 'reasoning': {
        if (event.delta) return;
        this.scopeFor(event.parentCallId, event).output.push({ type: 'reasoning', content: event.text });
        return;
      }
      case 'tool.started':
        this.toolStarted(event);
        return;
      case 'tool.completed':
        this.toolCompleted(event);
        return;
      case 'usage':
        this.usage(event);
        return;
      case 'warning':
        this.warnings += 1;
        this.permission(event);
        return;
      case 'status':
        this.permission(event);
        return;
      case 'run.completed':
      case 'run.failed':
        this.end(event);
        return;
      default:
        return;
    }
  }

  /** End every open span; `terminal` undefined means the run vanished without one. */
  end(terminal: TerminalEvent | undefined): void {
    if (this.ended) return;
    this.flushPendingChat();
    this.ended = true;
    const endTime = terminal ? timeOf(terminal) : new Date();
    for (const [callId, tool] of this.tools) {
      tool.span.setAttribute(OMNIGENT.toolStatus, 'interrupted');
      tool.span.setStatus({ code: SpanStatusCode.ERROR, message: 'the run ended before the tool call completed' });
      tool.span.setAttribute(GENERAL.errorType, 'interrupted');
      this.endSubagent(callId, endTime, undefined);
      tool.span.end(endTime);
    }
    this.tools.clear();
    for (const [key] of this.scopes) if (key !== ROOT) this.endSubagent(key, endTime, undefined);

    const usage = terminal?.usage ?? this.runUsage;
    const root = this.root;
    const failed = !terminal || terminal.type === 'run.failed';
    // A harness that reports only a run total (or nothing per call) still gets one model span.
    if (root.chats === 0 && (usage || root.output.length > 0)) {
      // A failed call reports no tokens: zeros would read as a successful, free call.
      const noTokens = failed && !usage?.input && !usage?.output;
      const figures = noTokens ? {} : (usage ?? {});
      this.chat(
        root,
        { ...figures, scope: 'run', source: usage?.source, confidence: usage?.confidence },
        endTime,
        this.info.startedAt,
        failed
          ? this.errorText(
              terminal?.type === 'run.failed' ? terminal.message : 'the run ended without a terminal event',
            )
          : undefined,
      );
    } else if (usage) {
      // Totals go to omnigent.* keys: gen_ai.usage on an ancestor makes MLflow count tokens twice.
      const attrs: Attributes = {};
      setIf(attrs, OMNIGENT.totalInputTokens, tokenCount(usage.input));
      setIf(attrs, OMNIGENT.totalOutputTokens, tokenCount(usage.output));
      setIf(attrs, OMNIGENT.totalCacheReadTokens, tokenCount(usage.cacheRead));
      setIf(attrs, OMNIGENT.totalCacheWriteTokens, tokenCount(usage.cacheWrite));
      setIf(attrs, OMNIGENT.totalReasoningTokens, tokenCount(usage.reasoning));
      setIf(attrs, OMNIGENT.usageSource, usage.source);
      setIf(attrs, OMNIGENT.usageConfidence, usage.confidence);
      root.span.setAttributes(attrs);
      this.usageDifference(usage, endTime);
    }
    this.outcome = { status: !terminal ? 'interrupted' : terminal.type === 'run.failed' ? 'failed' : 'ok' };
    if (usage?.costUsd !== undefined && Number.isFinite(usage.costUsd)) {
      this.outcome.costUsd = usage.costUsd;
      root.span.setAttribute(OMNIGENT.costUsd, usage.costUsd);
      if (usage.costSource) root.span.setAttribute(OMNIGENT.costSource, usage.costSource);
    }

    const answer = terminal?.result ?? root.lastAssistantText;
    const attrs: Attributes = {};
    if (this.warnings) attrs[OMNIGENT.warnings] = this.warnings;
    if (terminal?.turns !== undefined) attrs[OMNIGENT.turns] = terminal.turns;
    if (terminal?.exitCode !== undefined) attrs[OMNIGENT.exitCode] = terminal.exitCode;
    if (answer !== undefined) {
      if (this.capture) {
        attrs[GEN_AI.outputMessages] = this.json(
          messagesAttribute([
            {
              role: 'assistant',
              parts: [{ type: 'text', content: answer }],
              finish_reason: terminal?.type === 'run.failed' ? 'error' : 'stop',
            },
          ]),
        );
        attrs[MLFLOW.spanOutputs] = this.json(mlflowMessages('assistant', answer));
      } else attrs[OMNIGENT.resultChars] = answer.length;
    }
    root.span.setAttributes(attrs);
    if (!terminal) {
      root.span.setStatus({ code: SpanStatusCode.ERROR, message: 'the run ended without a terminal event' });
      root.span.setAttribute(GENERAL.errorType, '_OTHER');
    } else if (terminal.type === 'run.failed') {
      const message = this.errorText(terminal.message);
      root.span.setStatus({ code: SpanStatusCode.ERROR, message });
      root.span.setAttribute(GENERAL.errorType, terminal.reason);
      root.span.setAttribute(OMNIGENT.failureReason, terminal.reason);
      root.span.recordException({ name: terminal.reason, message }, endTime);
    } else {
      root.span.setStatus({ code: SpanStatusCode.OK });
    }
    root.span.end(later(endTime, this.info.startedAt));
  }

  private newScope(span: Span, start: Date): AgentScope {
    return {
      span,
      ctx: trace.setSpan(ROOT_CONTEXT, span),
      cursor: start,
      usageInTurn: false,
      chats: 0,
      input: [],
      output: [],
    };
  }

  private setSession(sessionId: string): void {
    this.sessionId = sessionId;
    const id = sessionId.slice(0, 250);
    this.root.span.setAttributes({ [GEN_AI.agentId]: id, [GEN_AI.conversationId]: id, [GENERAL.sessionId]: id });
  }

  /** The agent scope an event belongs to: a sub-agent (opened on first sight) or the root. */
  private scopeFor(parentCallId: string | undefined, event: { time: string }): AgentScope {
    if (!parentCallId) return this.root;
    const existing = this.scopes.get(parentCallId);
    if (existing) return existing;
    const tool = this.tools.get(parentCallId);
    const parentCtx = tool?.ctx ?? this.root.ctx;
    const start = tool?.start ?? timeOf(event);
    // The name comes from the tool input, so it is redacted and kept short like any captured text.
    const name = boundedText(this.redactor.text(subagentName(tool?.input, tool?.name ?? 'subagent')), 128);
    const attrs: Attributes = {
      [GEN_AI.operationName]: 'invoke_agent',
      [MLFLOW.spanType]: 'AGENT' satisfies MlflowSpanType,
      [GEN_AI.agentName]: name,
      [OMNIGENT.parentCallId]: parentCallId,
      [OMNIGENT.runId]: this.info.runId,
    };
    setIf(attrs, GEN_AI.providerName, this.sessionProvider ?? this.info.provider);
    if (this.sessionId) attrs[GEN_AI.conversationId] = this.sessionId.slice(0, 250);
    const prompt = subagentPrompt(tool?.input);
    if (prompt !== undefined) {
      if (this.capture) {
        attrs[GEN_AI.inputMessages] = this.json(
          messagesAttribute([{ role: 'user', parts: [{ type: 'text', content: prompt }] }]),
        );
        attrs[MLFLOW.spanInputs] = this.json(mlflowMessages('user', prompt));
      } else attrs[OMNIGENT.promptChars] = prompt.length;
    }
    const span = this.tracer.startSpan(
      `invoke_agent ${name}`,
      { kind: SpanKind.INTERNAL, startTime: start, attributes: attrs },
      parentCtx,
    );
    const scope = this.newScope(span, start);
    if (prompt !== undefined) {
      scope.input.push({ role: 'user', parts: [{ type: 'text', content: prompt }] });
      scope.subagentPrompt = prompt;
    }
    this.scopes.set(parentCallId, scope);
    return scope;
  }

  /** A permission answer (`raw.permission`, the ACP plugin's): an instant span under its tool call, or the run. */
  private permission(event: Extract<OmnigentEvent, { type: 'status' | 'warning' }>): void {
    if (event.code !== 'permission' && event.code !== 'permission-denied') return;
    const raw = event.raw as
      | { permission?: { callId?: unknown; tool?: unknown; decision?: unknown; because?: unknown; mode?: unknown } }
      | undefined;
    const p = raw?.permission;
    if (!p || typeof p !== 'object') return;
    const at = timeOf(event);
    const attrs: Attributes = {};
    if (typeof p.decision === 'string') attrs[OMNIGENT.permissionDecision] = p.decision;
    if (typeof p.because === 'string') attrs[OMNIGENT.permissionReason] = p.because;
    if (typeof p.mode === 'string') attrs[OMNIGENT.permissionMode] = p.mode;
    if (typeof p.callId === 'string') attrs[GEN_AI.toolCallId] = p.callId;
    const parent = (typeof p.callId === 'string' ? this.tools.get(p.callId)?.ctx : undefined) ?? this.root.ctx;
    const span = this.tracer.startSpan(
      `permission ${typeof p.tool === 'string' ? p.tool : 'tool'}`,
      { kind: SpanKind.INTERNAL, startTime: at, attributes: attrs },
      parent,
    );
    if (p.decision === 'reject') span.setStatus({ code: SpanStatusCode.ERROR, message: 'permission rejected' });
    span.end(at);
  }

  private toolStarted(event: Extract<OmnigentEvent, { type: 'tool.started' }>): void {
    if (this.tools.has(event.callId)) return;
    const scope = this.scopeFor(event.parentCallId, event);
    const start = timeOf(event);
    const attrs: Attributes = {
      [GEN_AI.operationName]: 'execute_tool',
      [MLFLOW.spanType]: 'TOOL' satisfies MlflowSpanType,
      [GEN_AI.toolName]: event.name,
      [GEN_AI.toolCallId]: event.callId,
      [GEN_AI.toolType]: event.kind === 'mcp' ? 'extension' : 'function',
      [OMNIGENT.toolKind]: event.kind,
    };
    if (event.parentCallId) attrs[OMNIGENT.parentCallId] = event.parentCallId;
    if (event.mcp) {
      attrs[OMNIGENT.mcpServer] = event.mcp.server;
      attrs[OMNIGENT.mcpTool] = event.mcp.tool;
    }
    if (this.capture) {
      if (event.input !== undefined) attrs[GEN_AI.toolCallArguments] = this.json(event.input);
    } else attrs[OMNIGENT.toolInputBytes] = sizeOf(event.input);
    const span = this.tracer.startSpan(
      `execute_tool ${event.name}`,
      { kind: SpanKind.INTERNAL, startTime: start, attributes: attrs },
      scope.ctx,
    );
    this.tools.set(event.callId, {
      span,
      ctx: trace.setSpan(ROOT_CONTEXT, span),
      name: event.name,
      start,
      scope: event.parentCallId ?? ROOT,
      input: event.input,
    });
    // The model call that asked for this tool lists it in its output.
    scope.output.push({ type: 'tool_call', id: event.callId, name: event.name, arguments: event.input });
  }

  private toolCompleted(event: Extract<OmnigentEvent, { type: 'tool.completed' }>): void {
    const end = timeOf(event);
    let tool = this.tools.get(event.callId);
    if (!tool) {
      // A completion without a start (should not happen): rebuild the start from the duration.
      const start = new Date(end.getTime() - (event.durationMs ?? 0));
      this.toolStarted({ ...event, type: 'tool.started', kind: 'other', input: undefined, time: start.toISOString() });
      tool = this.tools.get(event.callId)!;
    }
    this.tools.delete(event.callId);
    const attrs: Attributes = {};
    if (event.status) attrs[OMNIGENT.toolStatus] = event.status;
    if (event.exitCode !== undefined) attrs[OMNIGENT.toolExitCode] = event.exitCode;
    if (event.durationMs !== undefined) attrs[OMNIGENT.toolDurationMs] = Math.round(event.durationMs);
    if (this.capture) {
      if (event.output !== undefined) attrs[GEN_AI.toolCallResult] = this.json(event.output);
    } else attrs[OMNIGENT.toolResultBytes] = sizeOf(event.output);
    tool.span.setAttributes(attrs);
    if (event.isError) {
      const message = !this.capture
        ? 'tool failed'
        : typeof event.output === 'string'
          ? this.errorText(event.output)
          : boundedText(JSON.stringify(this.redactor.value(event.output)) ?? 'tool failed', 2_000);
      tool.span.setStatus({ code: SpanStatusCode.ERROR, message });
      tool.span.setAttribute(GENERAL.errorType, event.status && event.status !== 'error' ? event.status : 'tool_error');
    } else tool.span.setStatus({ code: SpanStatusCode.OK });
    this.endSubagent(event.callId, end, event.output);
    tool.span.end(later(end, tool.start));
    const scope = this.scopes.get(tool.scope) ?? this.root;
    scope.cursor = later(scope.cursor, end);
    scope.input.push({ role: 'tool', parts: [{ type: 'tool_call_response', id: event.callId, result: event.output }] });
  }

  private endSubagent(callId: string, end: Date, output: unknown): void {
    const scope = this.scopes.get(callId);
    if (!scope) return;
    this.scopes.delete(callId);
    if (this.pendingChat?.scope === scope) this.flushPendingChat();
    // Output after the sub-agent's last reported usage (its last call) is kept on a span of its own.
    if (scope.output.length > 0) this.chat(scope, { scope: scope.chats === 0 ? 'run' : 'call' }, end, scope.cursor);
    if (output !== undefined) {
      const text = typeof output === 'string' ? output : JSON.stringify(output);
      if (this.capture) {
        scope.span.setAttribute(
          GEN_AI.outputMessages,
          this.json(messagesAttribute([{ role: 'assistant', parts: [{ type: 'text', content: text }] }])),
        );
        scope.span.setAttribute(MLFLOW.spanOutputs, this.json(mlflowMessages('assistant', text)));
      } else scope.span.setAttribute(OMNIGENT.resultChars, sizeOf(output));
    }
    scope.span.end(later(end, scope.cursor));
  }

  private usage(event: UsageEvent): void {
    if (event.scope === 'run') {
      this.runUsage = event;
      return;
    }
    const scope = this.scopeFor(event.parentCallId, event);
    if (scope === this.root) this.root.usageInTurn = true;
    this.pendingChat = {
      scope,
      usage: event,
      end: timeOf(event),
      start: event.scope === 'turn' ? scope.turnStart : undefined,
    };
  }

  private flushPendingChat(): void {
    const p = this.pendingChat;
    if (!p) return;
    this.pendingChat = undefined;
    this.chat(p.scope, p.usage, p.end, p.start);
  }

  /**
   * When the run's total is above what the per-call spans carry (a sub-agent call reported no
   * usage, say), one marked span carries the rest, so MLflow's trace total equals the harness's.
   */
  private usageDifference(usage: TokenUsage & { confidence?: string }, end: Date): void {
    const total = { input: tokenCount(usage.input), output: tokenCount(usage.output) };
    if (total.input === undefined || total.output === undefined) return;
    const input = Math.max(0, total.input - this.counted.input);
    const output = Math.max(0, total.output - this.counted.output);
    if (input === 0 && output === 0) return;
    const attrs: Attributes = {
      [MLFLOW.spanType]: 'CHAT_MODEL' satisfies MlflowSpanType,
      [GEN_AI.inputTokens]: input,
      [GEN_AI.outputTokens]: output,
      [MLFLOW.tokenUsage]: JSON.stringify({ input_tokens: input, output_tokens: output, total_tokens: input + output }),
      [OMNIGENT.usageScope]: 'difference',
      [OMNIGENT.usageSource]: 'derived',
      [OMNIGENT.usageNote]: `the run total (${total.input} in / ${total.output} out) minus the per-call figures (${this.counted.input} / ${this.counted.output})`,
    };
    setIf(attrs, GEN_AI.responseModel, this.sessionModel ?? baseModelName(this.info.request.model));
    const span = this.tracer.startSpan(
      'usage not reported per call',
      { kind: SpanKind.INTERNAL, startTime: end, attributes: attrs },
      this.root.ctx,
    );
    span.end(end);
    this.counted.input += input;
    this.counted.output += output;
  }

  /** One `chat {model}` span from `scope.cursor` (or `start`) to `end`, carrying the pending content. */
  private chat(
    scope: AgentScope,
    usage: TokenUsage & {
      scope: string;
      source?: string | undefined;
      confidence?: string | undefined;
      model?: string;
      provider?: string;
      callId?: string;
    },
    end: Date,
    start?: Date,
    error?: string,
  ): void {
    const model =
      baseModelName(usage.model) ?? scope.model ?? this.sessionModel ?? baseModelName(this.info.request.model);
    const attrs: Attributes = {
      [GEN_AI.operationName]: 'chat',
      [MLFLOW.spanType]: 'CHAT_MODEL' satisfies MlflowSpanType,
      [OMNIGENT.usageScope]: usage.scope,
    };
    setIf(attrs, GEN_AI.providerName, usage.provider ?? this.sessionProvider ?? this.info.provider);
    setIf(attrs, GEN_AI.requestModel, baseModelName(this.info.request.model) ?? model);
    setIf(attrs, GEN_AI.responseModel, model);
    setIf(attrs, GEN_AI.responseId, usage.callId);
    if (this.sessionId) attrs[GEN_AI.conversationId] = this.sessionId.slice(0, 250);
    const input = tokenCount(usage.input);
    const output = tokenCount(usage.output);
    setIf(attrs, GEN_AI.inputTokens, input);
    setIf(attrs, GEN_AI.outputTokens, output);
    setIf(attrs, GEN_AI.cacheReadTokens, tokenCount(usage.cacheRead));
    setIf(attrs, GEN_AI.cacheCreationTokens, tokenCount(usage.cacheWrite));
    setIf(attrs, GEN_AI.reasoningTokens, tokenCount(usage.reasoning));
    if (input !== undefined && output !== undefined) {
      // Explicit, so MLflow counts the call even when one figure is 0 (its translator skips falsy counts).
      attrs[MLFLOW.tokenUsage] = JSON.stringify({
        input_tokens: input,
        output_tokens: output,
        total_tokens: input + output,
      });
      this.counted.input += input;
      this.counted.output += output;
    }
    setIf(attrs, OMNIGENT.usageSource, usage.source);
    setIf(attrs, OMNIGENT.usageConfidence, usage.confidence);
    if (usage.costUsd !== undefined && Number.isFinite(usage.costUsd)) attrs[OMNIGENT.costUsd] = usage.costUsd;
    setIf(attrs, OMNIGENT.costSource, usage.costSource);
    const hasToolCalls = scope.output.some((p) => p.type === 'tool_call');
    if (this.capture) {
      if (scope.input.length) {
        attrs[GEN_AI.inputMessages] = this.json(messagesAttribute(scope.input));
        // MLflow shows {"messages":[…]} objects as a conversation; the semconv array stays a string there
        attrs[MLFLOW.spanInputs] = this.json({ messages: chatMessages(scope.input) });
      }
      if (scope.output.length) {
        const out: SemconvMessage = {
          role: 'assistant',
          parts: scope.output,
          finish_reason: error ? 'error' : hasToolCalls ? 'tool_call' : 'stop',
        };
        attrs[GEN_AI.outputMessages] = this.json(messagesAttribute([out]));
        attrs[MLFLOW.spanOutputs] = this.json({ messages: chatMessages([out]) });
      }
    } else {
      attrs[OMNIGENT.inputChars] = chatInputText(scope.input).length;
      attrs[OMNIGENT.outputChars] = chatInputText([{ role: 'assistant', parts: scope.output }]).length;
    }
    const from = start ?? scope.cursor;
    const startTime = from.getTime() <= end.getTime() ? from : end;
    const span = this.tracer.startSpan(
      model ? `chat ${model}` : 'chat',
      { kind: SpanKind.CLIENT, startTime, attributes: attrs },
      scope.ctx,
    );
    if (error !== undefined) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error });
      span.setAttribute(GENERAL.errorType, 'model_call_failed');
    }
    span.end(end);
    scope.chats += 1;
    scope.cursor = later(scope.cursor, end);
    scope.input = [];
    scope.output = [];
  }

  /** Redacted, bounded JSON text of captured content. */
  private json(value: unknown): string {
    return toBoundedJson(this.redactor.value(value), this.limits);
  }

  private errorText(message: string): string {
    return boundedText(this.redactor.text(message), 2_000);
  }
}
