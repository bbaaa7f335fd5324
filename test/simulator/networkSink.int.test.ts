// The simulator's connectors through Linewatch's real receivers: the OpenTelemetry SDK's OTLP
// exporters, the events API, Odoo webhooks and MQTT (the local Mosquitto) into a real collector and
// chDB. Every event the simulator says it sent must be stored once.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollector, type Collector } from '@linewatch/collector';
import { loadFlows } from '@linewatch/correlation';
import { LinewatchConfigSchema } from '@linewatch/schema';
import {
  createNetworkSink,
  createSimulator,
  demoIngestConfig,
  demoTargets,
  toSimFlow,
  type Simulator,
  type TransactionTruth,
  type TruthLine,
} from '@linewatch/simulator';
import { openTestStore, sql, type TestStore } from '@linewatch/store';

const MIN = 60_000;
const flows = loadFlows('flows').flows.map((f) => toSimFlow(f.flow));
const base = `lwsim${randomBytes(4).toString('hex')}`;
// Recent simulated times, inside every table's retention.
const start = Math.floor((Date.now() - 6 * 60 * MIN) / MIN) * MIN;

let store: TestStore;
let collector: Collector;
let sim: Simulator;
const truth: TruthLine[] = [];

beforeAll(async () => {
  store = await openTestStore();
  const ingest = demoIngestConfig(flows);
  const config = LinewatchConfigSchema.parse({
    store: { dataDir: store.dataDir ?? '/tmp/unused', database: store.database },
    collector: {
      otlpHttp: { port: 0 },
      otlpGrpc: { port: 0 },
      decodeWorkers: 1,
      spool: { dir: mkdtempSync(join(tmpdir(), 'linewatch-sim-spool-')) },
      odoo: ingest.odoo,
      mqtt: {
        ...ingest.mqtt,
        topics: [{ filter: `${base}/+/events`, kind: 'events' }],
        clientId: `${base}-collector`,
      },
    },
  });
  collector = createCollector({
    config,
    store,
    logger: pino({ level: 'silent' }),
    verify: () => ({ scopes: new Set(['ingest']) }),
  });
  await collector.start();
  const targets = demoTargets(config.collector, collector.addresses().otlpHttp as string);
  expect(targets.odooSource).toBe('demo');
  expect(targets.mqtt?.topic('P02')).toBe(`${base}/P02/events`);
  const sink = await createNetworkSink({ targets, flows, seed: base, logger: pino({ level: 'silent' }) });

  // A manual real clock: each tick moves the simulation on by a simulated step.
  let realNow = 0;
  sim = createSimulator({
    flows,
    sink,
    seed: 21,
    speed: 60,
    start,
    durationMs: 20 * MIN,
    realClock: () => realNow,
    odooWebhooks: true,
    truth: (l) => truth.push(l),
    queueReportMs: 30_000,
  });
  let drained = false;
  void sim.drained.then(() => (drained = true));
  for (let i = 0; i < 2_000 && !drained; i++) {
    realNow += (i < 80 ? 15_000 : 120_000) / 60;
    await sim.tick();
  }
  expect(drained).toBe(true);
  await sim.stop();
  expect(await collector.pipeline.flush(30_000)).toBe(true);
}, 240_000);

afterAll(async () => {
  await collector?.stop();
  await store?.drop();
});

const txns = () => truth.filter((l): l is TransactionTruth => l.type === 'transaction');

describe('the simulator through the real receivers', () => {
  it('sends without a single refused request', () => {
    const s = sim.stats();
    expect(s.failures).toBe(0);
    expect(s.spansExported).toBe(s.spans);
    expect(s.events).toBeGreaterThan(0);
    expect(s.webhooks).toBeGreaterThan(0);
    expect(s.mqtt).toBeGreaterThan(0);
  });

  it('stores every event it sent exactly once, from spans, the events API, Odoo webhooks and MQTT', async () => {
    const rows = await store.query<{ source: string; n: number }>(
      sql`SELECT source, count() AS n FROM ${store.table('business_events')} FINAL GROUP BY source ORDER BY source`,
    );
    const bySource = Object.fromEntries(rows.map((r) => [r.source, r.n]));
    expect(Object.keys(bySource).sort()).toEqual(['api', 'mqtt', 'odoo', 'span']);
    const stored = rows.reduce((a, r) => a + r.n, 0);
    expect(stored).toBe(txns().reduce((a, t) => a + t.events, 0));
  });

  it('keys every stored event to a transaction of the truth file', async () => {
    const rows = await store.query<{ flow: string; key: string; parent: string }>(
      sql`SELECT DISTINCT flow, key, keys['production_order'] AS parent FROM ${store.table('business_events')} FINAL`,
    );
    const known = new Set(txns().map((t) => `${t.flow}|${t.key}`));
    const orphans = rows.filter(
      (r) => !known.has(`${r.flow}|${r.key}`) && !known.has(`${r.flow}|${r.parent}`),
    );
    expect(orphans).toEqual([]);
  });

  it('sends the MES of the MQTT plant through its gateway and Odoo webhooks with Odoo second-precision times', async () => {
    const mqtt = await store.query<{ system: string; plant: string }>(
      sql`SELECT DISTINCT system, plant FROM ${store.table('business_events')} FINAL WHERE source = 'mqtt'`,
    );
    expect(mqtt).toEqual([{ system: 'mes', plant: 'P02' }]);
    const odoo = await store.query<{ ms: number; model: string }>(
      sql`SELECT toUnixTimestamp64Milli(time) % 1000 AS ms, attributes['odoo.model'] AS model
          FROM ${store.table('business_events')} FINAL WHERE source = 'odoo' LIMIT 50`,
    );
    expect(odoo.length).toBeGreaterThan(0);
    expect(odoo.every((r) => r.ms === 0 && r.model.length > 0)).toBe(true);
  });

  it('propagates trace context over the middleware HTTP call into Odoo, and over the queues', async () => {
    const hops = await store.query<{ client: string; server: string; kind: string }>(
      sql`SELECT p.ServiceName AS client, c.ServiceName AS server, c.SpanKind AS kind
          FROM ${store.table('otel_traces')} AS c FINAL
          INNER JOIN ${store.table('otel_traces')} AS p FINAL ON c.TraceId = p.TraceId AND c.ParentSpanId = p.SpanId
          WHERE p.ServiceName != c.ServiceName
          GROUP BY client, server, kind ORDER BY client, server, kind`,
    );
    expect(hops).toContainEqual({ client: 'middleware', server: 'odoo', kind: 'Server' });
    expect(hops).toContainEqual({ client: 'logistics', server: 'carrier', kind: 'Server' });
    expect(hops.some((h) => h.kind === 'Consumer')).toBe(true);
  });

  it('reports queue depths as OTLP gauges stamped with simulated time', async () => {
    const rows = await store.query<{
      queue: string;
      plant: string;
      points: number;
      first: string;
      last: string;
    }>(
      sql`SELECT Attributes['queue.name'] AS queue, Attributes['biz.plant'] AS plant, count() AS points,
                 toString(min(TimeUnix)) AS first, toString(max(TimeUnix)) AS last
          FROM ${store.table('otel_metrics_gauge')}
          WHERE MetricName = 'integration.queue.depth' AND ServiceName = 'rabbitmq'
          GROUP BY queue, plant ORDER BY queue`,
    );
    expect(rows.map((r) => r.queue)).toContain('p01.middleware.production_confirmation');
    expect(rows.every((r) => r.queue.startsWith(r.plant.toLowerCase()))).toBe(true);
    const first = Date.parse(`${rows[0]!.first.replace(' ', 'T')}Z`);
    expect(first).toBeGreaterThanOrEqual(start);
    expect(first).toBeLessThan(start + 5 * MIN);
  });
});
