import type { ExitInfo, FinishResult, NonTerminalDraft, RunRequest, TerminalDraft, TokenUsage, ToolKind, TranslateContext } from '@omnigent/core';
import type {
  CursorAssistantLine,
  CursorInteractionQuery,
  CursorResultLine,
  CursorSystemInit,
  CursorTextBlock,
  CursorThinkingLine,
  CursorToolCallLine,
  CursorUserLine,
} from './events.js';
import { changedFile, identifyTool, toolOutcome } from './tools.js';
import { normalizeCursorUsage } from './usage.js';

interface OpenTool {
  key: string;
  name: string;
  kind: ToolKind;
}

interface Turn {
  /** 1-based. */
  n: number;
  /** The `model_call_id` this turn stands for, once a line carried one. */
  modelCallId?: string;
  hadTools: boolean;
}

/** Per-run translate state. */
export interface CursorState {
  request: RunRequest;
  sessionStarted: boolean;
  /** The display name from `init` (`Auto`, `Claude 4 Sonnet`). */
  model?: string;
  turn?: Turn;
  turns: number;
  /** Partial-output deltas of the current text segment, not yet consolidated. */
  pendingText: string;
  /** Thinking deltas since the last `thinking/completed`. */
  pendingThinking: string;
  open: Map<string, OpenTool>;
  closed: Set<string>;
  /** Counter for calls that arrive without any id. */
  anonymousCalls: number;
  result?: { isError: boolean; text?: string; subtype?: string };
  usage?: TokenUsage;
}

/** Fresh state for one run. */
export function createCursorState(request: RunRequest): CursorState {
  return {
    request,
    sessionStarted: false,
    turns: 0,
    pendingText: '',
    pendingThinking: '',
    open: new Map(),
    closed: new Set(),
    anonymousCalls: 0,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(content: CursorTextBlock[] | undefined): string {
  if (!Array.isArray(content)) return '';
  return content.map((b) => (isRecord(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('');
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Requests Cursor's CLI has no flag for: said once, as warnings, instead of silently dropped. */
function unsupportedNotices(request: RunRequest): NonTerminalDraft[] {
  const notes: Array<[boolean, string]> = [
    [request.maxTurns !== undefined, 'cursor-agent has no --max-turns; the turn limit was not applied'],
    [request.systemPrompt !== undefined, 'cursor-agent has no system-prompt flag; --system-prompt was not applied'],
    [request.appendSystemPrompt !== undefined, 'cursor-agent has no system-prompt flag; --append-system-prompt was not applied'],
    [(request.allowedTools?.length ?? 0) > 0, 'cursor-agent has no supported allowed-tools flag; --allowed-tools was not applied (use .cursor/hooks.json)'],
    [(request.disallowedTools?.length ?? 0) > 0, 'cursor-agent has no supported tool deny flag; disallowed tools were not applied (use .cursor/hooks.json)'],
    [request.sessionId !== undefined, 'cursor-agent cannot be given a session id; it picks its own'],
    [request.baseUrl !== undefined, "cursor-agent talks only to Cursor's own backend; the base URL was not applied"],
    [request.provider !== undefined && request.provider !== 'cursor', `cursor-agent has no provider option; provider "${request.provider}" was not applied (pick the model with --model)`],
  ];
  return notes.filter(([on]) => on).map(([, message]) => ({ type: 'warning', code: 'unsupported-option', message }));
}

/** Text deltas or thinking deltas that never got their consolidated line become whole events. */
function flushPending(state: CursorState): NonTerminalDraft[] {
  const out: NonTerminalDraft[] = [];
  if (state.pendingThinking) out.push({ type: 'reasoning', text: state.pendingThinking });
  if (state.pendingText) out.push({ type: 'message', role: 'assistant', text: state.pendingText, ...(state.model ? { model: state.model } : {}) });
  state.pendingThinking = '';
  state.pendingText = '';
  return out;
}

function closeTurn(state: CursorState): NonTerminalDraft[] {
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
  if (state.sessionStarted) return [{ type: 'status', code: 'repeated-init', message: 'cursor-agent printed a second system/init line', raw: r }];
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
    ...unsupportedNotices(state.request),
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
  if (whole) out.push({ type: 'message', role: 'assistant', text: whole, ...(state.model ? { model: state.model } : {}) });
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

function harnessDuration(r: CursorToolCallLine): number | undefined {
  // builds put the timestamps on the line or inside the `tool_call` object (strings of epoch ms)
  const inner = r.tool_call ?? {};
  const startedAt = r.startedAtMs ?? inner.startedAtMs;
  const completedAt = r.completedAtMs ?? inner.completedAtMs;
  const started = Number(startedAt);
  const completed = Number(completedAt);
  if (!startedAt || !completedAt || !Number.isFinite(started) || !Number.isFinite(completed) || completed < started) return undefined;
  return completed - started;
}

function onToolCall(r: CursorToolCallLine, state: CursorState): NonTerminalDraft[] {
  const out = enterTurn(state, str(r.model_call_id));
  const tool = identifyTool(r.tool_call);
  const given = callIdOf(r);

  if (r.subtype === 'started') {
    const callId = given ?? `cursor-call-${++state.anonymousCalls}`;
    if (state.open.has(callId) || state.closed.has(callId)) return out;
    state.open.set(callId, { key: tool.key, name: tool.name, kind: tool.kind });
    if (state.turn) state.turn.hadTools = true;
    out.push({ type: 'tool.started', callId, name: tool.name, kind: tool.kind, input: tool.input ?? null });
    return out;
  }

  // a completion without an id closes the oldest open call of the same kind
  const callId = given ?? [...state.open].find(([, o]) => o.key === tool.key)?.[0];
  if (r.subtype === 'completed') {
    if (callId === undefined) {
      out.push({ type: 'warning', code: 'orphan-tool-result', message: `cursor-agent reported a ${tool.key} result without a call id`, raw: r });
      return out;
    }
    if (state.closed.has(callId)) return out;
    let open = state.open.get(callId);
    if (!open) {
      // completed without started (a dropped line): start it so every end has a beginning
      open = { key: tool.key, name: tool.name, kind: tool.kind };
      out.push({ type: 'tool.started', callId, name: tool.name, kind: tool.kind, input: tool.input ?? null });
      if (state.turn) state.turn.hadTools = true;
    }
    state.open.delete(callId);
    state.closed.add(callId);
    // completed lines sometimes omit args (MCP); the kind key from `started` decides the reading
    const outcome = toolOutcome(open.key, tool.body?.result);
    const durationMs = harnessDuration(r);
    out.push({
      type: 'tool.completed',
      callId,
      name: open.name,
      output: outcome.output,
      isError: outcome.isError,
      status: outcome.status,
      ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
      ...(durationMs !== undefined ? { durationMs } : {}),
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
  out.push({ type: 'warning', code: 'unknown-record', message: `cursor-agent printed tool_call/${String(r.subtype)} for a call that is not running`, raw: r });
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
    out.push({ type: 'usage', scope: 'run', source: 'result', confidence: 'partial', ...usage, ...(state.model ? { model: state.model } : {}) });
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
    return [{ type: 'warning', code: 'unknown-record', message: 'cursor-agent printed a JSON value without a type', raw: record }];
  }
  switch (record.type) {
    case 'system':
      if (record.subtype === 'init') return onInit(record as unknown as CursorSystemInit, state, ctx);
      return [{ type: 'status', code: `system-${String(record.subtype)}`, message: `cursor-agent system/${String(record.subtype)}`, raw: record }];
    case 'user':
      return onUser(record as unknown as CursorUserLine);
    case 'assistant':
      return onAssistant(record as unknown as CursorAssistantLine, state);
    case 'thinking':
      return onThinking(record as unknown as CursorThinkingLine, state);
    case 'tool_call':
      return onToolCall(record as unknown as CursorToolCallLine, state);
    case 'result':
      return onResult(record as unknown as CursorResultLine, state);
    case 'interaction_query':
      return onInteractionQuery(record as unknown as CursorInteractionQuery);
    default:
      return [{ type: 'warning', code: 'unknown-record', message: `cursor-agent printed an unknown record type: ${JSON.stringify(record.type)}`, raw: record }];
  }
}

function lastLine(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.length > 0 ? lines[lines.length - 1]!.slice(0, 500) : undefined;
}

function firstLine(text: string | undefined): string | undefined {
  const line = text?.split('\n').map((l) => l.trim()).find(Boolean);
  return line ? line.slice(0, 500) : undefined;
}

/** Why a run without a result line failed, read from stderr (the only place Cursor says it). */
export function explainStderr(stderrTail: string): string | undefined {
  if (/workspace trust required/i.test(stderrTail)) {
    return 'cursor-agent refused an untrusted workspace ("Workspace Trust Required"). omnigent passes --trust; if this persists, open the folder once with `cursor-agent` interactively, or update the CLI (`cursor-agent update`)';
  }
  if (/ActionRequiredError/.test(stderrTail)) {
    return `Cursor requires an action on your account (ActionRequiredError), e.g. a named model on a free plan: try --model auto, or check your plan at cursor.com${detail(stderrTail)}`;
  }
  if (/not (?:logged|signed) in|unauthori[sz]ed|authentication (?:required|failed)|login required|invalid api key/i.test(stderrTail)) {
    return `cursor-agent is not signed in: set CURSOR_API_KEY or run \`cursor-agent login\`${detail(stderrTail)}`;
  }
  return undefined;
}

function detail(stderrTail: string): string {
  const line = lastLine(stderrTail);
  return line ? ` (stderr: ${line})` : '';
}

function exitPhrase(exit: ExitInfo): string {
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.exitCode ?? 'unknown'}`;
}

/**
 * The child ended: close what is open and decide the outcome. Contract: success needs a `result`
 * line with `is_error: false` AND exit code 0; EOF without a result is a failure (Cursor's docs:
 * "the stream may end early without a terminal event"), explained from stderr when it can be.
 */
export function finishCursor(state: CursorState, exit: ExitInfo): FinishResult {
  const events: NonTerminalDraft[] = [];
  if (!state.sessionStarted) events.push(...unsupportedNotices(state.request));
  events.push(...flushPending(state));
  for (const [callId, open] of state.open) {
    events.push({ type: 'tool.completed', callId, name: open.name, output: null, isError: true, status: 'interrupted' });
  }
  state.open.clear();
  events.push(...closeTurn(state));

  const extras = {
    ...(state.usage ? { usage: { ...state.usage, source: 'result' as const, confidence: 'partial' as const } } : {}),
    ...(state.turns > 0 ? { turns: state.turns } : {}),
    ...(state.result?.text !== undefined ? { result: state.result.text } : {}),
  };
  const stderr = exit.stderrTail ? { stderrTail: exit.stderrTail } : {};
  const failed = (reason: 'error' | 'exit', message: string): TerminalDraft => ({ type: 'run.failed', reason, message, ...stderr, ...extras });

  let terminal: TerminalDraft;
  const r = state.result;
  if (r && r.isError) {
    const why = firstLine(r.text) ?? lastLine(exit.stderrTail) ?? 'no details';
    terminal = failed('error', `Cursor reported an error${r.subtype && r.subtype !== 'success' ? ` (${r.subtype})` : ''}: ${why}`);
  } else if (r && exit.exitCode === 0 && !exit.signal) {
    terminal = { type: 'run.completed', ...extras };
  } else if (r) {
    terminal = failed('exit', `cursor-agent ${exitPhrase(exit)} after its result line${detail(exit.stderrTail)}`);
  } else {
    const explained = explainStderr(exit.stderrTail);
    const base = `cursor-agent ${exitPhrase(exit)} without a result line`;
    const message = explained
      ? `${explained} [${base}]`
      : `${base}${exit.stderrTail ? `: ${lastLine(exit.stderrTail)}` : ' and printed nothing on stderr'}`;
    // the process ended without its result line: an `exit` failure, with code 0 too (the same rule
    // as the Claude Code plugin); the message names the cause when stderr tells it
    terminal = failed('exit', message);
  }
  return { events, terminal };
}
