import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusinessEventInput } from '@linewatch/schema';
import { openTestStore, sql, type TestStore } from '@linewatch/store';
import { createDirectPipeline } from '../../pipeline/directPipeline.ts';
import type { Pipeline } from '../../pipeline/types.ts';
import { createIngestApp } from '../ingestApp.ts';
import { registerEventRoutes } from './registerEventRoutes.ts';

/** Matches any text, or text containing `part` (typed, for use inside expected objects). */
const text = (part?: string): string =>
  (part === undefined ? expect.any(String) : expect.stringContaining(part)) as string;

const RECEIVED_AT = Date.parse('2026-11-27T08:16:00.250Z');
const allowIngest = () => ({ scopes: new Set(['ingest']) });

let store: TestStore;
let run = 0;

beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store.drop();
});

/** Ids unique to one test, so tests in this file never see each other's rows. */
function prefix(): string {
  return `t${++run}-`;
}

function makeEvent(overrides: Partial<BusinessEventInput> = {}): BusinessEventInput {
  return {
    id: 'e',
    time: '2026-11-27T08:15:00.123456789Z',
    flow: 'production_confirmation',
    step: 'odoo_done',
    key: 'MO/00042',
    system: 'odoo',
    plant: 'P1',
    ...overrides,
  };
}

function makeApp(
  options: {
    knownFlows?: Set<string>;
    maxBodyBytes?: number;
    pipelineStore?: Parameters<typeof createDirectPipeline>[0];
  } = {},
) {
  const app = createIngestApp(allowIngest);
  registerEventRoutes(app, {
    pipeline: createDirectPipeline(options.pipelineStore ?? store),
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    now: () => RECEIVED_AT,
    knownFlows: options.knownFlows ? () => options.knownFlows as Set<string> : undefined,
  });
  return app;
}

function postJson(app: ReturnType<typeof makeApp>, body: unknown, headers: Record<string, string> = {}) {
  return app.request('/v1/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
}

async function storedIds(idPrefix: string): Promise<string[]> {
  const rows = await store.query<{ id: string }>(
    sql`SELECT id FROM ${store.table('business_events')} FINAL WHERE startsWith(id, ${idPrefix}) ORDER BY id`,
  );
  return rows.map((r) => r.id);
}

describe('POST /v1/events', () => {
  it('stores every field of an event in the column of the same name, with receive time and source', async () => {
    const p = prefix();
    const app = makeApp();
    const res = await postJson(app, [
      makeEvent({
        id: `${p}full`,
        keys: { work_order: 'WO-7781' },
        outcome: 'failed',
        error_category: 'validation',
        error_message: 'lot missing',
        attributes: { operator: 'anna' },
        trace_id: '0af7651916cd43dd8448eb211c80319c',
        span_id: 'b7ad6b7169203331',
      }),
    ]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, rejected: [], warnings: [] });
    const [row] = await store.query<Record<string, unknown>>(sql`
      SELECT id, toString(toUnixTimestamp64Nano(time)) AS time_ns, flow, step, key, keys, system, plant, outcome,
             error_category, error_message, attributes, trace_id, span_id,
             toUnixTimestamp64Milli(received_at) AS received_ms, source
      FROM ${store.table('business_events')} WHERE id = ${`${p}full`}`);
    expect(row).toEqual({
      id: `${p}full`,
      time_ns: `${Date.parse('2026-11-27T08:15:00Z') / 1000}123456789`,
      flow: 'production_confirmation',
      step: 'odoo_done',
      key: 'MO/00042',
      keys: { work_order: 'WO-7781' },
      system: 'odoo',
      plant: 'P1',
      outcome: 'failed',
      error_category: 'validation',
      error_message: 'lot missing',
      attributes: { operator: 'anna' },
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      span_id: 'b7ad6b7169203331',
      received_ms: RECEIVED_AT,
      source: 'api',
    });
  });

  it('stores an event without a flow with an empty flow and the default outcome', async () => {
    const p = prefix();
    const { flow: _none, ...noFlow } = makeEvent({ id: `${p}noflow`, time: '2026-11-27 09:15:00+01:00' });
    const res = await postJson(makeApp(), { events: [noFlow] });
    expect(res.status).toBe(200);
    const [row] = await store.query<{ flow: string; outcome: string; ms: number }>(
      sql`SELECT flow, outcome, toUnixTimestamp64Milli(time) AS ms FROM ${store.table('business_events')} WHERE id = ${`${p}noflow`}`,
    );
    expect(row).toEqual({ flow: '', outcome: 'ok', ms: Date.parse('2026-11-27T08:15:00Z') });
  });

  it('stores the valid items of a batch with missing fields, wrong types and duplicate ids, and names each rejected one', async () => {
    const p = prefix();
    const { key: _k, ...missingKey } = makeEvent({ id: `${p}missing-key` });
    const res = await postJson(makeApp(), [
      makeEvent({ id: `${p}a` }),
      missingKey,
      { ...makeEvent({ id: `${p}wrong-type` }), plant: 12 },
      makeEvent({ id: `${p}a`, step: 'copy' }),
      { ...makeEvent({ id: `${p}bad-outcome` }), outcome: 'maybe' },
      makeEvent({ id: `${p}b` }),
    ]);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: number; rejected: { index: number; field: string }[] };
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => [r.index, r.field])).toEqual([
      [1, 'key'],
      [2, 'plant'],
      [3, 'id'],
      [4, 'outcome'],
    ]);
    expect(await storedIds(p)).toEqual([`${p}a`, `${p}b`]);
    const [first] = await store.query<{ step: string }>(
      sql`SELECT step FROM ${store.table('business_events')} WHERE id = ${`${p}a`}`,
    );
    expect(first?.step).toBe('odoo_done');
  });

  it('answers 400 and stores nothing when no item is valid', async () => {
    const p = prefix();
    const res = await postJson(makeApp(), [{ id: `${p}x` }, 42]);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string }; rejected: { index: number }[] };
    expect(body.error.code).toBe('invalid_events');
    expect(new Set(body.rejected.map((r) => r.index))).toEqual(new Set([0, 1]));
    expect(await storedIds(p)).toEqual([]);
  });

  it('answers 200 with nothing accepted for an empty batch', async () => {
    const res = await postJson(makeApp(), []);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 0, rejected: [], warnings: [] });
  });

  it('stores events of unknown flows and reports them as warnings', async () => {
    const p = prefix();
    const res = await postJson(makeApp({ knownFlows: new Set(['production_confirmation']) }), [
      makeEvent({ id: `${p}known` }),
      makeEvent({ id: `${p}unknown`, flow: 'goods_receipt' }),
    ]);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: number; warnings: { index: number; field: string }[] };
    expect(body.accepted).toBe(2);
    expect(body.warnings).toEqual([{ index: 1, field: 'flow', message: text('goods_receipt') }]);
    expect(await storedIds(p)).toEqual([`${p}known`, `${p}unknown`]);
  });

  it('stores an event sent twice in two requests once, as FINAL sees it', async () => {
    const p = prefix();
    const app = makeApp();
    for (let i = 0; i < 2; i++)
      expect((await postJson(app, [makeEvent({ id: `${p}again` })])).status).toBe(200);
    expect(await storedIds(p)).toEqual([`${p}again`]);
  });

  it('accepts a gzip body', async () => {
    const p = prefix();
    const res = await postJson(makeApp(), gzipSync(JSON.stringify([makeEvent({ id: `${p}gz` })])), {
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(200);
    expect(await storedIds(p)).toEqual([`${p}gz`]);
  });

  it('answers 400 for a body that is not JSON or not a batch', async () => {
    const app = makeApp();
    const notJson = await postJson(app, '[{"id": ');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('malformed_json');
    const notBatch = await postJson(app, { id: 'single' });
    expect(notBatch.status).toBe(400);
    expect(((await notBatch.json()) as { error: { code: string } }).error.code).toBe('malformed_batch');
  });

  it('answers 415 for a body that is not declared as JSON', async () => {
    const res = await makeApp().request('/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: 'x',
    });
    expect(res.status).toBe(415);
  });

  it('answers 413 for a body over the configured limit and stores none of it', async () => {
    const p = prefix();
    const events = Array.from({ length: 200 }, (_, i) => makeEvent({ id: `${p}${i}` }));
    const res = await postJson(makeApp({ maxBodyBytes: 10_000 }), events);
    expect(res.status).toBe(413);
    expect(await storedIds(p)).toEqual([]);
  });

  it('answers 503 with Retry-After when the pipeline is shutting down, and stores nothing', async () => {
    const p = prefix();
    const pipeline = createDirectPipeline(store);
    await pipeline.close();
    const app = createIngestApp(allowIngest);
    registerEventRoutes(app, { pipeline, maxBodyBytes: 1024 * 1024 });
    const res = await postJson(app, [makeEvent({ id: `${p}late` })]);
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('shutting_down');
    expect(await storedIds(p)).toEqual([]);
  });

  it("answers 429 with the pipeline's Retry-After when the spool is full", async () => {
    // A pipeline at its spool limit (the spooled pipeline answers exactly this).
    const full: Pipeline = {
      accept: () =>
        Promise.resolve({ ok: false, retryable: true, retryAfterSeconds: 3, reason: 'spool_full' }),
      close: () => Promise.resolve(),
    };
    const app = createIngestApp(allowIngest);
    registerEventRoutes(app, { pipeline: full, maxBodyBytes: 1024 * 1024 });
    const res = await postJson(app, [makeEvent({ id: `${prefix()}full` })]);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
  });
});
