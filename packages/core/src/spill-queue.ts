import { closeSync, openSync, readSync, rmSync, writeSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** Spill folders that exist right now, removed on the way out if their queue was never drained. */
const liveDirs = new Set<string>();
let exitHook = false;
function trackDir(dir: string): void {
  liveDirs.add(dir);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
  });
}

/**
 * FIFO queue of JSON-serializable items that keeps at most `maxInMemory` items in memory and
 * spills the rest to a temporary file, so a slow consumer never loses items nor grows memory
 * without bound. Order is preserved: once spilling starts, new items go to the file until the
 * file has been read back. Contract: the file (`$TMPDIR/omnigent-spill-*`) is deleted as soon as it
 * has been read back, on `dispose()`, and when the process exits; only a hard kill can leave one.
 */
export class SpillQueue<T> {
  private mem: T[] = [];
  private head = 0;
  private fd: number | undefined;
  private dir: string | undefined;
  private writePos = 0;
  private readPos = 0;
  private spilled = 0;
  private readBuf = '';
  private readOff = 0;
  private decoder = new StringDecoder('utf8');

  constructor(private readonly maxInMemory = 2048) {}

  /** Items waiting, in memory and on disk. */
  get size(): number {
    return this.mem.length - this.head + this.spilled;
  }

  /** Items that went to disk since the queue was made (for diagnostics and tests). */
  totalSpilled = 0;

  push(item: T): void {
    if (this.spilled === 0 && this.mem.length - this.head < this.maxInMemory) {
      this.mem.push(item);
      return;
    }
    if (this.fd === undefined) {
      this.dir = mkdtempSync(join(tmpdir(), 'omnigent-spill-'));
      trackDir(this.dir);
      this.fd = openSync(join(this.dir, 'queue.jsonl'), 'w+');
    }
    const data = Buffer.from(JSON.stringify(item) + '\n', 'utf8');
    writeSync(this.fd, data, 0, data.length, this.writePos);
    this.writePos += data.length;
    this.spilled += 1;
    this.totalSpilled += 1;
  }

  shift(): T | undefined {
    if (this.head < this.mem.length) {
      const item = this.mem[this.head]!;
      this.mem[this.head] = undefined as T;
      this.head += 1;
      if (this.head > 1024 && this.head * 2 > this.mem.length) {
        this.mem = this.mem.slice(this.head);
        this.head = 0;
      }
      return item;
    }
    if (this.spilled === 0) return undefined;
    this.refill();
    return this.shift();
  }

  /** Move up to `maxInMemory` spilled items back into memory. */
  private refill(): void {
    this.mem = [];
    this.head = 0;
    const chunk = Buffer.allocUnsafe(1 << 20);
    while (this.spilled > 0 && this.mem.length < this.maxInMemory) {
      let nl = this.readBuf.indexOf('\n', this.readOff);
      while (nl === -1) {
        const n = readSync(this.fd!, chunk, 0, chunk.length, this.readPos);
        if (n === 0) throw new Error('spill queue file ended early');
        this.readPos += n;
        this.readBuf = this.readBuf.slice(this.readOff) + this.decoder.write(chunk.subarray(0, n));
        this.readOff = 0;
        nl = this.readBuf.indexOf('\n');
      }
      this.mem.push(JSON.parse(this.readBuf.slice(this.readOff, nl)) as T);
      this.readOff = nl + 1;
      this.spilled -= 1;
    }
    if (this.spilled === 0) this.resetFile();
  }

  private resetFile(): void {
    this.writePos = 0;
    this.readPos = 0;
    this.readBuf = '';
    this.readOff = 0;
    this.decoder = new StringDecoder('utf8');
    // drained: the file goes now, not at exit (a long-lived process must not keep its disk space)
    this.dispose();
  }

  /** Delete the spill file. */
  dispose(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.dir) {
      rmSync(this.dir, { recursive: true, force: true });
      liveDirs.delete(this.dir);
    }
    this.fd = undefined;
    this.dir = undefined;
  }
}
