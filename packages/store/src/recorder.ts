import { closeSync, writeSync } from 'node:fs';
import type { OmnigentEvent, TerminalEvent } from '@omnigent/core';
import { appendRecord } from './index-file.js';
import { SummaryBuilder } from './summarize.js';
import type { RunEnd, RunStart } from './types.js';

/** Event types not written to the store. */
export const SKIPPED_EVENT_TYPES: ReadonlySet<string> = new Set([
  // Deltas repeat text that the following `message` event carries whole (event contract), and
  // are most of a streaming run's lines.
  'message.delta',
]);

/**
 * Records one run: every event appended to its events file as it arrives, then the `end` record
 * in the index. Contract: each event is one `write(2)` (no user-space buffer), so a SIGKILL loses
 * nothing already handed to the recorder; no fsync (a machine crash may lose the last events).
 */
export class RunRecorder {
  private readonly builder = new SummaryBuilder();
  private fd: number | undefined;
  private ended: RunEnd | undefined;

  /** Use {@link RunStore.begin}. */
  constructor(
    readonly start: RunStart,
    fd: number,
    private readonly indexFile: string,
  ) {
    this.fd = fd;
  }

  /** Id of the run. */
  get id(): string {
    return this.start.id;
  }

  /** Store one event (ignored after {@link finish}). */
  append(event: OmnigentEvent): void {
    if (this.fd === undefined || SKIPPED_EVENT_TYPES.has(event.type)) return;
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
    this.builder.add(event);
  }

  /** Close the events file and write the `end` record. `terminal` undefined: the run ended without one. Idempotent. */
  finish(terminal: TerminalEvent | undefined): RunEnd {
    if (this.ended) return this.ended;
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
    this.ended = this.builder.finish(this.start.id, this.start.startedAt, this.start.requestedModel, terminal);
    appendRecord(this.indexFile, { k: 'end', ...this.ended });
    return this.ended;
  }
}
