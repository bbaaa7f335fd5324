import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { openTestStore, sql, type TestStore } from '@linewatch/store';
import { FlowSchema, type DependencyGraph } from '@linewatch/schema';
import {
  createDependencyWorker,
  downstreamOf,
  impactOf,
  loadDependencyGraph,
  queryOperationRed,
  queryServiceRed,
} from '@linewatch/correlation';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { emitPlantTraffic, type TrafficTruth } from './plantTraffic.ts';
import { startSpanSender, type SpanSender } from './sendThroughCollector.ts';

// The dependency map from real OTel SDK traces of three services and a broker (see plantTraffic.ts),
// all on the production path: the SDK's OTLP/HTTP protobuf exporter sends them to the real collector
// (receiver, spool, inserter) into otel_traces; the candidates view, the worker's join into
// per-minute snapshots, and the snapshot reads do the rest.

const MIN = 60_000;
const BASE = Date.parse('2026-11-27T08:00:00Z');
const NOW = BASE + 15 * MIN;
const range = { from: new Date(BASE - 5 * MIN), to: new Date(NOW) };
const logger = pino({ level: 'silent' });

const confirmation = FlowSchema.parse({
  id: 'production_confirmation',
  name: 'Production confirmation',
  owner: 'manufacturing-it',
  criticality: 'production',
  key: 'production_order',
  plants: ['P01', 'P02'],
  steps: [
    { id: 'confirm', system: 'mes' },
    { id: 'route', system: 'middleware' },
    { id: 'post', system: 'odoo' },
  ],
});
const shipment = FlowSchema.parse({
  id: 'shipment_booking',
  name: 'Shipment booking',
  owner: 'logistics',
  criticality: 'shipping',
  key: 'picking',
  plants: ['P01'],
  steps: [
    { id: 'book', system: 'odoo' },
    { id: 'label', system: 'carrier' },
  ],
});

let store: TestStore;
let sender: SpanSender;
let truth: TrafficTruth;
let spans: ReadableSpan[];
let graph: DependencyGraph;

const edge = (g: DependencyGraph, id: string) => g.edges.find((e) => e.id === id);

beforeAll(async () => {
  store = await openTestStore();
  sender = await startSpanSender(store);
  const traffic = await emitPlantTraffic(BASE);
  truth = traffic.truth;
  spans = traffic.spans;
  await sender.send(spans);
  // The same spans again, as an SDK retry would send them: the map must count them once.
  await sender.send(spans);
  const [stored] = await store.query<{ n: number }>(
    sql`SELECT count() AS n FROM ${store.table('otel_traces')}`,
  );
  expect(Number(stored?.n)).toBe(2 * spans.length);
  const worker = createDependencyWorker({ store, logger, now: () => NOW });
  await worker.runOnce();
  graph = await loadDependencyGraph(store, { range, flows: [confirmation, shipment], flowHealth: [] });
});
afterAll(async () => {
  await sender?.stop();
  await store?.drop();
});

describe('dependency map from real SDK traces', () => {
  it('joins each server span to its parent client span in another service', () => {
    expect(edge(graph, 'middleware->odoo')).toMatchObject({
      kinds: ['call', 'flow'],
      metrics: { calls: truth.odooCalls, errors: truth.odooErrors, p50Ms: 20, p95Ms: 20 },
      flows: ['production_confirmation'],
      plants: ['P01', 'P02'],
    });
  });

  it('joins consumers to producers through parents and span links alike, counted once each', () => {
    const e = edge(graph, 'mes->middleware');
    expect(e?.kinds).toEqual(['flow', 'messaging']);
    expect(e?.metrics?.calls).toBe(truth.syncConsumed + truth.batchLinked);
    // Delivery delay: 50 ms for messages consumed one by one, seconds for those waiting for a batch.
    expect(e?.metrics?.p50Ms).toBeGreaterThanOrEqual(50);
    expect(e?.metrics?.p95Ms).toBeGreaterThan(1000);
  });

  it('makes virtual nodes for peers no instrumented span answered', () => {
    expect(edge(graph, 'odoo->db:postgresql/odoo')?.metrics?.calls).toBe(truth.odooCalls);
    expect(edge(graph, 'middleware->host:api.carrier.example')?.metrics?.calls).toBe(truth.batches);
    expect(edge(graph, 'mes->messaging:dead-letters')?.metrics?.calls).toBe(truth.deadLetters);
    expect(edge(graph, 'messaging:legacy-inbox->middleware')?.metrics?.calls).toBe(truth.legacyConsumed);
    const kinds = Object.fromEntries(graph.nodes.map((n) => [n.id, n.kind]));
    expect(kinds).toMatchObject({
      'db:postgresql/odoo': 'database',
      'host:api.carrier.example': 'external',
      'messaging:dead-letters': 'messaging',
      'messaging:legacy-inbox': 'messaging',
      mes: 'service',
      middleware: 'service',
      odoo: 'service',
      carrier: 'system',
    });
  });

  it('does not make a virtual node of a peer whose server span was traced', () => {
    expect(graph.nodes.map((n) => n.id)).not.toContain('host:odoo.local');
    expect(graph.edges.map((e) => e.id).sort()).toEqual([
      'mes->messaging:dead-letters',
      'mes->middleware',
      'messaging:legacy-inbox->middleware',
      'middleware->host:api.carrier.example',
      'middleware->odoo',
      'odoo->carrier',
      'odoo->db:postgresql/odoo',
    ]);
  });

  it('shows a declared hop no trace crosses', () => {
    expect(edge(graph, 'odoo->carrier')).toMatchObject({
      kinds: ['flow'],
      metrics: null,
      flows: ['shipment_booking'],
    });
  });

  it('gives services their RED metrics from entry spans', () => {
    const odoo = graph.nodes.find((n) => n.id === 'odoo');
    expect(odoo?.metrics).toMatchObject({ calls: truth.odooCalls, errors: truth.odooErrors });
    expect(odoo?.health).toBe('failing');
    const middleware = graph.nodes.find((n) => n.id === 'middleware');
    expect(middleware?.metrics?.calls).toBe(truth.syncConsumed + truth.batches + truth.legacyConsumed);
  });

  it('lists operations per service', async () => {
    const ops = await queryOperationRed(store, 'middleware', range);
    expect(ops.map((o) => [o.operation, o.spanKind, o.calls])).toEqual([
      ['confirmations process', 'Consumer', truth.syncConsumed],
      ['legacy-inbox process', 'Consumer', truth.legacyConsumed],
      ['confirmations receive', 'Consumer', truth.batches],
    ]);
  });

  it('ranks the impact of the database by the flows behind the service that calls it', () => {
    expect(impactOf(graph, { node: 'db:postgresql/odoo' })).toEqual({
      flows: ['production_confirmation', 'shipment_booking'],
      plants: ['P01', 'P02'],
      criticalities: ['production', 'shipping'],
      topCriticality: 'production',
    });
    expect(graph.nodes.find((n) => n.id === 'db:postgresql/odoo')?.impact.topCriticality).toBe('production');
    expect(downstreamOf(graph, 'db:postgresql/odoo')).toEqual(['odoo', 'middleware', 'carrier']);
  });

  it('filters by plant on the attributes the spans carried', async () => {
    const p02 = await loadDependencyGraph(store, {
      range,
      flows: [confirmation, shipment],
      flowHealth: [],
      plant: 'P02',
    });
    expect(edge(p02, 'mes->middleware')?.metrics?.calls).toBe(truth.perPlantMessages.P02);
    expect(edge(p02, 'middleware->odoo')?.metrics?.calls).toBe(truth.odooCalls / 2);
    expect(p02.flows.map((f) => f.flow)).toEqual(['production_confirmation']);
    expect(p02.nodes.map((n) => n.id)).not.toContain('messaging:dead-letters');
  });

  it('filters by flow to what the flow depends on', async () => {
    const g = await loadDependencyGraph(store, {
      range,
      flows: [confirmation, shipment],
      flowHealth: [],
      flow: 'shipment_booking',
    });
    expect(g.nodes.map((n) => n.id)).toEqual(['carrier', 'db:postgresql/odoo', 'odoo']);
  });

  it('recomputes a minute idempotently: the latest snapshot replaces the earlier one', async () => {
    const worker = createDependencyWorker({ store, logger, now: () => NOW, backfillMs: 20 * MIN });
    await worker.runOnce();
    await worker.runOnce();
    const again = await loadDependencyGraph(store, {
      range,
      flows: [confirmation, shipment],
      flowHealth: [],
    });
    expect(again.edges.map((e) => [e.id, e.metrics?.calls])).toEqual(
      graph.edges.map((e) => [e.id, e.metrics?.calls]),
    );
  });

  it('repairs candidates a crash kept from the view, at the next start', async () => {
    await store.command(sql`TRUNCATE TABLE ${store.table('span_edge_candidates')}`);
    const restarted = createDependencyWorker({ store, logger, now: () => NOW, repairWindowMs: 30 * MIN });
    await restarted.runOnce();
    const repaired = await loadDependencyGraph(store, {
      range,
      flows: [confirmation, shipment],
      flowHealth: [],
    });
    expect(repaired.edges.map((e) => [e.id, e.metrics?.calls])).toEqual(
      graph.edges.map((e) => [e.id, e.metrics?.calls]),
    );
  });

  it('reads only the small snapshot tables on the request path', async () => {
    const [edgesRows] = await store.query<{ n: number }>(
      sql`SELECT count() AS n FROM ${store.table('dependency_edges_1m')}`,
    );
    const services = await queryServiceRed(store, range);
    expect(Number(edgesRows?.n)).toBeGreaterThan(0);
    expect(services.map((s) => s.node)).toEqual(['mes', 'middleware', 'odoo']);
  });
});

describe('a server span that arrives after its client span was counted as a virtual peer', () => {
  it('turns the edge into a service edge once the minute is recomputed', async () => {
    const late = await openTestStore();
    const lateSender = await startSpanSender(late);
    try {
      const service = (s: ReadableSpan) => s.resource.attributes['service.name'];
      await lateSender.send(spans.filter((s) => service(s) !== 'odoo'));
      let t = BASE + 2 * MIN; // spans of the first minutes arrived, still unsettled
      const worker = createDependencyWorker({ store: late, logger, now: () => t });
      await worker.runOnce();
      const before = await loadDependencyGraph(late, { range, flows: [], flowHealth: [] });
      expect(edge(before, 'middleware->host:odoo.local')?.metrics?.calls).toBeGreaterThan(0);

      await lateSender.send(spans.filter((s) => service(s) === 'odoo'));
      t = BASE + 3 * MIN;
      await worker.runOnce();
      const after = await loadDependencyGraph(late, { range, flows: [], flowHealth: [] });
      expect(edge(after, 'middleware->host:odoo.local')).toBeUndefined();
      expect(edge(after, 'middleware->odoo')?.metrics?.calls).toBe(truth.odooCalls);
    } finally {
      await lateSender.stop();
      await late.drop();
    }
  });
});
