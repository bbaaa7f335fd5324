// The business-event receivers and pollers as createCollector wires them: real listeners on port 0,
// the durable spool, chDB, the local Mosquitto and PostgreSQL.
import { connectAsync } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreConfigSchema, type BusinessEventInput } from '@linewatch/schema';
import { openStore, openTestStore, sql, type Store, type TestStore } from '@linewatch/store';
import { closedPort, eventually, gaugesOfPoller, uniqueName } from '../../pollers/pollerTestKit.ts';
import { startTestCollector, type TestCollector } from '../../../test/fixtures/startTestCollector.ts';

const PG = 'postgres://postgres@127.0.0.1:5432/test';
let store: TestStore;
let deadStore: Store;
let c: TestCollector;
const topicBase = uniqueName('lw_test_collector');
const mqttClientId = uniqueName('lw_test_collector_rx');
const pollerName = uniqueName('outbox');
const pgSchema = uniqueName('lw_test_outbox');
let db: pg.Client;

beforeAll(async () => {
  store = await openTestStore();
  db = new pg.Client({ connectionString: PG });
  await db.connect();
  await db.query(`CREATE SCHEMA ${pgSchema}`);
  await db.query(`CREATE TABLE ${pgSchema}.outbox (id int)`);
  await db.query(`INSERT INTO ${pgSchema}.outbox SELECT generate_series(1, 3)`);
  c = await startTestCollector(store, {
    batch: { maxDelay: 50 },
    odoo: {
      sources: {
        main: {
          plant: 'graz',
          mappings: [
            { model: 'mrp.production', when: { state: 'done' }, step: 'odoo_done', key: '{{name}}' },
          ],
        },
      },
    },
    mqtt: {
      url: 'mqtt://127.0.0.1:1883',
      clientId: mqttClientId,
      topics: [{ filter: `${topicBase}/+/events`, kind: 'events' }],
    },
    pollers: [
      {
        name: pollerName,
        type: 'sql',
        interval: '1h',
        connection: PG,
        query: `SELECT 'outbox' AS queue, count(*) AS depth FROM ${pgSchema}.outbox`,
      },
    ],
  });
  deadStore = await openStore(
    StoreConfigSchema.parse({
      mode: 'remote',
      url: `http://127.0.0.1:${await closedPort()}`,
      database: store.database,
      maxQuerySeconds: 2,
    }),
  );
});

afterAll(async () => {
  await c?.collector.stop();
  await (await connectAsync('mqtt://127.0.0.1:1883', { clientId: mqttClientId, clean: true })).endAsync();
  await db.query(`DROP SCHEMA ${pgSchema} CASCADE`);
  await db.end();
  await deadStore?.close();
  await store?.drop();
});

function makeEvent(id: string, overrides: Partial<BusinessEventInput> = {}): BusinessEventInput {
  return {
    id,
    time: '2026-11-27T08:15:00Z',
    step: 'mes_confirmed',
    key: 'MO/1',
    system: 'mes',
    plant: 'graz',
    ...overrides,
  };
}

function postJson(path: string, body: unknown): Promise<Response> {
  return fetch(`${c.http}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function sourcesOf(prefix: string): Promise<Record<string, string>> {
  await c.collector.pipeline.flush(20_000);
  const rows = await store.query<{ id: string; source: string }>(
    sql`SELECT id, source FROM ${store.table('business_events')} FINAL WHERE startsWith(id, ${prefix}) ORDER BY id`,
  );
  return Object.fromEntries(rows.map((r) => [r.id, r.source]));
}

describe('business events through the collector', () => {
  it('stores events from the API, an Odoo webhook and MQTT, each with its source', async () => {
    const p = uniqueName('through');
    const api = await postJson('/v1/events', [
      makeEvent(`${p}-api`),
      makeEvent(`${p}-api`),
      { id: 'broken' },
    ]);
    expect(api.status).toBe(200);
    const answer = (await api.json()) as { accepted: number; rejected: { index: number; field: string }[] };
    expect(answer.accepted).toBe(1);
    expect(answer.rejected[0]).toMatchObject({ index: 1, field: 'id' });
    expect(new Set(answer.rejected.map((r) => r.index))).toEqual(new Set([1, 2]));
    const odoo = await postJson('/v1/odoo/webhook/main', {
      _id: 7,
      _model: 'mrp.production',
      name: `${p}-odoo`,
      state: 'done',
    });
    expect(await odoo.json()).toMatchObject({ accepted: 1 });
    const publisher = await connectAsync('mqtt://127.0.0.1:1883');
    await publisher.publishAsync(`${topicBase}/graz/events`, JSON.stringify(makeEvent(`${p}-mqtt`)), {
      qos: 1,
    });
    await publisher.endAsync();
    const odooId = 'odoo:main:mrp.production:7:odoo_done:';
    await eventually(async () => expect(Object.keys(await sourcesOf(p))).toContain(`${p}-mqtt`));
    expect(await sourcesOf(p)).toEqual({ [`${p}-api`]: 'api', [`${p}-mqtt`]: 'mqtt' });
    const [odooRow] = await store.query<{ key: string; source: string }>(
      sql`SELECT key, source FROM ${store.table('business_events')} WHERE startsWith(id, ${odooId}) AND key = ${`${p}-odoo`}`,
    );
    expect(odooRow).toEqual({ key: `${p}-odoo`, source: 'odoo' });
    expect(c.collector.metricsText()).toMatch(
      /component="events",signal="business_events",reason="invalid_event"\} 2/,
    );
  });

  it('polls the configured sources from start', async () => {
    const rows = await eventually(async () => {
      await c.collector.pipeline.flush(20_000);
      const r = await gaugesOfPoller(store, pollerName);
      expect(r.map((g) => g.MetricName)).toContain('integration.queue.depth');
      return r;
    });
    expect(rows.find((g) => g.MetricName === 'integration.queue.depth')?.Value).toBe(3);
  });

  it('answers 429 with Retry-After when the spool is full, and stores what it acknowledged before', async () => {
    const full = await startTestCollector(deadStore, {
      spool: { maxBytes: 20_000 },
      batch: { maxDelay: 50 },
    });
    try {
      const p = uniqueName('full');
      const statuses: number[] = [];
      for (let i = 0; i < 40 && !statuses.includes(429); i++) {
        const res = await fetch(`${full.http}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(
            Array.from({ length: 10 }, (_, j) =>
              makeEvent(`${p}-${i}-${j}`, { error_message: 'x'.repeat(100) }),
            ),
          ),
        });
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      expect(statuses).toContain(429);
      const acknowledged = statuses.filter((s) => s === 200).length * 10;
      expect(acknowledged).toBeGreaterThan(0);
      full.collector.pipeline.setStore(store);
      expect(await full.collector.pipeline.flush(30_000)).toBe(true);
      const [row] = await store.query<{ n: number }>(
        sql`SELECT count() AS n FROM ${store.table('business_events')} FINAL WHERE startsWith(id, ${p})`,
      );
      expect(row?.n).toBe(acknowledged);
    } finally {
      await full.collector.stop();
    }
  });
});
