import type { NonTerminalDraft, TranslateContext } from '@omnigent/core';
import { isRecord, str } from '@omnigent/core/kit';
import type {
  CursorAssistantLine,
  CursorInteractionQuery,
  CursorLine,
  CursorResultLine,
  CursorSystemInit,
  CursorTextBlock,
  CursorThinkingLine,
  CursorToolCallLine,
  CursorUserLine,
} from './events.js';
import type { CursorState } from './state.js';
import { changedFile, identifyTool, toolOutcome } from './tools.js';
import { normalizeCursorUsage } from './usage.js';

function textOf(content: CursorTextBlock[] | undefined): string {
  if (!Array.isArray(content)) return '';
  return content.map((b) => (isRecord(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('');
}

/** Text deltas or thinking deltas that never got their consolidated line become whole events. */
export function flushPending(state: CursorState): NonTerminalDraft[] {
  const out: NonTerminalDraft[] = [];
  if (state.pendingThinking) out.push({ type: 'reasoning', text: state.pendingThinking });
  if (state.pendingText)
    out.push({
      type: 'message',
      role: 'assistant',
      text: state.pendingText,
      ...(state.model ? { model: state.model } : {}),
    });
  state.pendingThinking = '';
  state.pendingText = '';
  return out;
}

export function closeTurn(state: CursorState): NonTerminalDraft[] {
  const out = flushPending(state);
  if (state.turn) out.push({ type: 'turn.completed', turn: state.turn.n });
  state.turn = undefined;
  return out;
}

function startTurn(state: CursorState, modelCallId: string | undefined): NonTerminalDraft[] {
  state.turns += 1;
  state.turn = { n: state.turns, hadTools: false, ...(modelCallId ? { modelCallId } : {}) };
  return [{ type: 'turn.started', turn: state.turns }];
}

/**
 * Place a content line in a turn (one model call). Lines with `model_call_id` name their call;
 * lines without it (thinking, deltas, the final text, 2025 builds) belong to the current call,
 * unless that call's tools have all finished: then the model is being called again.
 */
function enterTurn(state: CursorState, modelCallId: string | undefined): NonTerminalDraft[] {
  const t = state.turn;
  if (!t) return startTurn(state, modelCallId);
  const callAgain = t.hadTools && state.open.size === 0;
  if (modelCallId !== undefined) {
    if (t.modelCallId === modelCallId) return [];
    if (t.modelCallId === undefined && !callAgain) {
      t.modelCallId = modelCallId;
      return [];
    }
    return [...closeTurn(state), ...startTurn(state, modelCallId)];
  }
  return callAgain ? [...closeTurn(state), ...startTurn(state, undefined)] : [];
}

function onInit(r: CursorSystemInit, state: CursorState, ctx: TranslateContext): NonTerminalDraft[] {
  if (state.sessionStarted)
    return [
      { type: 'status', code: 'repeated-init', message: 'cursor-agent printed a second system/init line', raw: r },
    ];
  state.sessionStarted = true;
  const model = str(r.model);
  if (model) state.model = model;
  const details: Record<string, unknown> = {};
  if (str(r.permissionMode)) details.permissionMode = r.permissionMode;
  if (str(r.apiKeySource)) details.apiKeySource = r.apiKeySource;
  const sessionId = str(r.session_id);
  return [
    {
      type: 'session.started',
      cwd: str(r.cwd) ?? ctx.request.cwd ?? process.cwd(),
      ...(model ? { model } : {}),
      ...(ctx.request.model ? { requestedModel: ctx.request.model } : {}),
      ...(sessionId ? { sessionId } : {}),
      ...(Object.keys(details).length > 0 ? { details } : {}),
    },
  ];
}

function onUser(r: CursorUserLine): NonTerminalDraft[] {
  // the CLI echoes the prompt it received; kept as a user message so a stored run shows what
  // Cursor actually saw (e.g. after its own trimming), which the request alone cannot prove
  const text = textOf(r.message?.content);
  return text ? [{ type: 'message', role: 'user', text }] : [];
}

function onAssistant(r: CursorAssistantLine, state: CursorState): NonTerminalDraft[] {
  const modelCallId = str(r.model_call_id);
  const out = enterTurn(state, modelCallId);
  const text = textOf(r.message?.content);
  // with --stream-partial-output, a delta is an assistant line with timestamp_ms and no
  // model_call_id; the segment's whole text follows on a line that has model_call_id (mid-turn)
  // or neither (the turn's last text). Emitting both as text would print everything twice.
  const isDelta = typeof r.timestamp_ms === 'number' && modelCallId === undefined;
  if (isDelta) {
    if (!text) return out;
    state.pendingText += text;
    out.push({ type: 'message.delta', role: 'assistant', text });
    return out;
  }
  const whole = text || state.pendingText;
  state.pendingText = '';
  if (whole)
    out.push({ type: 'message', role: 'assistant', text: whole, ...(state.model ? { model: state.model } : {}) });
  return out;
}

function onThinking(r: CursorThinkingLine, state: CursorState): NonTerminalDraft[] {
  const out = enterTurn(state, str(r.model_call_id));
  const text = typeof r.text === 'string' ? r.text : '';
  if (r.subtype === 'completed') {
    // `completed` carries no text in captures: the block is the deltas since the last one
    const whole = text || state.pendingThinking;
    state.pendingThinking = '';
    if (whole) out.push({ type: 'reasoning', text: whole });
    return out;
  }
  if (text) {
    state.pendingThinking += text;
    out.push({ type: 'reasoning', text, delta: true });
  }
  return out;
}

function callIdOf(r: CursorToolCallLine): string | undefined {
  if (typeof r.call_id === 'string' && r.call_id !== '') return r.call_id;
  if (typeof r.toolCallId === 'string' && r.toolCallId !== '') return r.toolCallId;
  const inner = r.tool_call?.toolCallId;
  return typeof inner === 'string' && inner !== '' ? inner : undefined;
}

/** The CLI's own `timestamp_ms` of a line (epoch ms), when it is a usable number. */
function lineTime(r: { timestamp_ms?: unknown }): number | undefined {
  return typeof r.timestamp_ms === 'number' && Number.isFinite(r.timestamp_ms) && r.timestamp_ms > 0
    ? r.timestamp_ms
    : undefined;
}

/**
 * How long the CLI says a tool ran: its `startedAtMs`/`completedAtMs` (on the line or inside the
 * `tool_call` object, strings of epoch ms), else the `timestamp_ms` of the `started` and
 * `completed` lines. Both are the CLI's clock, so omnigent's read delays (a slow pipe, a busy
 * machine) do not end up in the figure; undefined leaves the runner's arrival-time figure.
 */
function harnessDuration(r: CursorToolCallLine, open: { startedAtMs?: number }): number | undefined {
  const inner = r.tool_call ?? {};
  const startedAt = r.startedAtMs ?? inner.startedAtMs;
  const completedAt = r.completedAtMs ?? inner.completedAtMs;
  const started = Number(startedAt);
  const completed = Number(completedAt);
  if (startedAt && completedAt && Number.isFinite(started) && Number.isFinite(completed) && completed >= started)
    return completed - started;
  const end = lineTime(r);
  if (open.startedAtMs !== undefined && end !== undefined && end >= open.startedAtMs) return end - open.startedAtMs;
  return undefined;
}

function onToolCall(r: CursorToolCallLine, state: CursorState): NonTerminalDraft[] {
  const out = enterTurn(state, str(r.model_call_id));
  const tool = identifyTool(r.tool_call);
  const given = callIdOf(r);

  if (r.subtype === 'started') {
    const callId = given ?? `cursor-call-${++state.anonymousCalls}`;
    if (state.open.has(callId) || state.closed.has(callId)) return out;
    const startedAtMs = lineTime(r);
    state.open.set(callId, {
      key: tool.key,
      name: tool.name,
      kind: tool.kind,
      ...(tool.mcp ? { mcp: tool.mcp } : {}),
      ...(startedAtMs !== undefined ? { startedAtMs } : {}),
    });
    if (state.turn) state.turn.hadTools = true;
    out.push({
      type: 'tool.started',
      callId,
      name: tool.name,
      kind: tool.kind,
      input: tool.input ?? null,
      ...(tool.mcp ? { mcp: tool.mcp } : {}),
    });
    return out;
  }

  // a completion without an id closes the oldest open call of the same kind
  const callId = given ?? [...state.open].find(([, o]) => o.key === tool.key)?.[0];
  if (r.subtype === 'completed') {
    if (callId === undefined) {
      out.push({
        type: 'warning',
        code: 'orphan-tool-result',
        message: `cursor-agent reported a ${tool.key} result without a call id`,
        raw: r,
      });
      return out;
    }
    if (state.closed.has(callId)) return out;
    let open = state.open.get(callId);
    if (!open) {
      // completed without started (a dropped line): start it so every end has a beginning
      open = { key: tool.key, name: tool.name, kind: tool.kind, ...(tool.mcp ? { mcp: tool.mcp } : {}) };
      out.push({
        type: 'tool.started',
        callId,
        name: tool.name,
        kind: tool.kind,
        input: tool.input ?? null,
        ...(tool.mcp ? { mcp: tool.mcp } : {}),
      });
      if (state.turn) state.turn.hadTools = true;
    }
    state.open.delete(callId);
    state.closed.add(callId);
    // completed lines sometimes omit args (MCP); the kind key from `started` decides the reading
    const outcome = toolOutcome(open.key, tool.body?.result);
    const durationMs = harnessDuration(r, open);
    out.push({
      type: 'tool.completed',
      callId,
      name: open.name,
      output: outcome.output,
      isError: outcome.isError,
      status: outcome.status,
      ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
      ...(durationMs !== undefined ? { durationMs } : {}),
      ...(open.mcp ? { mcp: open.mcp } : {}),
    });
    const file = outcome.isError ? undefined : changedFile(open.key, tool.input, outcome.output);
    if (file) out.push({ type: 'file.changed', path: file.path, change: file.change, callId });
    return out;
  }

  const open = callId !== undefined ? state.open.get(callId) : undefined;
  if (callId !== undefined && open) {
    out.push({ type: 'tool.updated', callId, name: open.name, output: tool.body?.result ?? tool.body ?? null });
    return out;
  }
  out.push({
    type: 'warning',
    code: 'unknown-record',
    message: `cursor-agent printed tool_call/${String(r.subtype)} for a call that is not running`,
    raw: r,
  });
  return out;
}

function onResult(r: CursorResultLine, state: CursorState): NonTerminalDraft[] {
  const out = closeTurn(state);
  state.result = {
    // `is_error` is the documented flag; an `error…` subtype without it is no success either
    isError: r.is_error === true || (typeof r.subtype === 'string' && r.subtype.startsWith('error')),
    ...(typeof r.result === 'string' ? { text: r.result } : {}),
    ...(typeof r.subtype === 'string' ? { subtype: r.subtype } : {}),
  };
  const usage = normalizeCursorUsage(r.usage);
  if (usage) {
    state.usage = usage;
    // one total for the whole run; 'partial': no per-call split, no reasoning figure, and the
    // cache-write accounting is inferred from captures, not documented
    out.push({
      type: 'usage',
      scope: 'run',
      source: 'result',
      confidence: 'partial',
      ...usage,
      ...(state.model ? { model: state.model } : {}),
    });
  }
  return out;
}

function onInteractionQuery(r: CursorInteractionQuery): NonTerminalDraft[] {
  const what = str(r.query_type) ?? 'permission';
  return [
    {
      type: 'warning',
      code: 'interaction-query',
      message: `cursor-agent asked a question (${what}, interaction_query/${String(r.subtype ?? 'request')}); omnigent keeps its stdin closed, so it is not answered and the CLI reads end-of-file`,
      raw: r,
    },
  ];
}

/** One parsed stdout line of `cursor-agent` -> normalized events. Pure apart from `state`. */
export function translateCursor(record: unknown, state: CursorState, ctx: TranslateContext): NonTerminalDraft[] {
  if (!isRecord(record) || typeof record.type !== 'string') {
    return [
      {
        type: 'warning',
        code: 'unknown-record',
        message: 'cursor-agent printed a JSON value without a type',
        raw: record,
      },
    ];
  }
  // the one cast: from here the line's own union narrows on `type`
  const line = record as CursorLine;
  switch (line.type) {
    case 'system':
      if (line.subtype === 'init') return onInit(line, state, ctx);
      return [
        {
          type: 'status',
          code: `system-${String(line.subtype)}`,
          message: `cursor-agent system/${String(line.subtype)}`,
          raw: record,
        },
      ];
    case 'user':
      return onUser(line);
    case 'assistant':
      return onAssistant(line, state);
    case 'thinking':
      return onThinking(line, state);
    case 'tool_call':
      return onToolCall(line, state);
    case 'result':
      return onResult(line, state);
    case 'interaction_query':
      return onInteractionQuery(line);
    default:
      return [
        {
          type: 'warning',
          code: 'unknown-record',
          message: `cursor-agent printed an unknown record type: ${JSON.stringify(record.type)}`,
          raw: record,
        },
      ];
  }
}
