import { homedir } from 'node:os';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { addUsage, type NonTerminalDraft, type TranslateContext } from '@omnigent/core';
import type {
  PiAssistantMessage,
  PiAssistantMessageEvent,
  PiBashExecutionMessage,
  PiContentBlock,
  PiMessage,
  PiRecord,
  PiToolResult,
} from './events.js';
import type { PiState } from './state.js';
import { piToolKind } from './tools.js';
import { piCallUsage } from './usage.js';

/** Text of content blocks (text blocks only, joined as they were streamed). */
function blocksText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as PiContentBlock[])
    .filter(
      (b): b is Extract<PiContentBlock, { type: 'text' }> => !!b && b.type === 'text' && typeof b.text === 'string',
    )
    .map((b) => b.text)
    .join('');
}

/** A tool result as output: its text when it has text only, else the whole result. */
function toolOutput(result: PiToolResult | undefined): unknown {
  if (!result || typeof result !== 'object') return result ?? null;
  const content = Array.isArray(result.content) ? result.content : [];
  if (content.every((b) => b && b.type === 'text')) return blocksText(content);
  return result;
}

/**
 * The file a successful `write` (add) or `edit` (update) call changed, as an absolute path resolved
 * the way pi's tools resolve it: a leading `@` dropped, `~` is the home directory, else relative to
 * pi's cwd. (Pi's write does not say whether the file existed; like cursor's, it counts as `add`.)
 */
function changedFile(name: string, args: unknown, cwd: string): { path: string; change: 'add' | 'update' } | undefined {
  const change = name === 'write' ? 'add' : name === 'edit' ? 'update' : undefined;
  if (!change || !args || typeof args !== 'object') return undefined;
  const raw = (args as { path?: unknown }).path;
  if (typeof raw !== 'string' || raw === '') return undefined;
  let p = raw.startsWith('@') ? raw.slice(1) : raw;
  if (p === '~' || p.startsWith('~/')) p = homedir() + p.slice(1);
  return { path: isAbsolute(p) ? p : resolvePath(cwd, p), change };
}

const EXIT_CODE_RE = /Command exited with code (\d+)\s*$/;

/** Exit code of pi's bash tool: only in the result text (`Command exited with code N`), 0 on success. */
export function bashExitCode(output: unknown, isError: boolean): number | undefined {
  if (!isError) return 0;
  if (typeof output !== 'string') return undefined;
  const m = EXIT_CODE_RE.exec(output);
  return m ? Number(m[1]) : undefined;
}

function modelOf(m: PiAssistantMessage): string | undefined {
  return m.responseModel ?? m.model;
}

function isAssistant(m: PiMessage | undefined): m is PiAssistantMessage {
  return !!m && m.role === 'assistant';
}

function onAssistantEnd(m: PiAssistantMessage, state: PiState): NonTerminalDraft[] {
  const out: NonTerminalDraft[] = [];
  const model = modelOf(m);
  const content = Array.isArray(m.content) ? m.content : [];
  // whole thinking blocks, as pi finalized them
  for (const block of content) {
    if (block && block.type === 'thinking' && typeof block.thinking === 'string' && block.thinking.length > 0) {
      out.push({ type: 'reasoning', text: block.thinking });
    }
  }
  // the final text comes from the final content, never from the `partial` snapshots; a call that
  // failed mid-stream may end with less content than was streamed, and the deltas must add up
  const final = blocksText(content);
  const streamed = [...state.streamedText.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, t]) => t)
    .join('');
  const text = final.length >= streamed.length || !streamed.startsWith(final) ? final : streamed;
  if (text.length > 0) {
    out.push({
      type: 'message',
      role: 'assistant',
      text,
      ...(model ? { model } : {}),
      ...(m.provider ? { provider: m.provider } : {}),
    });
    state.answer = text;
  }
  const usage = piCallUsage(m, state.pricesConfigured);
  if (usage) {
    state.calls += 1;
    state.total = addUsage(state.total, usage);
    out.push({
      type: 'usage',
      scope: 'call',
      source: 'stream',
      confidence: 'exact',
      ...usage,
      ...(model ? { model } : {}),
      ...(m.provider ? { provider: m.provider } : {}),
      ...(m.responseId ? { callId: m.responseId } : {}),
    });
  }
  if (m.stopReason === 'length') {
    out.push({
      type: 'warning',
      code: 'max-output-tokens',
      message: `The answer of ${model ?? 'the model'} was cut off at its output token limit`,
      raw: { stopReason: m.stopReason },
    });
  }
  state.last = {
    ...(m.stopReason ? { stopReason: m.stopReason } : {}),
    ...(m.errorMessage ? { errorMessage: m.errorMessage } : {}),
    ...(model ? { model } : {}),
  };
  state.streamedText.clear();
  state.streamedThinking.clear();
  return out;
}

function onUpdate(e: PiAssistantMessageEvent | undefined, state: PiState): NonTerminalDraft[] {
  if (!e || typeof e.delta !== 'string' || e.delta.length === 0) return [];
  const index = typeof e.contentIndex === 'number' ? e.contentIndex : 0;
  if (e.type === 'text_delta') {
    state.streamedText.set(index, (state.streamedText.get(index) ?? '') + e.delta);
    return [{ type: 'message.delta', role: 'assistant', text: e.delta }];
  }
  if (e.type === 'thinking_delta') {
    state.streamedThinking.set(index, (state.streamedThinking.get(index) ?? '') + e.delta);
    return [{ type: 'reasoning', text: e.delta, delta: true }];
  }
  // toolcall deltas: the call is reported once it runs (tool_execution_start), with parsed args
  return [];
}

function onBashExecution(m: PiBashExecutionMessage): NonTerminalDraft[] {
  const callId = `bash-execution-${m.timestamp ?? Date.now()}`;
  // `exitCode` is null when the command died of a signal, absent when cancelled: no code then
  const exitCode = typeof m.exitCode === 'number' ? m.exitCode : undefined;
  const isError = m.cancelled === true || (exitCode !== undefined && exitCode !== 0);
  return [
    { type: 'tool.started', callId, name: 'bash', kind: 'shell', input: { command: m.command } },
    {
      type: 'tool.completed',
      callId,
      name: 'bash',
      output: m.output,
      isError,
      ...(exitCode !== undefined && m.cancelled !== true ? { exitCode } : {}),
      status: m.cancelled === true ? 'interrupted' : isError ? 'error' : 'ok',
    },
  ];
}

/**
 * Translate one `pi --mode json` record into normalized events. Pure apart from `state`.
 * Contract: assistant text is rebuilt from `text_delta` deltas plus one `message` from the final
 * content at `message_end` (the repeated `partial` snapshots run ahead of the deltas and are never
 * read); usage is per model call, normalized so that `input` includes cache tokens.
 */
export function translatePi(record: unknown, state: PiState, _ctx?: TranslateContext): NonTerminalDraft[] {
  if (!record || typeof record !== 'object') {
    return [
      {
        type: 'warning',
        code: 'unknown-record',
        message: 'pi printed a JSON value that is not an object',
        raw: record,
      },
    ];
  }
  // the one cast: the record's own union narrows on `type`; fields stay read defensively (typeof,
  // String()) because pi versions differ and an extension may print anything
  const r = record as PiRecord;
  switch (r.type) {
    case 'session': {
      const id = typeof r.id === 'string' ? r.id : undefined;
      if (id) state.sessionId = id;
      if (typeof r.cwd === 'string' && r.cwd !== '') state.cwd = r.cwd;
      const provider =
        state.request.provider ??
        (typeof state.request.options?.provider === 'string' ? state.request.options.provider : undefined);
      return [
        {
          type: 'session.started',
          ...(id ? { sessionId: id } : {}),
          cwd: typeof r.cwd === 'string' ? r.cwd : (state.request.cwd ?? process.cwd()),
          ...(state.request.model ? { model: state.request.model } : {}),
          ...(provider ? { provider } : {}),
          details: {
            ...(typeof r.version === 'number' ? { sessionFormat: r.version } : {}),
            ...(provider ? { provider } : {}),
            ...(state.request.resume ? { resumed: true } : {}),
          },
        },
      ];
    }
    case 'agent_start':
      // a fresh prompt (not a retry of the last one) clears an earlier failure
      if (!state.retrying) state.retryError = undefined;
      return [];
    case 'agent_end':
      return [];
    case 'turn_start':
      state.turn += 1;
      return [{ type: 'turn.started', turn: state.turn }];
    case 'turn_end': {
      const m = r.message;
      const usage = isAssistant(m) ? piCallUsage(m, state.pricesConfigured) : undefined;
      return [{ type: 'turn.completed', turn: Math.max(state.turn, 1), ...(usage ? { usage } : {}) }];
    }
    case 'message_start': {
      const m = r.message;
      if (!isAssistant(m)) return [];
      state.streamedText.clear();
      state.streamedThinking.clear();
      // the provider varies per model (models.json or built-ins): say which one answers, once
      const key = `${m.provider ?? ''}/${m.model ?? ''}/${m.api ?? ''}`;
      if (!m.provider || key === state.announcedModel) return [];
      state.announcedModel = key;
      return [
        {
          type: 'status',
          code: 'model',
          message: `pi calls ${m.provider}/${m.model ?? 'unknown model'}${m.api ? ` (${m.api})` : ''}`,
          raw: { provider: m.provider, model: m.model, api: m.api },
        },
      ];
    }
    case 'message_update':
      return onUpdate(r.assistantMessageEvent, state);
    case 'message_end': {
      const m: PiMessage | undefined = r.message;
      if (!m || typeof m !== 'object') return [];
      if (isAssistant(m)) return onAssistantEnd(m, state);
      if (m.role === 'user') {
        const text = blocksText(m.content);
        return text ? [{ type: 'message', role: 'user', text }] : [];
      }
      if (m.role === 'bashExecution') return onBashExecution(m);
      if (m.role === 'custom') {
        // an extension's message: shown to the user unless `display: false` (then context only)
        const custom = m;
        const text = blocksText(custom.content);
        return custom.display !== false && text ? [{ type: 'message', role: 'system', text }] : [];
      }
      // toolResult repeats tool_execution_end; summary messages are pi's own bookkeeping
      return [];
    }
    case 'tool_execution_start': {
      const callId = String(r.toolCallId ?? '');
      const name = String(r.toolName ?? 'unknown');
      state.openTools.set(callId, name);
      state.toolArgs.set(callId, r.args);
      return [{ type: 'tool.started', callId, name, kind: piToolKind(name), input: r.args ?? null }];
    }
    case 'tool_execution_update': {
      const callId = String(r.toolCallId ?? '');
      const output = toolOutput(r.partialResult);
      // pi sends an empty first update before any output
      if (output === '' || output === null) return [];
      return [
        { type: 'tool.updated', callId, name: String(r.toolName ?? state.openTools.get(callId) ?? 'unknown'), output },
      ];
    }
    case 'tool_execution_end': {
      const callId = String(r.toolCallId ?? '');
      const name = String(r.toolName ?? state.openTools.get(callId) ?? 'unknown');
      state.openTools.delete(callId);
      const args = state.toolArgs.get(callId);
      state.toolArgs.delete(callId);
      const isError = r.isError === true;
      const output = toolOutput(r.result);
      const exitCode = name === 'bash' ? bashExitCode(output, isError) : undefined;
      // pi's bash tool ends a command it killed on abort (SIGINT/SIGTERM) with this line
      const aborted =
        isError && name === 'bash' && typeof output === 'string' && /(^|\n)Command aborted\s*$/.test(output);
      const changed = isError ? undefined : changedFile(name, args, state.cwd);
      return [
        {
          type: 'tool.completed',
          callId,
          name,
          output,
          isError,
          ...(exitCode !== undefined ? { exitCode } : {}),
          status: aborted ? 'interrupted' : isError ? 'error' : 'ok',
        },
        ...(changed ? [{ type: 'file.changed' as const, ...changed, callId }] : []),
      ];
    }
    case 'auto_retry_start': {
      state.retrying = true;
      const attempt = typeof r.attempt === 'number' ? r.attempt : undefined;
      const max = typeof r.maxAttempts === 'number' ? r.maxAttempts : undefined;
      const delay = typeof r.delayMs === 'number' ? ` in ${r.delayMs} ms` : '';
      const which =
        attempt !== undefined ? ` (attempt ${attempt}${max !== undefined ? ` of ${max}` : ''}${delay})` : '';
      return [
        {
          type: 'warning',
          code: 'api-retry',
          message: `Pi retries the model call${which}: ${String(r.errorMessage ?? 'unknown error')}`,
          raw: record,
        },
      ];
    }
    case 'auto_retry_end': {
      state.retrying = false;
      if (typeof r.attempt === 'number') state.retryAttempts = r.attempt;
      if (r.success === true) {
        return [
          {
            type: 'status',
            code: 'api-retry-recovered',
            message: `Pi's model call succeeded after ${String(r.attempt ?? 'some')} retries`,
            raw: record,
          },
        ];
      }
      state.retryError =
        typeof r.finalError === 'string' ? r.finalError : (state.last?.errorMessage ?? 'the model call failed');
      return [
        {
          type: 'warning',
          code: 'api-retry-failed',
          message: `Pi gave up retrying the model call: ${state.retryError}`,
          raw: record,
        },
      ];
    }
    case 'compaction_start':
      return [
        {
          type: 'status',
          code: 'compaction',
          message: `Pi is compacting the conversation (${String(r.reason ?? 'unknown reason')})`,
          raw: record,
        },
      ];
    case 'compaction_end': {
      if (r.aborted === true || typeof r.errorMessage === 'string') {
        const why = typeof r.errorMessage === 'string' ? r.errorMessage : 'aborted';
        return [
          {
            type: 'warning',
            code: 'compaction-failed',
            message: `Pi could not compact the conversation: ${why}${r.willRetry === true ? ' (it will retry)' : ''}`,
            raw: record,
          },
        ];
      }
      return [{ type: 'status', code: 'compaction-done', message: 'Pi compacted the conversation', raw: record }];
    }
    case 'extension_error':
      return [
        {
          type: 'warning',
          code: 'extension-error',
          message: `Pi extension ${String(r.extensionPath ?? '(unknown)')} failed${r.event ? ` in ${String(r.event)}` : ''}: ${String(r.error ?? 'unknown error')}`,
          raw: record,
        },
      ];
    case 'response':
      // RPC replies; only a refused command is worth reporting
      return r.success === false
        ? [
            {
              type: 'warning',
              code: 'harness-warning',
              message: `Pi refused the ${String(r.command ?? 'RPC')} command: ${String(r.error ?? '')}`,
              raw: record,
            },
          ]
        : [];
    case 'queue_update':
    case 'session_info_changed':
    case 'thinking_level_changed':
      return [];
    default:
      // a type of a newer pi (the typed union has none left here)
      return [
        {
          type: 'warning',
          code: 'unknown-record',
          message: `pi printed a record of unknown type ${JSON.stringify((record as { type?: unknown }).type)}`,
          raw: record,
        },
      ];
  }
}
