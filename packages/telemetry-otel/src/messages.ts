import { wellFormed } from './truncate.js';

/** One part of a GenAI semconv message (`gen_ai.input.messages` / `gen_ai.output.messages`). */
export type MessagePart =
  | { type: 'text'; content: string }
  | { type: 'reasoning'; content: string }
  | { type: 'tool_call'; id: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id: string; result?: unknown };

/** A GenAI semconv chat message. */
export interface SemconvMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  parts: MessagePart[];
  finish_reason?: string;
}

/** The value of a `gen_ai.*.messages` attribute (serialized by the caller). */
export function messagesAttribute(messages: SemconvMessage[]): SemconvMessage[] {
  return messages;
}

/** `{"messages":[{role, content}]}`: the shape MLflow reads request/response previews from. */
export function mlflowMessages(
  role: 'user' | 'assistant',
  content: string,
): { messages: Array<{ role: string; content: string }> } {
  return { messages: [{ role, content }] };
}

/** The text of messages (for sizes when content capture is off). */
export function chatInputText(messages: SemconvMessage[]): string {
  let out = '';
  for (const m of messages) {
    for (const p of m.parts) {
      if (p.type === 'text' || p.type === 'reasoning') out += p.content;
      else if (p.type === 'tool_call') out += JSON.stringify(p.arguments ?? null);
      else out += typeof p.result === 'string' ? p.result : (JSON.stringify(p.result) ?? '');
    }
  }
  return out;
}

/** JSON text whose strings hold no lone surrogate (JSON.stringify would escape it as `\\udXXX`, which MLflow cannot store). */
function jsonText(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? wellFormed(v) : v));
}

/** A chat message in the OpenAI-style shape MLflow renders as a conversation. */
export interface ChatMessage {
  role: string;
  content: string;
  tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
}

/**
 * Semconv messages as MLflow chat messages: text joined as `content`, tool calls as `tool_calls`,
 * each tool result its own `tool` message. Contract: reasoning is left out (it stays in `gen_ai.*`).
 */
export function chatMessages(messages: SemconvMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const m of messages) {
    let text = '';
    const calls: NonNullable<ChatMessage['tool_calls']> = [];
    for (const p of m.parts) {
      if (p.type === 'text') text += (text ? '\n' : '') + p.content;
      else if (p.type === 'tool_call')
        calls.push({
          id: p.id,
          type: 'function',
          function: {
            name: p.name,
            arguments: typeof p.arguments === 'string' ? p.arguments : (jsonText(p.arguments ?? {}) ?? '{}'),
          },
        });
      else if (p.type === 'tool_call_response')
        out.push({
          role: 'tool',
          tool_call_id: p.id,
          content: typeof p.result === 'string' ? p.result : (jsonText(p.result) ?? ''),
        });
    }
    if (text || calls.length) out.push({ role: m.role, content: text, ...(calls.length ? { tool_calls: calls } : {}) });
  }
  return out;
}
