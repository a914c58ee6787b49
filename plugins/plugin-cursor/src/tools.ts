import type { McpToolRef, ToolKind } from '@omnigent/core';
import { isRecord } from '@omnigent/core/kit';
import type { CursorToolBody, CursorToolCallPayload, CursorToolResult } from './events.js';

/** Normalized kind of each Cursor tool key seen on the wire; any other key is `other`. */
export const CURSOR_TOOL_KINDS: Readonly<Record<string, ToolKind>> = {
  readToolCall: 'read',
  writeToolCall: 'write',
  editToolCall: 'edit',
  shellToolCall: 'shell',
  lsToolCall: 'search',
  globToolCall: 'search',
  grepToolCall: 'search',
  // deleting a file replaces it wholesale, like a write (not a change inside it, like an edit)
  deleteToolCall: 'write',
  mcpToolCall: 'mcp',
  updateTodosToolCall: 'todo',
  webFetchToolCall: 'web',
  // keys public Cursor adapters map as well
  webSearchToolCall: 'web',
  todoToolCall: 'todo',
  findToolCall: 'search',
};

/** Keys that sit beside the kind key inside `tool_call` on some builds and are not tools. */
const PAYLOAD_EXTRAS = new Set(['toolCallId', 'startedAtMs', 'completedAtMs', 'hookAdditionalContexts']);

/** A `tool_call` payload, taken apart. */
export interface CursorToolIdentity {
  /** The kind key (`readToolCall`, `function`, …), or `unknown` when the payload has none. */
  key: string;
  /** Name for events: the key, the MCP tool name, or the function name. */
  name: string;
  kind: ToolKind;
  /** Arguments as sent (function arguments parsed from their JSON string). */
  input: unknown;
  body: CursorToolBody | undefined;
  /** For `mcpToolCall`: the server (`providerIdentifier`) and the tool (`toolName`). */
  mcp?: McpToolRef;
}

/** The single kind key inside `tool_call`; builds add extras beside it, so those are skipped. */
function kindKey(payload: CursorToolCallPayload): string | undefined {
  const keys = Object.keys(payload).filter((k) => !PAYLOAD_EXTRAS.has(k) && isRecord(payload[k]));
  // one capture wraps the kind as `{"tool":{"case":"shellToolCall"}}` (a protobuf oneof)
  const wrapped = payload.tool;
  if (keys.length === 1 && keys[0] === 'tool' && isRecord(wrapped) && typeof wrapped.case === 'string')
    return wrapped.case;
  return keys.find((k) => k.endsWith('ToolCall') || k === 'function') ?? keys[0];
}

function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function mcpName(args: Record<string, unknown> | undefined): string | undefined {
  if (!args) return undefined;
  if (typeof args.name === 'string' && args.name) return args.name;
  if (typeof args.toolName === 'string' && args.toolName) {
    return typeof args.providerIdentifier === 'string' && args.providerIdentifier
      ? `${args.providerIdentifier}-${args.toolName}`
      : args.toolName;
  }
  return undefined;
}

// `providerIdentifier` is the server as the user named it in mcp.json, `toolName` the tool on it
function mcpRef(args: Record<string, unknown> | undefined): McpToolRef | undefined {
  if (!args) return undefined;
  const server =
    typeof args.providerIdentifier === 'string' && args.providerIdentifier ? args.providerIdentifier : undefined;
  const tool = typeof args.toolName === 'string' && args.toolName ? args.toolName : undefined;
  return server && tool ? { server, tool } : undefined;
}

/** Identify the tool in a `tool_call` payload (kind key, event name, normalized kind, input). */
export function identifyTool(payload: CursorToolCallPayload | undefined): CursorToolIdentity {
  if (!isRecord(payload)) return { key: 'unknown', name: 'unknown', kind: 'other', input: undefined, body: undefined };
  const key = kindKey(payload) ?? 'unknown';
  const raw = payload[key];
  const body = isRecord(raw) ? (raw as CursorToolBody) : undefined;
  if (key === 'function') {
    const fn = body ?? {};
    const name = typeof fn.name === 'string' && fn.name ? fn.name : 'function';
    return { key, name, kind: 'other', input: parseArguments(fn.arguments), body };
  }
  const args = isRecord(body?.args) ? body.args : undefined;
  const kind = CURSOR_TOOL_KINDS[key] ?? 'other';
  const name = key === 'mcpToolCall' ? (mcpName(args) ?? key) : key;
  const mcp = key === 'mcpToolCall' ? mcpRef(args) : undefined;
  return { key, name, kind, input: args, body, ...(mcp ? { mcp } : {}) };
}

/** How a tool call ended, in normalized terms. */
export interface CursorToolOutcome {
  output: unknown;
  isError: boolean;
  status: 'ok' | 'error' | 'denied';
  exitCode?: number;
}

function mcpText(success: Record<string, unknown>): string | undefined {
  const content = success.content;
  if (!Array.isArray(content)) return undefined;
  const parts: string[] = [];
  for (const item of content) {
    // MCP text blocks arrive as `{text:{text:"…"}}` (and plain `{text:"…"}` is accepted too)
    if (!isRecord(item)) continue;
    const t = item.text;
    if (typeof t === 'string') parts.push(t);
    else if (isRecord(t) && typeof t.text === 'string') parts.push(t.text);
  }
  return parts.length > 0 ? parts.join('\n') : undefined;
}

/**
 * Read a completed call's `result`: `success`, `error{errorMessage}` or `rejected{reason}`.
 * Contract: shell success with a non-zero `exitCode` is an error (as Claude Code and Codex report
 * it); an MCP success with `isError: true` is an error; any other non-success key is an error.
 */
export function toolOutcome(key: string, result: CursorToolResult | string | undefined): CursorToolOutcome {
  if (result === undefined || result === null) return { output: null, isError: false, status: 'ok' };
  // `function` tools (and unknown kinds) may return a bare value rather than success/error/rejected
  if (!isRecord(result)) return { output: result, isError: false, status: 'ok' };
  if (isRecord(result.rejected)) {
    const r = result.rejected;
    return { output: typeof r.reason === 'string' && r.reason ? r.reason : r, isError: true, status: 'denied' };
  }
  if (isRecord(result.error)) {
    const e = result.error;
    const exitCode = typeof e.exitCode === 'number' ? e.exitCode : undefined;
    return {
      // `errorMessage` per the captures; some adapters read `message`, so both are accepted
      output:
        typeof e.errorMessage === 'string' && e.errorMessage
          ? e.errorMessage
          : typeof e.message === 'string' && e.message
            ? e.message
            : e,
      isError: true,
      status: 'error',
      ...(exitCode !== undefined ? { exitCode } : {}),
    };
  }
  if (isRecord(result.success)) {
    const s = result.success;
    if (key === 'shellToolCall') {
      const exitCode = typeof s.exitCode === 'number' ? s.exitCode : undefined;
      const failed = exitCode !== undefined && exitCode !== 0;
      return {
        output: s,
        isError: failed,
        status: failed ? 'error' : 'ok',
        ...(exitCode !== undefined ? { exitCode } : {}),
      };
    }
    if (key === 'mcpToolCall') {
      const failed = s.isError === true;
      return { output: mcpText(s) ?? s, isError: failed, status: failed ? 'error' : 'ok' };
    }
    return { output: s, isError: false, status: 'ok' };
  }
  // an outcome key we do not know (e.g. `failure`): keep it whole and call it an error
  const other = Object.keys(result).find((k) => k !== 'isBackground' && isRecord(result[k]));
  if (other) {
    const o = result[other] as Record<string, unknown>;
    const exitCode = typeof o.exitCode === 'number' ? o.exitCode : undefined;
    return { output: { [other]: o }, isError: true, status: 'error', ...(exitCode !== undefined ? { exitCode } : {}) };
  }
  return { output: result, isError: false, status: 'ok' };
}

/** The file a successful write/edit/delete touched, for `file.changed`. */
export function changedFile(
  key: string,
  input: unknown,
  output: unknown,
): { path: string; change: 'add' | 'update' | 'delete' } | undefined {
  const change =
    key === 'writeToolCall'
      ? 'add'
      : key === 'editToolCall'
        ? 'update'
        : key === 'deleteToolCall'
          ? 'delete'
          : undefined;
  if (!change) return undefined;
  // the result carries the absolute path; args may hold a relative one
  const fromOutput = isRecord(output) && typeof output.path === 'string' ? output.path : undefined;
  const fromInput = isRecord(input) && typeof input.path === 'string' ? input.path : undefined;
  const path = fromOutput ?? fromInput;
  return path ? { path, change } : undefined;
}
