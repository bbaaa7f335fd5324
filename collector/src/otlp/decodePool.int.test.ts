import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, sql, type TestStore } from '@linewatch/store';
import { makeSpans } from '../../test/fixtures/makeSpans.ts';
import { createSpooledPipeline, type SpooledPipeline } from '../pipeline/spooledPipeline.ts';
import { createSelfTelemetry } from '../selfTelemetry/selfTelemetry.ts';
import { createDecodePool, type DecodePool } from './decodePool.ts';
import { ingestOtlp, type OtlpIngestDeps } from './ingestOtlp.ts';

const logger = pino({ level: process.env.LINEWATCH_TEST_LOG ?? 'silent' });
let store: TestStore;
let pipeline: SpooledPipeline;
let pool: DecodePool;
let deps: OtlpIngestDeps;
const threads: Worker[] = [];

const request = (service: string, n = 1000): Uint8Array =>
  ProtobufTraceSerializer.serializeRequest(makeSpans(n, { service })) as Uint8Array;

beforeAll(async () => {
  store = await openTestStore();
  const telemetry = createSelfTelemetry();
  pipeline = await createSpooledPipeline({
    store,
    dir: mkdtempSync(join(tmpdir(), 'linewatch-spool-')),
    maxBytes: 256 * 1024 * 1024,
    batchMaxRows: 100_000,
    batchMaxDelayMs: 100,
    logger,
    telemetry,
  });
  pipeline.start();
  pool = createDecodePool(1, logger, { onWorker: (w) => threads.push(w) });
  deps = { pipeline, decoder: pool, telemetry, logger, now: Date.now };
});
afterAll(async () => {
  await pool?.close();
  await pipeline?.close();
  await store?.drop();
});

async function storedSpans(service: string): Promise<number> {
  const [row] = await store.query<{ n: number }>(
    sql`SELECT count() AS n FROM ${store.table('otel_traces')} FINAL WHERE ServiceName = ${service}`,
  );
  return row?.n ?? 0;
}

describe('the decode worker pool', () => {
  it('answers "retry" for the request a dying worker held, replaces the worker, and decodes later requests', async () => {
    // A first request loads the worker's code, so the next one is decoded when the worker dies.
    expect(
      await ingestOtlp(deps, 'otlp_http', 'traces', 'protobuf', request('before-crash', 10)),
    ).toMatchObject({
      kind: 'ok',
      accepted: 10,
    });
    expect(threads).toHaveLength(1);

    // ingestOtlp posts the body to the worker before its first await; the worker then exits mid-request.
    const inFlight = ingestOtlp(deps, 'otlp_http', 'traces', 'protobuf', request('lost-in-crash'));
    await threads[0]!.terminate();

    // Retryable: OTLP/HTTP answers 503 with Retry-After (gRPC UNAVAILABLE), and the SDKs send it again.
    expect(await inFlight).toMatchObject({ kind: 'retry', reason: 'decode_failed', retryAfterSeconds: 1 });
    expect(threads).toHaveLength(2);
    expect(pool.size).toBe(1);

    const resent = await ingestOtlp(deps, 'otlp_http', 'traces', 'protobuf', request('lost-in-crash'));
    expect(resent).toMatchObject({ kind: 'ok', accepted: 1000, rejected: 0 });
    expect(await pipeline.flush(30_000)).toBe(true);
    expect(await storedSpans('before-crash')).toBe(10);
    expect(await storedSpans('lost-in-crash')).toBe(1000);
  });

  it('keeps decoding with a replacement after several workers died in a row', async () => {
    for (let i = 0; i < 3; i++) {
      const inFlight = pool.decode('traces', 'protobuf', request(`crash-${i}`), Date.now());
      await threads[threads.length - 1]!.terminate();
      await expect(inFlight).rejects.toThrow(/decode worker exited/);
    }
    const decoded = await pool.decode('traces', 'protobuf', request('after-crashes', 50), Date.now());
    expect(decoded).toMatchObject({ accepted: 50, rejected: 0 });
    expect(pool.size).toBe(1);
  });
});
