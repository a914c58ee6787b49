import { appendFileSync, readFileSync } from 'node:fs';
import type { RunEnd, RunStart } from './types.js';

/** A line of the index: a run's `start` record, or its `end` record. */
export type IndexRecord = ({ k: 'start' } & RunStart) | ({ k: 'end' } & RunEnd);

/** Start and end records of one run, as read back. */
export interface IndexEntry {
  start?: RunStart;
  end?: RunEnd;
}

const RECORD_HEAD = '{"k":"';

function parseLine(line: string): IndexRecord | undefined {
  try {
    return JSON.parse(line) as IndexRecord;
  } catch {
    // A writer killed mid-line leaves a torn record, and the next append lands on the same line:
    // the last complete record on it is still good.
    const at = line.lastIndexOf(RECORD_HEAD);
    if (at <= 0) return undefined;
    try {
      return JSON.parse(line.slice(at)) as IndexRecord;
    } catch {
      return undefined;
    }
  }
}

/** Parse index text into entries by run id, in order of first appearance. Torn lines are skipped. */
export function parseIndex(text: string): Map<string, IndexEntry> {
  const entries = new Map<string, IndexEntry>();
  let from = 0;
  while (from < text.length) {
    let to = text.indexOf('\n', from);
    if (to === -1) to = text.length;
    if (to > from) {
      const rec = parseLine(text.slice(from, to));
      if (rec && typeof rec.id === 'string') {
        let e = entries.get(rec.id);
        if (!e) entries.set(rec.id, (e = {}));
        const { k, ...body } = rec;
        if (k === 'start') e.start = body as RunStart;
        else if (k === 'end') e.end = body as RunEnd;
      }
    }
    from = to + 1;
  }
  return entries;
}

/** Read the index file; a missing file is an empty store. */
export function readIndex(file: string): Map<string, IndexEntry> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  return parseIndex(text);
}

/**
 * Append one record. Contract: one `write(2)` of a whole line on an O_APPEND descriptor, so
 * concurrent omnigent processes never interleave inside a record.
 */
export function appendRecord(file: string, record: IndexRecord): void {
  appendFileSync(file, `${JSON.stringify(record)}\n`);
}
