// bench:store — inserts 1M span rows through the store in batches of 10k and measures the p95 of a
// service/duration aggregate over them, on the embedded engine. `--rows N` for a shorter run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RetentionConfigSchema, StoreConfigSchema } from '@linewatch/schema';
import { migrate, openStore, sql } from '../src/index.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const totalRows = arg('rows', 1_000_000);
const batchRows = arg('batch', 10_000);
const queryRuns = arg('queries', 50);

const services = [
  'odoo',
  'mes-p01',
  'mes-p02',
  'mes-p03',
  'wms',
  'qms',
  'cmms',
  'middleware',
  'carrier-api',
  'supplier-portal',
];
const names = [
  'POST /api/confirm',
  'consume production.confirmation',
  'mrp.production write',
  'stock.move create',
  'publish goods.movement',
  'GET /stock',
  'quality.check',
  'send ASN',
];

// A deterministic generator (xorshift) so runs are comparable.
let seed = 0x2545f491;
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x1_0000_0000;
};
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');

function batch(startNs: bigint, n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const service = services[Math.floor(rand() * services.length)] as string;
    const ts = startNs + BigInt(Math.floor(rand() * 3_600e9));
    lines.push(
      JSON.stringify({
        Timestamp: ts.toString(),
        TraceId: hex(32),
        SpanId: hex(16),
        ParentSpanId: rand() < 0.3 ? '' : hex(16),
        SpanName: names[Math.floor(rand() * names.length)],
        SpanKind: rand() < 0.5 ? 'Server' : 'Client',
        ServiceName: service,
        ResourceAttributes: {
          'service.name': service,
          'deployment.environment': 'plant',
          'host.name': `h${Math.floor(rand() * 20)}`,
        },
        ScopeName: 'linewatch-bench',
        SpanAttributes: {
          'biz.plant': `P0${1 + Math.floor(rand() * 3)}`,
          'biz.flow': 'production_confirmation',
          'biz.key': `MO/${Math.floor(rand() * 1e5)}`,
          'http.response.status_code': rand() < 0.02 ? '500' : '200',
          'messaging.system': 'rabbitmq',
          'messaging.destination.name': 'confirmations',
        },
        Duration: Math.floor(-Math.log(1 - rand()) * 40e6),
        StatusCode: rand() < 0.02 ? 'Error' : 'Unset',
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

const dataDir = mkdtempSync(join(tmpdir(), 'lw-bench-store-'));
const store = await openStore(StoreConfigSchema.parse({ mode: 'embedded', dataDir, database: 'bench' }));
await migrate(store, RetentionConfigSchema.parse({}));

const start = BigInt(Date.now() - 3_600_000) * 1_000_000n;
let insertMs = 0;
let encodeMs = 0;
for (let done = 0; done < totalRows; done += batchRows) {
  const n = Math.min(batchRows, totalRows - done);
  const e0 = performance.now();
  const body = batch(start, n);
  const e1 = performance.now();
  await store.insertRaw('otel_traces', 'JSONEachRow', body);
  insertMs += performance.now() - e1;
  encodeMs += e1 - e0;
}
const [count] = await store.query<{ n: number }>(sql`SELECT count() AS n FROM ${store.table('otel_traces')}`);

const latencies: number[] = [];
for (let i = 0; i < queryRuns; i++) {
  const t0 = performance.now();
  await store.query(sql`
    SELECT ServiceName, count() AS calls, quantile(0.95)(Duration) / 1e6 AS p95_ms, avg(Duration) / 1e6 AS avg_ms,
           countIf(StatusCode = 'Error') / count() AS error_rate
    FROM ${store.table('otel_traces')}
    WHERE Timestamp >= now64(9) - toIntervalHour(2)
    GROUP BY ServiceName ORDER BY calls DESC`);
  latencies.push(performance.now() - t0);
}
latencies.sort((a, b) => a - b);
const p = (q: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] as number;

console.log(
  `bench:store  embedded chDB, ${totalRows.toLocaleString('en')} span rows in batches of ${batchRows.toLocaleString('en')}`,
);
console.log(`  rows stored:            ${count?.n.toLocaleString('en')}`);
console.log(
  `  insert (store only):    ${Math.round(totalRows / (insertMs / 1000)).toLocaleString('en')} rows/s  (${(insertMs / 1000).toFixed(1)} s)`,
);
console.log(
  `  encode + insert:        ${Math.round(totalRows / ((insertMs + encodeMs) / 1000)).toLocaleString('en')} rows/s  (JSON encoding in JS ${(encodeMs / 1000).toFixed(1)} s)`,
);
console.log(
  `  service/duration aggregate over ${queryRuns} runs: p50 ${p(0.5).toFixed(1)} ms, p95 ${p(0.95).toFixed(1)} ms`,
);

// The collector's path for comparison: each batch is a file the engine reads itself, so the body
// never passes through JavaScript (measured after the aggregate, which stays over the 1M rows above).
const fileRows = arg('fileRows', Math.floor(totalRows / 2));
const segment = join(dataDir, 'segment.jsonl');
let fileMs = 0;
for (let done = 0; done < fileRows; done += batchRows) {
  const n = Math.min(batchRows, fileRows - done);
  writeFileSync(segment, batch(start, n));
  const t0 = performance.now();
  await store.insertFile('otel_traces', segment, 'JSONEachRow');
  fileMs += performance.now() - t0;
}
console.log(
  `  insert from files:      ${Math.round(fileRows / (fileMs / 1000)).toLocaleString('en')} rows/s  (${fileRows.toLocaleString('en')} more rows; the engine reads each 10k-row file, as the collector's spool does)`,
);
await store.close();
rmSync(dataDir, { recursive: true, force: true });
