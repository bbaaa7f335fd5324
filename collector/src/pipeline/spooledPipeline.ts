import type { Logger } from 'pino';
import type { Store } from '@linewatch/store';
import type { SelfTelemetry } from '../selfTelemetry/selfTelemetry.ts';
import { insertSegment } from './segmentSink.ts';
import { salvageSegment } from './salvageSegment.ts';
import { Spool, type RecoveryReport, type SealedSegment } from './spool.ts';
import type { AcceptResult, IngestTable, Pipeline } from './types.ts';

/** Options of the spooled pipeline (from `collector.spool` and `collector.batch` in linewatch.yaml). */
export interface SpooledPipelineOptions {
  store: Store;
  dir: string;
  maxBytes: number;
  /** A segment is inserted once it holds this many rows… */
  batchMaxRows: number;
  /** …or its first row waited this long. */
  batchMaxDelayMs: number;
  /** Segment size cap in bytes (default 64 MiB). */
  segmentMaxBytes?: number;
  logger: Logger;
  telemetry: SelfTelemetry;
  now?: () => number;
  /** How long `close` keeps inserting what is spooled before leaving the rest on disk (default 5 s). */
  closeFlushMs?: number;
  /** Refused inserts of one segment before it is quarantined (default 3). */
  maxRefusals?: number;
  /**
   * More write connections to the same store: each inserts another sealed segment at the same time
   * (a chDB connection runs one statement at a time; CHDB-NOTES trap 2).
   */
  extraStores?: Store[];
}

/** The collector's pipeline: a durable spool in front of the store, and the inserter that drains it. */
export interface SpooledPipeline extends Pipeline {
  /** Accepts JSONEachRow lines as a string or UTF-8 bytes (receivers that already hold bytes skip a copy). */
  accept(table: IngestTable, jsonLines: string | Uint8Array, rows: number): Promise<AcceptResult>;
  /** Accepts rows for several tables as one unit: all durable together, or all refused. */
  acceptAll(parts: readonly { table: IngestTable; data: Uint8Array; rows: number }[]): Promise<AcceptResult>;
  /** What was found on disk from an earlier run (replayed in order). */
  readonly recovered: RecoveryReport;
  /** Starts the inserter and the seal timer. */
  start(): void;
  /** Points the inserter at another store (a reconnected server, or a test's store) and retries at once. */
  setStore(store: Store, extraStores?: Store[]): void;
  /** Seals open segments and waits until everything spooled is inserted; false if `timeoutMs` passed first. */
  flush(timeoutMs: number): Promise<boolean>;
  /** Undefined while inserts succeed, else the last store error (readiness). */
  storeError(): string | undefined;
  /** Bytes in the spool and its limit. */
  spoolBytes(): { bytes: number; maxBytes: number; segments: number };
}

const SEAL_TICK_MS = 100;
const MAX_BACKOFF_MS = 30_000;

/** Opens the spool (recovering segments of an earlier run) and returns the pipeline; call `start()`. */
export async function createSpooledPipeline(options: SpooledPipelineOptions): Promise<SpooledPipeline> {
  const now = options.now ?? Date.now;
  const { logger, telemetry } = options;
  const { spool, recovered } = await Spool.open({
    dir: options.dir,
    maxBytes: options.maxBytes,
    segmentMaxRows: options.batchMaxRows,
    segmentMaxBytes: options.segmentMaxBytes ?? 64 * 1024 * 1024,
    segmentMaxAgeMs: options.batchMaxDelayMs,
    now,
    logger,
  });
  if (recovered.segments)
    logger.info(
      { ...recovered, dir: options.dir },
      'spool holds segments of an earlier run; replaying them in order',
    );
  const replayedSegments = new Set(spool.sealed.map((s) => s.name));

  let store = options.store;
  let extraStores = options.extraStores ?? [];
  const lanes = (): Store[] => [store, ...extraStores];
  const laneCount = 1 + (options.extraStores?.length ?? 0);
  const inFlight = new Set<string>();
  let started = false;
  let closing = false;
  let stopped = false;
  let lastError: string | undefined;
  const wakers = new Set<() => void>();
  const idleWaiters = new Set<() => void>();
  let sealTimer: NodeJS.Timeout | undefined;
  let loop: Promise<void> | undefined;
  const refusals = new Map<string, number>();

  const signal = () => {
    const all = [...wakers];
    wakers.clear();
    for (const w of all) w();
  };
  spool.onSealed(() => {
    // Segments sealed while the store is failing wait for it like those before them.
    const newest = spool.sealed[spool.sealed.length - 1];
    if (lastError && newest) replayedSegments.add(newest.name);
    signal();
  });
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(t);
        wakers.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      wakers.add(wake);
    });

  telemetry.gauge('pipeline', 'all', 'spool_bytes', () => spool.bytes);
  telemetry.gauge('pipeline', 'all', 'spool_segments', () => spool.sealed.length);
  telemetry.gauge('pipeline', 'all', 'queue_fill', () => spool.fill);

  async function insertOne(seg: SealedSegment, into: Store): Promise<void> {
    const t0 = performance.now();
    try {
      await insertSegment(into, seg);
    } catch (e) {
      const err = e as Error & { retryable?: boolean };
      const retryable = err.retryable ?? true;
      lastError = err.message;
      if (retryable) throw e;
      const n = (refusals.get(seg.name) ?? 0) + 1;
      refusals.set(seg.name, n);
      if (n < (options.maxRefusals ?? 3)) throw e;
      // A segment the store refuses again and again (a malformed row, a schema mismatch) would block
      // every later one: insert the rows it accepts, and set the ones it refuses aside where an
      // operator can inspect and re-insert them. An outage during the salvage is retried as any.
      const salvaged = await salvageSegment(into, seg);
      refusals.delete(seg.name);
      lastError = undefined;
      telemetry.count('pipeline', seg.table, 'inserted', salvaged.inserted);
      if (salvaged.refused.length === 0) {
        await spool.remove(seg);
        return;
      }
      const path = await spool.quarantineRows(seg, salvaged.refused);
      telemetry.count('pipeline', seg.table, 'rejected', salvaged.refused.length, 'insert_refused');
      logger.error(
        {
          err: salvaged.firstError ?? err.message,
          segment: seg.name,
          table: seg.table,
          rows: seg.rows,
          inserted: salvaged.inserted,
          refused: salvaged.refused.length,
          path,
        },
        'the store refuses rows of this spool segment; the others are inserted, the refused ones quarantined',
      );
      return;
    }
    const ms = performance.now() - t0;
    telemetry.observe('pipeline', seg.table, 'insert_latency', ms);
    telemetry.count('pipeline', seg.table, 'inserted', seg.rows);
    if (replayedSegments.delete(seg.name)) telemetry.count('pipeline', seg.table, 'replayed', seg.rows);
    refusals.delete(seg.name);
    lastError = undefined;
    await spool.remove(seg);
  }

  /** One insert lane: takes the oldest sealed segment no other lane is inserting. */
  async function run(lane: number): Promise<void> {
    let failures = 0;
    while (!stopped) {
      const into = lanes()[lane];
      const seg = into ? spool.sealed.find((s) => !inFlight.has(s.name)) : undefined;
      if (!seg || !into) {
        if (inFlight.size === 0 && spool.sealed.length === 0) for (const w of idleWaiters) w();
        if (closing && inFlight.size === 0) return;
        await sleep(SEAL_TICK_MS * 10);
        continue;
      }
      inFlight.add(seg.name);
      let backoff = 0;
      try {
        await insertOne(seg, into);
        failures = 0;
      } catch (e) {
        failures++;
        // Every waiting segment is delayed by the outage and will be replayed, in arrival order.
        for (const s of spool.sealed) replayedSegments.add(s.name);
        backoff = Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(failures - 1, 10));
        if (failures === 1 || failures % 10 === 0)
          logger.warn(
            { err: e, segment: seg.name, failures, retryInMs: backoff },
            'spool insert failed; retrying',
          );
        telemetry.count(
          'pipeline',
          seg.table,
          'insert_failed',
          1,
          (e as { retryable?: boolean }).retryable === false ? 'refused' : 'store_unavailable',
        );
        if (closing) return;
      } finally {
        inFlight.delete(seg.name);
      }
      // Sleep after giving the segment back, never in the finally's way: a lane that slept while
      // holding nothing and then cleared the segment's in-flight mark would clear another lane's
      // mark on it, and two lanes would insert (and salvage) the same segment at once.
      if (backoff) await sleep(backoff);
    }
  }

  const toBuffer = (lines: string | Uint8Array): Buffer =>
    typeof lines === 'string'
      ? Buffer.from(lines, 'utf8')
      : Buffer.isBuffer(lines)
        ? lines
        : Buffer.from(lines.buffer, lines.byteOffset, lines.byteLength);

  const pipeline: SpooledPipeline = {
    recovered,
    accept(table, jsonLines, rows) {
      return pipeline.acceptAll([{ table, data: toBuffer(jsonLines), rows }]);
    },
    async acceptAll(parts) {
      const buffers: { table: IngestTable; data: Buffer; rows: number }[] = [];
      for (const p of parts) {
        if (p.rows <= 0 || p.data.length === 0) continue;
        const data = toBuffer(p.data);
        // Segments are concatenations of accepted chunks: a chunk without its final newline would
        // merge its last row with the next chunk's first.
        if (data[data.length - 1] !== 0x0a)
          return {
            ok: false,
            retryable: false,
            reason: 'rows must be JSONEachRow lines, each ending in "\\n"',
          };
        buffers.push({ table: p.table, data, rows: p.rows });
      }
      const outcome = await spool.appendAll(buffers);
      if (outcome.ok) {
        for (const b of buffers) telemetry.count('pipeline', b.table, 'spooled', b.rows);
        return { ok: true };
      }
      for (const b of buffers) telemetry.count('pipeline', b.table, 'refused', b.rows, outcome.reason);
      if (outcome.reason === 'spool_full') {
        // Retry-After: roughly when the inserter will have made room; longer while the store is down.
        return { ok: false, retryable: true, retryAfterSeconds: lastError ? 30 : 2, reason: 'spool_full' };
      }
      if (outcome.reason === 'shutting_down')
        return { ok: false, retryable: true, retryAfterSeconds: 5, reason: 'shutting_down' };
      logger.error({ message: outcome.message }, 'spool append failed');
      return { ok: false, retryable: true, retryAfterSeconds: 5, reason: 'store_unavailable' };
    },
    start() {
      if (started) return;
      started = true;
      sealTimer = setInterval(() => {
        spool.sealDue().catch((e: unknown) => logger.error({ err: e }, 'sealing spool segments failed'));
      }, SEAL_TICK_MS);
      sealTimer.unref();
      loop = Promise.all(
        Array.from({ length: laneCount }, (_, lane) =>
          run(lane).catch((e: unknown) => logger.error({ err: e }, 'the spool inserter stopped')),
        ),
      ).then(() => undefined);
    },
    setStore(next, extra = []) {
      store = next;
      extraStores = extra;
      signal();
    },
    async flush(timeoutMs) {
      await spool.sealAll();
      if (spool.sealed.length === 0) return true;
      if (!started) pipeline.start();
      signal();
      const deadline = now() + timeoutMs;
      return new Promise<boolean>((resolve) => {
        const done = () => {
          idleWaiters.delete(check);
          clearInterval(timer);
        };
        const check = () => {
          if (spool.sealed.length === 0) {
            done();
            resolve(true);
          } else if (now() >= deadline) {
            done();
            resolve(false);
          }
        };
        idleWaiters.add(check);
        const timer = setInterval(check, 50);
        timer.unref();
        check();
      });
    },
    storeError: () => lastError,
    spoolBytes: () => ({ bytes: spool.bytes, maxBytes: options.maxBytes, segments: spool.sealed.length }),
    async close() {
      if (closing) return;
      closing = true;
      if (sealTimer) clearInterval(sealTimer);
      await spool.close();
      if (spool.sealed.length && started && !lastError) {
        // Give the inserter a bounded time to drain; what is left stays on disk and is replayed next start.
        signal();
        await pipeline.flush(options.closeFlushMs ?? 5_000);
      }
      stopped = true;
      signal();
      await loop;
      if (spool.sealed.length)
        logger.info(
          { segments: spool.sealed.length, bytes: spool.bytes },
          'spool segments left for the next start',
        );
    },
  };
  return pipeline;
}
