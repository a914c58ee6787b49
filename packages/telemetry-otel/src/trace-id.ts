import { createHash, randomBytes } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

/**
 * The OTel trace id of a stored run or workflow run: the first 16 bytes of sha256 of its id, hex.
 * Contract: the same id always gives the same trace id, so a live trace and a later `omnigent
 * export` of the same run land on one MLflow trace (`tr-<trace id>`).
 */
export function traceIdFor(runId: string): string {
  return createHash('sha256').update(`omnigent-run:${runId}`).digest('hex').slice(0, 32);
}

/** MLflow's trace id for an OTel trace id. */
export function mlflowTraceId(traceId: string): string {
  return `tr-${traceId}`;
}

/**
 * Random ids like the SDK's, except that the next root span's trace id can be chosen
 * (`useNextTraceId`): the SDK asks for a trace id only when a span has no parent.
 */
export class ChosenTraceIdGenerator implements IdGenerator {
  private next: string | undefined;

  /** The next root span gets this trace id (once). */
  useNextTraceId(traceId: string): void {
    this.next = traceId;
  }

  generateTraceId(): string {
    const chosen = this.next;
    this.next = undefined;
    return chosen ?? randomBytes(16).toString('hex');
  }

  generateSpanId(): string {
    return randomBytes(8).toString('hex');
  }
}
