import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { IngestTable } from '../pipeline/types.ts';
import { OtlpRequestError } from './errors.ts';
import { transformOtlp } from './transformOtlp.ts';
import type { IngestRestriction, OtlpEncoding, OtlpSignal } from './types.ts';

/** A request for the decode pool. */
export interface DecodeJob {
  kind: 'decode';
  id: number;
  signal: OtlpSignal;
  encoding: OtlpEncoding;
  body: Uint8Array;
  receivedAtMs: number;
  restriction?: IngestRestriction;
}

/** Row buffers handed back to a worker for reuse once their rows are spooled. */
export interface RecycleMessage {
  kind: 'recycle';
  buffers: ArrayBuffer[];
}

/** What the main thread posts to a decode worker. */
export type WorkerMessage = DecodeJob | RecycleMessage;

/** Rows of one table as UTF-8 JSONEachRow bytes. */
export interface DecodedTable {
  table: IngestTable;
  data: Uint8Array;
  rows: number;
}

/** What decoding a request produced, as the worker posts it back. */
export type DecodeReply =
  | {
      id: number;
      ok: true;
      tables: DecodedTable[];
      rejected: number;
      accepted: number;
      bizEvents: number;
      messages: string[];
    }
  | { id: number; ok: false; kind: 'request' | 'internal'; message: string };

/** The decoded rows of a request (tables, counts, messages) — a DecodeReply that succeeded. */
export type Decoded = Omit<Extract<DecodeReply, { ok: true }>, 'id' | 'ok'>;

/** Decodes OTLP requests into rows on worker threads (or in-thread when `size` is 0). */
export interface DecodePool {
  readonly size: number;
  /**
   * Decodes and transforms a request; rejects with OtlpRequestError for an unreadable body.
   * The body's memory may be handed to a worker thread: do not use it afterwards.
   */
  decode(
    signal: OtlpSignal,
    encoding: OtlpEncoding,
    body: Uint8Array,
    receivedAtMs: number,
    /** What the sender may report for: resources and spans outside it are refused item by item. */
    restriction?: IngestRestriction,
  ): Promise<Decoded>;
  /**
   * Hands the row buffers of a decoded request back once the pipeline is done with them (spooled or
   * refused), so a worker reuses them. They must not be used afterwards.
   */
  recycle(tables: readonly { data: Uint8Array }[]): void;
  close(): Promise<void>;
}

/** Options of the decode pool. */
export interface DecodePoolOptions {
  /** Called with each worker thread as it starts, replacements included (diagnostics, fault tests). */
  onWorker?: (worker: Worker) => void;
}

// Buffers below this size are not worth a message.
const MIN_RECYCLE_BYTES = 64 * 1024;

interface PoolWorker {
  worker: Worker;
  inFlight: Map<number, { resolve: (d: Decoded) => void; reject: (e: Error) => void }>;
}

// Workers run the TypeScript sources like the main thread does: tsx's ESM loader is registered in
// the worker itself, so this works under tsx, vitest and any other runner of the main thread.
const require = createRequire(import.meta.url);
const TSX_API = pathToFileURL(require.resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
const BOOTSTRAP = `
const { parentPort } = require('node:worker_threads');
import(${JSON.stringify(TSX_API)})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./decodeWorker.ts', import.meta.url).href)}); })
  .catch((e) => parentPort.postMessage({ id: -1, ok: false, kind: 'internal', message: String((e && e.stack) || e) }));
`;

/**
 * Starts `size` decode workers. Jobs go to the worker with the fewest in flight; a worker that dies
 * fails its jobs (the receiver answers 503, the sender retries) and is replaced.
 */
export function createDecodePool(size: number, logger: Logger, options: DecodePoolOptions = {}): DecodePool {
  if (size <= 0) return inThreadPool();
  let nextId = 1;
  let closed = false;
  const workers: PoolWorker[] = [];

  const spawn = (): PoolWorker => {
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      name: 'linewatch-decode',
      // A decoded 1,000-span request lives until its rows are built; with V8's default young
      // generation it was promoted and collected as old objects (38% of the time in GC). A 32 MB
      // semi-space (young generation = 3 × semi-space) brought that to 10%.
      resourceLimits: { maxYoungGenerationSizeMb: 96 },
    });
    const w: PoolWorker = { worker, inFlight: new Map() };
    worker.on('message', (reply: DecodeReply) => {
      if (reply.id === -1 && !reply.ok) {
        logger.error({ message: reply.message }, 'a decode worker failed to load');
        return;
      }
      const job = w.inFlight.get(reply.id);
      if (!job) return;
      w.inFlight.delete(reply.id);
      if (w.inFlight.size === 0) worker.unref();
      if (reply.ok) {
        const { id: _id, ok: _ok, ...decoded } = reply;
        job.resolve(decoded);
      } else
        job.reject(reply.kind === 'request' ? new OtlpRequestError(reply.message) : new Error(reply.message));
    });
    const fail = (err: Error) => {
      for (const job of w.inFlight.values()) job.reject(err);
      w.inFlight.clear();
      // A worker that throws emits 'error' and then 'exit': it is replaced once.
      const i = workers.indexOf(w);
      if (i < 0) return;
      workers.splice(i, 1);
      if (!closed) {
        logger.error({ err }, 'a decode worker died; starting another');
        workers.push(spawn());
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!closed || w.inFlight.size) fail(new Error(`decode worker exited with code ${code}`));
    });
    worker.unref();
    options.onWorker?.(worker);
    return w;
  };
  for (let i = 0; i < size; i++) workers.push(spawn());

  return {
    size,
    decode(signal, encoding, body, receivedAtMs, restriction) {
      if (closed) return Promise.reject(new Error('the decode pool is closed'));
      let w = workers[0] as PoolWorker;
      for (const c of workers) if (c.inFlight.size < w.inFlight.size) w = c;
      const id = nextId++;
      return new Promise<Decoded>((resolve, reject) => {
        // An idle worker does not keep the process alive; one with work in flight does.
        if (w.inFlight.size === 0) w.worker.ref();
        w.inFlight.set(id, { resolve, reject });
        // A body that owns its whole ArrayBuffer moves to the worker without a copy (the caller
        // hands it over); any other view is copied to exactly its bytes (cloning a view copies its
        // whole ArrayBuffer).
        const owned = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
        const job: DecodeJob = {
          kind: 'decode',
          id,
          signal,
          encoding,
          body: owned ? body : new Uint8Array(body),
          receivedAtMs,
          ...(restriction ? { restriction } : {}),
        };
        try {
          w.worker.postMessage(job, [job.body.buffer as ArrayBuffer]);
        } catch {
          // An ArrayBuffer Node marks untransferable: clone it instead.
          w.worker.postMessage({ ...job, body: new Uint8Array(job.body) });
        }
      });
    },
    recycle(tables) {
      if (closed) return;
      const buffers: ArrayBuffer[] = [];
      for (const t of tables) {
        const b = t.data.buffer;
        // Only whole buffers a worker made (the rows' own ArrayBuffer), never shared or pooled memory.
        if (b instanceof ArrayBuffer && b.byteLength >= MIN_RECYCLE_BYTES && t.data.byteOffset === 0)
          buffers.push(b);
      }
      if (buffers.length === 0) return;
      let w = workers[0];
      for (const c of workers) if (w && c.inFlight.size < w.inFlight.size) w = c;
      if (!w) return;
      const message: RecycleMessage = { kind: 'recycle', buffers };
      try {
        w.worker.postMessage(message, buffers);
      } catch {
        // Not transferable (already detached, or marked so by Node): let the garbage collector have it.
      }
    },
    async close() {
      closed = true;
      await Promise.allSettled(workers.map((w) => w.worker.terminate()));
    },
  };
}

function inThreadPool(): DecodePool {
  return {
    size: 0,
    decode(signal, encoding, body, receivedAtMs, restriction) {
      try {
        const r = transformOtlp(signal, encoding, body, {
          receivedAtMs,
          ...(restriction ? { restriction } : {}),
        });
        return Promise.resolve({
          tables: r.tables,
          rejected: r.rejected,
          accepted: r.accepted,
          bizEvents: r.bizEvents,
          messages: r.messages,
        });
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    },
    recycle: () => undefined,
    close: () => Promise.resolve(),
  };
}
