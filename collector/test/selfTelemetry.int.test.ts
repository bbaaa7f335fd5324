import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, sql, type TestStore } from '@linewatch/store';
import { makeSpans } from './fixtures/makeSpans.ts';
import { startTestCollector, type TestCollector } from './fixtures/startTestCollector.ts';

let store: TestStore;
let c: TestCollector;

beforeAll(async () => {
  store = await openTestStore();
  c = await startTestCollector(store, { selfTelemetryInterval: 100, batch: { maxDelay: 50 } });
});
afterAll(async () => {
  await c?.collector.stop();
  await store?.drop();
});

describe('the collector’s own telemetry', () => {
  it('writes what it received, spooled and inserted into linewatch_self', async () => {
    const exporter = new OTLPTraceExporter({ url: `${c.http}/v1/traces` });
    await new Promise<void>((resolve, reject) =>
      exporter.export(makeSpans(40), (r) =>
        r.code === ExportResultCode.SUCCESS ? resolve() : reject(r.error ?? new Error('export failed')),
      ),
    );
    await exporter.shutdown();
    const deadline = Date.now() + 20_000;
    let rows: { component: string; signal: string; measure: string; total: number }[];
    for (;;) {
      await c.collector.pipeline.flush(10_000);
      rows = await store.query(sql`
        SELECT component, signal, measure, sum(value) AS total FROM ${store.table('linewatch_self')}
        WHERE measure IN ('accepted', 'spooled', 'inserted') AND signal IN ('traces', 'otel_traces')
        GROUP BY component, signal, measure ORDER BY component, measure`);
      if (rows.length === 3 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows).toEqual([
      { component: 'otlp_http', signal: 'traces', measure: 'accepted', total: 40 },
      { component: 'pipeline', signal: 'otel_traces', measure: 'inserted', total: 40 },
      { component: 'pipeline', signal: 'otel_traces', measure: 'spooled', total: 40 },
    ]);
  });

  it('is ready while its spool has room', async () => {
    expect(await c.collector.readiness()).toBeUndefined();
  });
});
