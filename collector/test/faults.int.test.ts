import { createServer } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreConfigSchema } from '@linewatch/schema';
import { openStore, openTestStore, sql, type Store, type TestStore } from '@linewatch/store';
import { otlpTypes } from '../src/otlp/otlpSchema.ts';
import { transformOtlp } from '../src/otlp/transformOtlp.ts';
import { insertSegment } from '../src/pipeline/segmentSink.ts';
import { Spool } from '../src/pipeline/spool.ts';
import { makeSpans } from './fixtures/makeSpans.ts';
import { makeLogs } from './fixtures/makeTelemetry.ts';
import { grpcTraceExport } from './fixtures/grpcTraceExport.ts';
import { startTestCollector } from './fixtures/startTestCollector.ts';

let store: TestStore;
let deadStore: Store;

/** A port where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  store = await openTestStore();
  deadStore = await openStore(
    StoreConfigSchema.parse({
      mode: 'remote',
      url: `http://127.0.0.1:${await closedPort()}`,
      database: store.database,
      maxQuerySeconds: 2,
    }),
  );
});
afterAll(async () => {
  await deadStore?.close();
  await store?.drop();
});

function exportSpans(url: string, spans: ReadableSpan[]): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: `${url}/v1/traces` });
  return new Promise<void>((resolve, reject) =>
    exporter.export(spans, (r) =>
      r.code === ExportResultCode.SUCCESS ? resolve() : reject(r.error ?? new Error('export failed')),
    ),
  ).finally(() => exporter.shutdown());
}

function exportLogs(url: string, records: ReadableLogRecord[]): Promise<void> {
  const exporter = new OTLPLogExporter({ url: `${url}/v1/logs` });
  return new Promise<void>((resolve, reject) =>
    exporter.export(records, (r) =>
      r.code === ExportResultCode.SUCCESS ? resolve() : reject(r.error ?? new Error('export failed')),
    ),
  ).finally(() => exporter.shutdown());
}

async function countSpans(service: string): Promise<{ final: number; distinct: number; raw: number }> {
  const [r] = await store.query<{ final: number; distinct: number; raw: number }>(sql`
    SELECT (SELECT count() FROM ${store.table('otel_traces')} FINAL WHERE ServiceName = ${service}) AS final,
           (SELECT uniqExact(TraceId, SpanId) FROM ${store.table('otel_traces')} WHERE ServiceName = ${service}) AS distinct,
           (SELECT count() FROM ${store.table('otel_traces')} WHERE ServiceName = ${service}) AS raw`);
  return r!;
}

describe('the collector when the store is unreachable', () => {
  it('keeps acknowledging into the spool, then inserts everything exactly once when a store comes back', async () => {
    const c = await startTestCollector(deadStore, { batch: { maxDelay: 50 } });
    try {
      const batches = Array.from({ length: 5 }, () => makeSpans(200, { service: 'outage' }));
      for (const spans of batches) await exportSpans(c.http, spans);
      await until('a failed insert', () => c.collector.pipeline.storeError() !== undefined);
      expect(c.collector.pipeline.storeError()).toMatch(/ECONNREFUSED|connect/);
      expect(await countSpans('outage')).toEqual({ final: 0, distinct: 0, raw: 0 });

      c.collector.pipeline.setStore(store);
      expect(await c.collector.pipeline.flush(30_000)).toBe(true);
      expect(c.collector.pipeline.storeError()).toBeUndefined();
      expect(await countSpans('outage')).toEqual({ final: 1000, distinct: 1000, raw: 1000 });
      expect(c.collector.metricsText()).toMatch(
        /linewatch_collector_replayed_total\{component="pipeline",signal="otel_traces"\} 1000/,
      );
    } finally {
      await c.collector.stop();
    }
  });

  it('answers 429 / RESOURCE_EXHAUSTED with a retry delay when the spool is full, and never drops what it acknowledged', async () => {
    // One request of 200 spans spools ~135 kB: the first fits, the second would pass the limit.
    const c = await startTestCollector(deadStore, { spool: { maxBytes: 200_000 }, batch: { maxDelay: 50 } });
    try {
      const body = ProtobufTraceSerializer.serializeRequest(
        makeSpans(200, { service: 'backpressure' }),
      ) as Uint8Array;
      const post = () =>
        fetch(`${c.http}/v1/traces`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/x-protobuf' },
        });
      expect((await post()).status).toBe(200);
      const full = await post();
      expect(full.status).toBe(429);
      expect(Number(full.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const status = otlpTypes.RpcStatus.decode(new Uint8Array(await full.arrayBuffer())) as unknown as {
        code: number;
        message: string;
      };
      expect(status).toMatchObject({ code: 8, message: 'the collector is full; retry later' });

      const grpcError = await grpcTraceExport(c.grpc, body);
      expect(grpcError?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      const details = grpcError?.metadata.get('grpc-status-details-bin')[0] as Buffer;
      const rpc = otlpTypes.RpcStatus.decode(details) as unknown as {
        details: { typeUrl: string; value: Uint8Array }[];
      };
      expect(rpc.details[0]!.typeUrl).toBe('type.googleapis.com/google.rpc.RetryInfo');
      const retry = otlpTypes.RetryInfo.decode(rpc.details[0]!.value) as unknown as {
        retryDelay: { seconds: { toNumber(): number } };
      };
      expect(retry.retryDelay.seconds.toNumber()).toBeGreaterThanOrEqual(1);
      expect(c.collector.metricsText()).toMatch(
        /linewatch_collector_refused_total\{component="pipeline",signal="otel_traces",reason="spool_full"\} 400/,
      );

      c.collector.pipeline.setStore(store);
      expect(await c.collector.pipeline.flush(30_000)).toBe(true);
      expect((await post()).status).toBe(200);
      expect(await c.collector.pipeline.flush(30_000)).toBe(true);
      // Two acknowledged requests of the same 200 spans: 200 spans as FINAL sees them; the refused ones left no trace.
      expect((await countSpans('backpressure')).final).toBe(200);
    } finally {
      await c.collector.stop();
    }
  });

  it('replays what a stopped collector left in its spool when the next one starts', async () => {
    const first = await startTestCollector(deadStore, { batch: { maxDelay: 50 } });
    const spans = makeSpans(300, { service: 'restart' });
    await exportSpans(first.http, spans);
    await exportLogs(first.http, makeLogs('restart-logs'));
    await first.collector.stop();
    expect(readdirSync(first.spoolDir).filter((f) => f.endsWith('.jsonl')).length).toBeGreaterThanOrEqual(2);

    const second = await startTestCollector(store, { batch: { maxDelay: 50 } }, first.spoolDir);
    try {
      expect(await second.collector.pipeline.flush(30_000)).toBe(true);
      expect(await countSpans('restart')).toEqual({ final: 300, distinct: 300, raw: 300 });
      const [logs] = await store.query<{ n: number }>(
        sql`SELECT count() AS n FROM ${store.table('otel_logs')} WHERE ServiceName = 'restart-logs'`,
      );
      expect(logs?.n).toBe(2);
      expect(readdirSync(first.spoolDir).filter((f) => f.endsWith('.jsonl'))).toEqual([]);
    } finally {
      await second.collector.stop();
    }
  });

  it('does not store a segment twice when it was inserted but not yet deleted before a crash', async () => {
    // The crash window between "the store has the rows" and "the segment file is deleted".
    const dir = mkdtempSync(join(tmpdir(), 'linewatch-spool-'));
    const { spool } = await Spool.open({
      dir,
      maxBytes: 1e9,
      segmentMaxRows: 1e6,
      segmentMaxBytes: 1e9,
      segmentMaxAgeMs: 1e9,
      now: Date.now,
      logger: pino({ level: 'silent' }),
    });
    const body = ProtobufLogsSerializer.serializeRequest(makeLogs('crash-window')) as Uint8Array;
    const rows = transformOtlp('logs', 'protobuf', body, { receivedAtMs: Date.now() }).tables.find(
      (t) => t.table === 'otel_logs',
    )!;
    await spool.append('otel_logs', rows.data, rows.rows);
    await spool.sealAll();
    await insertSegment(store, spool.sealed[0]!);
    // The process dies here: no spool.remove(), no clean close (the lock file stays behind).

    const next = await startTestCollector(store, {}, dir);
    try {
      expect(await next.collector.pipeline.flush(30_000)).toBe(true);
      // otel_logs is a plain MergeTree: without the segment's deduplication token this would be 4.
      const [r] = await store.query<{ n: number }>(
        sql`SELECT count() AS n FROM ${store.table('otel_logs')} WHERE ServiceName = 'crash-window'`,
      );
      expect(r?.n).toBe(2);
    } finally {
      await next.collector.stop();
    }
  });
});

describe('a spool segment the store refuses', () => {
  it('has its refused rows set aside in quarantine after three refusals, the rows beside them and the segments behind it inserted', async () => {
    const c = await startTestCollector(store, { batch: { maxDelay: 50 } });
    try {
      const at = Date.now() / 1000;
      const beside = (i: number) => `{"Timestamp":"${at}","ServiceName":"beside-broken","Body":"ok ${i}"}\n`;
      const broken = await c.collector.pipeline.accept(
        'otel_logs',
        `${beside(1)}${beside(2)}{"Body": "no closing brace"\n${beside(3)}${beside(4)}${beside(5)}`,
        6,
      );
      expect(broken).toEqual({ ok: true });
      await c.collector.pipeline.flush(1);
      const now = Date.now() / 1000;
      const good = await c.collector.pipeline.accept(
        'otel_logs',
        `{"Timestamp":"${now}","ServiceName":"after-quarantine","Body":"ok"}\n`,
        1,
      );
      expect(good).toEqual({ ok: true });
      expect(await c.collector.pipeline.flush(30_000)).toBe(true);
      const [r] = await store.query<{ n: number }>(
        sql`SELECT count() AS n FROM ${store.table('otel_logs')} WHERE ServiceName = 'after-quarantine'`,
      );
      expect(r?.n).toBe(1);
      const [b] = await store.query<{ n: number }>(
        sql`SELECT count() AS n FROM ${store.table('otel_logs')} WHERE ServiceName = 'beside-broken'`,
      );
      expect(b?.n).toBe(5);
      const quarantined = readdirSync(join(c.spoolDir, 'quarantine'));
      expect(quarantined).toHaveLength(1);
      expect(readFileSync(join(c.spoolDir, 'quarantine', quarantined[0]!), 'utf8')).toBe(
        '{"Body": "no closing brace"\n',
      );
      expect(c.collector.metricsText()).toMatch(
        /linewatch_collector_rejected_total\{component="pipeline",signal="otel_logs",reason="insert_refused"\} 1/,
      );
    } finally {
      await c.collector.stop();
    }
  });
});
