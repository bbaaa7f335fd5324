// The load mode into a real collector: every span the SDK's exporters had acknowledged is stored.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollector, type Collector } from '@linewatch/collector';
import { loadFlows } from '@linewatch/correlation';
import { LinewatchConfigSchema } from '@linewatch/schema';
import { runLoad, toSimFlow } from '@linewatch/simulator';
import { openTestStore, sql, type TestStore } from '@linewatch/store';

let store: TestStore;
let collector: Collector;

beforeAll(async () => {
  store = await openTestStore();
  collector = createCollector({
    config: LinewatchConfigSchema.parse({
      store: { dataDir: store.dataDir ?? '/tmp/unused', database: store.database },
      collector: {
        otlpHttp: { port: 0 },
        otlpGrpc: { port: 0 },
        decodeWorkers: 1,
        spool: { dir: mkdtempSync(join(tmpdir(), 'linewatch-load-spool-')) },
      },
    }),
    store,
    logger: pino({ level: 'silent' }),
    verify: () => ({ scopes: new Set(['ingest']) }),
  });
  await collector.start();
});

afterAll(async () => {
  await collector?.stop();
  await store?.drop();
});

describe('the load mode', () => {
  it(
    'paces realistic spans to the asked rate and every acknowledged span is stored',
    { timeout: 120_000 },
    async () => {
      const flows = loadFlows('flows').flows.map((f) => toSimFlow(f.flow));
      const r = await runLoad({
        flows,
        otlpUrl: collector.addresses().otlpHttp as string,
        rate: 2_000,
        durationMs: 3_000,
        seed: 8,
      });
      expect(r.spansFailed).toBe(0);
      expect(r.spansExported).toBe(r.spansMade);
      // Paced: never ahead of the asked rate (how near it gets depends on the CPU left on a shared machine).
      // A transaction's spans go out together and one step may be several spans (client and server),
      // so the run may end a few spans past its total, never a transaction's worth.
      expect(r.spansMade).toBeLessThanOrEqual(6_000 + 20);
      expect(r.spansMade).toBeGreaterThan(100);
      expect(await collector.pipeline.flush(30_000)).toBe(true);
      const [row] = await store.query<{ spans: number; services: number; biz: number }>(
        sql`SELECT count() AS spans, uniqExact(ServiceName) AS services, countIf(mapContains(SpanAttributes, 'biz.step')) AS biz
          FROM ${store.table('otel_traces')} FINAL`,
      );
      expect(row!.spans).toBe(r.spansExported);
      expect(row!.services).toBeGreaterThanOrEqual(8);
      const [events] = await store.query<{ n: number }>(
        sql`SELECT count() AS n FROM ${store.table('business_events')} FINAL`,
      );
      expect(events!.n).toBe(row!.biz);
    },
  );
});
