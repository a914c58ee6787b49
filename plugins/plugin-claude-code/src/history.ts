import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HarnessHistory, HistoryEvent, HistoryFile, HistorySession, TokenUsage } from '@omnigent/core';
import { addUsage } from '@omnigent/core/events';
import { isRecord, str, jsonlRecords } from '@omnigent/core/kit';
import { isPermissionDenial, toolKind } from './tools.js';
import { fromApiUsage } from './translate.js';

/** `$CLAUDE_CONFIG_DIR/projects`, default `~/.claude/projects`: one directory per project, a `<session id>.jsonl` per session. */
export function claudeProjectsDir(env: NodeJS.ProcessEnv): string {
  return join(env.CLAUDE_CONFIG_DIR || join(env.HOME || homedir(), '.claude'), 'projects');
}

async function sessionFiles(env: NodeJS.ProcessEnv): Promise<string[]> {
  const root = claudeProjectsDir(env);
  const out: string[] = [];
  let projects: string[];
  try {
    projects = await readdir(root);
  } catch {
    return [];
  }
  for (const p of projects) {
    const dir = join(root, p);
    let names: string[];
    try {
      if (!(await stat(dir)).isDirectory()) continue;
      names = await readdir(dir);
    } catch {
      continue;
    }
    // sub-agent transcripts live in <session>/subagents/: read with their session, not on their own
    for (const n of names) if (n.endsWith('.jsonl')) out.push(join(dir, n));
  }
  return out;
}

type Json = Record<string, unknown>;

function resultText(content: unknown): unknown {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const texts = content
      .filter(isRecord)
      .map((b) => (b.type === 'text' ? str(b.text) : undefined))
      .filter((t): t is string => t !== undefined);
    return texts.length === content.length ? texts.join('\n') : content;
  }
  return content;
}

interface Acc {
  events: HistoryEvent[];
  /** Usage per API message id (a response is written as one line per content block, each with the usage). */
  usage: Map<string, { usage: TokenUsage; time: string; model?: string; parentCallId?: string }>;
  starts: Map<string, { time: string; name: string }>;
  model?: string;
  calls: number;
  lastError?: string;
  lastTime?: string;
}

/** Fold one transcript's records (main or a sub-agent's, then under `parent`) into `acc`. */
function fold(records: Json[], acc: Acc, file: HistoryFile, parent: string | undefined, sessionDir: string): void {
  const under = parent ? { parentCallId: parent } : {};
  for (const r of records) {
    const time = str(r.timestamp) ?? acc.lastTime ?? '';
    if (str(r.timestamp)) acc.lastTime = time;
    const m = isRecord(r.message) ? r.message : undefined;
    if (r.type === 'user' && m) {
      if (typeof m.content === 'string') {
        // a prompt of the user (sub-agent prompts are the Agent call's input: not repeated)
        if (!parent) acc.events.push({ type: 'message', role: 'user', text: m.content, time });
        continue;
      }
      if (!Array.isArray(m.content)) continue;
      for (const b of m.content.filter(isRecord)) {
        if (b.type === 'text' && !parent && typeof b.text === 'string')
          acc.events.push({ type: 'message', role: 'user', text: b.text, time });
        if (b.type !== 'tool_result') continue;
        const callId = str(b.tool_use_id);
        if (!callId) continue;
        const start = acc.starts.get(callId);
        const output = resultText(b.content);
        const text = typeof output === 'string' ? output : '';
        const isError = b.is_error === true;
        const denied = isError && isPermissionDenial(text);
        const exit = isError ? /^Exit code (\d+)/.exec(text) : null;
        const duration = start ? Date.parse(time) - Date.parse(start.time) : NaN;
        acc.events.push({
          type: 'tool.completed',
          callId,
          name: start?.name ?? 'unknown',
          output,
          isError,
          status: denied ? 'denied' : isError ? 'error' : 'ok',
          ...(Number.isFinite(duration) && duration >= 0 ? { durationMs: duration } : {}),
          ...(exit ? { exitCode: Number(exit[1]) } : {}),
          ...under,
          time,
        });
        acc.starts.delete(callId);
        // the sub-agent's own transcript: <session>/subagents/agent-<id>.jsonl
        const result = isRecord(r.toolUseResult) ? r.toolUseResult : undefined;
        const agentId = result ? str(result.agentId) : undefined;
        if (agentId && start && toolKind(start.name) === 'agent') {
          const sub = file.readFile(join(sessionDir, 'subagents', `agent-${agentId}.jsonl`));
          if (sub !== undefined) fold(jsonlRecords(sub), acc, file, callId, sessionDir);
        }
      }
      continue;
    }
    if (r.type !== 'assistant' || !m) continue;
    const model = str(m.model);
    const id = str(m.id) ?? str(r.uuid) ?? `${time}`;
    if (r.isApiErrorMessage === true || model === '<synthetic>') {
      // the CLI writes a failed API call as a synthetic assistant message carrying the error
      const text = Array.isArray(m.content)
        ? m.content
            .filter(isRecord)
            .map((b) => str(b.text) ?? '')
            .join('\n')
        : '';
      if (!parent) acc.lastError = text || 'API error';
      continue;
    }
    if (!parent) acc.lastError = undefined;
    if (model && !acc.model) acc.model = model;
    if (isRecord(m.usage)) {
      if (!acc.usage.has(id)) acc.calls += 1;
      acc.usage.set(id, {
        usage: fromApiUsage(m.usage as Parameters<typeof fromApiUsage>[0]),
        time,
        ...(model ? { model } : {}),
        ...under,
      });
    } else if (!acc.usage.has(id)) {
      acc.calls += 1;
    }
    if (!Array.isArray(m.content)) continue;
    for (const b of m.content.filter(isRecord)) {
      if (b.type === 'text' && typeof b.text === 'string' && b.text)
        acc.events.push({
          type: 'message',
          role: 'assistant',
          text: b.text,
          ...(model ? { model } : {}),
          ...under,
          time,
        });
      else if (b.type === 'thinking' && typeof b.thinking === 'string' && b.thinking)
        acc.events.push({ type: 'reasoning', text: b.thinking, time });
      else if (b.type === 'tool_use') {
        const callId = str(b.id);
        const name = str(b.name) ?? 'unknown';
        if (!callId) continue;
        acc.starts.set(callId, { time, name });
        acc.events.push({
          type: 'tool.started',
          callId,
          name,
          kind: toolKind(name),
          input: b.input ?? {},
          ...under,
          time,
        });
        const path = isRecord(b.input) ? str(b.input.file_path) : undefined;
        if (path && (name === 'Write' || name === 'Edit' || name === 'MultiEdit' || name === 'NotebookEdit'))
          acc.events.push({ type: 'file.changed', path, change: name === 'Write' ? 'add' : 'update', callId, time });
      }
    }
  }
}

/**
 * One Claude Code session file -> normalized events. Usage is counted once per API message (the
 * file repeats it on every content block's line), sub-agent transcripts are folded in under their
 * Agent call, and a session whose last request failed ends in `run.failed`.
 */
export function parseClaudeSession(file: HistoryFile): HistorySession | undefined {
  const records = jsonlRecords(file.text);
  const first = records.find((r) => str(r.sessionId) && (r.type === 'user' || r.type === 'assistant'));
  if (!first) return undefined;
  const sessionId = str(first.sessionId)!;
  const startedAt = records.map((r) => str(r.timestamp)).find((t): t is string => t !== undefined) ?? '';
  const acc: Acc = { events: [], usage: new Map(), starts: new Map(), calls: 0 };
  fold(records, acc, file, undefined, file.path.replace(/\.jsonl$/, ''));
  // usage per call goes where its message was, in time order with the rest
  const usageEvents: HistoryEvent[] = [...acc.usage.values()].map(
    (u) =>
      ({
        type: 'usage',
        scope: 'call',
        source: 'derived',
        confidence: 'exact',
        ...u.usage,
        ...(u.model ? { model: u.model } : {}),
        ...(u.parentCallId ? { parentCallId: u.parentCallId } : {}),
        time: u.time,
      }) as HistoryEvent,
  );
  const body = [...acc.events, ...usageEvents].sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''));
  // calls left open: the session ended (or was killed) before their result
  for (const [callId, s] of acc.starts)
    body.push({
      type: 'tool.completed',
      callId,
      name: s.name,
      output: null,
      isError: true,
      status: 'interrupted',
      time: acc.lastTime ?? s.time,
    });
  let total: TokenUsage = {};
  for (const u of acc.usage.values()) total = addUsage(total, u.usage);
  const endedAt = acc.lastTime ?? startedAt;
  const durationMs = Math.max(0, Date.parse(endedAt) - Date.parse(startedAt)) || 0;
  const confidence = acc.usage.size === acc.calls ? 'exact' : 'partial';
  const usage = acc.usage.size
    ? { ...total, source: 'derived' as const, confidence: confidence as 'exact' | 'partial' }
    : undefined;
  const meta = records.find((r) => str(r.cwd));
  const version = str(meta?.version);
  const branch = str(meta?.gitBranch);
  const prompt = acc.events.find((e) => e.type === 'message' && e.role === 'user');
  const events: HistoryEvent[] = [
    {
      type: 'session.started',
      cwd: str(meta?.cwd) ?? '',
      ...(version ? { harnessVersion: version } : {}),
      ...(acc.model ? { model: acc.model } : {}),
      provider: 'anthropic',
      time: startedAt,
    },
    ...body,
    acc.lastError !== undefined
      ? {
          type: 'run.failed',
          reason: 'error',
          message: acc.lastError,
          durationMs,
          ...(usage ? { usage } : {}),
          time: endedAt,
        }
      : { type: 'run.completed', durationMs, ...(usage ? { usage } : {}), time: endedAt },
  ];
  return {
    sessionId,
    startedAt,
    endedAt,
    ...(str(meta?.cwd) ? { cwd: str(meta?.cwd)! } : {}),
    ...(branch ? { gitBranch: branch } : {}),
    ...(acc.model ? { model: acc.model } : {}),
    ...(version ? { harnessVersion: version } : {}),
    ...(prompt && prompt.type === 'message' ? { prompt: prompt.text } : {}),
    events,
  };
}

/** Claude Code's session history (`omnigent import -H claude-code`). */
export const claudeHistory: HarnessHistory = { sessionFiles, parse: parseClaudeSession };
