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
export function mlflowMessages(role: 'user' | 'assistant', content: string): { messages: Array<{ role: string; content: string }> } {
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
