import type { NonTerminalDraft } from '@omnigent/core';

/** `unparsed-line` warnings published one by one; the rest are counted. */
const WARN_LINES = 20;
/** Characters of one line kept on its warning. */
const RAW_CHARS = 2000;

/**
 * Watches the agent's stdout on its way to the ACP connection: bytes pass through unchanged; a line
 * that is not JSON (a banner, a log line: the SDK would drop it) becomes an `unparsed-line` warning,
 * the first {@link WARN_LINES} one by one, the rest counted. Contract: `sample` is the last such line,
 * for messages about an agent that never spoke ACP.
 */
export class StdoutMonitor {
  private buf = '';
  private readonly decoder = new TextDecoder();
  private count = 0;
  /** The last line that was not JSON. */
  sample: string | undefined;

  constructor(private readonly emit: (draft: NonTerminalDraft) => void) {}

  /** The agent's stdout with the watch attached. */
  watch(readable: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    return readable.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) => {
          controller.enqueue(chunk);
          this.buf += this.decoder.decode(chunk, { stream: true });
          let i: number;
          while ((i = this.buf.indexOf('\n')) >= 0) {
            this.line(this.buf.slice(0, i));
            this.buf = this.buf.slice(i + 1);
          }
          // a line longer than anything useful is not kept whole
          if (this.buf.length > 1024 * 1024) this.buf = this.buf.slice(-RAW_CHARS);
        },
        flush: () => {
          if (this.buf.trim()) this.line(this.buf);
          this.buf = '';
        },
      }),
    );
  }

  /** Lines beyond the first {@link WARN_LINES}, reported once (call at the end of the session). */
  summary(): NonTerminalDraft[] {
    const more = this.count - WARN_LINES;
    return more > 0
      ? [
          {
            type: 'warning',
            code: 'unparsed-lines',
            message: `the agent printed ${more} more lines that are not ACP messages (${this.count} in all)`,
            raw: { count: more, total: this.count, sample: this.sample },
          },
        ]
      : [];
  }

  private line(line: string): void {
    const text = line.trim();
    if (!text || text.startsWith('{') || text.startsWith('[')) return;
    this.count += 1;
    this.sample = text.slice(0, RAW_CHARS);
    if (this.count <= WARN_LINES)
      this.emit({
        type: 'warning',
        code: 'unparsed-line',
        message: 'the agent printed a line that is not an ACP message; kept as raw',
        raw: this.sample,
      });
  }
}
