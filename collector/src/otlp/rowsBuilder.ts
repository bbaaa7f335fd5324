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

  constructor(size: number) {
    this.buf = Buffer.allocUnsafeSlow(size);
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

/** Collects JSONEachRow lines per table and the refused items of one request. */
export class RowsBuilder {
  private readonly lines = new Map<IngestTable, LineBuffer>();
  private rejected = 0;
  private accepted = 0;
  private bizEvents = 0;
  private readonly messages: string[] = [];
  private readonly warnings = new Map<string, number>();
  private extraErrors = 0;

  /** `sizeHint`: expected bytes of the main table's rows (growing a buffer copies it). */
  constructor(private readonly sizeHint = 0) {}

  /** Adds one line (ending in "\n") for a table. */
  add(table: IngestTable, line: string): void {
    let t = this.lines.get(table);
    if (!t) {
      // The first table of a request is its main one (spans, log records, data points).
      t = new LineBuffer(this.lines.size === 0 ? Math.max(64 * 1024, this.sizeHint) : 64 * 1024);
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
