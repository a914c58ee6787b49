import { addUsage, type NonTerminalDraft, type RunRequest, type TokenUsage, type ToolKind, type TranslateContext } from '@omnigent/core';
import type {
  ClaudeApiUsage,
  ClaudeAssistantLine,
  ClaudeResultLine,
  ClaudeStreamEventLine,
  ClaudeSystemApiRetry,
  ClaudeSystemInit,
  ClaudeSystemOther,
  ClaudeToolResultBlock,
  ClaudeUserLine,
} from './events.js';

/** One model call (one Anthropic message id). */
interface CallState {
  id: string;
  model?: string;
  parentCallId?: string;
  /** message_start usage (input and cache are final there). */
  start?: ClaudeApiUsage;
  /** message_delta usage (output is final there; newer APIs repeat input/cache). */
  delta?: ClaudeApiUsage;
  /** True once a `message_start` stream event was seen: its usage is exact. */
  streamed: boolean;
  usageSent: boolean;
}

/** Per-run state of the Claude Code translator. */
export interface ClaudeState {
  request: RunRequest;
  sessionId?: string;
  model?: string;
  sessionStarted: boolean;
  calls: Map<string, CallState>;
  /** The message currently streaming, per scope (`''` = main loop, else the parent tool call id). */
  streaming: Map<string, string>;
  /** Streamed text/thinking per scope not yet consolidated by its `assistant` line. */
  pendingText: Map<string, string>;
  pendingThinking: Map<string, string>;
  /** Main-loop model calls seen (1-based turn numbers). */
  turn: number;
  openTurn?: { turn: number; messageId: string };
  tools: Map<string, { name: string; parentCallId?: string }>;
  /** Tool calls the CLI reported as permission denials before their result arrived. */
  deniedIds: Set<string>;
  /** Tool calls already completed with status `denied`. */
  deniedReported: Set<string>;
  /**
   * The latest `result` line. Stream-json input mode prints one per turn: `modelUsage` and
   * `total_cost_usd` are running totals there, while `usage` and `num_turns` cover that turn only.
   */
  result?: ClaudeResultLine;
  /** Sum of `num_turns` over every result line. */
  resultTurns?: number;
  /** Sum of `result.usage` (main loop, per turn) over every result line. */
  resultMainUsage?: TokenUsage;
  /** Text of a synthetic API-error assistant message (`API Error: 400 …`). */
  apiError?: string;
}

/** New translator state for one run. */
export function createClaudeState(request: RunRequest): ClaudeState {
  return {
    request,
    sessionStarted: false,
    calls: new Map(),
    streaming: new Map(),
    pendingText: new Map(),
    pendingThinking: new Map(),
    turn: 0,
    tools: new Map(),
    deniedIds: new Set(),
    deniedReported: new Set(),
  };
}

const KINDS: Record<string, ToolKind> = {
  Bash: 'shell',
  BashOutput: 'shell',
  KillShell: 'shell',
  Read: 'read',
  Write: 'write',
  Edit: 'edit',
  MultiEdit: 'edit',
  NotebookEdit: 'edit',
  Grep: 'search',
  Glob: 'search',
  LS: 'search',
  WebFetch: 'web',
  WebSearch: 'web',
  Agent: 'agent',
  Task: 'agent',
  TodoWrite: 'todo',
};

/** Normalized kind of a Claude Code tool name. Default: `other`. */
export function toolKind(name: string): ToolKind {
  if (name.startsWith('mcp__')) return 'mcp';
  return KINDS[name] ?? 'other';
}

// Wording of the CLI's permission refusals (tool_result text); `result.permission_denials` and
// `system/permission_denied` confirm them when present.
// A PreToolUse hook that exits 2 blocks the call; the CLI words it "PreToolUse:<Tool> hook error".
const DENIAL_PATTERNS = [
  / was blocked\. For security/,
  /requested permissions? to /i,
  /haven't granted it yet/i,
  /permission to use .+ (?:has been|was) denied/i,
  // read-only (`plan`) mode: "Cannot write to <path> while in plan mode."
  / while in plan mode\.?$/,
  /^PreToolUse:\S* hook error/,
  /blocked by (?:a |the )?PreToolUse hook/i,
];

/** True when a tool error text is a permission refusal rather than a tool failure. */
export function isPermissionDenial(text: string): boolean {
  return DENIAL_PATTERNS.some((p) => p.test(text));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Anthropic usage -> normalized usage (`input` includes cache reads and writes). */
export function fromApiUsage(u: ClaudeApiUsage | undefined, withOutput = true): TokenUsage {
  const out: TokenUsage = {};
  const input = num(u?.input_tokens);
  const cacheRead = num(u?.cache_read_input_tokens);
  const cacheWrite = num(u?.cache_creation_input_tokens);
  if (input !== undefined) out.input = input + (cacheRead ?? 0) + (cacheWrite ?? 0);
  if (withOutput && num(u?.output_tokens) !== undefined) out.output = num(u?.output_tokens);
  if (cacheRead !== undefined) out.cacheRead = cacheRead;
  if (cacheWrite !== undefined) out.cacheWrite = cacheWrite;
  return out;
}

function scopeOf(line: { parent_tool_use_id?: string | null }): string {
  return line.parent_tool_use_id ?? '';
}

function parentOf(line: { parent_tool_use_id?: string | null }): { parentCallId?: string } {
  return line.parent_tool_use_id ? { parentCallId: line.parent_tool_use_id } : {};
}

function parentOfScope(scope: string): { parentCallId?: string } {
  return scope ? { parentCallId: scope } : {};
}

/**
 * Deltas whose block never got its `assistant` line (the stream broke off, the call was retried,
 * the process died) become one whole event, so every run of deltas still ends in the message
 * it adds up to and a stored run keeps the text a user saw stream by.
 */
export function flushPendingDeltas(state: ClaudeState, scope?: string): NonTerminalDraft[] {
  const out: NonTerminalDraft[] = [];
  const scopes = scope === undefined ? new Set([...state.pendingThinking.keys(), ...state.pendingText.keys()]) : [scope];
  for (const s of scopes) {
    const thinking = state.pendingThinking.get(s);
    const text = state.pendingText.get(s);
    state.pendingThinking.delete(s);
    state.pendingText.delete(s);
    const id = state.streaming.get(s);
    const model = id ? state.calls.get(id)?.model : undefined;
    if (thinking) out.push({ type: 'reasoning', text: thinking, ...parentOfScope(s) });
    if (text) out.push({ type: 'message', role: 'assistant', text, ...(model ? { model } : {}), ...parentOfScope(s) });
  }
  return out;
}

/** Text the model saw for a tool result (string content, or its text blocks joined). */
function resultText(content: ClaudeToolResultBlock['content']): unknown {
  if (content === undefined || typeof content === 'string') return content ?? '';
  if (content.every((b) => b.type === 'text')) return content.map((b) => b.text ?? '').join('\n');
  return content;
}

function callUsage(call: CallState): NonTerminalDraft {
  // message_delta figures win where present: newer APIs send final input/cache there too
  const merged: ClaudeApiUsage = { ...call.start, ...call.delta };
  const usage = fromApiUsage(merged, call.delta?.output_tokens !== undefined);
  call.usageSent = true;
  return {
    type: 'usage',
    scope: 'call',
    source: 'stream',
    confidence: call.streamed && call.delta?.output_tokens !== undefined ? 'exact' : 'partial',
    callId: call.id,
    ...(call.model ? { model: call.model } : {}),
    ...(call.parentCallId ? { parentCallId: call.parentCallId } : {}),
    ...usage,
  };
}

function closeTurn(state: ClaudeState, out: NonTerminalDraft[]): void {
  const open = state.openTurn;
  if (!open) return;
  state.openTurn = undefined;
  const call = state.calls.get(open.messageId);
  const usage = call ? fromApiUsage({ ...call.start, ...call.delta }, call.delta?.output_tokens !== undefined) : {};
  out.push({ type: 'turn.completed', turn: open.turn, ...(Object.keys(usage).length > 0 ? { usage } : {}) });
}

/** Register a model call; a new main-loop call closes the previous turn and opens the next. */
function beginCall(state: ClaudeState, id: string, line: { parent_tool_use_id?: string | null }, model: string | undefined, out: NonTerminalDraft[]): CallState {
  let call = state.calls.get(id);
  if (call) return call;
  call = { id, streamed: false, usageSent: false, ...(model ? { model } : {}), ...parentOf(line) };
  state.calls.set(id, call);
  if (!line.parent_tool_use_id) {
    closeTurn(state, out);
    state.turn += 1;
    state.openTurn = { turn: state.turn, messageId: id };
    out.push({ type: 'turn.started', turn: state.turn });
  }
  return call;
}

function onInit(line: ClaudeSystemInit, state: ClaudeState): NonTerminalDraft[] {
  state.sessionId = line.session_id;
  if (line.model) state.model = line.model;
  if (state.sessionStarted) {
    // stream-json input mode repeats init per turn: one session, so report it as status
    return [{ type: 'status', code: 'init', message: `session ${line.session_id} ready for another turn`, raw: line }];
  }
  state.sessionStarted = true;
  const details: Record<string, unknown> = {};
  if (line.permissionMode) details.permissionMode = line.permissionMode;
  if (line.apiKeySource) details.apiKeySource = line.apiKeySource;
  if (line.mcp_servers?.length) details.mcpServers = line.mcp_servers.map((s) => ({ name: s.name, status: s.status }));
  if (line.agents) details.agents = line.agents;
  if (line.output_style) details.outputStyle = line.output_style;
  const requested = state.request.model;
  return [
    {
      type: 'session.started',
      sessionId: line.session_id,
      cwd: line.cwd,
      ...(line.model ? { model: line.model } : {}),
      ...(requested && requested !== line.model ? { requestedModel: requested } : {}),
      ...(line.claude_code_version ? { harnessVersion: line.claude_code_version } : {}),
      ...(line.tools ? { tools: line.tools } : {}),
      details,
    },
  ];
}

function onSystem(line: ClaudeSystemOther, state: ClaudeState): NonTerminalDraft[] {
  const code = line.subtype.replace(/_/g, '-');
  switch (line.subtype) {
    case 'init':
      return onInit(line as unknown as ClaudeSystemInit, state);
    case 'api_retry': {
      const r = line as unknown as ClaudeSystemApiRetry;
      // error_status is null when no HTTP answer came at all (connection dropped)
      const why = [r.error_status, r.error].filter((x) => x !== undefined && x !== null).join(' ');
      const delay = r.retry_delay_ms !== undefined ? ` in ${Math.round(r.retry_delay_ms)} ms` : '';
      return [{ type: 'warning', code: 'api-retry', message: `Claude API call failed${why ? ` (${why})` : ''}; retry ${r.attempt ?? '?'}/${r.max_retries ?? '?'}${delay}`, raw: line }];
    }
    case 'status':
      if (typeof line.compact_error === 'string' || line.compact_result === 'failed') {
        const why = typeof line.compact_error === 'string' && line.compact_error ? `: ${line.compact_error}` : '';
        return [{ type: 'warning', code: 'compact-failed', message: `Claude Code could not compact the conversation${why}`, raw: line }];
      }
      return [{ type: 'status', code: 'status', message: String(line.status ?? 'status'), raw: line }];
    case 'hook_response': {
      if (line.outcome !== 'error') break;
      // a failing hook can block tool calls or the stop: the user must see why
      const stderr = typeof line.stderr === 'string' ? line.stderr.trim() : '';
      const exit = typeof line.exit_code === 'number' ? ` (exit ${line.exit_code})` : '';
      const name = typeof line.hook_name === 'string' ? line.hook_name : String(line.hook_event ?? 'a');
      return [{ type: 'warning', code: 'hook-error', message: `Claude Code hook ${name} failed${exit}${stderr ? `: ${stderr}` : ''}`, raw: line }];
    }
    case 'task_started':
      return [{ type: 'status', code, message: `sub-agent started: ${line.description ?? ''}`.trim(), raw: line }];
    case 'task_progress':
      return [{ type: 'status', code, message: `sub-agent: ${line.description ?? 'working'}`, raw: line }];
    case 'task_updated':
    case 'task_notification': {
      const patch = isObject(line.patch) ? line.patch : {};
      const status = line.status ?? patch.status;
      return [{ type: 'status', code, message: `sub-agent ${typeof status === 'string' ? status : 'updated'}${line.summary ? `: ${line.summary}` : ''}`, raw: line }];
    }
    case 'permission_denied': {
      if (typeof line.tool_use_id === 'string') state.deniedIds.add(line.tool_use_id);
      return [{ type: 'status', code, message: 'a tool call was denied by the permission rules', raw: line }];
    }
    default:
      break;
  }
  // thinking_tokens, compact_boundary, hook_*, and whatever a newer CLI adds: kept as status
  return [{ type: 'status', code, message: `claude-code ${line.subtype}`, raw: line }];
}

/** `rate_limit_event` (subscription users): a refusal or a near-limit warning must be seen. */
function onRateLimit(record: Record<string, unknown>): NonTerminalDraft[] {
  const info = isObject(record.rate_limit_info) ? record.rate_limit_info : {};
  const status = typeof info.status === 'string' ? info.status : undefined;
  if (status !== 'rejected' && status !== 'allowed_warning') {
    return [{ type: 'status', code: 'rate-limit-event', message: `claude-code rate limit ${status ?? 'update'}`, raw: record }];
  }
  const which = typeof info.rateLimitType === 'string' ? ` (${info.rateLimitType})` : '';
  const used = typeof info.utilization === 'number' ? `, ${Math.round(info.utilization * 100)}% used` : '';
  // epoch seconds; a value that can only be milliseconds is taken as such
  const resetMs = typeof info.resetsAt === 'number' && Number.isFinite(info.resetsAt) ? (info.resetsAt > 1e11 ? info.resetsAt : info.resetsAt * 1000) : undefined;
  const resets = resetMs !== undefined && Math.abs(resetMs) < 8.64e15 ? `; resets at ${new Date(resetMs).toISOString()}` : '';
  const what = status === 'rejected' ? 'Claude rate limit reached' : 'Claude rate limit nearly reached';
  return [{ type: 'warning', code: 'rate-limit', message: `${what}${which}${used}${resets}`, raw: record }];
}

function onStreamEvent(line: ClaudeStreamEventLine, state: ClaudeState): NonTerminalDraft[] {
  const out: NonTerminalDraft[] = [];
  const ev = line.event;
  const scope = scopeOf(line);
  switch (ev.type) {
    case 'message_start': {
      const msg = (ev as Extract<ClaudeStreamEventLine['event'], { type: 'message_start' }>).message;
      // a new call in this scope: deltas of the previous one that never got their block are closed
      out.push(...flushPendingDeltas(state, scope));
      const call = beginCall(state, msg.id, line, msg.model, out);
      call.streamed = true;
      if (msg.usage) call.start = msg.usage;
      state.streaming.set(scope, msg.id);
      break;
    }
    case 'content_block_delta': {
      const delta = (ev as Extract<ClaudeStreamEventLine['event'], { type: 'content_block_delta' }>).delta;
      if (delta.type === 'text_delta' && typeof delta.text === 'string' && delta.text) {
        state.pendingText.set(scope, (state.pendingText.get(scope) ?? '') + delta.text);
        out.push({ type: 'message.delta', role: 'assistant', text: delta.text, ...parentOf(line) });
      } else if (delta.type === 'thinking_delta' && typeof delta.thinking === 'string' && delta.thinking) {
        state.pendingThinking.set(scope, (state.pendingThinking.get(scope) ?? '') + delta.thinking);
        out.push({ type: 'reasoning', text: delta.thinking, delta: true, ...parentOf(line) });
      }
      // input_json_delta / signature_delta: the whole tool input arrives on the assistant line
      break;
    }
    case 'message_delta': {
      const id = state.streaming.get(scope);
      const call = id ? state.calls.get(id) : undefined;
      const usage = (ev as Extract<ClaudeStreamEventLine['event'], { type: 'message_delta' }>).usage;
      if (call && usage) call.delta = { ...call.delta, ...usage };
      break;
    }
    case 'message_stop': {
      const id = state.streaming.get(scope);
      const call = id ? state.calls.get(id) : undefined;
      state.streaming.delete(scope);
      if (call && !call.usageSent) out.push(callUsage(call));
      break;
    }
    default:
      // content_block_start/stop, ping and other raw SSE events carry nothing a user sees
      break;
  }
  return out;
}

function onAssistant(line: ClaudeAssistantLine, state: ClaudeState): NonTerminalDraft[] {
  const out: NonTerminalDraft[] = [];
  const msg = line.message;
  const parent = parentOf(line);
  const text = msg.content.map((b) => (b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('');
  if (msg.model === '<synthetic>') {
    // the CLI turns API failures into a fake assistant message; it is not model output
    state.apiError = text || `API error (${line.error ?? 'unknown'})`;
    out.push({ type: 'warning', code: 'api-error', message: state.apiError, raw: line });
    return out;
  }
  if (line.error !== undefined) {
    // a real reply flagged by the CLI (e.g. max_output_tokens): keep its content, say why
    out.push({ type: 'warning', code: 'api-error', message: `Claude API reported "${line.error}" for message ${msg.id}`, raw: { error: line.error, request_id: line.request_id } });
  }
  if (line.aborted === true) {
    // the reply was cut off (interrupt, abort): its text is kept, but it is not a finished answer
    out.push({ type: 'warning', code: 'aborted', message: `Claude Code marked message ${msg.id} as aborted: the reply was cut off`, raw: { aborted: true, message_id: msg.id } });
  }
  const scope = scopeOf(line);
  const call = beginCall(state, msg.id, line, msg.model, out);
  if (!call.streamed && !call.usageSent && msg.usage) {
    // no stream events (sub-agents, or no --include-partial-messages): input/cache are exact
    // at message start, output is not known yet, so it is left out rather than guessed
    call.start = msg.usage;
    out.push(callUsage(call));
  }
  for (const block of msg.content) {
    if (block.type === 'text' && typeof block.text === 'string') {
      state.pendingText.delete(scope);
      out.push({ type: 'message', role: 'assistant', text: block.text, ...(msg.model ? { model: msg.model } : {}), ...parent });
    } else if (block.type === 'thinking' && typeof block.thinking === 'string') {
      state.pendingThinking.delete(scope);
      out.push({ type: 'reasoning', text: block.thinking, ...parent });
    } else if (block.type === 'redacted_thinking') {
      state.pendingThinking.delete(scope);
      out.push({ type: 'reasoning', text: '[redacted thinking]', ...parent });
    } else if (block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
      state.tools.set(block.id, { name: block.name, ...parent });
      out.push({ type: 'tool.started', callId: block.id, name: block.name, kind: toolKind(block.name), input: block.input, ...parent });
    } else {
      out.push({ type: 'warning', code: 'unknown-block', message: `claude-code assistant block of type "${String(block.type)}"`, raw: block });
    }
  }
  return out;
}

function onUser(line: ClaudeUserLine, state: ClaudeState): NonTerminalDraft[] {
  const out: NonTerminalDraft[] = [];
  const parent = parentOf(line);
  const content = line.message?.content;
  if (typeof content === 'string') {
    out.push({ type: 'message', role: 'user', text: content, ...parent });
    return out;
  }
  if (!Array.isArray(content)) return out;
  const texts: string[] = [];
  for (const block of content) {
    if (block.type === 'text' && typeof block.text === 'string') {
      texts.push(block.text);
      continue;
    }
    if (block.type !== 'tool_result') continue;
    const b = block as ClaudeToolResultBlock;
    const tool = state.tools.get(b.tool_use_id);
    const name = tool?.name ?? 'unknown';
    const output = resultText(b.content);
    const isError = b.is_error === true;
    const denied = isError && (state.deniedIds.has(b.tool_use_id) || (typeof output === 'string' && isPermissionDenial(output)));
    if (denied) state.deniedReported.add(b.tool_use_id);
    let exitCode: number | undefined;
    if (toolKind(name) === 'shell' && name === 'Bash') {
      const m = typeof output === 'string' ? /^Exit code (\d+)/.exec(output) : null;
      if (m) exitCode = Number(m[1]);
      else if (!isError && isObject(line.tool_use_result) && line.tool_use_result.interrupted === false) exitCode = 0;
    }
    out.push({
      type: 'tool.completed',
      callId: b.tool_use_id,
      name,
      output,
      isError,
      status: denied ? 'denied' : isError ? 'error' : 'ok',
      ...(exitCode !== undefined ? { exitCode } : {}),
      ...(line.parent_tool_use_id ? parent : tool?.parentCallId ? { parentCallId: tool.parentCallId } : {}),
    });
    const r = line.tool_use_result;
    if (!isError && isObject(r) && typeof r.filePath === 'string' && (name === 'Write' || name === 'Edit' || name === 'MultiEdit')) {
      out.push({ type: 'file.changed', path: r.filePath, change: r.type === 'create' ? 'add' : 'update', callId: b.tool_use_id });
    }
  }
  // sub-agent prompts and replayed user messages
  if (texts.length > 0) out.push({ type: 'message', role: 'user', text: texts.join('\n'), ...parent });
  return out;
}

function onResult(line: ClaudeResultLine, state: ClaudeState): NonTerminalDraft[] {
  const out: NonTerminalDraft[] = [];
  state.result = line;
  if (typeof line.num_turns === 'number') state.resultTurns = (state.resultTurns ?? 0) + line.num_turns;
  if (isObject(line.usage)) state.resultMainUsage = addUsage(state.resultMainUsage, fromApiUsage(line.usage));
  closeTurn(state, out);
  for (const d of line.permission_denials ?? []) {
    if (state.deniedReported.has(d.tool_use_id)) continue;
    state.deniedReported.add(d.tool_use_id);
    out.push({ type: 'warning', code: 'permission-denied', message: `${d.tool_name} call ${d.tool_use_id} was denied by the permission rules`, raw: d });
  }
  return out;
}

/** Translate one parsed stream-json line into normalized events. Pure apart from `state`. */
export function translateClaude(record: unknown, state: ClaudeState, _ctx?: TranslateContext): NonTerminalDraft[] {
  if (!isObject(record) || typeof record.type !== 'string') {
    return [{ type: 'warning', code: 'unparsed-line', message: 'claude-code printed a JSON value that is not an event', raw: record }];
  }
  switch (record.type) {
    case 'system':
      if (typeof record.subtype !== 'string') break;
      return onSystem(record as unknown as ClaudeSystemOther, state);
    case 'stream_event':
      if (!isObject(record.event)) break;
      return onStreamEvent(record as unknown as ClaudeStreamEventLine, state);
    case 'assistant':
      if (!isObject(record.message) || !Array.isArray(record.message.content)) break;
      return onAssistant(record as unknown as ClaudeAssistantLine, state);
    case 'user':
      if (!isObject(record.message)) break;
      return onUser(record as unknown as ClaudeUserLine, state);
    case 'result':
      return onResult(record as unknown as ClaudeResultLine, state);
    case 'rate_limit_event':
      return onRateLimit(record);
    case 'auth_status':
      if (typeof record.error === 'string' && record.error) {
        return [{ type: 'warning', code: 'auth-status', message: `Claude Code authentication problem: ${record.error}`, raw: record }];
      }
      break;
    default:
      break;
  }
  if (['system', 'stream_event', 'assistant', 'user'].includes(record.type)) {
    return [{ type: 'warning', code: 'unparsed-line', message: `claude-code ${record.type} line without the expected fields`, raw: record }];
  }
  // prompt_suggestion, tool_progress, auth_status… and types of newer CLIs
  return [{ type: 'status', code: String(record.type).replace(/_/g, '-'), message: `claude-code ${record.type}`, raw: record }];
}
