import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { RetentionConfigSchema } from '@linewatch/schema';
import { migrate, pendingMigrations } from './migrate.ts';
import { sql } from './sql.ts';
import { openTestStore, type TestStore } from './testing.ts';

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store.drop();
});

describe('embedded store', () => {
  it('applies every migration and records it, so a second run applies nothing', async () => {
    expect(await pendingMigrations(store)).toEqual([]);
    const again = await migrate(store, RetentionConfigSchema.parse({}));
    expect(again.applied).toEqual([]);
    const tables = await store.query<{ name: string }>(
      sql`SELECT name FROM system.tables WHERE database = ${store.database} ORDER BY name`,
    );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'business_events',
        'linewatch_self',
        'otel_logs',
        'otel_metrics_gauge',
        'otel_metrics_histogram',
        'otel_metrics_sum',
        'otel_traces',
        'otel_traces_trace_id_ts',
        'otel_traces_trace_id_ts_mv',
        'schema_migrations',
      ]),
    );
  });

  it('binds template holes as parameters, so quotes in values are data, not SQL', async () => {
    const hostile = "x'); DROP TABLE otel_traces; --";
    const rows = await store.query<{ v: string; n: number; a: number[] }>(
      sql`SELECT ${hostile} AS v, ${41} + 1 AS n, ${[1, 2]} AS a`,
    );
    expect(rows).toEqual([{ v: hostile, n: 42, a: [1, 2] }]);
  });

  it('binds dates so the engine reads the same instant back', async () => {
    const d = new Date('2026-11-27T08:15:00.250Z');
    const rows = await store.query<{ t: string }>(sql`SELECT toString(toTimeZone(${d}, 'UTC')) AS t`);
    expect(rows).toEqual([{ t: '2026-11-27 08:15:00.250' }]);
  });

  it('inserts rows and reads them back through a separate read connection', async () => {
    await store.insert('business_events', [
      {
        id: 'e1',
        time: '2026-11-27T08:00:00.123456789Z',
        flow: 'f',
        step: 's',
        key: 'MO/1',
        system: 'mes',
        plant: 'P01',
        source: 'api',
      },
    ]);
    const rows = await store.query<{ id: string; t: string; outcome: string }>(
      sql`SELECT id, toString(time) AS t, outcome FROM ${store.table('business_events')} WHERE key = ${'MO/1'}`,
    );
    expect(rows).toEqual([{ id: 'e1', t: '2026-11-27 08:00:00.123456789', outcome: 'ok' }]);
  });

  it('hands encoded text and files to the engine as they are', async () => {
    const line = (id: string) =>
      JSON.stringify({
        id,
        time: '2026-11-27T09:00:00Z',
        flow: 'f',
        step: 's',
        key: 'RAW',
        system: 'wms',
        plant: 'P02',
        source: 'api',
      });
    await store.insertRaw('business_events', 'JSONEachRow', `${line('r1')}\n${line('r2')}\n`);
    const file = join(tmpdir(), `lw-${process.pid}-seg.jsonl`);
    writeFileSync(file, `${line('r3')}\n`);
    await store.insertFile('business_events', file, 'JSONEachRow');
    const rows = await store.query<{ id: string }>(
      sql`SELECT id FROM ${store.table('business_events')} WHERE key = ${'RAW'} ORDER BY id`,
    );
    expect(rows.map((r) => r.id)).toEqual(['r1', 'r2', 'r3']);
  });

  it('drops a repeated insert that carries the same deduplication token, and only that one', async () => {
    const body = `${JSON.stringify({ id: 'd1', time: '2026-11-27T10:00:00Z', flow: 'f', step: 's', key: 'DEDUP', system: 'mes', plant: 'P01', source: 'api' })}\n`;
    await store.insertRaw('business_events', 'JSONEachRow', body, { deduplicationToken: 'segment-000001' });
    await store.insertRaw('business_events', 'JSONEachRow', body, { deduplicationToken: 'segment-000001' });
    await store.insertRaw('business_events', 'JSONEachRow', body, { deduplicationToken: 'segment-000002' });
    const [row] = await store.query<{ n: number }>(
      sql`SELECT count() AS n FROM ${store.table('business_events')} WHERE key = ${'DEDUP'}`,
    );
    expect(row?.n).toBe(2);
    await expect(
      store.insertRaw('business_events', 'JSONEachRow', body, { deduplicationToken: "x' OR 1" }),
    ).rejects.toThrow(/invalid deduplication token/);
  });

  it('bounds a runaway query by the engine-side execution limit', async () => {
    await expect(
      store.query(sql`SELECT count() FROM numbers(100000000000) WHERE cityHash64(number) % 7 = 3`, {
        maxExecutionSeconds: 1,
      }),
    ).rejects.toThrow(/TIMEOUT|time limit|Timeout/i);
  });
});
