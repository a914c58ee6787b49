/** Default bound on one line: 64 MiB. Longer lines are dropped with a warning. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Callbacks of a {@link JsonlFramer}. */
export interface FramerSink {
  /** One complete line, `\r` stripped, decoded as UTF-8. */
  line: (line: string) => void;
  /** A line longer than the bound was dropped; `head` is its start. */
  overflow?: (bytes: number, head: string) => void;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Streaming JSONL framer. Contract: splits on `\n` only (never on U+2028/U+2029, which are
 * valid inside JSON strings), strips one trailing `\r`, decodes UTF-8 per complete line (a
 * multi-byte character split across chunks is never broken, because 0x0A never occurs inside
 * one), and bounds memory by `maxLineBytes`.
 */
export class JsonlFramer {
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** Bytes of the current over-long line seen so far; -1 when not discarding. */
  private discarding = -1;
  private discardHead = '';

  constructor(
    private readonly sink: FramerSink,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {}

  /** Feed a chunk of bytes. */
  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, start);
      if (nl === -1) {
        this.keep(chunk, start, chunk.length);
        return;
      }
      this.keep(chunk, start, nl);
      this.emit();
      start = nl + 1;
    }
  }

  /** End of stream: a last line without `\n` is still delivered. */
  end(): void {
    if (this.partBytes > 0 || this.discarding >= 0) this.emit();
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    if (this.discarding >= 0) {
      this.discarding += to - from;
      return;
    }
    if (this.partBytes + (to - from) > this.maxLineBytes) {
      const all = Buffer.concat([...this.parts, chunk.subarray(from, Math.min(to, from + 256))]);
      this.discardHead = all.subarray(0, 200).toString('utf8');
      this.discarding = this.partBytes + (to - from);
      this.parts = [];
      this.partBytes = 0;
      return;
    }
    this.parts.push(chunk.subarray(from, to));
    this.partBytes += to - from;
  }

  private emit(): void {
    if (this.discarding >= 0) {
      const bytes = this.discarding;
      this.discarding = -1;
      this.sink.overflow?.(bytes, this.discardHead);
      this.discardHead = '';
      return;
    }
    let buf: Buffer;
    if (this.parts.length === 1) buf = this.parts[0]!;
    else buf = Buffer.concat(this.parts, this.partBytes);
    this.parts = [];
    this.partBytes = 0;
    let end = buf.length;
    if (end > 0 && buf[end - 1] === CR) end -= 1;
    if (end === 0) return;
    this.sink.line(buf.toString('utf8', 0, end));
  }
}
