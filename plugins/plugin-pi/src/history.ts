import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HarnessHistory, HistoryEvent, HistoryFile, HistorySession, TokenUsage } from '@omnigent/core';
import { addUsage } from '@omnigent/core/events';
import { isRecord, str, jsonlRecords } from '@omnigent/core/kit';
import type { PiAssistantMessage } from './events.js';
import { piToolKind } from './tools.js';
import { piCallUsage } from './usage.js';

type Json = Record<string, unknown>;

/** `$PI_CODING_AGENT_DIR/sessions` (default `~/.pi/agent/sessions`): a directory per cwd, `<time>_<session id>.jsonl` per session. */
export function piSessionsDir(env: NodeJS.ProcessEnv): string {
  return join(env.PI_CODING_AGENT_DIR || join(env.HOME || homedir(), '.pi', 'agent'), 'sessions');
}

async function sessionFiles(env: NodeJS.ProcessEnv): Promise<string[]> {
  const root = piSessionsDir(env);
  try {
    const names = await readdir(root, { recursive: true });
    return names.filter((n) => n.endsWith('.jsonl')).map((n) => join(root, n));
  } catch {
    return [];
  }
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isRecord)
    .map((c) => (c.type === 'text' ? (str(c.text) ?? '') : ''))
    .join('');
}

/**
 * One Pi session file -> normalized events: user prompts, assistant text and thinking, tool calls
 * paired with their results (durations from the record times), usage and cost per assistant
 * message (Pi prices calls itself from models.json), and `run.failed` when the session's last
 * model call failed.
 */
export function parsePiSession(file: HistoryFile): HistorySession | undefined {
  const recs = jsonlRecords(file.text);
  const head = recs.find((r) => r.type === 'session');
  const sessionId = str(head?.id);
  if (!head || !sessionId) return undefined;
  const startedAt = str(head.timestamp) ?? '';
  const body: HistoryEvent[] = [];
  const starts = new Map<string, { name: string; time: string }>();
  const calls: TokenUsage[] = [];
  let model: string | undefined;
  let provider: string | undefined;
  let failure: string | undefined;
  let lastTime = startedAt;
  for (const r of recs) {
    const time = str(r.timestamp) ?? lastTime;
    lastTime = time;
    if (r.type === 'model_change') {
      model ??= str(r.modelId);
      provider ??= str(r.provider);
      continue;
    }
    if (r.type !== 'message' || !isRecord(r.message)) continue;
    const m = r.message;
    if (m.role === 'user') {
      failure = undefined;
      body.push({ type: 'message', role: 'user', text: textOf(m.content), time });
    } else if (m.role === 'assistant') {
      const msg = m as unknown as PiAssistantMessage;
      const callModel = str(m.model);
      model ??= callModel;
      provider ??= str(m.provider);
      const usage = piCallUsage(msg, false);
      if (usage) {
        calls.push(usage);
        body.push({
          type: 'usage',
          scope: 'call',
          source: 'derived',
          confidence: 'exact',
          ...usage,
          ...(callModel ? { model: callModel } : {}),
          time,
        });
      }
      failure =
        m.stopReason === 'error'
          ? (str(m.errorMessage) ?? 'the model call failed')
          : m.stopReason === 'aborted'
            ? 'aborted'
            : undefined;
      for (const b of Array.isArray(m.content) ? m.content.filter(isRecord) : []) {
        if (b.type === 'text' && str(b.text))
          body.push({
            type: 'message',
            role: 'assistant',
            text: str(b.text)!,
            ...(callModel ? { model: callModel } : {}),
            time,
          });
        else if (b.type === 'thinking' && str(b.thinking))
          body.push({ type: 'reasoning', text: str(b.thinking)!, time });
        else if (b.type === 'toolCall' && str(b.id)) {
          const name = str(b.name) ?? 'unknown';
          starts.set(str(b.id)!, { name, time });
          body.push({
            type: 'tool.started',
            callId: str(b.id)!,
            name,
            kind: piToolKind(name),
            input: b.arguments ?? {},
            time,
          });
        }
      }
    } else if (m.role === 'toolResult') {
      const callId = str(m.toolCallId);
      if (!callId) continue;
      const s = starts.get(callId);
      const name = s?.name ?? str(m.toolName) ?? 'unknown';
      const output = textOf(m.content);
      const isError = m.isError === true;
      const exit = /exited with code (\d+)/.exec(output);
      const duration = s ? Date.parse(time) - Date.parse(s.time) : NaN;
      body.push({
        type: 'tool.completed',
        callId,
        name,
        output,
        isError,
        status: isError ? 'error' : 'ok',
        ...(Number.isFinite(duration) && duration >= 0 ? { durationMs: duration } : {}),
        ...(exit ? { exitCode: Number(exit[1]) } : {}),
        time,
      });
      starts.delete(callId);
      // Pi's own tools change files by name: write adds (or replaces), edit updates
      const input = body.find((e) => e.type === 'tool.started' && e.callId === callId);
      const path = input && input.type === 'tool.started' && isRecord(input.input) ? str(input.input.path) : undefined;
      if (!isError && path && (name === 'write' || name === 'edit'))
        body.push({ type: 'file.changed', path, change: name === 'write' ? 'add' : 'update', callId, time });
    }
  }
  for (const [callId, s] of starts)
    body.push({
      type: 'tool.completed',
      callId,
      name: s.name,
      output: null,
      isError: true,
      status: 'interrupted',
      time: lastTime,
    });
  let total: TokenUsage = {};
  for (const u of calls) total = addUsage(total, u);
  // calls that failed without an answer report no usage: that is unknown, not 0, but nothing was billed for them either
  const usage = calls.length ? { ...total, source: 'derived' as const, confidence: 'exact' as const } : undefined;
  const durationMs = Math.max(0, Date.parse(lastTime) - Date.parse(startedAt)) || 0;
  const cwd = str(head.cwd);
  const prompt = body.find((e) => e.type === 'message' && e.role === 'user');
  return {
    sessionId,
    startedAt,
    endedAt: lastTime,
    ...(cwd ? { cwd } : {}),
    ...(model ? { model } : {}),
    ...(prompt && prompt.type === 'message' ? { prompt: prompt.text } : {}),
    events: [
      {
        type: 'session.started',
        cwd: cwd ?? '',
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

/** Pi's session history (`omnigent import -H pi`). */
export const piHistory: HarnessHistory = { sessionFiles, parse: parsePiSession };
