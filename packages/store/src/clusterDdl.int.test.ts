import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetentionConfigSchema } from '@linewatch/schema';
import { generateDdl } from './migrate.ts';
import { sql } from './sql.ts';
import { openTestStore, type TestStore } from './testing.ts';

// Cluster DDL cannot run here (no Keeper), so every statement is parsed by ClickHouse's own
// parser (formatQuery in chDB) and its engines and ON CLUSTER clauses are checked.
let store: TestStore;
beforeAll(async () => {
  store = await openTestStore({ migrate: false });
});
afterAll(async () => {
  await store.drop();
});

const retention = RetentionConfigSchema.parse({ traces: 3 });
const clusterDdl = generateDdl('linewatch', 'plant_cluster', retention);

describe('cluster DDL', () => {
  it('is accepted by the ClickHouse parser, statement by statement', async () => {
    for (const statement of clusterDdl) {
      const [row] = await store.query<{ q: string }>(sql`SELECT formatQuery(${statement}) AS q`);
      expect(row?.q.length, statement).toBeGreaterThan(0);
    }
  });

  it('puts every statement on the cluster', () => {
    for (const s of clusterDdl) expect(s, s).toMatch(/ON CLUSTER `plant_cluster`/);
  });

  it('backs each queried table with a Replicated local table and a Distributed table in front', () => {
    const creates = clusterDdl.filter((s) => s.startsWith('CREATE TABLE'));
    const locals = creates.filter((s) => /^CREATE TABLE IF NOT EXISTS `linewatch`\.`\w+_local`/.test(s));
    const distributed = creates.filter((s) => s.includes('ENGINE = Distributed('));
    expect(locals.length).toBeGreaterThan(5);
    for (const s of locals)
      expect(s).toMatch(
        /ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\/\{shard\}\/linewatch\/\w+_local', '\{replica\}'/,
      );
    expect(distributed.length).toBe(locals.length);
    const traces = distributed.find((s) => s.includes('`linewatch`.`otel_traces`'));
    expect(traces).toContain(
      'Distributed(`plant_cluster`, `linewatch`, `otel_traces_local`, cityHash64(TraceId))',
    );
  });

  it('points materialized views at local tables so each shard derives its own rows', () => {
    const views = clusterDdl.filter((s) => s.startsWith('CREATE MATERIALIZED VIEW'));
    expect(views.length).toBeGreaterThan(0);
    for (const v of views) {
      expect(v).toMatch(/TO `linewatch`\.`\w+_local`/);
      expect(v).toMatch(/FROM `linewatch`\.`\w+_local`/);
    }
  });

  it('applies the configured retention as TTLs', () => {
    expect(
      clusterDdl.some(
        (s) =>
          s.includes('`otel_traces_local`') && s.includes('TTL toDateTime(Timestamp) + toIntervalDay(3)'),
      ),
    ).toBe(true);
  });

  it('emits plain MergeTree tables without ON CLUSTER on a single node', () => {
    const single = generateDdl('linewatch', undefined, retention);
    expect(single.join('\n')).not.toMatch(/ON CLUSTER|Replicated|Distributed/);
  });
});
