import { addUsage, type NonTerminalDraft, type TokenUsage, type TranslateContext } from '@omnigent/core';
import { isRecord, num } from '@omnigent/core/kit';
import type {
  ClaudeApiUsage,
  ClaudeAssistantLine,
  ClaudeAuthStatusLine,
  ClaudeLine,
  ClaudeRateLimitLine,
  ClaudeResultLine,
  ClaudeStreamEventLine,
  ClaudeSystemApiRetry,
  ClaudeSystemInit,
  ClaudeSystemOther,
  ClaudeToolResultBlock,
  ClaudeUserLine,
} from './events.js';
import type { CallState, ClaudeState } from './state.js';
import { isPermissionDenial, toolKind } from './tools.js';
import { mcpRefOf } from './mcp.js';

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
  const scopes =
    scope === undefined ? new Set([...state.pendingThinking.keys(), ...state.pendingText.keys()]) : [scope];
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
function beginCall(
  state: ClaudeState,
  id: string,
  line: { parent_tool_use_id?: string | null },
  model: string | undefined,
  out: NonTerminalDraft[],
): CallState {
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
    // a server that did not start leaves its tools out of the run silently: say so, by name
    ...(line.mcp_servers ?? [])
      .filter((s) => s.status === 'failed' || s.status === 'needs-auth')
      .map(
        (s): NonTerminalDraft => ({
          type: 'warning',
          code: 'mcp-server-failed',
          message: `MCP server "${s.name}" ${s.status === 'needs-auth' ? 'needs authentication' : 'failed to start'}; its tools are not available in this run`,
          raw: s,
        }),
      ),
  ];
}

function onSystem(
  line: ClaudeSystemInit | ClaudeSystemApiRetry | ClaudeSystemOther,
  state: ClaudeState,
): NonTerminalDraft[] {
  // a subtype of a newer CLI is none of the typed ones: read it as the string it is
  const subtype: string = line.subtype;
  const code = subtype.replace(/_/g, '-');
  switch (line.subtype) {
    case 'init':
      return onInit(line, state);
    case 'api_retry': {
      const r = line;
      // error_status is null when no HTTP answer came at all (connection dropped)
      const why = [r.error_status, r.error].filter((x) => x !== undefined && x !== null).join(' ');
      const delay = r.retry_delay_ms !== undefined ? ` in ${Math.round(r.retry_delay_ms)} ms` : '';
      return [
        {
          type: 'warning',
          code: 'api-retry',
          message: `Claude API call failed${why ? ` (${why})` : ''}; retry ${r.attempt ?? '?'}/${r.max_retries ?? '?'}${delay}`,
          raw: line,
        },
      ];
    }
    case 'status':
      if (typeof line.compact_error === 'string' || line.compact_result === 'failed') {
        const why = typeof line.compact_error === 'string' && line.compact_error ? `: ${line.compact_error}` : '';
        return [
          {
            type: 'warning',
            code: 'compaction-failed',
            message: `Claude Code could not compact the conversation${why}`,
            raw: line,
          },
        ];
      }
      return [{ type: 'status', code: 'status', message: String(line.status ?? 'status'), raw: line }];
    case 'hook_response': {
      if (line.outcome !== 'error') break;
      // a failing hook can block tool calls or the stop: the user must see why
      const stderr = typeof line.stderr === 'string' ? line.stderr.trim() : '';
      const exit = typeof line.exit_code === 'number' ? ` (exit ${line.exit_code})` : '';
      const name = typeof line.hook_name === 'string' ? line.hook_name : String(line.hook_event ?? 'a');
      return [
        {
          type: 'warning',
          code: 'hook-error',
          message: `Claude Code hook ${name} failed${exit}${stderr ? `: ${stderr}` : ''}`,
          raw: line,
        },
      ];
    }
    case 'task_started':
      return [{ type: 'status', code, message: `sub-agent started: ${line.description ?? ''}`.trim(), raw: line }];
    case 'task_progress':
      return [{ type: 'status', code, message: `sub-agent: ${line.description ?? 'working'}`, raw: line }];
    case 'task_updated':
    case 'task_notification': {
      const patch = isRecord(line.patch) ? line.patch : {};
      const status = line.status ?? patch.status;
      return [
        {
          type: 'status',
          code,
          message: `sub-agent ${typeof status === 'string' ? status : 'updated'}${line.summary ? `: ${line.summary}` : ''}`,
          raw: line,
        },
      ];
    }
    case 'permission_denied': {
      if (typeof line.tool_use_id === 'string') state.deniedIds.add(line.tool_use_id);
      return [{ type: 'status', code, message: 'a tool call was denied by the permission rules', raw: line }];
    }
    default:
      break;
  }
  // thinking_tokens, compact_boundary, hook_*, and whatever a newer CLI adds: kept as status
  return [{ type: 'status', code, message: `claude-code ${subtype}`, raw: line }];
}

/** `rate_limit_event` (subscription users): a refusal or a near-limit warning must be seen. */
function onRateLimit(record: ClaudeRateLimitLine): NonTerminalDraft[] {
  const info: Record<string, unknown> = isRecord(record.rate_limit_info) ? record.rate_limit_info : {};
  const status = typeof info.status === 'string' ? info.status : undefined;
  if (status !== 'rejected' && status !== 'allowed_warning') {
    return [
      {
        type: 'status',
        code: 'rate-limit-event',
        message: `claude-code rate limit ${status ?? 'update'}`,
        raw: record,
      },
    ];
  }
  const which = typeof info.rateLimitType === 'string' ? ` (${info.rateLimitType})` : '';
  const used = typeof info.utilization === 'number' ? `, ${Math.round(info.utilization * 100)}% used` : '';
  // epoch seconds; a value that can only be milliseconds is taken as such
  const resetMs =
    typeof info.resetsAt === 'number' && Number.isFinite(info.resetsAt)
      ? info.resetsAt > 1e11
        ? info.resetsAt
        : info.resetsAt * 1000
      : undefined;
  const resets =
    resetMs !== undefined && Math.abs(resetMs) < 8.64e15 ? `; resets at ${new Date(resetMs).toISOString()}` : '';
  const what = status === 'rejected' ? 'Claude rate limit reached' : 'Claude rate limit nearly reached';
  return [{ type: 'warning', code: 'rate-limit', message: `${what}${which}${used}${resets}`, raw: record }];
}

function onStreamEvent(line: ClaudeStreamEventLine, state: ClaudeState): NonTerminalDraft[] {
  const out: NonTerminalDraft[] = [];
  const ev = line.event;
  const scope = scopeOf(line);
  switch (ev.type) {
    case 'message_start': {
      const msg = ev.message;
      // a new call in this scope: deltas of the previous one that never got their block are closed
      out.push(...flushPendingDeltas(state, scope));
      const call = beginCall(state, msg.id, line, msg.model, out);
      call.streamed = true;
      if (msg.usage) call.start = msg.usage;
      state.streaming.set(scope, msg.id);
      break;
    }
    case 'content_block_delta': {
      const delta = ev.delta;
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
      const usage = ev.usage;
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
    out.push({
      type: 'warning',
      code: 'api-error',
      message: `Claude API reported "${line.error}" for message ${msg.id}`,
      raw: { error: line.error, request_id: line.request_id },
    });
  }
  if (line.aborted === true) {
    // the reply was cut off (interrupt, abort): its text is kept, but it is not a finished answer
    out.push({
      type: 'warning',
      code: 'aborted',
      message: `Claude Code marked message ${msg.id} as aborted: the reply was cut off`,
      raw: { aborted: true, message_id: msg.id },
    });
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
      out.push({
        type: 'message',
        role: 'assistant',
        text: block.text,
        ...(msg.model ? { model: msg.model } : {}),
        ...parent,
      });
    } else if (block.type === 'thinking' && typeof block.thinking === 'string') {
      state.pendingThinking.delete(scope);
      out.push({ type: 'reasoning', text: block.thinking, ...parent });
    } else if (block.type === 'redacted_thinking') {
      state.pendingThinking.delete(scope);
      out.push({ type: 'reasoning', text: '[redacted thinking]', ...parent });
    } else if (block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
      state.tools.set(block.id, { name: block.name, ...parent });
      const mcp = mcpRefOf(block.name);
      out.push({
        type: 'tool.started',
        callId: block.id,
        name: block.name,
        kind: toolKind(block.name),
        input: block.input,
        ...(mcp ? { mcp } : {}),
        ...parent,
      });
    } else {
      // a block type of a newer CLI (the typed union has none left here)
      const unknown: { type?: unknown } = block;
      out.push({
        type: 'warning',
        code: 'unknown-block',
        message: `claude-code assistant block of type "${String(unknown.type)}"`,
        raw: block,
      });
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
    const b: ClaudeToolResultBlock = block;
    const tool = state.tools.get(b.tool_use_id);
    const name = tool?.name ?? 'unknown';
    const output = resultText(b.content);
    const isError = b.is_error === true;
    const mcp = mcpRefOf(name);
    const denied =
      isError && (state.deniedIds.has(b.tool_use_id) || (typeof output === 'string' && isPermissionDenial(output)));
    if (denied) state.deniedReported.add(b.tool_use_id);
    let exitCode: number | undefined;
    if (toolKind(name) === 'shell' && name === 'Bash') {
      const m = typeof output === 'string' ? /^Exit code (\d+)/.exec(output) : null;
      if (m) exitCode = Number(m[1]);
      else if (!isError && isRecord(line.tool_use_result) && line.tool_use_result.interrupted === false) exitCode = 0;
    }
    out.push({
      type: 'tool.completed',
      callId: b.tool_use_id,
      name,
      output,
      isError,
      status: denied ? 'denied' : isError ? 'error' : 'ok',
      ...(mcp ? { mcp } : {}),
      ...(exitCode !== undefined ? { exitCode } : {}),
      ...(line.parent_tool_use_id ? parent : tool?.parentCallId ? { parentCallId: tool.parentCallId } : {}),
    });
    const r = line.tool_use_result;
    if (
      !isError &&
      isRecord(r) &&
      typeof r.filePath === 'string' &&
      (name === 'Write' || name === 'Edit' || name === 'MultiEdit')
    ) {
      out.push({
        type: 'file.changed',
        path: r.filePath,
        change: r.type === 'create' ? 'add' : 'update',
        callId: b.tool_use_id,
      });
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
  if (isRecord(line.usage)) state.resultMainUsage = addUsage(state.resultMainUsage, fromApiUsage(line.usage));
  closeTurn(state, out);
  for (const d of line.permission_denials ?? []) {
    if (state.deniedReported.has(d.tool_use_id)) continue;
    state.deniedReported.add(d.tool_use_id);
    out.push({
      type: 'warning',
      code: 'permission-denied',
      message: `${d.tool_name} call ${d.tool_use_id} was denied by the permission rules`,
      raw: d,
    });
  }
  return out;
}

/** Translate one parsed stream-json line into normalized events. Pure apart from `state`. */
export function translateClaude(record: unknown, state: ClaudeState, _ctx?: TranslateContext): NonTerminalDraft[] {
  if (!isRecord(record) || typeof record.type !== 'string') {
    return [
      {
        type: 'warning',
        code: 'unknown-record',
        message: 'claude-code printed a JSON value that is not an event',
        raw: record,
      },
    ];
  }
  // the one cast: from here the line's own union narrows on `type`; the fields each handler
  // depends on are checked before it is called
  const line = record as ClaudeLine;
  switch (line.type) {
    case 'system':
      if (typeof line.subtype !== 'string') break;
      return onSystem(line, state);
    case 'stream_event':
      if (!isRecord(line.event)) break;
      return onStreamEvent(line, state);
    case 'assistant':
      if (!isRecord(line.message) || !Array.isArray(line.message.content)) break;
      return onAssistant(line, state);
    case 'user':
      if (!isRecord(line.message)) break;
      return onUser(line, state);
    case 'result':
      return onResult(line, state);
    case 'rate_limit_event':
      return onRateLimit(line);
    case 'auth_status':
      if (typeof line.error === 'string' && line.error) {
        return [
          {
            type: 'warning',
            code: 'auth-status',
            message: `Claude Code authentication problem: ${line.error}`,
            raw: record,
          },
        ];
      }
      break;
    default:
      break;
  }
  if (['system', 'stream_event', 'assistant', 'user'].includes(record.type)) {
    return [
      {
        type: 'warning',
        code: 'unknown-record',
        message: `claude-code ${record.type} line without the expected fields`,
        raw: record,
      },
    ];
  }
  // prompt_suggestion, tool_progress, auth_status… and types of newer CLIs
  return [{ type: 'status', code: record.type.replace(/_/g, '-'), message: `claude-code ${record.type}`, raw: record }];
}
