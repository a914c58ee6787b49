import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, writeSync } from 'node:fs';

/** Mode of every store directory: owner only (prompts and tool output may hold secrets). */
export const DIR_MODE = 0o700;
/** Mode of every store file: owner read/write only. */
export const FILE_MODE = 0o600;

/**
 * Create `dir` (and missing parents) owner-only, and tighten it when an older omnigent created it
 * 0755. Contract: a directory owned by someone else is left as is (chmod fails; reading still works).
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  try {
    chmodSync(dir, DIR_MODE);
  } catch {
    // not ours to change
  }
}

/**
 * Open `file` for appending, created 0600; an existing file (an older omnigent wrote it 0644) is
 * tightened on open, so the first write of this version makes it private.
 */
export function openPrivate(file: string, flags: 'a' | 'w' = 'a'): number {
  const fd = openSync(file, flags, FILE_MODE);
  try {
    fchmodSync(fd, FILE_MODE);
  } catch {
    // someone else's file: writing it still works if they let us
  }
  return fd;
}

/** Write all of `text` to `fd` (looping over short writes). Throws the write error (ENOSPC…). */
export function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  let done = 0;
  while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done);
}

/** Write `text` as the whole content of `file`, owner-only. */
export function writePrivateFile(file: string, text: string): void {
  const fd = openPrivate(file, 'w');
  try {
    writeAll(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** Append `text` to `file` in one write on an O_APPEND descriptor, owner-only. */
export function appendPrivate(file: string, text: string): void {
  const fd = openPrivate(file, 'a');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
