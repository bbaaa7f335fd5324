import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DependencyGraphSchema,
  DependencyImpactSchema,
  FlowSchema,
  OperationListSchema,
  QueueSeriesListSchema,
  ServiceListSchema,
  type FlowHealthRow,
} from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import { createDependencyWorker } from '@linewatch/correlation';
import { createHttpApp } from '../app.ts';
import { createToken } from '../auth.ts';
import { AccessControl } from '../access/verifier.ts';
import { registerDependencyRoutes } from './dependencies.ts';
import { registerQueueRoutes } from './queues.ts';
import { registerServiceRoutes } from './services.ts';

// The routes in-process over a real chDB store: spans and gauges in the exporter layout, the
// dependency worker run once, then HTTP requests with tokens of different scopes and plants.

const MIN = 60_000;
const NOW = Date.parse('2026-11-27T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000000Z');

const reader = createToken('reader', ['read'], []);
const p02Only = createToken('p02', ['read'], ['P02']);
const ingestOnly = createToken('ingest', ['ingest'], []);

const confirmation = FlowSchema.parse({
  id: 'production_confirmation',
  name: 'Production confirmation',
  owner: 'manufacturing-it',
  criticality: 'production',
  key: 'production_order',
  steps: [
    { id: 'confirm', system: 'middleware' },
    { id: 'post', system: 'odoo' },
  ],
});
const health: FlowHealthRow = {
  flow: 'production_confirmation',
  plant: null,
  name: 'Production confirmation',
  criticality: 'production',
  volume: 40,
  inProgress: 0,
  completed: 30,
  onTime: 30,
  late: 0,
  missing: 10,
  failed: 0,
  recovered: 0,
  duplicate: 0,
  onTimeRatio: 0.75,
  p50E2eMs: 1000,
  p95E2eMs: 2000,
  sloTarget: 0.99,
  sloAttainment: 0.76,
  sloMet: false,
};

let store: TestStore;
let n = 0;
const id = (len: number) => (++n).toString(16).padStart(len, '0');

/** A span row in the exporter layout. */
function span(o: {
  service: string;
  kind: string;
  at: number;
  ms: number;
  trace: string;
  parent?: string;
  attrs?: Record<string, string>;
  error?: boolean;
  name?: string;
}) {
  const spanId = id(16);
  return {
    spanId,
    row: {
      Timestamp: iso(o.at),
      TraceId: o.trace,
      SpanId: spanId,
      ParentSpanId: o.parent ?? '',
      SpanName: o.name ?? `${o.kind} op`,
      SpanKind: o.kind,
      ServiceName: o.service,
      ResourceAttributes: { 'service.name': o.service },
      SpanAttributes: o.attrs ?? {},
      Duration: o.ms * 1e6,
      StatusCode: o.error ? 'Error' : 'Unset',
    },
  };
}

function gauge(
  metric: string,
  at: number,
  value: number,
  attrs: Record<string, string>,
  resource: Record<string, string> = {},
) {
  return {
    ResourceAttributes: { 'service.name': 'linewatch-poller', ...resource },
    ServiceName: 'linewatch-poller',
    MetricName: metric,
    Attributes: attrs,
    StartTimeUnix: iso(at),
    TimeUnix: iso(at),
    Value: value,
  };
}

beforeAll(async () => {
  store = await openTestStore();
  const rows: object[] = [];
  // middleware calls odoo for plants P01 and P02; odoo queries its database; 2 of 8 calls fail.
  for (let i = 0; i < 8; i++) {
    const plant = i % 2 === 0 ? 'P01' : 'P02';
    const at = NOW - 10 * MIN + i * 1000;
    const trace = id(32);
    const client = span({
      service: 'middleware',
      kind: 'Client',
      at,
      ms: 40,
      trace,
      attrs: { 'server.address': 'odoo.local', 'biz.plant': plant },
      error: i < 2,
    });
    const server = span({
      service: 'odoo',
      kind: 'Server',
      at: at + 2,
      ms: 30,
      trace,
      parent: client.spanId,
      attrs: { 'biz.plant': plant },
      error: i < 2,
      name: 'POST /confirm',
    });
    const db = span({
      service: 'odoo',
      kind: 'Client',
      at: at + 5,
      ms: 4,
      trace,
      parent: server.spanId,
      attrs: { 'db.system': 'postgresql', 'biz.plant': plant },
    });
    rows.push(client.row, server.row, db.row);
  }
  await store.insert('otel_traces', rows);
  await createDependencyWorker({ store, logger: pino({ level: 'silent' }), now: () => NOW }).runOnce();

  const q = (plant: string, queue = 'confirmations') => ({
    'queue.name': queue,
    'messaging.system': 'rabbitmq',
    'biz.plant': plant,
  });
  const up = (plant: string) => ({
    'linewatch.poller.name': `rmq-${plant}`,
    'linewatch.poller.type': 'rabbitmq',
    'biz.plant': plant,
  });
  await store.insert('otel_metrics_gauge', [
    gauge('integration.queue.depth', NOW - 30 * MIN, 5, q('P01')),
    gauge('integration.queue.depth', NOW - 30 * MIN + 20_000, 7, q('P01')), // last in its bucket wins
    gauge('integration.queue.oldest_age', NOW - 30 * MIN, 12, q('P01')),
    gauge('integration.queue.depth', NOW - 5 * MIN, 40, q('P01')),
    gauge('integration.queue.depth', NOW - 5 * MIN, 3, q('P02')),
    gauge('integration.queue.depth', NOW - 2 * 3_600_000, 99, q('P01')), // outside the default hour
    gauge('linewatch.poller.up', NOW - 20 * MIN, 0, up('P02')),
    gauge('linewatch.poller.up', NOW - 19 * MIN, 0, up('P02')),
    gauge('linewatch.poller.up', NOW - 18 * MIN, 1, up('P02')),
    gauge('linewatch.poller.up', NOW - 10 * MIN, 0, up('P01')),
  ]);
});
afterAll(() => store?.drop());

function app() {
  const { app, router } = createHttpApp({
    logger: pino({ level: 'silent' }),
    access: new AccessControl({ staticTokens: [reader.entry, p02Only.entry, ingestOnly.entry] }),
  });
  const deps = { store, now: () => NOW };
  registerDependencyRoutes(router, {
    ...deps,
    flows: () => [confirmation],
    flowHealth: () => Promise.resolve([health]),
  });
  registerServiceRoutes(router, deps);
  registerQueueRoutes(router, deps);
  return app;
}

async function get(path: string, token = reader.token) {
  const res = await app().request(path, { headers: { authorization: `Bearer ${token}` } });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } },
  };
}

describe('GET /api/v1/dependencies', () => {
  it('answers the map of the last 15 minutes with traced and declared edges, health and impact', async () => {
    const { status, body } = await get('/api/v1/dependencies');
    expect(status).toBe(200);
    const graph = DependencyGraphSchema.parse(body);
    expect(graph.from).toBe('2026-11-27T09:45:00.000Z');
    const call = graph.edges.find((e) => e.id === 'middleware->odoo');
    expect(call).toMatchObject({
      kinds: ['call', 'flow'],
      metrics: { calls: 8, errors: 2, errorRate: 0.25 },
      health: 'failing',
    });
    expect(graph.edges.find((e) => e.id === 'odoo->db:postgresql')?.impact.flows).toEqual([
      'production_confirmation',
    ]);
    expect(graph.flows[0]).toMatchObject({ flow: 'production_confirmation', health: 'failing', missing: 10 });
  });

  it('limits a plant-restricted token to its plant', async () => {
    const { body } = await get('/api/v1/dependencies', p02Only.token);
    const graph = DependencyGraphSchema.parse(body);
    expect(graph.edges.find((e) => e.id === 'middleware->odoo')?.metrics?.calls).toBe(4);
    expect(graph.nodes.flatMap((n) => n.plants).every((p) => p === 'P02')).toBe(true);
  });

  it('refuses a plant outside the token with 403', async () => {
    const { status, body } = await get('/api/v1/dependencies?plant=P01', p02Only.token);
    expect(status).toBe(403);
    expect(body.error?.code).toBe('forbidden_plant');
  });

  it('answers 404 for an unknown flow and 400 for a malformed window', async () => {
    expect((await get('/api/v1/dependencies?flow=nope')).body.error?.code).toBe('flow_not_found');
    const bad = await get('/api/v1/dependencies?window=soon');
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/query\.window/);
    const inverted = await get('/api/v1/dependencies?from=2026-11-27T11:00:00Z&to=2026-11-27T10:00:00Z');
    expect(inverted.status).toBe(400);
    expect(inverted.body.error?.message).toMatch(/query\.from/);
  });

  it('requires the read scope', async () => {
    expect((await get('/api/v1/dependencies', ingestOnly.token)).status).toBe(403);
    expect((await app().request('/api/v1/dependencies')).status).toBe(401);
  });
});

describe('GET /api/v1/dependencies/impact', () => {
  it('answers who depends on a node and where its failure propagates', async () => {
    const { status, body } = await get('/api/v1/dependencies/impact?node=db:postgresql');
    expect(status).toBe(200);
    expect(DependencyImpactSchema.parse(body)).toEqual({
      node: 'db:postgresql',
      edge: null,
      impact: {
        flows: ['production_confirmation'],
        plants: [],
        criticalities: ['production'],
        topCriticality: 'production',
      },
      downstream: ['odoo', 'middleware'],
    });
  });

  it('answers for an edge', async () => {
    const { body } = await get('/api/v1/dependencies/impact?source=middleware&target=odoo');
    expect(DependencyImpactSchema.parse(body)).toMatchObject({
      edge: { source: 'middleware', target: 'odoo' },
      downstream: ['middleware', 'odoo'],
    });
  });

  it('answers 404 for what is not on the map and 400 without a target', async () => {
    expect((await get('/api/v1/dependencies/impact?node=ghost')).body.error?.code).toBe('node_not_found');
    expect((await get('/api/v1/dependencies/impact?source=a&target=b')).body.error?.code).toBe(
      'edge_not_found',
    );
    expect((await get('/api/v1/dependencies/impact')).status).toBe(400);
  });
});

describe('GET /api/v1/services', () => {
  it('lists services with RED metrics from entry spans', async () => {
    const { status, body } = await get('/api/v1/services');
    expect(status).toBe(200);
    const list = ServiceListSchema.parse(body);
    // odoo serves 8 calls (2 failed); middleware's client spans are roots, so its entry operation counts too.
    expect(list.services.find((s) => s.service === 'odoo')).toMatchObject({
      plants: ['P01', 'P02'],
      metrics: { calls: 8, errors: 2, errorRate: 0.25, p50Ms: 30, p95Ms: 30 },
      health: 'failing',
    });
    expect(list.services.find((s) => s.service === 'odoo')?.metrics.ratePerSecond).toBeCloseTo(8 / 900);
  });

  it('lists one service per operation', async () => {
    const { body } = await get('/api/v1/services/odoo/operations?plant=P01');
    const ops = OperationListSchema.parse(body);
    expect(ops.operations).toEqual([
      {
        operation: 'POST /confirm',
        spanKind: 'Server',
        metrics: expect.objectContaining({ calls: 4, errors: 1 }) as unknown,
      },
    ]);
  });
});

describe('GET /api/v1/queues', () => {
  it('answers depth and oldest-age series per queue and plant over the last hour', async () => {
    const { status, body } = await get('/api/v1/queues');
    expect(status).toBe(200);
    const list = QueueSeriesListSchema.parse(body);
    expect(list.stepSeconds).toBe(60);
    expect(list.queues.map((q) => [q.queue, q.system, q.plant])).toEqual([
      ['confirmations', 'rabbitmq', 'P01'],
      ['confirmations', 'rabbitmq', 'P02'],
    ]);
    const p01 = list.queues[0];
    expect(p01?.points).toHaveLength(60);
    expect(p01?.points.find((p) => p.time === '2026-11-27T09:30:00.000Z')).toEqual({
      time: '2026-11-27T09:30:00.000Z',
      depth: 7,
      oldestAgeSeconds: 12,
    });
    expect(p01?.latest).toEqual({ time: '2026-11-27T09:55:00.000Z', depth: 40, oldestAgeSeconds: null });
    expect(p01?.maxDepth).toBe(40);
  });

  it('marks runs of failed scrapes', async () => {
    const { body } = await get('/api/v1/queues');
    expect(QueueSeriesListSchema.parse(body).scrapeFailures).toEqual([
      {
        poller: 'rmq-P01',
        pollerType: 'rabbitmq',
        plant: 'P01',
        from: '2026-11-27T09:50:00.000Z',
        to: '2026-11-27T09:51:00.000Z',
        count: 1,
      },
      {
        poller: 'rmq-P02',
        pollerType: 'rabbitmq',
        plant: 'P02',
        from: '2026-11-27T09:40:00.000Z',
        to: '2026-11-27T09:42:00.000Z',
        count: 2,
      },
    ]);
  });

  it('filters by plant, queue and step, and by the token’s plants', async () => {
    const mine = QueueSeriesListSchema.parse((await get('/api/v1/queues', p02Only.token)).body);
    expect(mine.queues.map((q) => q.plant)).toEqual(['P02']);
    expect(mine.scrapeFailures.map((f) => f.plant)).toEqual(['P02']);
    const fine = QueueSeriesListSchema.parse(
      (await get('/api/v1/queues?queue=confirmations&plant=P01&step=5m&window=2h')).body,
    );
    expect(fine.stepSeconds).toBe(300);
    expect(fine.queues).toHaveLength(1);
    expect(fine.queues[0]?.maxDepth).toBe(99);
    expect((await get('/api/v1/queues?queue=nothing')).body.queues).toEqual([]);
  });
});
