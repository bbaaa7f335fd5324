// The dependency map at volume: `npx tsx packages/correlation/bench/benchDependencyMap.ts [--traces N] [--minutes M]`.
// The engine generates N traces of 5 spans (mes producer → middleware consumer → middleware client →
// odoo server → odoo database client) spread over M minutes into otel_traces of an embedded store,
// then prints: the worker's first cycle (all minutes), a steady-state cycle (the unsettled minutes
// only), and p50/p95 of the request-path reads (map, services, queues) over those minutes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RetentionConfigSchema, StoreConfigSchema } from '@linewatch/schema';
import { migrate, openStore, sql } from '@linewatch/store';
import {
  createDependencyWorker,
  loadDependencyGraph,
  queryQueueBuckets,
  queryServiceRed,
} from '../src/index.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const traces = arg('traces', 200_000);
const minutes = arg('minutes', 10);
const runs = arg('queries', 30);
const out = (line: string) => process.stdout.write(`${line}\n`);
const quiet = {
  info: () => undefined,
  warn: () => undefined,
  error: (o: object, m: string) => out(`error: ${m} ${JSON.stringify(o)}`),
};

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] as number;
}

const dir = mkdtempSync(join(tmpdir(), 'lw-bench-deps-'));
const store = await openStore(StoreConfigSchema.parse({ dataDir: dir, database: 'bench' }));
try {
  await migrate(store, RetentionConfigSchema.parse({}));
  const end = Math.floor(Date.now() / 60_000) * 60_000;
  const start = end - minutes * 60_000;
  const stepNs = Math.floor((minutes * 60e9) / traces);

  let t0 = Date.now();
  // One row per span; ids are hex of the trace number and the span's place in it.
  await store.command(sql`INSERT INTO ${store.table('otel_traces')}
      (Timestamp, TraceId, SpanId, ParentSpanId, SpanName, SpanKind, ServiceName, ResourceAttributes, SpanAttributes, Duration, StatusCode)
    SELECT fromUnixTimestamp64Nano(toInt64(${start}) * 1000000 + toInt64(number) * ${stepNs} + toInt64(s.1) * 1000000) AS Timestamp,
           leftPad(hex(number), 32, '0') AS TraceId,
           leftPad(hex(number * 8 + s.2), 16, '0') AS SpanId,
           if(s.3 = 0, '', leftPad(hex(number * 8 + s.3), 16, '0')) AS ParentSpanId,
           s.4, s.5, s.6, map('service.name', s.6),
           mapUpdate(s.7, map('biz.plant', concat('P0', toString(number % 3 + 1)))),
           toUInt64(s.8 * 1000000 + number % 7 * 100000),
           if(s.5 = 'Server' AND number % 50 = 0, 'Error', 'Unset')
    FROM numbers(${traces})
    ARRAY JOIN [
      (0, 1, 0, 'confirmations publish', 'Producer', 'mes', map('messaging.destination.name', 'confirmations'), 2),
      (40, 2, 1, 'confirmations process', 'Consumer', 'middleware', map('messaging.destination.name', 'confirmations'), 30),
      (45, 3, 2, 'POST /api/confirmations', 'Client', 'middleware', map('server.address', 'odoo.local'), 20),
      (47, 4, 3, 'POST /api/confirmations', 'Server', 'odoo', map('http.request.method', 'POST'), 16),
      (50, 5, 4, 'SELECT mrp_production', 'Client', 'odoo', map('db.system', 'postgresql', 'db.namespace', 'odoo'), 4)
    ] AS s`);
  const spans = traces * 5;
  out(`spans generated: ${spans} over ${minutes} min in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // Queue gauges: 20 queues × 3 plants every 15 s over the same minutes.
  await store.command(sql`INSERT INTO ${store.table('otel_metrics_gauge')} (ServiceName, MetricName, Attributes, TimeUnix, Value)
    SELECT 'linewatch-poller', 'integration.queue.depth',
           map('queue.name', concat('q', toString(number % 20)), 'messaging.system', 'rabbitmq', 'biz.plant', concat('P0', toString(intDiv(number, 20) % 3 + 1))),
           fromUnixTimestamp64Milli(toInt64(${start}) + intDiv(number, 60) * 15000), number % 97
    FROM numbers(${minutes * 4 * 60})`);

  const now = end + 60_000;
  const worker = createDependencyWorker({
    store,
    logger: quiet,
    now: () => now,
    backfillMs: (minutes + 1) * 60_000,
    repairWindowMs: 60_000,
  });
  t0 = Date.now();
  const first = await worker.runOnce();
  const firstMs = Date.now() - t0;
  out(
    `worker first cycle: ${first.minutes} minutes in ${(firstMs / 1000).toFixed(1)} s (${Math.round(spans / (firstMs / 1000))} spans/s joined)`,
  );
  t0 = Date.now();
  const steady = await worker.runOnce();
  out(
    `worker steady cycle: ${steady.minutes} unsettled minutes in ${((Date.now() - t0) / 1000).toFixed(2)} s`,
  );

  const range = { from: new Date(start), to: new Date(end + 60_000) };
  const timed = async (name: string, fn: () => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      await fn();
      samples.push(performance.now() - s);
    }
    out(
      `${name}: p50 ${percentile(samples, 0.5).toFixed(0)} ms, p95 ${percentile(samples, 0.95).toFixed(0)} ms (${runs} runs)`,
    );
  };
  const graph = await loadDependencyGraph(store, { range, flows: [], flowHealth: [] });
  out(
    `map: ${graph.nodes.length} nodes, ${graph.edges.length} edges; middleware->odoo calls ${graph.edges.find((e) => e.id === 'middleware->odoo')?.metrics?.calls} (expected ${traces})`,
  );
  await timed('GET /api/v1/dependencies (map read)', () =>
    loadDependencyGraph(store, { range, flows: [], flowHealth: [] }),
  );
  await timed('GET /api/v1/services (RED read)', () => queryServiceRed(store, range));
  await timed('GET /api/v1/queues (series read)', () =>
    queryQueueBuckets(store, { ...range, stepSeconds: 60 }),
  );
  out('(2-core machine shared with other agents: figures are noisy)');
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
