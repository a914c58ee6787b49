/** The JSON lines `omnigent-echo` prints on stdout, one record per line. */
export type EchoRecord =
  | { type: 'start'; session: string; model: string; cwd: string; version: string }
  | { type: 'tool'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; id: string; ok: boolean; output: string; ms?: number }
  | { type: 'text'; text: string }
  | { type: 'usage'; input: number; output: number }
  | { type: 'error'; message: string }
  | { type: 'done'; turns: number };

/** True when `value` is an object with a string `type`: the shape every echo record has. */
export function isEchoRecord(value: unknown): value is EchoRecord {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
