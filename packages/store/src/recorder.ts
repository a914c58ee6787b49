import { closeSync, writeSync } from 'node:fs';
import type { OmnigentEvent, TerminalEvent, TokenUsage } from '@omnigent/core';
import { appendRecord } from './index-file.js';
import { SummaryBuilder } from './summarize.js';
import type { CheckResult, RunEnd, RunStart } from './types.js';

/** Event types not written to the store. */
export const SKIPPED_EVENT_TYPES: ReadonlySet<string> = new Set([
  // Deltas repeat text that the following `message` event carries whole (event contract), and
  // are most of a streaming run's lines.
  'message.delta',
]);

/** Options of a {@link RunRecorder}. */
export interface RecorderOptions {
  /** Applied to every event before it is stored (the CLI passes its secret redactor). Default: none. */
  redact?: (event: OmnigentEvent) => OmnigentEvent;
  /**
   * Called once, on the first write that fails (full disk, quota, I/O error). Default: none.
   * Contract: the recorder never throws for a failed write; it stops writing events and marks the
   * run `incomplete`.
   */
  onWriteError?: (error: Error) => void;
  /** Where writes go (tests inject failures). Default: `fs.writeSync`. */
  write?: (fd: number, text: string) => number;
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e?.code === 'ENOSPC'
    ? 'no space left on device'
    : e?.code === 'EDQUOT'
      ? 'disk quota exceeded'
      : e instanceof Error
        ? e.message
        : String(error);
}

/** What {@link RunRecorder.finish} may add to the end record. */
export interface RecorderFinishExtra {
  /** An eval cell's success checks. */
  checks?: CheckResult[];
  /** Prices a run whose harness reported no cost (the result is marked by its `costSource`). */
  price?: (
    usage: TokenUsage,
    model: string | undefined,
  ) => { costUsd: number; costSource: NonNullable<TokenUsage['costSource']> } | undefined;
}

/**
 * Records one run: every event appended to its events file as it arrives, then the `end` record
 * in the index. Contract: each event is one `write(2)` (no user-space buffer), so a SIGKILL loses
 * nothing already handed to the recorder; no fsync (a machine crash may lose the last events).
 * A write that fails (full disk) stops the recording, once: the run is indexed `incomplete`.
 */
export class RunRecorder {
  private readonly builder = new SummaryBuilder();
  private fd: number | undefined;
  private ended: RunEnd | undefined;
  private writeError: Error | undefined;
  private lost = 0;
  private readonly options: RecorderOptions;

  /** Use {@link RunStore.begin}. */
  constructor(
    readonly start: RunStart,
    fd: number,
    private readonly indexFile: string,
    options: RecorderOptions = {},
  ) {
    this.fd = fd;
    this.options = options;
  }

  /** Id of the run. */
  get id(): string {
    return this.start.id;
  }

  /** The first write error, when the store could not be written. */
  get failure(): Error | undefined {
    return this.writeError;
  }

  private fail(error: unknown): void {
    if (this.writeError) return;
    this.writeError = error instanceof Error ? error : new Error(String(error));
    this.options.onWriteError?.(this.writeError);
  }

  /** Store one event (ignored after {@link finish}); never throws. */
  append(event: OmnigentEvent): void {
    if (SKIPPED_EVENT_TYPES.has(event.type) || this.ended) return;
    const stored = this.options.redact ? this.options.redact(event) : event;
    // The summary counts every event, stored or not: the end record says what the run did.
    this.builder.add(stored);
    if (this.writeError || this.fd === undefined) {
      this.lost += 1;
      return;
    }
    const line = `${JSON.stringify(stored)}\n`;
    try {
      const written = this.options.write ? this.options.write(this.fd, line) : writeSync(this.fd, line);
      // A short write is what a full disk does before it says ENOSPC.
      if (written < Buffer.byteLength(line))
        throw Object.assign(new Error('short write: no space left on device'), { code: 'ENOSPC' });
    } catch (error) {
      this.lost += 1;
      this.fail(error);
    }
  }

  /**
   * Close the events file and write the `end` record. `terminal` undefined: the run ended without
   * one; `extra.checks`: an eval cell's success checks. Idempotent; never throws (a failed index
   * write is reported to `onWriteError`).
   */
  finish(terminal: TerminalEvent | undefined, extra?: RecorderFinishExtra): RunEnd {
    if (this.ended) return this.ended;
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch (error) {
        this.fail(error);
      }
      this.fd = undefined;
    }
    const end = this.builder.finish(this.start.id, this.start.startedAt, this.start.requestedModel, terminal);
    if (extra?.checks) end.checks = extra.checks;
    if (end.usage && end.usage.costUsd === undefined && extra?.price) {
      const est = extra.price(end.usage, end.model);
      if (est) end.usage = { ...end.usage, costUsd: est.costUsd, costSource: est.costSource };
    }
    if (this.writeError) {
      end.outcome = end.status as NonNullable<RunEnd['outcome']>;
      end.status = 'incomplete';
      end.reason = 'store-write-failed';
      end.message = `the store could not be written (${describe(this.writeError)}): ${this.lost} of ${end.events} events were not stored${end.message ? `; the run: ${end.message}` : ''}`;
    }
    this.ended = end;
    try {
      appendRecord(this.indexFile, { k: 'end', ...end });
    } catch (error) {
      this.fail(error);
    }
    return end;
  }
}
