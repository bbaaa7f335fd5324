import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorrelationConfigSchema, type BusinessEventInput } from '@linewatch/schema';
import { openTestStore, sql, type TestStore } from '@linewatch/store';
import { createCorrelationWorker, type CorrelationWorker } from './createCorrelationWorker.ts';
import { FlowRegistry } from './flowRegistry.ts';
import { getTransactionDetail } from './getTransactionDetail.ts';
import type { CorrelationLogger } from './logger.ts';
import { makeEventInput, makeFlow, MIN, T0 } from './testing/builders.ts';

// From stored events to transactions on real chDB: the worker's sweep, with time injected.

const FLOW = 'production_confirmation';
/** correlation.ingestLagHold: how long a replayed batch's lag holds deadlines back (the default). */
const HOLD = 30_000;
const silent: CorrelationLogger = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

let store: TestStore;
let flows: FlowRegistry;
let now = T0;
let worker: CorrelationWorker;

const event = makeEventInput;

async function ingest(...events: BusinessEventInput[]): Promise<void> {
  await store.insertRaw('business_events', 'JSONEachRow', events.map((e) => JSON.stringify(e)).join('\n'));
}

async function status(
  key: string,
  flow = FLOW,
): Promise<{ status: string; reason: string; linked_keys: string[] } | undefined> {
  const rows = await store.query<{ status: string; reason: string; linked_keys: string[] }>(sql`
    SELECT CAST(status, 'String') AS status, reason, linked_keys FROM ${store.table('transactions')} FINAL
    WHERE key = ${key} AND flow = ${flow}`);
  return rows[0];
}

/** The status the detail view shows, evaluated on request at `now`. */
async function detailStatus(key: string): Promise<string | undefined> {
  const detail = await getTransactionDetail(
    store,
    flows.snapshot(),
    { flow: FLOW, key },
    { now, clockSkew: MIN },
  );
  return detail?.transaction.status;
}

async function unmatched(key: string): Promise<{ step: string; reason: string; flow: string }[]> {
  return store.query(sql`
    SELECT CAST(step, 'String') AS step, CAST(reason, 'String') AS reason, CAST(flow, 'String') AS flow
    FROM ${store.table('correlation_unmatched')} FINAL WHERE key = ${key} ORDER BY step`);
}

beforeAll(async () => {
  store = await openTestStore();
  flows = FlowRegistry.fromFlows([makeFlow()]);
  worker = createCorrelationWorker({
    store,
    flows,
    config: { correlation: CorrelationConfigSchema.parse({ clockSkew: '1m' }) },
    logger: silent,
    now: () => now,
  });
  await worker.repair();
});
afterAll(() => store.drop());

describe('the correlation worker on real chDB', () => {
  it('derives every status from stored events, in event time, whatever the arrival order', async () => {
    now = T0 + 120 * MIN;
    await ingest(
      // completed, events arriving in reverse
      event('post', 25, 'MO/1', { system: 'odoo' }),
      event('confirm', 20, 'MO/1'),
      event('start', 3, 'MO/1'),
      event('release', 0, 'MO/1', { system: 'odoo' }),
      // late
      event('release', 0, 'MO/2'),
      event('start', 3, 'MO/2'),
      event('confirm', 50, 'MO/2'),
      event('post', 52, 'MO/2'),
      // missing
      event('release', 0, 'MO/3'),
      event('start', 3, 'MO/3'),
      // failed
      event('release', 0, 'MO/4'),
      event('start', 3, 'MO/4', { outcome: 'dead_lettered', error_category: 'mes_unreachable' }),
      // recovered
      event('release', 0, 'MO/5'),
      event('start', 3, 'MO/5', { outcome: 'failed', error_category: 'timeout' }),
      event('start', 4, 'MO/5'),
      event('confirm', 20, 'MO/5'),
      event('post', 25, 'MO/5'),
      // duplicate
      event('release', 0, 'MO/6'),
      event('release', 1, 'MO/6'),
    );
    const stats = await worker.sweepOnce();
    expect(stats.written).toBe(6);
    expect((await status('MO/1'))?.status).toBe('completed');
    expect(await status('MO/2')).toMatchObject({
      status: 'late',
      reason: 'confirm 17m late (due 30m after start)',
    });
    expect(await status('MO/3')).toMatchObject({
      status: 'missing',
      reason: 'confirm missing: due 2026-11-27T08:33:00.000Z (30m after start)',
    });
    expect(await status('MO/4')).toMatchObject({
      status: 'failed',
      reason: 'start dead-lettered: mes_unreachable',
    });
    expect((await status('MO/5'))?.status).toBe('recovered');
    expect(await status('MO/6')).toMatchObject({ status: 'duplicate', reason: 'release recorded 2 times' });
  });

  it('writes nothing when a sweep finds nothing new, and nothing again for the same events', async () => {
    const again = await worker.sweepOnce();
    expect(again).toMatchObject({ written: 0, removed: 0, batches: 0 });
  });

  it('turns missing into late when the step arrives after its deadline', async () => {
    await ingest(event('confirm', 40, 'MO/3'), event('post', 45, 'MO/3'));
    await worker.sweepOnce();
    expect(await status('MO/3')).toMatchObject({
      status: 'late',
      reason: 'confirm 7m late (due 30m after start)',
    });
  });

  it('flags a missing step when its deadline passes without new events', async () => {
    now = T0 + 200 * MIN;
    await ingest(event('release', 200, 'MO/7'));
    await worker.sweepOnce();
    expect((await status('MO/7'))?.status).toBe('in_progress');
    now = T0 + 204.9 * MIN; // the 5m deadline has not passed
    await worker.sweepOnce();
    expect((await status('MO/7'))?.status).toBe('in_progress');
    now = T0 + 205.1 * MIN;
    const stats = await worker.sweepOnce();
    expect(stats.due).toBe(1);
    expect((await status('MO/7'))?.status).toBe('missing');
  });

  it('links events keyed by another identifier to the transaction, even when the link arrives last', async () => {
    // The MES events are keyed by the work order; only a later event carries keys.production_order.
    await ingest(
      event('release', 0, 'MO/8', { system: 'odoo' }),
      event('confirm', 20, 'WO-8'),
      event('post', 25, 'WO-8'),
    );
    await worker.sweepOnce();
    expect((await status('MO/8'))?.status).toBe('missing');
    expect(await unmatched('WO-8')).toEqual([
      { step: 'confirm', reason: 'no_start', flow: FLOW },
      { step: 'post', reason: 'no_start', flow: FLOW },
    ]);
    await ingest(event('start', 3, 'WO-8', { keys: { production_order: 'MO/8' } }));
    await worker.sweepOnce();
    expect(await status('MO/8')).toMatchObject({ status: 'completed', linked_keys: ['WO-8'] });
    expect(await unmatched('WO-8')).toEqual([]);
  });

  it('removes a transaction whose key turns out to be a linked key of another', async () => {
    await ingest(event('release', 0, 'ALIAS-9'), event('release', 0, 'MO/9'));
    await worker.sweepOnce();
    expect((await status('ALIAS-9'))?.status).toBeDefined();
    await ingest(event('start', 2, 'ALIAS-9', { keys: { production_order: 'MO/9' } }));
    const stats = await worker.sweepOnce();
    expect(stats.removed).toBe(1);
    expect(await status('ALIAS-9')).toBeUndefined();
    expect((await status('MO/9'))?.linked_keys).toEqual(['ALIAS-9']);
  });

  it('matches events that name no flow by their step, and lists the events no flow can take', async () => {
    await ingest(
      event('release', 0, 'MO/10', { flow: undefined }),
      event('start', 2, 'MO/10', { flow: undefined }),
      event('confirm', 3, 'X-1', { flow: 'no_such_flow' }),
      event('weird_step', 3, 'X-2', { flow: undefined }),
      event('bogus', 3, 'MO/10'),
      event('start', 1, 'X-3'),
    );
    // These events are 3 hours old: a late batch, so deadlines wait for the hold before they count.
    expect((await worker.sweepOnce()).lagMs).toBeGreaterThan(60 * MIN);
    expect((await status('MO/10'))?.status).toBe('in_progress');
    now += HOLD + 1;
    expect((await worker.sweepOnce()).lagMs).toBe(0);
    expect((await status('MO/10'))?.status).toBe('missing');
    expect(await unmatched('X-1')).toEqual([
      { step: 'confirm', reason: 'unknown_flow', flow: 'no_such_flow' },
    ]);
    expect(await unmatched('X-2')).toEqual([{ step: 'weird_step', reason: 'no_flow', flow: '' }]);
    expect(await unmatched('MO/10')).toEqual([{ step: 'bogus', reason: 'unknown_step', flow: FLOW }]);
    expect(await unmatched('X-3')).toEqual([{ step: 'start', reason: 'no_start', flow: FLOW }]);
  });

  it('shows a transaction detail with its timeline and events, also when asked by a linked key', async () => {
    const detail = await getTransactionDetail(
      store,
      flows.snapshot(),
      { flow: FLOW, key: 'WO-8' },
      { now, clockSkew: MIN },
    );
    expect(detail?.transaction).toMatchObject({ key: 'MO/8', status: 'completed', linkedKeys: ['WO-8'] });
    expect(detail?.steps.map((s) => [s.step, s.state])).toEqual([
      ['release', 'done'],
      ['start', 'done'],
      ['confirm', 'done'],
      ['post', 'done'],
    ]);
    expect(detail?.events.map((e) => [e.step, e.key])).toEqual([
      ['release', 'MO/8'],
      ['start', 'WO-8'],
      ['confirm', 'WO-8'],
      ['post', 'WO-8'],
    ]);
    expect(detail?.events[0]?.time).toBe('2026-11-27T08:00:00.000Z');
    expect(
      await getTransactionDetail(
        store,
        flows.snapshot(),
        { flow: FLOW, key: 'MO/8' },
        { now, clockSkew: MIN, plants: ['P02'] },
      ),
    ).toBeUndefined();
  });

  it('judges deadlines at the replay position while a backlog replays, then at its own clock', async () => {
    // A collector spool (or the demo's backfill) replays an hour-old backlog in order, seconds apart.
    now = T0 + 300 * MIN;
    await ingest(event('release', 240, 'MO/20'), event('release', 240, 'MO/21'));
    expect((await worker.sweepOnce()).lagMs).toBe(60 * MIN);
    expect((await status('MO/21'))?.status).toBe('in_progress');
    now += 5_000;
    await ingest(event('start', 243, 'MO/20'), event('start', 244, 'MO/22'));
    await worker.sweepOnce();
    // The replay stands at minute 244: MO/21's start is due at 245, so it is not missing yet.
    expect((await status('MO/21'))?.status).toBe('in_progress');
    expect(await detailStatus('MO/21')).toBe('in_progress');
    // The replay ends; once the lag lapses, the clock is Linewatch's own and MO/21 is missing.
    now += HOLD + 1;
    const lapsed = await worker.sweepOnce();
    expect(lapsed.lagMs).toBe(0);
    expect((await status('MO/21'))?.status).toBe('missing');
    expect(await detailStatus('MO/21')).toBe('missing');
  });

  it('follows the freshest data: one late sender among live ones holds nothing back', async () => {
    now = T0 + 400 * MIN;
    await ingest(event('release', 399.9, 'MO/30'));
    await ingest(event('release', 300, 'MO/31'));
    const stats = await worker.sweepOnce();
    expect(stats.lagMs).toBe(0.1 * MIN);
    expect((await status('MO/31'))?.status).toBe('missing');
    expect((await status('MO/30'))?.status).toBe('in_progress');
    // The late sender's next batch arrives alone, between two of live data: the clock stays.
    now += 5_000;
    await ingest(event('release', 310, 'MO/32'));
    expect((await worker.sweepOnce()).lagMs).toBe(0.1 * MIN);
    expect((await status('MO/32'))?.status).toBe('missing');
  });

  it('repairs derived state lost between an insert and its views, and a new worker does not redo finished work', async () => {
    now += HOLD + 1;
    await worker.sweepOnce();
    // Live events (minutes before now), so the restarted worker judges at the same time as this one.
    await ingest(
      event('release', 380, 'MO/11'),
      event('start', 383, 'MO/11'),
      event('confirm', 395, 'MO/11'),
      event('post', 399, 'MO/11'),
    );
    // Simulate a crash between the source insert and its views: the batch is in business_events only.
    await store.command(sql`DELETE FROM ${store.table('correlation_steps')} WHERE key = 'MO/11'`);
    const restarted = createCorrelationWorker({
      store,
      flows,
      config: { correlation: CorrelationConfigSchema.parse({ clockSkew: '1m', repairWindow: '100000d' }) },
      logger: silent,
      now: () => now,
    });
    const repair = await restarted.repair();
    expect(repair.batches).toBeGreaterThanOrEqual(1);
    expect((await status('MO/11'))?.status).toBe('completed');
    const sweep = await restarted.sweepOnce();
    expect(sweep.written).toBe(0);
  });
});
