import { addUsage, type NonTerminalDraft, type TokenUsage } from '@omnigent/core';
import { isRecord } from '@omnigent/core/kit';
import type { CodexItemStatus, CodexRequestUserInputEvent, CodexThreadEvent, CodexThreadItem } from './events.js';
import { mcpRefOfItem } from './mcp.js';
import type { CodexState } from './state.js';
import { TOOL_ITEMS, toolName } from './tools.js';
import { fromCodexUsage, priceUsage, usageDelta } from './usage.js';

type Draft = NonTerminalDraft;
type Rec = Record<string, unknown>;

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function toolInput(item: Rec): unknown {
  switch (item.type) {
    case 'command_execution':
      return { command: item.command };
    case 'file_change':
      return { changes: changesOf(item) };
    case 'mcp_tool_call':
      return item.arguments ?? null;
    case 'collab_tool_call':
      return { prompt: item.prompt ?? null, receiverThreadIds: item.receiver_thread_ids ?? [] };
    case 'web_search':
      return { query: item.query ?? null, ...(item.action !== undefined ? { action: item.action } : {}) };
    case 'todo_list':
      return { items: item.items ?? [] };
    default:
      return item;
  }
}

function toolOutput(item: Rec): unknown {
  switch (item.type) {
    case 'command_execution':
      return text(item.aggregated_output);
    case 'file_change':
      return { changes: changesOf(item) };
    case 'mcp_tool_call':
      return isRecord(item.error) ? { error: item.error.message } : (item.result ?? null);
    case 'collab_tool_call':
      return { agentsStates: item.agents_states ?? {} };
    case 'web_search':
      // newer codex resolves the action (search, open_page, find_in_page) only at completion
      return { query: item.query ?? null, ...(item.action !== undefined ? { action: item.action } : {}) };
    case 'todo_list':
      return { items: item.items ?? [] };
    default:
      return null;
  }
}

function changesOf(item: Rec): { path: string; kind: 'add' | 'update' | 'delete' }[] {
  if (!Array.isArray(item.changes)) return [];
  return item.changes.flatMap((c: unknown) => {
    if (!isRecord(c) || typeof c.path !== 'string') return [];
    const kind = c.kind === 'add' || c.kind === 'delete' ? c.kind : 'update';
    return [{ path: c.path, kind }];
  });
}

function statusOf(item: Rec): CodexItemStatus | undefined {
  const s = item.status;
  return s === 'in_progress' || s === 'completed' || s === 'failed' || s === 'declined' ? s : undefined;
}

function toolEvents(kind: 'item.started' | 'item.updated' | 'item.completed', item: Rec, state: CodexState): Draft[] {
  const callId = String(item.id);
  const name = toolName(item);
  const mcp = mcpRefOfItem(item);
  const out: Draft[] = [];
  // web_search and some MCP calls can arrive completed-only: open them so every end has a start
  if (!state.openTools.has(callId)) {
    state.openTools.set(callId, name);
    out.push({
      type: 'tool.started',
      callId,
      name,
      kind: TOOL_ITEMS[String(item.type)] ?? 'other',
      input: toolInput(item),
      ...(mcp ? { mcp } : {}),
    });
  }
  if (kind === 'item.started') return out;
  if (kind === 'item.updated') {
    out.push({ type: 'tool.updated', callId, name, output: toolOutput(item) });
    return out;
  }
  state.openTools.delete(callId);
  const status = statusOf(item);
  const mcpError = item.type === 'mcp_tool_call' && isRecord(item.error);
  const isError = status === 'failed' || status === 'declined' || mcpError;
  const exitCode = typeof item.exit_code === 'number' ? item.exit_code : undefined;
  out.push({
    type: 'tool.completed',
    callId,
    name,
    output: toolOutput(item),
    isError,
    status: status === 'declined' ? 'denied' : isError ? 'error' : 'ok',
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...(mcp ? { mcp } : {}),
  });
  // codex applies a patch file by file, so a `failed` one may have changed some of its paths (the
  // JSON does not say which): report them all, tied to the failed call; a declined one touched none
  if (item.type === 'file_change' && status !== 'declined') {
    for (const change of changesOf(item))
      out.push({ type: 'file.changed', path: change.path, change: change.kind, callId });
  }
  return out;
}

function itemEvents(
  kind: 'item.started' | 'item.updated' | 'item.completed',
  raw: unknown,
  state: CodexState,
  record: unknown,
): Draft[] {
  // the one cast for items (checked just below): the union narrows on `type`; fields stay read
  // defensively (text(), isRecord) because older and newer CLIs omit or reshape them
  const item = raw as CodexThreadItem;
  if (!isRecord(raw) || typeof raw.type !== 'string') {
    return [
      {
        type: 'warning',
        code: 'unknown-record',
        message: `codex printed an ${kind} line without an item`,
        raw: record,
      },
    ];
  }
  switch (item.type) {
    case 'agent_message': {
      if (kind !== 'item.completed') return [];
      const t = text(item.text);
      state.lastMessage = t;
      return [
        {
          type: 'message',
          role: 'assistant',
          text: t,
          ...(state.model ? { model: state.model } : {}),
          provider: state.provider,
        },
      ];
    }
    case 'plan': {
      // plan mode's proposed plan: codex's final answer when the turn has no agent message
      if (kind !== 'item.completed') return [];
      const t = text(item.text);
      state.lastPlan = t;
      return t.length > 0
        ? [
            {
              type: 'message',
              role: 'assistant',
              text: t,
              ...(state.model ? { model: state.model } : {}),
              provider: state.provider,
            },
          ]
        : [];
    }
    case 'reasoning': {
      const t = text(item.text);
      return kind === 'item.completed' && t.length > 0 ? [{ type: 'reasoning', text: t }] : [];
    }
    case 'error':
      // item-level errors are codex's warnings (unknown model, ignored config, reroutes): never fatal
      return kind === 'item.completed'
        ? [{ type: 'warning', code: 'harness-warning', message: text(item.message), raw: item }]
        : [];
    default:
      if (raw.type in TOOL_ITEMS) return toolEvents(kind, raw, state);
      if (state.reportedUnknown.has(String(raw.id))) return [];
      state.reportedUnknown.add(String(raw.id));
      return [
        {
          type: 'warning',
          code: 'unknown-item',
          message: `codex item type "${raw.type}" is not known to this plugin; kept as raw`,
          raw: item,
        },
      ];
  }
}

function turnCompleted(usage: unknown, state: CodexState): Draft[] {
  const turn = Math.max(state.turns, 1);
  state.completed = true;
  if (!isRecord(usage)) return [{ type: 'turn.completed', turn }];
  // codex reports the thread's running total: this turn is the difference to the previous total
  const total = fromCodexUsage(usage);
  const delta: TokenUsage = usageDelta(total, state.previousTotal);
  state.previousTotal = total;
  if (state.price) {
    const cost = priceUsage(delta, state.price);
    if (cost !== undefined) {
      delta.costUsd = cost;
      delta.costSource = 'configured-price';
    }
  }
  state.runUsage = addUsage(state.runUsage, delta);
  const confidence = state.usageConfidence;
  return [
    {
      type: 'usage',
      scope: 'turn',
      source: 'derived',
      confidence,
      ...delta,
      ...(state.model ? { model: state.model } : {}),
      provider: state.provider,
    },
    { type: 'turn.completed', turn, usage: delta },
  ];
}

/**
 * `request_user_input`: the model asked the user something. Exec cannot answer (stdin is closed and
 * codex rejects the request in exec mode), so the run goes on without an answer; say what was asked.
 */
function userInputWarning(record: CodexRequestUserInputEvent): Draft {
  const questions: unknown[] = Array.isArray(record.questions) ? record.questions : [];
  const asked = questions
    .map((q) => (isRecord(q) ? text(q.question) || text(q.header) : ''))
    .filter((q) => q.length > 0);
  return {
    type: 'warning',
    code: 'user-input-requested',
    message: `codex asked for user input, which cannot be answered in a non-interactive run; it continues without an answer${asked.length ? `: ${asked.join(' / ')}` : ''}`,
    raw: record,
  };
}

/** Codex hides every provider 5xx behind one generic text; say so, or users chase a capacity problem. */
export function explainFailure(message: string): string {
  return /experiencing high demand/i.test(message)
    ? `${message} (codex reports any HTTP 5xx from the model provider this way)`
    : message;
}

/**
 * Translate one `codex exec --json` line. Pure apart from `state`. Contract: a top-level `error`
 * or `turn.failed` only records the failure (the terminal event comes from `finish`); `error`
 * ITEMS are warnings.
 */
export function translateCodex(record: unknown, state: CodexState): NonTerminalDraft[] {
  // the one cast (checked just below): from there the line's own union narrows on `type`
  const event = record as CodexThreadEvent;
  if (!isRecord(record) || typeof record.type !== 'string') {
    return [
      { type: 'warning', code: 'unknown-record', message: 'codex printed a JSON line without a type', raw: record },
    ];
  }
  switch (event.type) {
    case 'thread.started': {
      const threadId = text(event.thread_id);
      state.threadId = threadId;
      return [
        {
          type: 'session.started',
          sessionId: threadId,
          cwd: state.cwd,
          ...(state.model ? { model: state.model } : {}),
          provider: state.provider,
          details: { resumed: state.resumed, usageBaseline: state.baselineSource },
        },
      ];
    }
    case 'turn.started':
      state.turns += 1;
      return [{ type: 'turn.started', turn: state.turns }];
    case 'turn.completed':
      return turnCompleted(event.usage, state);
    case 'turn.failed': {
      const err: unknown = event.error;
      state.failure = explainFailure(
        (isRecord(err) ? text(err.message) : '') ||
          state.streamErrors.at(-1) ||
          'codex reported turn.failed without a message',
      );
      // close the turn so telemetry spans end; the failure itself is the terminal event
      return [{ type: 'turn.completed', turn: Math.max(state.turns, 1) }];
    }
    case 'error': {
      const message = text(event.message);
      // a retry notice: say so while it happens (backoff can take a while); only a failure follows
      if (/^Reconnecting\.\.\./.test(message)) return [{ type: 'warning', code: 'api-retry', message, raw: record }];
      state.streamErrors.push(message);
      return [];
    }
    case 'item.started':
    case 'item.updated':
    case 'item.completed':
      return itemEvents(event.type, event.item, state, record);
    case 'item.plan.delta':
      // plan-mode text deltas; the completed `plan` item carries the whole text
      return [];
    case 'request_user_input':
      return [userInputWarning(event)];
    default:
      return [
        {
          type: 'warning',
          code: 'unknown-record',
          message: `codex printed an unknown event type "${record.type}"`,
          raw: record,
        },
      ];
  }
}
