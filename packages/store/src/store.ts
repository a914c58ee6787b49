import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { OmnigentEvent, TerminalEvent } from '@omnigent/core';
import { isTerminal } from '@omnigent/core/events';
import { StoreAccessError, StoreQueryError } from './errors.js';
import { matchesFilter, type RunFilter } from './filter.js';
import { appendRecord, readIndex } from './index-file.js';
import { ensurePrivateDir, openPrivate, writePrivateFile } from './private-files.js';
import { RunRecorder, type RecorderOptions } from './recorder.js';
import { SummaryBuilder } from './summarize.js';
import { PROMPT_PREVIEW_CHARS, type RunEnd, type RunStart, type RunSummary, type StoredRequest } from './types.js';
import { eventProblem, SkippedRecords } from './validate.js';

/** Start time of a process in clock ticks since boot (field 22 of `/proc/<pid>/stat`); undefined off Linux. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether the process that recorded a run is still the one running under its pid. */
function alive(pid: number, pidStart: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (pidStart === undefined) return true;
  const now = processStart(pid);
  return now === undefined || now === pidStart;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * Parse a JSONL events file. Lines that are not JSON (a torn last line: writer killed mid-write)
 * or not a readable event (`null`, a `message` whose text is not a string…) are dropped, each
 * reported to `onSkip` with its reason. Events of types this version does not know are kept.
 */
export function parseEvents(text: string, onSkip?: (reason: string) => void): OmnigentEvent[] {
  const events: OmnigentEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      onSkip?.('not JSON');
      continue;
    }
    const problem = eventProblem(value);
    if (problem) onSkip?.(problem);
    else events.push(value as OmnigentEvent);
  }
  return events;
}

/**
 * The local run store: `index.jsonl` (a `start` and an `end` record per run, append-only) and
 * `runs/<run id>.jsonl` (the run's normalized events). See the package README for why.
 */
export class RunStore {
  /** Absolute directory of the store. */
  readonly dir: string;
  /** Unreadable records met by this store's reads so far (see {@link warnings}). */
  readonly skipped = new SkippedRecords();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Path of the index. */
  get indexFile(): string {
    return join(this.dir, 'index.jsonl');
  }

  /** Path of a run's events file. */
  eventsFile(id: string): string {
    return join(this.dir, 'runs', `${id}.jsonl`);
  }

  /** Path of a run's request file. */
  requestFile(id: string): string {
    return join(this.dir, 'runs', `${id}.request.json`);
  }

  /**
   * Start recording a run: creates its events file (and request file) and appends its `start`
   * record. Contract: directories are made 0700 and files 0600 (also those an older omnigent made
   * wider); `options.redact` is applied to every event, and the caller redacts `start` and `request`.
   */
  begin(start: RunStart, request?: StoredRequest, options: RecorderOptions = {}): RunRecorder {
    ensurePrivateDir(this.dir);
    ensurePrivateDir(join(this.dir, 'runs'));
    if (request) writePrivateFile(this.requestFile(start.id), JSON.stringify(request));
    const fd = openPrivate(this.eventsFile(start.id));
    const record: RunStart = {
      ...start,
      pid: start.pid ?? process.pid,
      host: start.host ?? hostname(),
      ...((start.pid ?? process.pid) === process.pid && start.pidStart === undefined
        ? optional('pidStart', processStart(process.pid))
        : {}),
      ...(start.prompt !== undefined ? { prompt: start.prompt.slice(0, PROMPT_PREVIEW_CHARS) } : {}),
    };
    appendRecord(this.indexFile, { k: 'start', ...record });
    return new RunRecorder(record, fd, this.indexFile, options);
  }

  /** One line per store file that had unreadable records (`omnigent: 3 records in … were skipped …`). */
  warnings(): string[] {
    return this.skipped.messages();
  }

  /** Every run, newest first. Runs whose process died are marked interrupted (and the index is told). */
  all(): RunSummary[] {
    let index: ReturnType<typeof readIndex>;
    try {
      index = readIndex(this.indexFile, join(this.dir, 'index.cache.json'), this.skipped.reader(this.indexFile));
    } catch (error) {
      throw new StoreAccessError(this.dir, error);
    }
    const { ended, open } = index;
    const out: RunSummary[] = [...ended.values()];
    if (open.size) {
      const host = hostname();
      for (const start of open.values()) {
        const dead = start.host === host && start.pid !== undefined && !alive(start.pid, start.pidStart);
        if (!dead)
          out.push({ ...start, ...(start.requestedModel ? { model: start.requestedModel } : {}), status: 'running' });
        else out.push(Object.assign({ ...start }, this.recover(start)) as RunSummary);
      }
    }
    // ISO-8601 UTC strings sort as text.
    return out.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
  }

  /** Runs matching `filter`, newest first. */
  list(filter: RunFilter = {}): RunSummary[] {
    const runs = this.all().filter((r) => matchesFilter(r, filter));
    return filter.limit !== undefined ? runs.slice(0, filter.limit) : runs;
  }

  /** The run whose id is, or starts with, `idOrPrefix`. Throws a StoreQueryError when none or several match. */
  find(idOrPrefix: string, runs: RunSummary[] = this.all()): RunSummary {
    const exact = runs.find((r) => r.id === idOrPrefix);
    if (exact) return exact;
    const matches = runs.filter((r) => r.id.startsWith(idOrPrefix));
    if (matches.length === 1) return matches[0]!;
    if (matches.length === 0) {
      throw new StoreQueryError(
        `No stored run has an id starting with "${idOrPrefix}".`,
        `omnigent runs lists them (store: ${this.dir}).`,
      );
    }
    throw new StoreQueryError(
      `"${idOrPrefix}" matches ${matches.length} runs: ${matches
        .slice(0, 5)
        .map((r) => r.id.slice(0, 12))
        .join(', ')}${matches.length > 5 ? ', …' : ''}.`,
      'Give more characters of the id.',
    );
  }

  /** What the run was asked, when it was recorded with its request (undefined when missing or unreadable). */
  request(id: string): StoredRequest | undefined {
    try {
      const request = JSON.parse(readFileSync(this.requestFile(id), 'utf8')) as StoredRequest | null;
      return request !== null && typeof request === 'object' && typeof request.prompt === 'string'
        ? request
        : undefined;
    } catch {
      return undefined;
    }
  }

  /** The stored events of a run (empty when its file is gone); unreadable lines are skipped and counted. */
  events(id: string): OmnigentEvent[] {
    const file = this.eventsFile(id);
    try {
      return parseEvents(readFileSync(file, 'utf8'), this.skipped.reader(file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new StoreAccessError(this.dir, error);
    }
  }

  /** Summarize a run whose recording process died, from its events file, and append its `end` record. */
  private recover(start: RunStart): RunEnd {
    const builder = new SummaryBuilder();
    let terminal: TerminalEvent | undefined;
    for (const e of this.events(start.id)) {
      builder.add(e);
      if (isTerminal(e)) terminal = e;
    }
    const end = builder.finish(start.id, start.startedAt, start.requestedModel, terminal);
    try {
      appendRecord(this.indexFile, { k: 'end', ...end });
    } catch {
      // a read-only store still lists correctly; it just recomputes next time
    }
    return end;
  }
}

/** Open the store at `dir` (created on the first recorded run). */
export function openStore(dir: string): RunStore {
  return new RunStore(dir);
}
