import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CorrelationConfigSchema,
  FlowHealthSchema,
  FlowListSchema,
  ReevaluateResultSchema,
  SearchResponseSchema,
  TransactionDetailSchema,
  TransactionListSchema,
  UnmatchedListSchema,
} from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import { createCorrelationWorker, FlowRegistry, type CorrelationWorker } from '@linewatch/correlation';
import { makeEventInput } from '@linewatch/correlation/testing';
import { createHttpApp } from '../app.ts';
import { createToken } from '../auth.ts';
import { AccessControl } from '../access/verifier.ts';
import { buildOpenApi } from './openapi.ts';
import { registerFlowRoutes, type CorrelationRouteDeps } from './flows.ts';
import { registerSearchRoutes } from './search.ts';
import { registerTransactionRoutes } from './transactions.ts';
import { registerUnmatchedRoutes } from './unmatched.ts';

// From stored events and spans to the HTTP API, in-process over real chDB: the correlation worker
// sweeps once, then requests with tokens of different scopes and plants.

const MIN = 60_000;
const T0 = Date.parse('2026-11-27T08:00:00Z');
const NOW = T0 + 3 * 60 * MIN;
const FLOW = 'production_confirmation';
const TRACE = 'a'.repeat(32);
const at = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();

const flowYaml = (confirmWithin: string) => `
id: ${FLOW}
name: Production confirmation
owner: manufacturing-it
criticality: production
key: production_order
steps:
  - { id: release, system: odoo }
  - { id: confirm, system: mes }
  - { id: post, system: odoo }
deadlines:
  - { from: release, to: confirm, within: ${confirmWithin} }
  - { from: confirm, to: post, within: 10m }
slo: { onTimeTarget: 0.9 }
`;

const reader = createToken('reader', ['read'], []);
const p02 = createToken('p02', ['read'], ['P02']);
const operator = createToken('operator', ['operate'], []);

let store: TestStore;
let flows: FlowRegistry;
let worker: CorrelationWorker;
let flowDir: string;
let app: ReturnType<typeof createHttpApp>;

const event = makeEventInput;

function span(spanId: string, parent: string, service: string, minutes: number, ms: number) {
  return {
    Timestamp: `${BigInt(T0 + minutes * MIN) * 1_000_000n}`,
    TraceId: TRACE,
    SpanId: spanId,
    ParentSpanId: parent,
    SpanName: `${service} work`,
    SpanKind: 'Server',
    ServiceName: service,
    Duration: ms * 1_000_000,
    StatusCode: 'Ok',
  };
}

async function get(path: string, token = reader.token) {
  const res = await app.app.request(path, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  store = await openTestStore();
  flowDir = mkdtempSync(join(tmpdir(), 'flows-'));
  writeFileSync(join(flowDir, 'confirmation.yaml'), flowYaml('30m'));
  flows = FlowRegistry.open({ dir: flowDir });
  const logger = pino({ level: 'silent' });
  worker = createCorrelationWorker({
    store,
    flows,
    config: { correlation: CorrelationConfigSchema.parse({ clockSkew: '1m' }) },
    logger,
    now: () => NOW,
  });
  app = createHttpApp({
    logger,
    access: new AccessControl({ staticTokens: [reader.entry, p02.entry, operator.entry] }),
  });
  const deps: CorrelationRouteDeps = { store, flows, now: () => NOW, clockSkew: MIN };
  registerFlowRoutes(app.router, deps);
  registerTransactionRoutes(app.router, deps);
  registerSearchRoutes(app.router, deps);
  registerUnmatchedRoutes(app.router, deps);

  const events = [
    event('release', 0, 'MO/1', { system: 'odoo', trace_id: TRACE }),
    event('confirm', 10, 'WO-1', { keys: { production_order: 'MO/1' }, trace_id: TRACE }),
    event('post', 12, 'MO/1', { system: 'odoo' }),
    event('release', 0, 'MO/2'),
    event('release', 5, 'MO/3'),
    event('confirm', 50, 'MO/3'),
    event('post', 55, 'MO/3'),
    event('release', 0, 'MO/4', { plant: 'P02' }),
    event('confirm', 8, 'MO/4', { plant: 'P02', outcome: 'failed', error_category: 'validation' }),
    event('confirm', 3, 'ORPHAN-1'),
  ];
  await store.insertRaw('business_events', 'JSONEachRow', events.map((e) => JSON.stringify(e)).join('\n'));
  await store.insert('otel_traces', [
    span('1'.repeat(16), '', 'odoo', 0, 200),
    span('2'.repeat(16), '1'.repeat(16), 'mes', 10, 50),
  ]);
  await worker.sweepOnce();
});
afterAll(() => store.drop());

describe('flow, transaction, search and unmatched routes', () => {
  it('lists the loaded flows with their deadlines in milliseconds and derived hops', async () => {
    const { status, body } = await get('/api/v1/flows');
    expect(status).toBe(200);
    const list = FlowListSchema.parse(body);
    expect(list.flows[0]).toMatchObject({
      id: FLOW,
      file: 'confirmation.yaml',
      deadlines: [
        { from: 'release', to: 'confirm', withinMs: 30 * MIN, plants: {} },
        { from: 'confirm', to: 'post', withinMs: 10 * MIN, plants: {} },
      ],
      hops: [
        { from: 'odoo', to: 'mes', step: 'confirm' },
        { from: 'mes', to: 'odoo', step: 'post' },
      ],
    });
    expect((await get('/api/v1/flows/nope')).body).toMatchObject({ error: { code: 'flow_not_found' } });
  });

  it('reports flow health per flow and per plant', async () => {
    const { status, body } = await get(`/api/v1/flow-health?from=${at(-10)}&to=${at(60)}`);
    expect(status).toBe(200);
    const health = FlowHealthSchema.parse(body);
    expect(health.flows[0]).toMatchObject({
      flow: FLOW,
      plant: null,
      volume: 4,
      completed: 1,
      late: 1,
      missing: 1,
      failed: 1,
      onTime: 1,
    });
    expect(health.flows[0]?.onTimeRatio).toBeCloseTo(0.25);
    expect(health.flows[0]?.sloMet).toBe(false);
    expect(health.flows[0]?.p50E2eMs).toBeGreaterThan(0);
    expect(health.plants.map((r) => [r.plant, r.volume])).toEqual([
      ['P01', 3],
      ['P02', 1],
    ]);
  });

  it('keeps a plant-restricted token to its plants', async () => {
    const health = FlowHealthSchema.parse(
      (await get(`/api/v1/flow-health?from=${at(-10)}&to=${at(60)}`, p02.token)).body,
    );
    expect(health.flows[0]?.volume).toBe(1);
    expect((await get('/api/v1/flow-health?plant=P01', p02.token)).status).toBe(403);
    const list = TransactionListSchema.parse((await get('/api/v1/transactions', p02.token)).body);
    expect(list.items.map((t) => t.key)).toEqual(['MO/4']);
    expect((await get(`/api/v1/transactions/${FLOW}/${encodeURIComponent('MO/1')}`, p02.token)).status).toBe(
      404,
    );
  });

  it('filters transactions by status and pages through them with a cursor', async () => {
    const first = TransactionListSchema.parse(
      (await get('/api/v1/transactions?status=late,missing,failed&limit=2&sort=started_at&order=asc')).body,
    );
    expect(first.items.map((t) => t.key)).toEqual(['MO/2', 'MO/4']);
    // These events arrived hours after they happened: deadlines, and how overdue a missing step is,
    // are judged at the data clock, `dataLagMs` behind.
    const { dataLagMs } = FlowHealthSchema.parse((await get('/api/v1/flow-health')).body);
    expect(dataLagMs).toBeGreaterThan(0);
    expect(first.items[0]).toMatchObject({
      status: 'missing',
      lateByMs: NOW - dataLagMs - (T0 + 30 * MIN),
      problemStep: 'confirm',
    });
    expect(first.nextCursor).not.toBeNull();
    const second = TransactionListSchema.parse(
      (
        await get(
          `/api/v1/transactions?status=late,missing,failed&limit=2&sort=started_at&order=asc&cursor=${first.nextCursor}`,
        )
      ).body,
    );
    expect(second.items.map((t) => t.key)).toEqual(['MO/3']);
    expect(second.nextCursor).toBeNull();
    const bad = await get(`/api/v1/transactions?status=late&cursor=${first.nextCursor}`);
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_cursor' } } });
  });

  it('finds transactions by a linked-key prefix and rejects invalid filters', async () => {
    const list = TransactionListSchema.parse((await get('/api/v1/transactions?key=WO-')).body);
    expect(list.items.map((t) => [t.key, t.linkedKeys])).toEqual([['MO/1', ['WO-1']]]);
    expect((await get('/api/v1/transactions?status=lost')).body).toMatchObject({
      error: { code: 'invalid_request' },
    });
  });

  it('shows a transaction with its timeline, events and the spans of the traces its events reference', async () => {
    const { status, body } = await get(`/api/v1/transactions/${FLOW}/${encodeURIComponent('MO/1')}`);
    expect(status).toBe(200);
    const detail = TransactionDetailSchema.parse(body);
    expect(detail.transaction).toMatchObject({ key: 'MO/1', status: 'completed', linkedKeys: ['WO-1'] });
    expect(detail.steps.map((s) => [s.step, s.state, s.expectedBy])).toEqual([
      ['release', 'done', null],
      ['confirm', 'done', at(30)],
      ['post', 'done', at(20)],
    ]);
    expect(detail.events.map((e) => e.key)).toEqual(['MO/1', 'WO-1', 'MO/1']);
    expect(detail.traceIds).toEqual([TRACE]);
    expect(detail.spans.map((s) => [s.service, s.offsetMs, s.depth])).toEqual([
      ['odoo', 0, 0],
      ['mes', 10 * MIN, 1],
    ]);
    const failed = TransactionDetailSchema.parse(
      (await get(`/api/v1/transactions/${FLOW}/${encodeURIComponent('MO/4')}`)).body,
    );
    expect(failed.errors.map((e) => [e.step, e.errorCategory])).toEqual([['confirm', 'validation']]);
    expect((await get(`/api/v1/transactions/${FLOW}/NOPE`)).body).toMatchObject({
      error: { code: 'transaction_not_found' },
    });
  });

  it('searches by business key, linked key, trace id and event id', async () => {
    const byLinked = SearchResponseSchema.parse((await get('/api/v1/search?q=WO-1')).body);
    expect(byLinked.results.map((r) => [r.matchedBy, r.transaction.key])).toEqual([['linked_key', 'MO/1']]);
    const byTrace = SearchResponseSchema.parse((await get(`/api/v1/search?q=${TRACE}`)).body);
    expect(byTrace.results.map((r) => [r.matchedBy, r.transaction.key])).toEqual([['trace_id', 'MO/1']]);
    const byEvent = SearchResponseSchema.parse((await get('/api/v1/search?q=ev-9')).body);
    expect(byEvent.results.map((r) => [r.matchedBy, r.transaction.key])).toEqual([['event_id', 'MO/4']]);
    const byPrefix = SearchResponseSchema.parse(
      (await get(`/api/v1/search?q=${encodeURIComponent('MO/')}`)).body,
    );
    expect(byPrefix.results.map((r) => r.transaction.key)).toEqual(['MO/1', 'MO/2', 'MO/3', 'MO/4']);
    const orphan = SearchResponseSchema.parse((await get('/api/v1/search?q=ORPHAN-1')).body);
    expect(orphan.unmatched.map((u) => [u.step, u.reason])).toEqual([['confirm', 'no_start']]);
  });

  it('lists unmatched events with the reason', async () => {
    const list = UnmatchedListSchema.parse(
      (await get(`/api/v1/unmatched?from=${at(-10)}&to=${at(60)}`)).body,
    );
    expect(list.items.map((u) => [u.key, u.step, u.reason, u.events])).toEqual([
      ['ORPHAN-1', 'confirm', 'no_start', 1],
    ]);
  });

  it('reevaluates a flow after its definition changed, with the operate scope only', async () => {
    writeFileSync(join(flowDir, 'confirmation.yaml'), flowYaml('1h'));
    expect(flows.reload()).toBe(true);
    const body = { from: at(-10), to: at(60) };
    const post = (token: string) =>
      app.app.request(`/api/v1/flows/${FLOW}/reevaluate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post(reader.token)).status).toBe(403);
    const res = await post(operator.token);
    expect(res.status).toBe(200);
    const result = ReevaluateResultSchema.parse(await res.json());
    expect(result).toMatchObject({ flow: FLOW, evaluated: 4, changed: 2 });
    const late = TransactionDetailSchema.parse(
      (await get(`/api/v1/transactions/${FLOW}/${encodeURIComponent('MO/3')}`)).body,
    );
    expect(late.transaction.status).toBe('completed');
  });

  it('documents every route with its scope in the OpenAPI document', () => {
    const doc = buildOpenApi(app.router.routes, 'test') as {
      paths: Record<string, Record<string, { 'x-linewatch-scope': string }>>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/flows',
        '/api/v1/flow-health',
        '/api/v1/transactions',
        '/api/v1/transactions/{flow}/{key}',
        '/api/v1/search',
        '/api/v1/unmatched',
      ]),
    );
    expect(doc.paths['/api/v1/flows/{flow}/reevaluate']?.post?.['x-linewatch-scope']).toBe('operate');
  });
});
