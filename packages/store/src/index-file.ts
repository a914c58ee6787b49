import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync, renameSync } from 'node:fs';
import { appendPrivate, writePrivateFile } from './private-files.js';
import type { RunEnd, RunStart, RunSummary } from './types.js';
import { cacheEntryOk, endProblem, startProblem } from './validate.js';

/** A line of the index: a run's `start` record, or its `end` record. */
export type IndexRecord = ({ k: 'start' } & RunStart) | ({ k: 'end' } & RunEnd);

/** The runs of an index: finished ones summarized, the others by their start record. */
export interface IndexRuns {
  /** Runs with an `end` record: start and end merged. */
  ended: Map<string, RunSummary>;
  /** Runs with only a `start` record (running, or their process died). */
  open: Map<string, RunStart>;
}

/**
 * The index cache: the runs of the first `bytes` bytes of the index, already merged. Contract:
 * disposable (deleting it costs one slower read); only ever covers whole lines of an index that
 * is only appended to, so it can never disagree with it.
 */
interface IndexCache {
  v: 2;
  bytes: number;
  /** Inode of the index it was made from, and a fingerprint of the covered bytes: a replaced index is told apart. */
  ino: number;
  tail: string;
  ended: RunSummary[];
  open: RunStart[];
}

/** Uncached index bytes past which a read refreshes the cache. */
export const CACHE_REFRESH_BYTES = 256 * 1024;

const RECORD_HEAD = '{"k":"';

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    // A writer killed mid-line leaves a torn record, and the next append lands on the same line:
    // the last complete record on it is still good.
    const at = line.lastIndexOf(RECORD_HEAD);
    if (at <= 0) return undefined;
    try {
      return JSON.parse(line.slice(at)) as unknown;
    } catch {
      return undefined;
    }
  }
}

/** Why an index line cannot be read, or undefined (then `rec` is a checked IndexRecord, defaults filled in). */
function recordProblem(rec: unknown): string | undefined {
  if (rec === undefined) return 'not JSON';
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) return rec === null ? 'null' : 'not an object';
  const r = rec as Record<string, unknown>;
  if (r.k === 'start') return startProblem(r);
  if (r.k === 'end') return endProblem(r);
  // a record kind of a newer omnigent: nothing here reads it
  return typeof r.k === 'string' ? '' : 'record without k';
}

function emptyRuns(): IndexRuns {
  return { ended: new Map(), open: new Map() };
}

/**
 * Fold index text (whole lines) into `runs`. Torn lines and records of an unexpected shape are
 * skipped, each reported to `onSkip` with its reason; a second `end` of a run is ignored; record
 * kinds of a newer omnigent are ignored silently.
 */
export function foldIndex(text: string, runs: IndexRuns = emptyRuns(), onSkip?: (reason: string) => void): IndexRuns {
  let from = 0;
  while (from < text.length) {
    let to = text.indexOf('\n', from);
    if (to === -1) to = text.length;
    if (to > from) {
      const parsed = parseLine(text.slice(from, to));
      const problem = recordProblem(parsed);
      if (problem) onSkip?.(problem);
      else if (problem === undefined) {
        const rec = parsed as IndexRecord;
        const { k, ...body } = rec;
        if (k === 'start') {
          if (!runs.ended.has(rec.id)) runs.open.set(rec.id, body as RunStart);
        } else if (k === 'end') {
          const start = runs.open.get(rec.id);
          if (start) {
            runs.open.delete(rec.id);
            // Object.assign, not spreads: ~4x faster over 10,000 runs (see bench/store.mjs).
            runs.ended.set(rec.id, Object.assign(start, body) as RunSummary);
          }
        }
      }
    }
    from = to + 1;
  }
  return runs;
}

const SAMPLE_BYTES = 64;
const SAMPLES = 16;

/**
 * A fingerprint of the first `bytes` bytes of the index: a hash of 64-byte samples at its start,
 * its end and evenly between (a few KiB read, whatever the index size), so that an index
 * rewritten in place (a restored backup, a hand edit) is not read through the old cache.
 */
function fingerprint(fd: number, bytes: number): string {
  const hash = createHash('sha1');
  const buf = Buffer.alloc(SAMPLE_BYTES);
  for (let i = 0; i <= SAMPLES; i++) {
    const at = Math.floor(((bytes - SAMPLE_BYTES) * i) / SAMPLES);
    const n = readSync(fd, buf, 0, Math.min(SAMPLE_BYTES, bytes), Math.max(0, at));
    hash.update(buf.subarray(0, n));
  }
  return hash.digest('base64');
}

/**
 * The cache, when it still describes this index: same inode, covered bytes present and ending the
 * same way, every entry of a readable shape. Anything else (a replaced or rewritten index, a cache
 * of an older omnigent, a damaged file) is ignored: it is only a cache.
 */
function readCache(file: string, fd: number, ino: number, indexBytes: number): IndexCache | undefined {
  try {
    const cache = JSON.parse(readFileSync(file, 'utf8')) as IndexCache;
    if (cache?.v !== 2 || typeof cache.bytes !== 'number' || cache.bytes > indexBytes || cache.ino !== ino)
      return undefined;
    if (!Array.isArray(cache.ended) || !Array.isArray(cache.open) || cache.tail !== fingerprint(fd, cache.bytes))
      return undefined;
    for (const r of cache.ended) if (!cacheEntryOk(r)) return undefined;
    for (const r of cache.open) if (!cacheEntryOk(r)) return undefined;
    return cache;
  } catch {
    return undefined;
  }
}

/**
 * Read the index at `file`, using and refreshing the cache at `cacheFile` (when given) so that a
 * read parses only what was appended since. A missing index is an empty store. Unreadable lines
 * are skipped and reported to `onSkip` (each time they are parsed: once the cache covers them,
 * they are not read again).
 */
export function readIndex(file: string, cacheFile?: string, onSkip?: (reason: string) => void): IndexRuns {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyRuns();
    throw error;
  }
  try {
    const { size, ino } = fstatSync(fd);
    const cache = cacheFile ? readCache(cacheFile, fd, ino, size) : undefined;
    const runs = emptyRuns();
    let offset = 0;
    if (cache) {
      for (const r of cache.ended) runs.ended.set(r.id, r);
      for (const s of cache.open) runs.open.set(s.id, s);
      offset = cache.bytes;
    }
    const buf = Buffer.allocUnsafe(size - offset);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    // Only whole lines: a record being appended right now is read next time.
    const end = buf.lastIndexOf(0x0a, got - 1) + 1;
    foldIndex(buf.toString('utf8', 0, end), runs, onSkip);
    if (cacheFile && end >= CACHE_REFRESH_BYTES) {
      writeCache(cacheFile, {
        v: 2,
        bytes: offset + end,
        ino,
        tail: fingerprint(fd, offset + end),
        ended: [...runs.ended.values()],
        open: [...runs.open.values()],
      });
    }
    return runs;
  } finally {
    closeSync(fd);
  }
}

function writeCache(file: string, cache: IndexCache): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writePrivateFile(tmp, JSON.stringify(cache));
    // rename is atomic: a concurrent reader sees the old cache or the new one, never half.
    renameSync(tmp, file);
  } catch {
    // a read-only store works without its cache
  }
}

/**
 * Append one record. Contract: one `write(2)` of a whole line on an O_APPEND descriptor, so
 * concurrent omnigent processes never interleave inside a record; the index is made owner-only.
 */
export function appendRecord(file: string, record: IndexRecord): void {
  appendPrivate(file, `${JSON.stringify(record)}\n`);
}
