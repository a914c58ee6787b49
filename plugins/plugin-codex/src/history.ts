import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HarnessHistory, HistoryEvent, HistoryFile, HistorySession, TokenUsage, ToolKind } from '@omnigent/core';
import { addUsage } from '@omnigent/core/events';
import { isRecord, num, str, jsonlRecords } from '@omnigent/core/kit';
import type { CodexUsage } from './events.js';
import { TOOL_ITEMS } from './tools.js';
import { fromCodexUsage } from './usage.js';

type Json = Record<string, unknown>;

/** `$CODEX_HOME/sessions` (default `~/.codex/sessions`): `YYYY/MM/DD/rollout-<time>-<thread id>.jsonl`. */
export function codexSessionsDir(env: NodeJS.ProcessEnv): string {
  return join(env.CODEX_HOME || join(env.HOME || homedir(), '.codex'), 'sessions');
}

async function sessionFiles(env: NodeJS.ProcessEnv): Promise<string[]> {
  const root = codexSessionsDir(env);
  try {
    const names = await readdir(root, { recursive: true });
    return names.filter((n) => /(^|\/)rollout-[^/]*\.jsonl$/.test(n)).map((n) => join(root, n));
  } catch {
    return [];
  }
}

/** `CommandExecution` -> `command_execution` (the item type as `codex exec --json` names it). */
function snake(type: string): string {
  return type.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** argv -> one shell-quoted command line, as `codex exec --json` shows it. */
function commandLine(command: unknown): string | undefined {
  if (typeof command === 'string') return command;
  if (!Array.isArray(command)) return undefined;
  return command
    .map((a) => (typeof a === 'string' && /^[\w@%+=:,./-]+$/.test(a) ? a : `'${String(a).replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

function texts(content: unknown): string {
  if (!Array.isArray(content)) return typeof content === 'string' ? content : '';
  return content
    .filter(isRecord)
    .map((c) => str(c.text) ?? '')
    .filter(Boolean)
    .join('\n');
}

const iso = (ms: number | undefined, fallback: string): string =>
  ms !== undefined && Number.isFinite(ms) ? new Date(ms).toISOString() : fallback;

/** A tool item of the rollout (`item_completed`) -> started and completed events. */
function toolEvents(
  item: Json,
  time: string,
  startedMs: number | undefined,
  completedMs: number | undefined,
): HistoryEvent[] {
  const type = snake(str(item.type) ?? '');
  const kind: ToolKind | undefined = TOOL_ITEMS[type];
  const callId = str(item.id);
  if (!kind || !callId) return [];
  const status = str(item.status);
  const start = iso(startedMs, time);
  const end = iso(completedMs, time);
  const duration = startedMs !== undefined && completedMs !== undefined ? completedMs - startedMs : undefined;
  let name = type;
  let input: unknown = {};
  let output: unknown = null;
  let exitCode: number | undefined;
  let mcp: { server: string; tool: string } | undefined;
  const extra: HistoryEvent[] = [];
  if (type === 'command_execution') {
    input = { command: commandLine(item.command) ?? '' };
    output = str(item.aggregated_output) ?? '';
    exitCode = num(item.exit_code);
  } else if (type === 'file_change') {
    const changes = isRecord(item.changes)
      ? Object.entries(item.changes).map(([path, c]) => ({
          path,
          kind: isRecord(c) ? (str(c.type) ?? 'update') : 'update',
        }))
      : [];
    input = { changes };
    output = { changes };
    for (const c of changes)
      extra.push({
        type: 'file.changed',
        path: c.path,
        change: c.kind === 'add' ? 'add' : c.kind === 'delete' ? 'delete' : 'update',
        callId,
        time: end,
      });
  } else if (type === 'mcp_tool_call') {
    const server = str(item.server) ?? 'mcp';
    const tool = str(item.tool) ?? 'tool';
    name = `${server}/${tool}`;
    mcp = { server, tool };
    input = item.arguments ?? {};
    output = item.result ?? item.error ?? null;
  } else {
    input = item;
  }
  const isError =
    status === 'failed' ||
    status === 'declined' ||
    (exitCode !== undefined && exitCode !== 0) ||
    (type === 'mcp_tool_call' && item.error !== undefined && item.error !== null);
  return [
    { type: 'tool.started', callId, name, kind, input, ...(mcp ? { mcp } : {}), time: start },
    {
      type: 'tool.completed',
      callId,
      name,
      output,
      isError,
      status: status === 'declined' ? 'denied' : isError ? 'error' : 'ok',
      ...(duration !== undefined && duration >= 0 ? { durationMs: duration } : {}),
      ...(exitCode !== undefined ? { exitCode } : {}),
      ...(mcp ? { mcp } : {}),
      time: end,
    },
    ...extra,
  ];
}

/**
 * One Codex rollout file -> normalized events: user and agent messages, tool items with their
 * durations, usage per model response (`token_usage_record`, else the per-call figure of
 * `token_count`), and `run.failed` when the thread's last turn failed. Older rollouts without
 * `item_completed` records fall back to `function_call` / `function_call_output` pairs.
 */
export function parseCodexRollout(file: HistoryFile): HistorySession | undefined {
  const recs = jsonlRecords(file.text);
  const meta = recs.find((r) => r.type === 'session_meta' && isRecord(r.payload));
  const mp = meta && isRecord(meta.payload) ? meta.payload : undefined;
  const sessionId =
    str(mp?.id) ?? str(mp?.session_id) ?? /rollout-.*?-([0-9a-f]{8}-[0-9a-f-]{27})\.jsonl$/.exec(file.path)?.[1];
  if (!sessionId || !recs.length) return undefined;
  const startedAt = str(mp?.timestamp) ?? str(recs[0]!.timestamp) ?? '';
  const body: HistoryEvent[] = [];
  const perResponse = new Map<string, TokenUsage>();
  const perCount: TokenUsage[] = [];
  const hasItems = recs.some((r) => isRecord(r.payload) && r.payload.type === 'item_completed');
  const calls = new Map<string, { name: string; time: string }>();
  let model: string | undefined;
  let lastTime = startedAt;
  let failure: string | undefined;
  for (const r of recs) {
    const time = str(r.timestamp) ?? lastTime;
    lastTime = time;
    const p = isRecord(r.payload) ? r.payload : undefined;
    if (!p) continue;
    if (r.type === 'turn_context' && !model) model = str(p.model);
    if (r.type === 'token_usage_record' && isRecord(p.usage)) {
      perResponse.set(str(p.response_id) ?? `${perResponse.size}`, fromCodexUsage(p.usage as CodexUsage));
      body.push({
        type: 'usage',
        scope: 'call',
        source: 'derived',
        confidence: 'exact',
        ...fromCodexUsage(p.usage as CodexUsage),
        ...(model ? { model } : {}),
        time,
      });
      continue;
    }
    if (r.type === 'event_msg') {
      const t = str(p.type);
      if (t === 'token_count' && isRecord(p.info) && isRecord(p.info.last_token_usage))
        perCount.push(fromCodexUsage(p.info.last_token_usage as CodexUsage));
      else if (t === 'task_started') failure = undefined;
      else if (t === 'task_complete')
        failure = isRecord(p.error) ? (str(p.error.message) ?? 'the turn failed') : undefined;
      else if (t === 'turn_aborted') failure = 'the turn was aborted';
      else if (t === 'thread_settings_applied' && !model && isRecord(p.thread_settings))
        model = str(p.thread_settings.model);
      else if (t === 'item_completed' && isRecord(p.item)) {
        const item = p.item;
        const it = str(item.type);
        if (it === 'UserMessage') body.push({ type: 'message', role: 'user', text: texts(item.content), time });
        else if (it === 'AgentMessage')
          body.push({
            type: 'message',
            role: 'assistant',
            text: texts(item.content),
            ...(model ? { model } : {}),
            time,
          });
        else if (it === 'Reasoning') {
          const text = texts(item.summary ?? item.content);
          if (text) body.push({ type: 'reasoning', text, time });
        } else body.push(...toolEvents(item, time, num(p.started_at_ms), num(p.completed_at_ms)));
      } else if (!hasItems && t === 'user_message' && typeof p.message === 'string')
        body.push({ type: 'message', role: 'user', text: p.message, time });
      else if (!hasItems && t === 'agent_message' && typeof p.message === 'string')
        body.push({ type: 'message', role: 'assistant', text: p.message, time });
      continue;
    }
    // older rollouts: tool calls only as response items
    if (r.type === 'response_item' && !hasItems) {
      const t = str(p.type);
      const callId = str(p.call_id);
      if ((t === 'function_call' || t === 'custom_tool_call' || t === 'local_shell_call') && callId) {
        const name = str(p.name) ?? t;
        const shell = name === 'shell' || name === 'exec_command' || name === 'local_shell' || t === 'local_shell_call';
        const kind: ToolKind = shell ? 'shell' : name === 'apply_patch' ? 'edit' : 'other';
        let input: unknown = p.arguments ?? p.input ?? {};
        if (typeof input === 'string') {
          try {
            input = JSON.parse(input);
          } catch {
            // apply_patch's input is the patch text
          }
        }
        calls.set(callId, { name: shell ? 'command_execution' : name === 'apply_patch' ? 'file_change' : name, time });
        body.push({ type: 'tool.started', callId, name: calls.get(callId)!.name, kind, input, time });
      } else if ((t === 'function_call_output' || t === 'custom_tool_call_output') && callId && calls.has(callId)) {
        const c = calls.get(callId)!;
        const output = typeof p.output === 'string' ? p.output : JSON.stringify(p.output);
        const exit = /(?:exited with code|Exit code:?) (\d+)/.exec(output);
        const exitCode = exit ? Number(exit[1]) : undefined;
        const isError = exitCode !== undefined && exitCode !== 0;
        const duration = Date.parse(time) - Date.parse(c.time);
        body.push({
          type: 'tool.completed',
          callId,
          name: c.name,
          output,
          isError,
          status: isError ? 'error' : 'ok',
          ...(exitCode !== undefined ? { exitCode } : {}),
          ...(duration >= 0 ? { durationMs: duration } : {}),
          time,
        });
        calls.delete(callId);
      }
    }
  }
  for (const [callId, c] of calls)
    body.push({
      type: 'tool.completed',
      callId,
      name: c.name,
      output: null,
      isError: true,
      status: 'interrupted',
      time: lastTime,
    });
  // per response when codex wrote them; older rollouts only have token_count (its last-call figure)
  let calls_: TokenUsage[] = [...perResponse.values()];
  if (!calls_.length && perCount.length) {
    calls_ = perCount;
    // token_count records carry no time of their own call: one usage event each, at the end
    for (const u of perCount)
      body.push({
        type: 'usage',
        scope: 'call',
        source: 'derived',
        confidence: 'exact',
        ...u,
        ...(model ? { model } : {}),
        time: lastTime,
      });
  }
  let total: TokenUsage = {};
  for (const u of calls_) total = addUsage(total, u);
  const usage = calls_.length ? { ...total, source: 'derived' as const, confidence: 'exact' as const } : undefined;
  const durationMs = Math.max(0, Date.parse(lastTime) - Date.parse(startedAt)) || 0;
  const cwd = str(mp?.cwd);
  const version = str(mp?.cli_version);
  const branch = isRecord(mp?.git) ? str(mp.git.branch) : undefined;
  const prompt = body.find((e) => e.type === 'message' && e.role === 'user');
  const provider = str(mp?.model_provider);
  return {
    sessionId,
    startedAt,
    endedAt: lastTime,
    ...(cwd ? { cwd } : {}),
    ...(branch ? { gitBranch: branch } : {}),
    ...(model ? { model } : {}),
    ...(version ? { harnessVersion: version } : {}),
    ...(prompt && prompt.type === 'message' ? { prompt: prompt.text } : {}),
    events: [
      {
        type: 'session.started',
        cwd: cwd ?? '',
        ...(version ? { harnessVersion: version } : {}),
        ...(model ? { model } : {}),
        ...(provider ? { provider } : {}),
        time: startedAt,
      },
      ...body,
      failure !== undefined
        ? {
            type: 'run.failed',
            reason: 'error',
            message: failure,
            durationMs,
            ...(usage ? { usage } : {}),
            time: lastTime,
          }
        : { type: 'run.completed', durationMs, ...(usage ? { usage } : {}), time: lastTime },
    ],
  };
}

/** Codex's session history (`omnigent import -H codex`). */
export const codexHistory: HarnessHistory = { sessionFiles, parse: parseCodexRollout };
