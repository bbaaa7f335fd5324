import type { IngestTable } from '../pipeline/types.ts';
import { OtlpItemError } from './errors.ts';
import type { RowsResult } from './types.ts';

const MAX_MESSAGES = 5;

/**
 * A growing byte buffer of JSONEachRow lines. Each row is encoded into it as soon as it is built,
 * so the pieces of a row die young: one long string of all rows (a rope of thousands of pieces
 * kept alive until the end) spent 40% of the decode time in the garbage collector.
 */
class LineBuffer {
  // allocUnsafeSlow: its own ArrayBuffer, never Node's shared pool, so it can be transferred between threads.
  buf: Buffer;
  length = 0;
  rows = 0;

  constructor(size: number, pool?: BufferPool) {
    this.buf = pool?.take(size) ?? Buffer.allocUnsafeSlow(size);
  }

  write(line: string): void {
    // A UTF-16 code unit encodes to at most 3 UTF-8 bytes.
    if (this.length + line.length * 3 > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.length + line.length * 3));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    this.length += this.buf.write(line, this.length);
    this.rows++;
  }
}

/**
 * Row buffers handed back by the main thread once their rows are spooled, reused for the next
 * request. Each buffer that reaches the main thread and is dropped there counts as external memory
 * until a full garbage collection: at ~60 MB/s of rows the main thread ran a mark-compact every
 * ~200 ms ("external memory pressure"), ~40% of its busy time. Handing buffers back detaches them
 * on the main thread, so they never count there.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  constructor(private readonly max = 8) {}

  /** Keeps a spare buffer (beyond `max`, the smallest goes). */
  put(buffer: ArrayBuffer): void {
    this.free.push(buffer);
    if (this.free.length > this.max) {
      let smallest = 0;
      for (let i = 1; i < this.free.length; i++)
        if ((this.free[i] as ArrayBuffer).byteLength < (this.free[smallest] as ArrayBuffer).byteLength)
          smallest = i;
      this.free.splice(smallest, 1);
    }
  }

  /** A spare buffer of at least `bytes`, or undefined. */
  take(bytes: number): Buffer | undefined {
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i] as ArrayBuffer;
      if (b.byteLength >= bytes) {
        this.free.splice(i, 1);
        return Buffer.from(b);
      }
    }
    return undefined;
  }

  /** Buffers held. */
  get size(): number {
    return this.free.length;
  }
}

/** Collects JSONEachRow lines per table and the refused items of one request. */
export class RowsBuilder {
  private readonly lines = new Map<IngestTable, LineBuffer>();
  private rejected = 0;
  private accepted = 0;
  private bizEvents = 0;
  private readonly messages: string[] = [];
  private readonly warnings = new Map<string, number>();
  private extraErrors = 0;

  /**
   * `sizeHint`: expected bytes of the main table's rows (growing a buffer copies it).
   * `pool`: spare buffers to reuse for the main table's rows.
   */
  constructor(
    private readonly sizeHint = 0,
    private readonly pool?: BufferPool,
  ) {}

  /** Adds one line (ending in "\n") for a table. */
  add(table: IngestTable, line: string): void {
    let t = this.lines.get(table);
    if (!t) {
      // The first table of a request is its main one (spans, log records, data points).
      t =
        this.lines.size === 0
          ? new LineBuffer(Math.max(64 * 1024, this.sizeHint), this.pool)
          : new LineBuffer(64 * 1024);
      this.lines.set(table, t);
    }
    t.write(line);
    if (table === 'business_events') this.bizEvents++;
    else this.accepted++;
  }

  /** Counts `count` refused items at `path`; the first few reasons are kept for the answer. */
  reject(path: string, error: unknown, count = 1): void {
    if (!(error instanceof OtlpItemError)) throw error;
    this.rejected += count;
    if (this.messages.length < MAX_MESSAGES) this.messages.push(`${path}.${error.message}`);
    else this.extraErrors++;
  }

  /** Records a warning (kept items with something worth telling the sender), deduplicated by text. */
  warn(text: string): void {
    this.warnings.set(text, (this.warnings.get(text) ?? 0) + 1);
  }

  /** The result; lines per table in insertion order. */
  result(): RowsResult {
    const messages = [...this.messages];
    if (this.extraErrors) messages.push(`… and ${this.extraErrors} more refused`);
    for (const [text, n] of this.warnings) messages.push(n > 1 ? `${text} (${n} times)` : text);
    return {
      tables: [...this.lines].map(([table, t]) => ({
        table,
        data: t.buf.subarray(0, t.length),
        rows: t.rows,
      })),
      rejected: this.rejected,
      accepted: this.accepted,
      bizEvents: this.bizEvents,
      messages,
    };
  }
}
