import { TraceFlags, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Wraps a BatchSpanProcessor and counts the spans it drops because its queue is full (it drops
 * them silently). Mirrors its queue: ended sampled spans in, spans handed to the exporter out.
 */
export class DropWatch implements SpanProcessor {
  private waiting = 0;
  private closed = false;
  /** Spans the inner processor dropped so far. */
  dropped = 0;

  constructor(
    private readonly inner: SpanProcessor,
    private readonly queueLimit: number,
  ) {}

  /** Call with the size of each batch the exporter receives. */
  exported(count: number): void {
    this.waiting = Math.max(0, this.waiting - count);
  }

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    // The same checks as the batch processor's: unsampled spans and spans after shutdown never queue.
    if (!this.closed && (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0) {
      if (this.waiting >= this.queueLimit) this.dropped += 1;
      else this.waiting += 1;
    }
    this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    this.closed = true;
    return this.inner.shutdown();
  }
}
