import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PollerConfigSchema } from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import { createDirectPipeline } from '../pipeline/directPipeline.ts';
import { createPollers } from './createPollers.ts';
import { closedPort, gaugeValue, gaugesOfPoller, silentLogger, uniqueName } from './pollerTestKit.ts';

const CONNECTION = 'postgres://postgres@127.0.0.1:5432/test';
let store: TestStore;
let db: pg.Client;
const schema = uniqueName('lw_test');

beforeAll(async () => {
  store = await openTestStore();
  db = new pg.Client({ connectionString: CONNECTION });
  await db.connect();
  await db.query(`CREATE SCHEMA ${schema}`);
  // The columns of OCA queue_job that the poller reads (Odoo stores UTC timestamps without a zone).
  await db.query(`CREATE TABLE ${schema}.queue_job (
    id serial PRIMARY KEY, uuid varchar NOT NULL, channel varchar, state varchar NOT NULL,
    date_created timestamp NOT NULL, eta timestamp, name varchar)`);
  const jobs: [string, string, number, number | null][] = [
    // channel, state, created minutes ago, eta minutes from now
    ['root.mrp', 'pending', 30, null],
    ['root.mrp', 'pending', 5, null],
    ['root.mrp', 'enqueued', 10, null],
    ['root.mrp', 'started', 40, null],
    ['root.mrp', 'failed', 60, null],
    ['root.mrp', 'failed', 50, null],
    ['root.mrp', 'done', 90, null],
    ['root.mrp', 'cancelled', 90, null],
    ['root.mrp', 'wait_dependencies', 20, null],
    // Scheduled for later: waiting, but not late yet, so it does not make the oldest age.
    ['root.mrp', 'pending', 120, 60],
    ['root.edi', 'pending', 3, null],
    ['root.edi', 'done', 1, null],
  ];
  for (const [i, [channel, state, ago, eta]] of jobs.entries())
    await db.query(
      `INSERT INTO ${schema}.queue_job (uuid, channel, state, date_created, eta)
       VALUES ($1, $2, $3, (now() AT TIME ZONE 'UTC') - make_interval(mins => $4::int),
               CASE WHEN $5::int IS NULL THEN NULL ELSE (now() AT TIME ZONE 'UTC') + make_interval(mins => $5::int) END)`,
      [`job-${i}`, channel, state, ago, eta],
    );
  await db.query(
    `CREATE TABLE ${schema}.outbox (id serial PRIMARY KEY, topic varchar, created_at timestamptz, sent boolean)`,
  );
  await db.query(
    `INSERT INTO ${schema}.outbox (topic, created_at, sent) VALUES
     ('asn', now() - interval '7 minutes', false), ('asn', now() - interval '2 minutes', false),
     ('asn', now() - interval '1 hour', true), ('invoice', now() - interval '1 minute', false)`,
  );
});

afterAll(async () => {
  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  await db.end();
  await store.drop();
});

function run(config: unknown) {
  const pollers = createPollers({
    configs: [PollerConfigSchema.parse(config)],
    pipeline: createDirectPipeline(store),
    logger: silentLogger,
  });
  return pollers.pollers[0]?.pollOnce();
}

describe('queue_job poller', () => {
  it('writes waiting jobs, oldest waiting age, failed jobs and jobs by state per channel', async () => {
    const name = uniqueName('qj');
    expect(
      await run({ name, type: 'queue_job', connection: CONNECTION, schema, plant: 'graz' }),
    ).toMatchObject({
      ok: true,
      samples: 2,
    });
    const rows = await gaugesOfPoller(store, name);
    // pending + enqueued, including the job scheduled for later
    expect(gaugeValue(rows, 'integration.queue.depth', 'root.mrp')).toBe(4);
    expect(gaugeValue(rows, 'integration.queue.depth', 'root.edi')).toBe(1);
    const age = gaugeValue(rows, 'integration.queue.oldest_age', 'root.mrp') ?? NaN;
    expect(age).toBeGreaterThanOrEqual(30 * 60);
    expect(age).toBeLessThan(31 * 60);
    expect(gaugeValue(rows, 'integration.queue.failed', 'root.mrp')).toBe(2);
    expect(gaugeValue(rows, 'integration.queue.failed', 'root.edi')).toBe(0);
    const byState: Record<string, number> = Object.fromEntries(
      rows
        .filter((r) => r.MetricName === 'integration.queue.jobs' && r.Attributes['queue.name'] === 'root.mrp')
        .map((r): [string, number] => [r.Attributes['queue_job.state'] ?? '', r.Value]),
    );
    expect(byState).toEqual({
      pending: 3,
      enqueued: 1,
      started: 1,
      failed: 2,
      done: 1,
      cancelled: 1,
      wait_dependencies: 1,
    });
    expect(rows.find((r) => r.MetricName === 'integration.queue.depth')?.Attributes).toEqual({
      'queue.name': expect.any(String) as string,
      'messaging.system': 'odoo_queue_job',
      'biz.plant': 'graz',
    });
  });

  it('records a missing table as a failed scrape', async () => {
    const name = uniqueName('qj_missing');
    const outcome = await run({
      name,
      type: 'queue_job',
      connection: CONNECTION,
      schema,
      table: 'no_such_table',
    });
    expect(outcome).toMatchObject({ ok: false, written: true });
    expect(outcome?.ok === false && outcome.error).toContain('no_such_table');
  });
});

describe('sql poller', () => {
  it('writes the depth and oldest age an outbox query returns', async () => {
    const name = uniqueName('outbox');
    const query = `SELECT topic AS queue, count(*) AS depth, EXTRACT(EPOCH FROM now() - min(created_at)) AS oldest_age
                   FROM ${schema}.outbox WHERE NOT sent GROUP BY topic`;
    expect(await run({ name, type: 'sql', connection: CONNECTION, query, plant: 'linz' })).toMatchObject({
      ok: true,
      samples: 2,
    });
    const rows = await gaugesOfPoller(store, name);
    expect(gaugeValue(rows, 'integration.queue.depth', 'asn')).toBe(2);
    expect(gaugeValue(rows, 'integration.queue.depth', 'invoice')).toBe(1);
    expect(gaugeValue(rows, 'integration.queue.oldest_age', 'asn')).toBeGreaterThanOrEqual(7 * 60);
    expect(rows.find((r) => r.MetricName === 'integration.queue.depth')?.Attributes).toMatchObject({
      'messaging.system': 'outbox',
      'biz.plant': 'linz',
    });
  });

  it('records a query without the expected columns as a failed scrape that names them', async () => {
    const outcome = await run({
      name: uniqueName('outbox_bad'),
      type: 'sql',
      connection: CONNECTION,
      query: 'SELECT 1 AS n',
    });
    expect(outcome).toMatchObject({ ok: false, reason: 'bad_response' });
    expect(outcome?.ok === false && outcome.error).toContain('queue');
  });

  it('records an unreachable database as a failed scrape without the password', async () => {
    const port = await closedPort();
    const outcome = await run({
      name: uniqueName('outbox_down'),
      type: 'sql',
      connection: `postgres://postgres:s3cret@127.0.0.1:${port}/test`,
      query: 'SELECT 1',
    });
    expect(outcome).toMatchObject({ ok: false, written: true });
    expect(outcome?.ok === false && outcome.error).toContain('ECONNREFUSED');
    expect(outcome?.ok === false && outcome.error).not.toContain('s3cret');
  });
});
