import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { NonTerminalDraft, TokenUsage } from '@omnigent/core';
import { isRecord, num, str } from '@omnigent/core/kit';
import {
  contentText,
  diffsOf,
  effectiveKind,
  exitCodeOf,
  fileChanged,
  mcpRef,
  toolKind,
  toolName,
  type DiffChange,
} from './tools.js';

/** ACP tool kinds that change files (their locations are the files). */
const FILE_KINDS = new Set(['edit', 'delete', 'move']);
/** ACP tool kinds that change something. */
const MUTATING = new Set(['edit', 'delete', 'move', 'execute']);

/** A tool call seen in `session/update`, until it completes. */
interface OpenCall {
  name: string;
  acpKind: string;
  diffs: DiffChange[];
  locations: string[];
  /** Whether each location existed when the call was announced (to tell add from update without a diff). */
  existed: Map<string, boolean>;
  lastOutput: string | undefined;
}

/** The cost the agent reported last (`usage_update.cost`), cumulative for the session. */
export interface ReportedCost {
  amount: number;
  currency: string;
}

/**
 * `session/update` notifications → normalized events, with the state they need (streamed text,
 * open tool calls, the last context/cost report). Contract: streamed text is emitted as
 * `message.delta` and closed into one `message` before any other kind of event and at the end of the
 * turn; a tool call gets exactly one `tool.started` (even when its first sight is an update) and
 * one `tool.completed` (at `completed`/`failed`); diffs become `file.changed` only when the call
 * completed (a rejected edit changed nothing); an edit/delete/move call without a diff reports its
 * locations as the file system shows them (added, updated or deleted since the call was announced).
 */
export class UpdateTranslator {
  private text = '';
  private thought = '';
  private readonly calls = new Map<string, OpenCall>();
  /** Calls whose permission request omnigent rejected: their failure reads `denied`. */
  readonly denied = new Set<string>();
  /** Calls that asked for permission (the others ran without asking). */
  readonly asked = new Set<string>();
  /** Names of calls that changed something (edit, delete, move, execute) without asking for permission. */
  readonly unasked: string[] = [];
  /** The last assistant message (the run's result). */
  lastMessage: string | undefined;
  cost: ReportedCost | undefined;
  context: { used: number; size: number } | undefined;
  /** Updates of kinds omnigent does not map, by kind (counted, reported once at the end). */
  readonly unknownKinds = new Map<string, number>();

  /**
   * Announced calls whose input has not come yet (the Claude adapter announces a call with `{}` and
   * sends the input in the next update): started when it comes, or before anything else is emitted.
   */
  private readonly unstarted = new Map<string, Record<string, unknown>>();

  /** One `session/update`'s `update` object → drafts. */
  translate(update: unknown): NonTerminalDraft[] {
    if (!isRecord(update))
      return [
        { type: 'warning', code: 'unknown-record', message: 'session/update without an update object', raw: update },
      ];
    const kind = str(update.sessionUpdate) ?? '';
    const callId = str(update.toolCallId);
    if (kind === 'tool_call_update' && callId && this.unstarted.has(callId)) {
      const first = this.unstarted.get(callId)!;
      this.unstarted.delete(callId);
      const merged = {
        ...first,
        ...Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined && v !== null)),
      };
      return [...this.startPending(), ...this.flush(), ...this.start(callId, merged), ...this.toolUpdate(update, true)];
    }
    if (
      kind === 'tool_call' &&
      callId &&
      !this.calls.has(callId) &&
      isEmptyInput(update.rawInput) &&
      (update.status === undefined || update.status === 'pending')
    ) {
      this.unstarted.set(callId, update);
      return this.flush();
    }
    return [...this.startPending(), ...this.translateNow(update, kind)];
  }

  /** Start every call still waiting for its input (something else is about to be emitted). */
  startPending(): NonTerminalDraft[] {
    const out: NonTerminalDraft[] = [];
    for (const [callId, u] of this.unstarted) out.push(...this.start(callId, u));
    this.unstarted.clear();
    return out;
  }

  /** The tool name of a call seen (permission requests carry only a title). */
  nameOf(callId: string): string | undefined {
    return (
      this.calls.get(callId)?.name ?? (this.unstarted.has(callId) ? toolName(this.unstarted.get(callId)!) : undefined)
    );
  }

  private translateNow(update: Record<string, unknown>, kind: string): NonTerminalDraft[] {
    switch (kind) {
      case 'agent_message_chunk': {
        const t = chunkText(update.content);
        if (t === undefined) return this.nonText(update);
        if (t === '') return [];
        const out = this.flushThought();
        this.text += t;
        out.push({ type: 'message.delta', role: 'assistant', text: t });
        return out;
      }
      case 'agent_thought_chunk': {
        const t = chunkText(update.content);
        if (t === undefined) return this.nonText(update);
        if (t === '') return [];
        const out = this.flushText();
        this.thought += t;
        out.push({ type: 'reasoning', text: t, delta: true });
        return out;
      }
      case 'user_message_chunk': {
        const t = chunkText(update.content);
        return t === undefined ? this.nonText(update) : [...this.flush(), { type: 'message', role: 'user', text: t }];
      }
      case 'tool_call':
        return [...this.flush(), ...this.toolCall(update)];
      case 'tool_call_update':
        return [...this.flush(), ...this.toolUpdate(update)];
      case 'plan':
        return [...this.flush(), planStatus(update)];
      case 'usage_update':
        return this.usageUpdate(update);
      case 'current_mode_update':
        return [
          {
            type: 'status',
            code: 'mode',
            message: `agent mode: ${str(update.currentModeId) ?? 'unknown'}`,
            raw: update,
          },
        ];
      case 'session_info_update':
        // only a title is news; the rest is the adapter's bookkeeping (pi-acp's queue depth in _meta)
        return str(update.title)
          ? [{ type: 'status', code: 'session-info', message: `session title: ${str(update.title)}`, raw: update }]
          : [];
      case 'available_commands_update':
      case 'config_option_update':
        // catalogue updates: how the agent can be driven, nothing that happened in the run
        return [];
      default:
        this.unknownKinds.set(kind, (this.unknownKinds.get(kind) ?? 0) + 1);
        return [];
    }
  }

  /** End of the turn: close streamed text and every open tool call (the agent said the turn is over). */
  endTurn(): NonTerminalDraft[] {
    const out = [...this.startPending(), ...this.flush()];
    for (const [callId, call] of this.calls) {
      out.push({
        type: 'tool.completed',
        callId,
        name: call.name,
        output: call.lastOutput ?? null,
        isError: true,
        status: 'interrupted',
      });
    }
    this.calls.clear();
    if (this.unknownKinds.size) {
      out.push({
        type: 'warning',
        code: 'unknown-record',
        message: `the agent sent session/update kinds omnigent does not map: ${[...this.unknownKinds].map(([k, n]) => `${k || '(none)'} ×${n}`).join(', ')}`,
      });
      this.unknownKinds.clear();
    }
    return out;
  }

  /** The ACP kind of a call seen before (permission requests name calls by id). */
  kindOf(callId: string): string | undefined {
    return this.calls.get(callId)?.acpKind ?? str(this.unstarted.get(callId)?.kind);
  }

  /** Close the streamed text and thought. */
  flush(): NonTerminalDraft[] {
    return [...this.flushThought(), ...this.flushText()];
  }

  private flushText(): NonTerminalDraft[] {
    if (!this.text) return [];
    const text = this.text;
    this.text = '';
    this.lastMessage = text;
    return [{ type: 'message', role: 'assistant', text }];
  }

  private flushThought(): NonTerminalDraft[] {
    if (!this.thought) return [];
    const text = this.thought;
    this.thought = '';
    return [{ type: 'reasoning', text }];
  }

  private nonText(update: Record<string, unknown>): NonTerminalDraft[] {
    const c = isRecord(update.content) ? update.content : {};
    return [
      {
        type: 'status',
        code: 'content',
        message: `the agent sent ${str(c.type) ?? 'unknown'} content (${str(update.sessionUpdate)})`,
        raw: { type: c.type, uri: c.uri, mimeType: c.mimeType },
      },
    ];
  }

  private start(callId: string, u: Record<string, unknown>): NonTerminalDraft[] {
    const name = toolName(u);
    const acpKind = effectiveKind(str(u.kind), name);
    const call: OpenCall = {
      name,
      acpKind,
      diffs: diffsOf(u.content),
      locations: [],
      existed: new Map(),
      lastOutput: contentText(u.content),
    };
    this.locate(call, locationsOf(u.locations));
    this.calls.set(callId, call);
    const mcp = mcpRef(name);
    return [
      {
        type: 'tool.started',
        callId,
        name,
        kind: mcp ? 'mcp' : toolKind(acpKind),
        input: u.rawInput ?? (str(u.title) ? { title: u.title } : {}),
        ...(mcp ? { mcp } : {}),
      },
    ];
  }

  private toolCall(u: Record<string, unknown>): NonTerminalDraft[] {
    const callId = str(u.toolCallId);
    if (!callId)
      return [{ type: 'warning', code: 'unknown-record', message: 'tool_call without a toolCallId', raw: u }];
    if (this.calls.has(callId)) return this.toolUpdate(u);
    return [...this.start(callId, u), ...this.maybeEnd(callId, u)];
  }

  private toolUpdate(u: Record<string, unknown>, justStarted = false): NonTerminalDraft[] {
    const callId = str(u.toolCallId);
    if (!callId)
      return [{ type: 'warning', code: 'unknown-record', message: 'tool_call_update without a toolCallId', raw: u }];
    const out: NonTerminalDraft[] = [];
    if (justStarted && this.calls.has(callId)) {
      // the start already carries this update's content: only its end is left to report
      return this.maybeEnd(callId, u);
    }
    // an update for a call never announced (or already completed and reported again) still gets a start
    if (!this.calls.has(callId)) out.push(...this.start(callId, u));
    const call = this.calls.get(callId)!;
    if (str(u.kind)) call.acpKind = effectiveKind(str(u.kind), call.name);
    call.diffs.push(...diffsOf(u.content).filter((d) => !call.diffs.some((x) => x.path === d.path)));
    this.locate(call, locationsOf(u.locations));
    const text = contentText(u.content);
    if (text !== undefined && text !== call.lastOutput && u.status !== 'completed' && u.status !== 'failed') {
      call.lastOutput = text;
      out.push({ type: 'tool.updated', callId, name: call.name, output: text });
    } else if (text !== undefined) call.lastOutput = text;
    out.push(...this.maybeEnd(callId, u));
    return out;
  }

  private maybeEnd(callId: string, u: Record<string, unknown>): NonTerminalDraft[] {
    const status = str(u.status);
    if (status !== 'completed' && status !== 'failed') return [];
    const call = this.calls.get(callId)!;
    this.calls.delete(callId);
    const failed = status === 'failed';
    const denied = failed && this.denied.has(callId);
    const exitCode = exitCodeOf(u.rawOutput);
    const mcp = mcpRef(call.name);
    const out: NonTerminalDraft[] = [
      {
        type: 'tool.completed',
        callId,
        name: call.name,
        output: u.rawOutput ?? call.lastOutput ?? null,
        isError: failed,
        status: denied ? 'denied' : failed ? 'error' : 'ok',
        ...(exitCode !== undefined ? { exitCode } : {}),
        ...(mcp ? { mcp } : {}),
      },
    ];
    if (!failed) {
      if (MUTATING.has(call.acpKind) && !this.asked.has(callId)) this.unasked.push(call.name);
      for (const d of call.diffs) out.push(fileChanged(d.path, d.change, callId));
      // no diff (pi-acp sends none): what the file system shows at the call's locations now
      if (!call.diffs.length && FILE_KINDS.has(call.acpKind)) {
        for (const p of call.locations) {
          const before = call.existed.get(p) ?? false;
          const now = existsSync(p);
          if (before && !now) out.push(fileChanged(p, 'delete', callId));
          else if (now) out.push(fileChanged(p, before ? 'update' : 'add', callId));
        }
      }
    }
    return out;
  }

  /** Record a call's absolute locations, with whether each exists now. */
  private locate(call: OpenCall, paths: string[]): void {
    for (const p of paths) {
      if (!isAbsolute(p) || call.existed.has(p)) continue;
      call.locations.push(p);
      call.existed.set(p, existsSync(p));
    }
  }

  private usageUpdate(u: Record<string, unknown>): NonTerminalDraft[] {
    const used = num(u.used);
    const size = num(u.size);
    if (used !== undefined && size !== undefined) this.context = { used, size };
    const cost = isRecord(u.cost) ? u.cost : undefined;
    if (cost && num(cost.amount) !== undefined && str(cost.currency))
      this.cost = { amount: num(cost.amount)!, currency: str(cost.currency)! };
    const parts = [
      used !== undefined && size !== undefined ? `context ${used}/${size} tokens` : undefined,
      this.cost ? `cost ${this.cost.amount} ${this.cost.currency}` : undefined,
    ].filter(Boolean);
    return [{ type: 'status', code: 'usage-update', message: parts.join(', ') || 'usage update', raw: u }];
  }
}

function isEmptyInput(input: unknown): boolean {
  return input === undefined || input === null || (isRecord(input) && Object.keys(input).length === 0);
}

function chunkText(content: unknown): string | undefined {
  return isRecord(content) && content.type === 'text' && typeof content.text === 'string' ? content.text : undefined;
}

function locationsOf(locations: unknown): string[] {
  if (!Array.isArray(locations)) return [];
  return locations.flatMap((l) => (isRecord(l) && typeof l.path === 'string' ? [l.path] : []));
}

function planStatus(u: Record<string, unknown>): NonTerminalDraft {
  const entries = Array.isArray(u.entries) ? u.entries.filter(isRecord) : [];
  const done = entries.filter((e) => e.status === 'completed').length;
  const current = entries.find((e) => e.status === 'in_progress');
  const now = current && str(current.content) ? `; now: ${str(current.content)}` : '';
  return { type: 'status', code: 'plan', message: `plan: ${done}/${entries.length} done${now}`, raw: { entries } };
}

/**
 * The prompt response's `usage` (unstable in ACP v1: per-turn totals) as omnigent token figures.
 * Contract: ACP's `inputTokens` excludes cache (its `totalTokens` sums every kind), omnigent's
 * `input` includes it; a figure the agent left out stays absent.
 */
export function promptUsage(usage: unknown): TokenUsage | undefined {
  if (!isRecord(usage)) return undefined;
  const input = num(usage.inputTokens);
  const output = num(usage.outputTokens);
  const cacheRead = num(usage.cachedReadTokens);
  const cacheWrite = num(usage.cachedWriteTokens);
  const reasoning = num(usage.thoughtTokens);
  if (input === undefined && output === undefined) return undefined;
  return {
    ...(input !== undefined ? { input: input + (cacheRead ?? 0) + (cacheWrite ?? 0) } : {}),
    ...(output !== undefined ? { output } : {}),
    ...(cacheRead !== undefined ? { cacheRead } : {}),
    ...(cacheWrite !== undefined ? { cacheWrite } : {}),
    ...(reasoning !== undefined ? { reasoning } : {}),
  };
}
