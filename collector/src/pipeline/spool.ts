import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import {
  mkdir,
  open,
  readdir,
  readFile,
  rm,
  stat,
  truncate,
  unlink,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Logger } from 'pino';
import type { IngestTable } from './types.ts';
import { INDEX_RECORD_BYTES, encodeIndexRecord, validPrefix } from './segmentIndex.ts';

/** A segment that is complete and waiting to be inserted (in `seq` order). */
export interface SealedSegment {
  seq: number;
  /** File name without extension; unique forever (sequence + random), used as the insert deduplication token. */
  name: string;
  table: IngestTable;
  /** Absolute path of the JSONEachRow file the engine reads. */
  dataPath: string;
  bytes: number;
  rows: number;
}

/** The answer of `append`: durable, or why not (data, never thrown). */
export type AppendOutcome =
  { ok: true } | { ok: false; reason: 'spool_full' | 'shutting_down' | 'io_error'; message: string };

/** Spool sizing and timing. */
export interface SpoolOptions {
  dir: string;
  /** Appends are refused (`spool_full`) once the spool holds this many bytes. */
  maxBytes: number;
  /** A segment is sealed at this many rows… */
  segmentMaxRows: number;
  /** …or this many bytes… */
  segmentMaxBytes: number;
  /** …or when its first row is this old. */
  segmentMaxAgeMs: number;
  now: () => number;
  logger: Logger;
}

/** What `open` found on disk from an earlier run. */
export interface RecoveryReport {
  segments: number;
  rows: number;
  bytes: number;
  /** Segments whose unacknowledged torn tail was cut off (a crash during a write). */
  tornTails: number;
}

/** Thrown when another live process holds the spool directory. */
export class SpoolLockedError extends Error {
  override readonly name = 'SpoolLockedError';
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`the spool ${dir} is in use by process ${pid}; two collectors cannot share one spool directory`);
  }
}

interface OpenSegment {
  seq: number;
  name: string;
  table: IngestTable;
  data: FileHandle;
  index: FileHandle;
  dataPath: string;
  bytes: number;
  rows: number;
  /** Index records written (one per group commit). */
  records: number;
  firstAt: number;
}

interface PendingAppend {
  table: IngestTable;
  data: Buffer;
  rows: number;
  resolve: (o: AppendOutcome) => void;
}

const NAME = /^(\d{12})-([0-9a-f]{8})\.([a-z_]+)\.jsonl$/;
const LOCK = 'LOCK';
const QUARANTINE = 'quarantine';

/**
 * The durable spool: append-only JSONEachRow segments per table, each with a checksummed index.
 * `append` resolves once the bytes are fsynced; concurrent appends share one fsync (group commit).
 * Sealed segments are handed to the inserter in order and deleted once their rows are in the store.
 */
export class Spool {
  private readonly open = new Map<IngestTable, OpenSegment>();
  private readonly sealedList: SealedSegment[] = [];
  private pending: PendingAppend[] = [];
  private pendingBytes = 0;
  private flushing: Promise<void> | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private storedBytes = 0;
  private nextSeq: number;
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly options: SpoolOptions,
    recovered: SealedSegment[],
    nextSeq: number,
  ) {
    this.sealedList.push(...recovered);
    this.storedBytes = recovered.reduce((n, s) => n + s.bytes, 0);
    this.nextSeq = nextSeq;
  }

  /** Opens (and recovers) a spool directory; takes its lock. */
  static async open(options: SpoolOptions): Promise<{ spool: Spool; recovered: RecoveryReport }> {
    await mkdir(join(options.dir, QUARANTINE), { recursive: true });
    await takeLock(options.dir);
    const { segments, report, maxSeq } = await recover(options.dir, options.logger);
    return { spool: new Spool(options, segments, maxSeq + 1), recovered: report };
  }

  /** Bytes on disk and waiting to be written. */
  get bytes(): number {
    let open = 0;
    for (const s of this.open.values()) open += s.bytes;
    return this.storedBytes + open + this.pendingBytes;
  }

  /** Rows in sealed and open segments. */
  get rows(): number {
    let n = this.sealedList.reduce((a, s) => a + s.rows, 0);
    for (const s of this.open.values()) n += s.rows;
    return n;
  }

  /** How full the spool is, 0..1. */
  get fill(): number {
    return Math.min(1, this.bytes / this.options.maxBytes);
  }

  /** Sealed segments waiting for the store, oldest first. */
  get sealed(): readonly SealedSegment[] {
    return this.sealedList;
  }

  /** Calls `listener` whenever a segment is sealed. */
  onSealed(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Appends JSONEachRow bytes (whole lines) for a table; resolves when they are fsynced.
   * Refuses when closed or when the spool would exceed its size limit.
   */
  append(table: IngestTable, data: Buffer, rows: number): Promise<AppendOutcome> {
    return this.appendAll([{ table, data, rows }]);
  }

  /**
   * Appends rows for several tables as one unit: all are refused or all go into the same group
   * commit (a request's spans and the business events derived from them are acknowledged together).
   */
  appendAll(parts: readonly { table: IngestTable; data: Buffer; rows: number }[]): Promise<AppendOutcome> {
    if (this.closed)
      return Promise.resolve({
        ok: false,
        reason: 'shutting_down',
        message: 'the collector is shutting down',
      });
    if (parts.length === 0) return Promise.resolve({ ok: true });
    const size = parts.reduce((n, p) => n + p.data.length, 0);
    if (this.bytes + size > this.options.maxBytes)
      return Promise.resolve({
        ok: false,
        reason: 'spool_full',
        message: `the spool holds ${this.bytes} of ${this.options.maxBytes} bytes`,
      });
    return new Promise((resolveAll) => {
      let left = parts.length;
      let failed: AppendOutcome | undefined;
      const resolve = (o: AppendOutcome) => {
        if (!o.ok) failed ??= o;
        if (--left === 0) resolveAll(failed ?? { ok: true });
      };
      for (const p of parts) this.pending.push({ table: p.table, data: p.data, rows: p.rows, resolve });
      this.pendingBytes += size;
      this.flushing ??= this.serial(() => this.flush());
    });
  }

  /** Seals segments that reached their age; call it on a timer. Resolves with how many were sealed. */
  sealDue(): Promise<number> {
    return this.serial(async () => {
      const now = this.options.now();
      let n = 0;
      for (const seg of [...this.open.values()]) {
        if (now - seg.firstAt >= this.options.segmentMaxAgeMs) {
          await this.seal(seg);
          n++;
        }
      }
      return n;
    });
  }

  /** Seals every open segment (at shutdown, or to hand everything to the inserter now). */
  sealAll(): Promise<void> {
    return this.serial(async () => {
      for (const seg of [...this.open.values()]) await this.seal(seg);
    });
  }

  /** Deletes a segment whose rows are in the store. */
  async remove(seg: SealedSegment): Promise<void> {
    await this.serial(async () => {
      const i = this.sealedList.indexOf(seg);
      if (i < 0) return;
      this.sealedList.splice(i, 1);
      this.storedBytes -= seg.bytes;
      // The index goes first: a data file without an index is recognised as never acknowledged.
      await rm(indexPathOf(seg.dataPath), { force: true });
      await rm(seg.dataPath, { force: true });
    });
  }

  /**
   * Keeps the rows of a segment that the store refuses one by one in `quarantine/` (for an operator
   * to inspect, fix and re-insert) and deletes the segment, whose other rows are in the store.
   */
  async quarantineRows(seg: SealedSegment, rows: readonly string[]): Promise<string> {
    const target = join(this.options.dir, QUARANTINE, `${seg.name}.${seg.table}.refused.jsonl`);
    await writeFile(target, rows.map((r) => `${r}\n`).join(''));
    await this.remove(seg);
    return target;
  }

  /** Stops accepting, waits for pending writes, seals open segments, releases the lock. Segments stay on disk. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    await this.sealAll();
    await rm(join(this.options.dir, LOCK), { force: true });
  }

  /** Runs spool mutations one at a time. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** One group commit: writes everything pending, one fsync per touched file, then acknowledges all. */
  private async flush(): Promise<void> {
    this.flushing = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    // Counted as pending until written, so the size limit holds while the commit is under way.
    const batchBytes = batch.reduce((n, p) => n + p.data.length, 0);
    const byTable = new Map<IngestTable, PendingAppend[]>();
    for (const p of batch) {
      const list = byTable.get(p.table);
      if (list) list.push(p);
      else byTable.set(p.table, [p]);
    }
    const touched: OpenSegment[] = [];
    const failures = new Map<PendingAppend, string>();
    try {
      for (const [table, appends] of byTable) {
        const seg = this.open.get(table) ?? (await this.createSegment(table));
        const start = seg.bytes;
        const chunks = appends.map((a) => a.data);
        const rows = appends.reduce((n, a) => n + a.rows, 0);
        let crc = 0;
        for (const c of chunks) crc = crc32(c, crc);
        try {
          await writeAll(seg.data, chunks, start);
          const end = start + chunks.reduce((n, c) => n + c.length, 0);
          await seg.index.write(
            encodeIndexRecord({ end, rows, crc }),
            0,
            INDEX_RECORD_BYTES,
            seg.records * INDEX_RECORD_BYTES,
          );
          seg.bytes = end;
          seg.rows += rows;
          seg.records++;
          touched.push(seg);
        } catch (e) {
          const message = `spool write failed: ${(e as Error).message}`;
          this.options.logger.error(
            { err: e, segment: seg.name },
            'spool write failed; the segment is cut back to its last commit',
          );
          for (const a of appends) failures.set(a, message);
          await this.cutBack(seg, start);
        }
      }
      // One fsync per touched file covers every request in this batch (group commit).
      await Promise.all(touched.flatMap((s) => [s.data.datasync(), s.index.datasync()]));
    } catch (e) {
      const message = `spool fsync failed: ${(e as Error).message}`;
      this.options.logger.error({ err: e }, 'spool fsync failed');
      for (const p of batch) if (!failures.has(p)) failures.set(p, message);
    }
    this.pendingBytes -= batchBytes;
    const full = touched.filter(
      (seg) =>
        this.open.get(seg.table) === seg &&
        (seg.rows >= this.options.segmentMaxRows || seg.bytes >= this.options.segmentMaxBytes),
    );
    const closing = full.map((seg) => this.seal(seg));
    for (const p of batch) {
      const failed = failures.get(p);
      p.resolve(failed ? { ok: false, reason: 'io_error', message: failed } : { ok: true });
    }
    await Promise.all(closing);
    // Appends that arrived during this commit form the next group.
    if (this.pending.length) this.flushing ??= this.serial(() => this.flush());
  }

  private async cutBack(seg: OpenSegment, bytes: number): Promise<void> {
    try {
      await seg.data.truncate(bytes);
      await seg.index.truncate(seg.records * INDEX_RECORD_BYTES);
    } catch (e) {
      // The index still ends at the last commit, so recovery would cut the same bytes; seal it to stop writing here.
      this.options.logger.error({ err: e, segment: seg.name }, 'cannot cut back the segment; sealing it');
      await this.seal(seg).catch(() => undefined);
    }
  }

  private async createSegment(table: IngestTable): Promise<OpenSegment> {
    const seq = this.nextSeq++;
    const name = `${String(seq).padStart(12, '0')}-${randomBytes(4).toString('hex')}`;
    const dataPath = join(this.options.dir, `${name}.${table}.jsonl`);
    // Index first: at recovery a data file without its index holds nothing acknowledged.
    const index = await open(indexPathOf(dataPath), 'w');
    const data = await open(dataPath, 'w');
    await syncDir(this.options.dir);
    const seg: OpenSegment = {
      seq,
      name,
      table,
      data,
      index,
      dataPath,
      bytes: 0,
      rows: 0,
      records: 0,
      firstAt: this.options.now(),
    };
    this.open.set(table, seg);
    return seg;
  }

  private async seal(seg: OpenSegment): Promise<void> {
    if (this.open.get(seg.table) !== seg) return;
    // The state changes at once (the next append opens a new segment, the inserter may take this
    // one: its bytes are already fsynced); closing the files follows.
    this.open.delete(seg.table);
    if (seg.rows > 0) {
      this.storedBytes += seg.bytes;
      this.sealedList.push({
        seq: seg.seq,
        name: seg.name,
        table: seg.table,
        dataPath: seg.dataPath,
        bytes: seg.bytes,
        rows: seg.rows,
      });
      for (const l of this.listeners) l();
    }
    await Promise.allSettled([seg.data.close(), seg.index.close()]);
    if (seg.rows === 0) {
      await rm(indexPathOf(seg.dataPath), { force: true });
      await rm(seg.dataPath, { force: true });
    }
  }
}

function indexPathOf(dataPath: string): string {
  return dataPath.replace(/\.jsonl$/, '.idx');
}

async function writeAll(fh: FileHandle, chunks: Buffer[], position: number): Promise<void> {
  let pos = position;
  let rest = chunks;
  while (rest.length) {
    const { bytesWritten } = await fh.writev(rest, pos);
    pos += bytesWritten;
    let skip = bytesWritten;
    const next: Buffer[] = [];
    for (const c of rest) {
      if (skip >= c.length) {
        skip -= c.length;
        continue;
      }
      next.push(skip ? c.subarray(skip) : c);
      skip = 0;
    }
    rest = next;
  }
}

async function syncDir(dir: string): Promise<void> {
  // A new file's directory entry is durable only once the directory itself is fsynced.
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function takeLock(dir: string): Promise<void> {
  const path = join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (pid && pid !== process.pid && pidAlive(pid)) throw new SpoolLockedError(dir, pid);
      // A lock left by a process that died (kill -9): take it over.
      await unlink(path).catch(() => undefined);
    }
  }
  await writeFile(path, String(process.pid));
}

async function recover(
  dir: string,
  logger: Logger,
): Promise<{ segments: SealedSegment[]; report: RecoveryReport; maxSeq: number }> {
  const names = await readdir(dir);
  const segments: SealedSegment[] = [];
  const report: RecoveryReport = { segments: 0, rows: 0, bytes: 0, tornTails: 0 };
  let maxSeq = 0;
  for (const file of names) {
    const m = NAME.exec(file);
    if (!m) continue;
    const seq = Number(m[1]);
    maxSeq = Math.max(maxSeq, seq);
    const dataPath = join(dir, file);
    const indexPath = indexPathOf(dataPath);
    const index = await readFile(indexPath).catch(() => undefined);
    if (!index) {
      // No index: created but never committed.
      await rm(dataPath, { force: true });
      continue;
    }
    const data = await readFile(dataPath);
    const prefix = validPrefix(index, data);
    if (prefix.torn) {
      report.tornTails++;
      logger.warn(
        { segment: file, keptBytes: prefix.bytes, cutBytes: data.length - prefix.bytes },
        'spool segment had a torn tail; cut back to its last commit',
      );
      await truncate(dataPath, prefix.bytes);
      await truncate(indexPath, prefix.records * INDEX_RECORD_BYTES);
    }
    if (prefix.rows === 0) {
      await rm(indexPath, { force: true });
      await rm(dataPath, { force: true });
      continue;
    }
    segments.push({
      seq,
      name: `${m[1]}-${m[2]}`,
      table: m[3] as IngestTable,
      dataPath,
      bytes: prefix.bytes,
      rows: prefix.rows,
    });
    report.segments++;
    report.rows += prefix.rows;
    report.bytes += prefix.bytes;
  }
  // Index files whose data file is gone (deleted after insert, crash before the index went).
  for (const file of names) {
    if (!file.endsWith('.idx')) continue;
    const dataPath = join(dir, file.replace(/\.idx$/, '.jsonl'));
    if (!(await stat(dataPath).catch(() => undefined))) await rm(join(dir, file), { force: true });
  }
  segments.sort((a, b) => a.seq - b.seq);
  return { segments, report, maxSeq };
}
