import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OdooConfigSchema } from '@linewatch/schema';
import { openTestStore, sql, type TestStore } from '@linewatch/store';
import { createDirectPipeline } from '../../pipeline/directPipeline.ts';
import { createIngestApp } from '../ingestApp.ts';
import { registerOdooRoutes } from './registerOdooRoutes.ts';
import type { IngestMeasure } from '../events/countIngest.ts';

const RECEIVED_AT = Date.parse('2026-11-27T08:16:00.000Z');
let store: TestStore;

beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store.drop();
});

const config = OdooConfigSchema.parse({
  sources: {
    main: {
      plant: 'graz',
      mappings: [
        {
          model: 'mrp.production',
          when: { state: 'done' },
          flow: 'production_confirmation',
          step: 'odoo_done',
          key: '{{name}}',
          keys: { work_order: '{{workorder_ids}}' },
        },
      ],
    },
  },
});

function makeApp() {
  const counts: [string, IngestMeasure, number, string | undefined][] = [];
  const app = createIngestApp(() => ({ scopes: new Set(['ingest']) }));
  registerOdooRoutes(app, {
    pipeline: createDirectPipeline(store),
    sources: config.sources,
    maxBodyBytes: 64 * 1024,
    now: () => RECEIVED_AT,
    count: (receiver, measure, n, reason) => counts.push([receiver, measure, n, reason]),
  });
  return { app, counts };
}

/** Posts the way Odoo's _run_action_webhook does: json.dumps(sort_keys=True), Content-Type application/json. */
function postWebhook(app: ReturnType<typeof makeApp>['app'], source: string, payload: unknown) {
  return app.request(`/v1/odoo/webhook/${source}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
}

function makePayload(id: number, fields: Record<string, unknown> = {}) {
  return {
    _action: 'Send Webhook Notification(#12)',
    _id: id,
    _model: 'mrp.production',
    name: `MO/${String(id).padStart(5, '0')}`,
    state: 'done',
    workorder_ids: [7781],
    write_date: '2026-11-27 08:15:00',
    ...fields,
  };
}

async function rowsFor(key: string) {
  return store.query<Record<string, unknown>>(sql`
    SELECT id, toUnixTimestamp64Milli(time) AS ms, flow, step, key, keys, system, plant, outcome, attributes, source
    FROM ${store.table('business_events')} FINAL WHERE key = ${key}`);
}

describe('POST /v1/odoo/webhook/:source', () => {
  it('stores a mapped webhook as a business event with source odoo', async () => {
    const { app, counts } = makeApp();
    const res = await postWebhook(app, 'main', makePayload(101));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      accepted: 1,
      ignored: 0,
      id: 'odoo:main:mrp.production:101:odoo_done:2026-11-27 08:15:00',
    });
    expect(await rowsFor('MO/00101')).toEqual([
      {
        id: 'odoo:main:mrp.production:101:odoo_done:2026-11-27 08:15:00',
        ms: Date.parse('2026-11-27T08:15:00Z'),
        flow: 'production_confirmation',
        step: 'odoo_done',
        key: 'MO/00101',
        keys: { work_order: '7781' },
        system: 'odoo',
        plant: 'graz',
        outcome: 'ok',
        attributes: {
          'odoo.source': 'main',
          'odoo.model': 'mrp.production',
          'odoo.id': '101',
          'odoo.action': 'Send Webhook Notification(#12)',
        },
        source: 'odoo',
      },
    ]);
    expect(counts).toContainEqual(['odoo', 'accepted', 1, undefined]);
  });

  it('stores the same webhook received twice once', async () => {
    const { app } = makeApp();
    for (let i = 0; i < 2; i++) expect((await postWebhook(app, 'main', makePayload(102))).status).toBe(200);
    expect(await rowsFor('MO/00102')).toHaveLength(1);
  });

  it('answers 200 with the reason for a record no mapping takes, stores nothing and counts it', async () => {
    const { app, counts } = makeApp();
    const res = await postWebhook(app, 'main', makePayload(103, { state: 'draft' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 0, ignored: 1, reason: 'no_matching_rule' });
    expect(await rowsFor('MO/00103')).toEqual([]);
    expect(counts).toContainEqual(['odoo', 'ignored', 1, 'no_matching_rule']);
  });

  it('answers 404 for a source the config does not name', async () => {
    const res = await postWebhook(makeApp().app, 'elsewhere', makePayload(104));
    expect(res.status).toBe(404);
    expect(await rowsFor('MO/00104')).toEqual([]);
  });

  it('answers 400 for JSON that is not an Odoo webhook and 415 for another content type', async () => {
    const { app } = makeApp();
    expect((await postWebhook(app, 'main', { id: 5, model: 'mrp.production' })).status).toBe(400);
    expect((await postWebhook(app, 'main', [makePayload(105)])).status).toBe(400);
    const form = await app.request('/v1/odoo/webhook/main', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '_id=105',
    });
    expect(form.status).toBe(415);
  });
});
