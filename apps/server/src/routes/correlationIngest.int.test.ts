import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CorrelationConfigSchema,
  FlowHealthSchema,
  FlowSchema,
  TransactionDetailSchema,
  TransactionListSchema,
  type BusinessEventInput,
} from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import { createDirectPipeline, createIngestApp, registerEventRoutes } from '@linewatch/collector';
import { createCorrelationWorker, FlowRegistry, type CorrelationWorker } from '@linewatch/correlation';
import { createHttpApp } from '../app.ts';
import { expandScopes } from '../access/principal.ts';
import { AccessControl } from '../access/verifier.ts';
import { registerFlowRoutes } from './flows.ts';
import { registerTransactionRoutes } from './transactions.ts';

// The whole path on real chDB: POST /v1/events through the collector's receiver, the correlation
// sweep, then the query API. The clock is injected; nothing waits on real time.

const MIN = 60_000;
const T0 = Date.parse('2026-11-27T08:00:00Z');
let now = T0;
const at = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();

const flow = FlowSchema.parse({
  id: 'production_confirmation',
  name: 'Production confirmation',
  owner: 'manufacturing-it',
  criticality: 'production',
  key: 'production_order',
  steps: [
    { id: 'mo_in_progress', system: 'odoo' },
    { id: 'wo_confirmed', system: 'mes', fanOut: { key: 'work_order', countAttribute: 'work_orders' } },
    { id: 'mo_done', system: 'odoo' },
  ],
  deadlines: [
    { from: 'mo_in_progress', to: 'wo_confirmed', within: '8h', plants: { P02: '12h' } },
    { from: 'wo_confirmed', to: 'mo_done', within: '10m' },
  ],
});

let store: TestStore;
let worker: CorrelationWorker;
let ingest: ReturnType<typeof createIngestApp>;
let api: ReturnType<typeof createHttpApp>;

async function send(events: BusinessEventInput[]): Promise<void> {
  const res = await ingest.request('/v1/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  expect(res.status).toBe(200);
}

async function transaction(key: string) {
  const res = await api.app.request(`/api/v1/transactions/${flow.id}/${encodeURIComponent(key)}`);
  return {
    status: res.status,
    body: res.status === 200 ? TransactionDetailSchema.parse(await res.json()) : undefined,
  };
}

beforeAll(async () => {
  store = await openTestStore();
  const flows = FlowRegistry.fromFlows([flow]);
  const logger = pino({ level: 'silent' });
  ingest = createIngestApp(() => ({ scopes: expandScopes(['ingest']) }));
  registerEventRoutes(ingest, {
    pipeline: createDirectPipeline(store),
    maxBodyBytes: 1024 * 1024,
    now: () => now,
  });
  worker = createCorrelationWorker({
    store,
    flows,
    config: { correlation: CorrelationConfigSchema.parse({}) },
    logger,
    now: () => now,
  });
  api = createHttpApp({ logger, access: new AccessControl({ staticTokens: [] }) });
  const deps = { store, flows, now: () => now, clockSkew: CorrelationConfigSchema.parse({}).clockSkew };
  registerFlowRoutes(api.router, deps);
  registerTransactionRoutes(api.router, deps);
});
afterAll(() => store.drop());

describe('from POST /v1/events to the transaction API', () => {
  it('follows a production order through fan-out confirmations arriving out of order, late and linked by work order', async () => {
    now = T0 + 30 * MIN;
    // The MES confirms two of three work orders; the second one's event arrives first and carries no
    // link yet: the first one's does.
    await send([
      {
        id: 'mes-2',
        time: at(20),
        step: 'wo_confirmed',
        key: 'WO-2',
        system: 'mes',
        plant: 'P02',
        flow: flow.id,
      },
      {
        id: 'odoo-1',
        time: at(0),
        step: 'mo_in_progress',
        key: 'MO/00042',
        system: 'odoo',
        plant: 'P02',
        flow: flow.id,
        attributes: { work_orders: '3' },
      },
    ]);
    await send([
      {
        id: 'mes-1',
        time: at(10),
        step: 'wo_confirmed',
        key: 'WO-1',
        keys: { production_order: 'MO/00042' },
        system: 'mes',
        plant: 'P02',
        flow: flow.id,
      },
      {
        id: 'mes-2-link',
        time: at(20),
        step: 'wo_started',
        key: 'WO-2',
        keys: { production_order: 'MO/00042' },
        system: 'mes',
        plant: 'P02',
      },
    ]);
    await worker.sweepOnce();
    // The newest event (minute 20) arrived at minute 30: the overview says how far behind data is.
    const health = FlowHealthSchema.parse(await (await api.app.request('/api/v1/flow-health')).json());
    expect(health.dataLagMs).toBe(10 * MIN);
    const waiting = await transaction('MO/00042');
    expect(waiting.body?.transaction).toMatchObject({ status: 'in_progress', linkedKeys: ['WO-1', 'WO-2'] });
    expect(waiting.body?.steps[1]).toMatchObject({
      state: 'pending',
      children: { done: 2, expected: 3, key: 'work_order' },
    });
    expect(waiting.body?.steps[1]?.expectedBy).toBe(at(12 * 60));

    // Past P02's 12h deadline without the third work order: missing, found without any new event.
    now = T0 + 12 * 60 * MIN + 2 * MIN;
    await worker.sweepOnce();
    const live = FlowHealthSchema.parse(await (await api.app.request('/api/v1/flow-health')).json());
    expect(live.dataLagMs).toBe(0);
    const list = TransactionListSchema.parse(
      await (await api.app.request('/api/v1/transactions?status=missing')).json(),
    );
    expect(list.items.map((t) => [t.key, t.problemStep])).toEqual([['MO/00042', 'wo_confirmed']]);
    expect(list.items[0]?.reason).toContain('2 of 3 work orders done');

    // The third arrives (stamped after the deadline), then Odoo closes the MO: late, by how much.
    await send([
      {
        id: 'mes-3',
        time: at(12 * 60 + 5),
        step: 'wo_confirmed',
        key: 'WO-3',
        keys: { production_order: 'MO/00042' },
        system: 'mes',
        plant: 'P02',
        flow: flow.id,
      },
      {
        id: 'odoo-2',
        time: at(12 * 60 + 9),
        step: 'mo_done',
        key: 'MO/00042',
        system: 'odoo',
        plant: 'P02',
        flow: flow.id,
      },
    ]);
    await worker.sweepOnce();
    const done = await transaction('WO-3');
    expect(done.body?.transaction).toMatchObject({
      key: 'MO/00042',
      status: 'late',
      lateByMs: 5 * MIN,
      plant: 'P02',
    });
    expect(done.body?.events.map((e) => e.id)).toEqual(['odoo-1', 'mes-1', 'mes-2', 'mes-3', 'odoo-2']);
  });
});
