// The collector under benchmark, in a process of its own (embedded store, temp directories), so
// its RSS and event loop are measured apart from the load generator. Prints `READY {...}` on stdout.
// Adds GET /bench/count?table=… (row count, straight from ClickHouse) to its ingest app.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import pino from 'pino';
import { LinewatchConfigSchema, TokenConfigSchema } from '@linewatch/schema';
// A bench of the collector as the server runs it: the server's verifier (bench code only).
import { AccessControl } from '../../apps/server/src/access/verifier.ts';
import { migrate, openStore, sql } from '@linewatch/store';
import { createCollector } from '../src/createCollector.ts';

const [dataDir, spoolDir, workers, tokenEntry] = process.argv.slice(2);
if (!dataDir || !spoolDir)
  throw new Error('usage: benchCollectorProcess.ts <dataDir> <spoolDir> [decodeWorkers] [tokenEntryJson]');

const config = LinewatchConfigSchema.parse({
  store: { dataDir, database: 'bench', maxMemoryBytes: 1024 ** 3 },
  collector: {
    otlpHttp: { port: 0 },
    otlpGrpc: { port: 0 },
    spool: { dir: spoolDir },
    decodeWorkers: Number(workers ?? 2),
    maxBodyBytes: 16 * 1024 * 1024,
  },
});
const logger = pino({ level: 'warn' }, pino.destination(2));
const store = await openStore(config.store);
await migrate(store, config.retention);
// With a token entry, requests are verified as `linewatch start` verifies them (the server's
// AccessControl: scrypt once per token, then a SHA-256 lookup; the principal's systems and plants
// checked per resource): the cost of authentication on the hot path.
const access = tokenEntry
  ? new AccessControl({ staticTokens: [TokenConfigSchema.parse(JSON.parse(tokenEntry))] })
  : undefined;
const collector = createCollector({
  config,
  store,
  logger,
  verify: access ? (authorization) => access.verify(authorization) : () => ({ scopes: new Set(['ingest']) }),
});
const TABLES = new Set(['otel_traces', 'business_events']);
collector.httpApp.get('/bench/count', async (c) => {
  const table = c.req.query('table') ?? '';
  if (!TABLES.has(table)) return c.json({ error: 'unknown table' }, 400);
  const [row] = await store.query<{ n: number }>(sql`SELECT count() AS n FROM ${store.table(table)}`);
  return c.json({ rows: row?.n ?? 0 });
});
// The main thread's event loop while under load: utilisation and delay (responsiveness).
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
let eluStart = performance.eventLoopUtilization();
collector.httpApp.post('/bench/loop/reset', (c) => {
  loopDelay.reset();
  loopDelay.enable();
  eluStart = performance.eventLoopUtilization();
  return c.json({ ok: true });
});
collector.httpApp.get('/bench/loop', (c) =>
  c.json({
    utilization: performance.eventLoopUtilization(eluStart).utilization,
    delayP99Ms: loopDelay.percentile(99) / 1e6,
    delayMaxMs: loopDelay.max / 1e6,
  }),
);
await collector.start();
process.stdout.write(`READY ${JSON.stringify({ http: collector.addresses().otlpHttp, pid: process.pid })}\n`);
process.once('SIGTERM', () => {
  void collector
    .stop()
    .then(() => store.close())
    .then(() => process.exit(0));
});
