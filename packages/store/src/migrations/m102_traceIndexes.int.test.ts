import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetentionConfigSchema } from '@linewatch/schema';
import { migrate } from '../migrate.ts';
import { sql } from '../sql.ts';
import { openTestStore, type TestStore } from '../testing.ts';
import { migrations } from './index.ts';

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore({ migrate: false });
});
afterAll(async () => {
  await store.drop();
});

async function indexes(table: string): Promise<string[]> {
  const rows = await store.query<{ name: string }>(
    sql`SELECT name FROM system.data_skipping_indices WHERE database = ${store.database} AND table = ${table} ORDER BY name`,
  );
  return rows.map((r) => r.name);
}

describe('migration 102', () => {
  it('drops the attribute bloom filters of a store created before it, keeping the TraceId and duration indexes', async () => {
    const retention = RetentionConfigSchema.parse({});
    await migrate(
      store,
      retention,
      migrations.filter((m) => m.version < 102),
    );
    expect(await indexes('otel_traces')).toEqual([
      'idx_duration',
      'idx_res_attr_key',
      'idx_res_attr_value',
      'idx_span_attr_key',
      'idx_span_attr_value',
      'idx_trace_id',
    ]);
    expect(await indexes('otel_traces_trace_id_ts')).toEqual(['idx_trace_id']);

    expect((await migrate(store, retention)).applied).toContain(102);
    expect(await indexes('otel_traces')).toEqual(['idx_duration', 'idx_trace_id']);
    expect(await indexes('otel_traces_trace_id_ts')).toEqual([]);
  });

  it('still finds spans by TraceId through the kept bloom filter', async () => {
    await store.insertRaw(
      'otel_traces',
      'JSONEachRow',
      '{"Timestamp":"1795761423.195000000","TraceId":"a9dd36708c109f458261274fa44e9154","SpanId":"16b27389875cacc0","SpanName":"s","ServiceName":"svc"}\n',
    );
    const [plan] = await store.query<{ explain: string }>(
      sql`SELECT arrayStringConcat(groupArray(explain), '\n') AS explain FROM (EXPLAIN indexes = 1 SELECT SpanId FROM ${store.table('otel_traces')} WHERE TraceId IN ${sql.param(['a9dd36708c109f458261274fa44e9154'], 'Array(String)')})`,
    );
    expect(plan?.explain).toContain('idx_trace_id');
    const rows = await store.query<{ SpanId: string; ParentSpanId: string; Links: number }>(
      sql`SELECT SpanId, ParentSpanId, length(Links.TraceId) AS Links FROM ${store.table('otel_traces')} WHERE TraceId = ${'a9dd36708c109f458261274fa44e9154'}`,
    );
    // Fields a collector line leaves out get the column defaults.
    expect(rows).toEqual([{ SpanId: '16b27389875cacc0', ParentSpanId: '', Links: 0 }]);
  });
});
