import { createMaterializedView, createTable, type DdlContext } from '../ddl.ts';
import type { Migration } from './types.ts';

// The correlation engine's state (packages/correlation):
//  1. `business_events.ingested_at`: when the engine stored the row (MATERIALIZED now64, so no sender
//     and no spool replay can set it). The views carry it into their rows, and the sweep finds new
//     work by it in the derived tables themselves: what it reads is what it then derives from.
//  2. `correlation_steps` (fed by a view): per (key, flow as sent, step) aggregate states: first/last
//     times, distinct successful and unsuccessful event ids, the latest unsuccessful outcome. Every
//     state is idempotent (min, max, uniq, argMin/argMax), so re-aggregating events already counted
//     changes nothing: the repair at start re-inserts, from `correlation_steps_source`, the insert
//     batches of the recent window that the view's table lacks (view writes are not atomic with the
//     source, CHDB-NOTES).
//  3. `correlation_links` (fed by a view): every `keys` entry of an event: alias key -> (name, target).
//  4. `transactions`: the derived status of each (flow, business key), one new version per change.
//  5. `correlation_unmatched`: groups of events that belong to no transaction, and why.
//  6. `correlation_state`: the sweep's watermark.

const OK = "outcome = 'ok'";
const BAD = "outcome IN ('failed', 'dead_lettered', 'retried')";

/** Shared by the materialized view and the repair view, so the two derive the same states. */
function stepsSelect(source: string): string {
  return `SELECT
  key,
  flow,
  step,
  max(CAST(plant, 'String')) AS plant,
  max(CAST(system, 'String')) AS system,
  min(time) AS first_time,
  max(time) AS last_time,
  uniqExactIfState(id, ${OK}) AS ok_ids,
  minIfState(time, ${OK}) AS first_ok,
  maxIfState(time, ${OK}) AS last_ok,
  uniqIfState(id, ${BAD}) AS bad_ids,
  argMaxIfState(tuple(time, CAST(outcome, 'String'), CAST(error_category, 'String')), time, ${BAD}) AS last_bad,
  argMinState(CAST(attributes, 'Map(String, String)'), time) AS first_attributes,
  min(id) AS sample_id,
  max(ingested_at) AS ingested_at
FROM ${source}
GROUP BY key, flow, step`;
}

function linksSelect(source: string): string {
  return `SELECT key AS alias, CAST(name, 'String') AS name, target, time AS first_time, ingested_at
FROM ${source}
ARRAY JOIN mapKeys(keys) AS name, mapValues(keys) AS target
WHERE target != '' AND target != key`;
}

/**
 * Events of the given insert batches (parameters: `lo`, `hi` and `batches`, epoch milliseconds of
 * ingested_at); the range lets the minmax index skip parts. `*` omits the MATERIALIZED column.
 */
function batches(ctx: DdlContext): string {
  return `(SELECT *, ingested_at FROM ${ctx.qualified('business_events')}
  WHERE ingested_at >= fromUnixTimestamp64Milli({lo:Int64}) AND ingested_at <= fromUnixTimestamp64Milli({hi:Int64})
    AND toUnixTimestamp64Milli(ingested_at) IN {batches:Array(Int64)})`;
}

function ingestedAt(ctx: DdlContext): string[] {
  const column =
    'ADD COLUMN IF NOT EXISTS ingested_at DateTime64(3) MATERIALIZED now64(3) CODEC(Delta, ZSTD(1))';
  const statements = [
    `ALTER TABLE ${ctx.local('business_events')}${ctx.onCluster()} ${column}`,
    `ALTER TABLE ${ctx.local('business_events')}${ctx.onCluster()} ADD INDEX IF NOT EXISTS idx_ingested_at ingested_at TYPE minmax GRANULARITY 1`,
  ];
  // On a cluster the Distributed table needs the column too, or selects through it cannot name it.
  if (ctx.cluster)
    statements.push(`ALTER TABLE ${ctx.qualified('business_events')}${ctx.onCluster()} ${column}`);
  // Rows stored before this migration would otherwise compute now64() at every read and look new to
  // every sweep. Replicated tables refuse non-deterministic mutations, and no cluster predates this.
  else statements.push(`ALTER TABLE ${ctx.local('business_events')} MATERIALIZE COLUMN ingested_at`);
  return statements;
}

export const m201Correlation: Migration = {
  version: 201,
  name: 'correlation: steps aggregate, key links, transactions, unmatched events',
  ttls: [
    { table: 'correlation_steps', ttl: { family: 'events', column: 'toDateTime(last_time)' } },
    { table: 'correlation_links', ttl: { family: 'events', column: 'toDateTime(first_time)' } },
    { table: 'transactions', ttl: { family: 'transactions', column: 'toDateTime(started_at)' } },
    { table: 'correlation_unmatched', ttl: { family: 'events', column: 'toDateTime(last_time)' } },
  ],
  statements: (ctx) => [
    ...ingestedAt(ctx),
    ...createTable(ctx, {
      name: 'correlation_steps',
      columns: [
        'key String CODEC(ZSTD(1))',
        'flow LowCardinality(String)',
        'step LowCardinality(String)',
        'plant SimpleAggregateFunction(max, String)',
        'system SimpleAggregateFunction(max, String)',
        'first_time SimpleAggregateFunction(min, DateTime64(9))',
        'last_time SimpleAggregateFunction(max, DateTime64(9))',
        'ok_ids AggregateFunction(uniqExactIf, String, UInt8)',
        'first_ok AggregateFunction(minIf, DateTime64(9), UInt8)',
        'last_ok AggregateFunction(maxIf, DateTime64(9), UInt8)',
        // Unsuccessful attempts are only shown, never decide a status: the cheaper uniq (exact for small sets).
        'bad_ids AggregateFunction(uniqIf, String, UInt8)',
        'last_bad AggregateFunction(argMaxIf, Tuple(DateTime64(9), String, String), DateTime64(9), UInt8)',
        'first_attributes AggregateFunction(argMin, Map(String, String), DateTime64(9))',
        'sample_id SimpleAggregateFunction(min, String)',
        'ingested_at SimpleAggregateFunction(max, DateTime64(3))',
        'INDEX idx_ingested_at ingested_at TYPE minmax GRANULARITY 1',
      ],
      engine: 'AggregatingMergeTree',
      // Key first: the sweep and the detail look up groups by business key.
      orderBy: '(key, flow, step)',
      shardingKey: 'cityHash64(key)',
      settings: { ttl_only_drop_parts: 0 },
    }),
    createMaterializedView(ctx, {
      name: 'correlation_steps_mv',
      to: 'correlation_steps',
      from: 'business_events',
      select: stepsSelect('{source}'),
    }),
    // The repair re-derives lost insert batches through this parameterised view (same SELECT as the view above).
    `CREATE VIEW IF NOT EXISTS ${ctx.qualified('correlation_steps_source')}${ctx.onCluster()} AS\n${stepsSelect(batches(ctx))}`,
    ...createTable(ctx, {
      name: 'correlation_links',
      columns: [
        'alias String CODEC(ZSTD(1))',
        'name LowCardinality(String)',
        'target String CODEC(ZSTD(1))',
        'first_time DateTime64(9) CODEC(Delta, ZSTD(1))',
        'ingested_at DateTime64(3) CODEC(Delta, ZSTD(1))',
        'INDEX idx_target target TYPE bloom_filter(0.001) GRANULARITY 1',
        'INDEX idx_ingested_at ingested_at TYPE minmax GRANULARITY 1',
      ],
      // One row per link after merges; readers take min(target) per (alias, name), so copies are harmless.
      engine: 'ReplacingMergeTree',
      orderBy: '(alias, name, target)',
      shardingKey: 'cityHash64(alias)',
      settings: { ttl_only_drop_parts: 0 },
    }),
    createMaterializedView(ctx, {
      name: 'correlation_links_mv',
      to: 'correlation_links',
      from: 'business_events',
      select: linksSelect('{source}'),
    }),
    `CREATE VIEW IF NOT EXISTS ${ctx.qualified('correlation_links_source')}${ctx.onCluster()} AS\n${linksSelect(batches(ctx))}`,
    ...createTable(ctx, {
      name: 'transactions',
      columns: [
        'key String CODEC(ZSTD(1))',
        'flow LowCardinality(String)',
        'plant LowCardinality(String)',
        'status LowCardinality(String)',
        'reason String CODEC(ZSTD(1))',
        'started_at DateTime64(3) CODEC(Delta, ZSTD(1))',
        'completed_at Nullable(DateTime64(3))',
        'e2e_ms Nullable(Int64)',
        'late_by_ms Nullable(Int64)',
        // The deadline a `missing` or `late` status refers to (overdue time is computed when read).
        'problem_deadline_at Nullable(DateTime64(3))',
        'problem_step LowCardinality(String)',
        'error_category LowCardinality(String)',
        // The earliest running deadline, and when the sweep must look again without new events.
        'next_deadline_at Nullable(DateTime64(3))',
        'next_check_at Nullable(DateTime64(3))',
        'steps_done UInt16',
        'steps_total UInt16',
        'linked_keys Array(String) CODEC(ZSTD(1))',
        'updated_at DateTime64(3) CODEC(Delta, ZSTD(1))',
        'version UInt64',
        'is_deleted UInt8',
        // A digest of the derived fields: the sweep rewrites a transaction only when it changes.
        'fingerprint String CODEC(ZSTD(1))',
        'INDEX idx_linked_keys linked_keys TYPE bloom_filter(0.01) GRANULARITY 1',
        'INDEX idx_next_check next_check_at TYPE minmax GRANULARITY 1',
        'INDEX idx_started started_at TYPE minmax GRANULARITY 1',
      ],
      // One row per (key, flow) under FINAL: the latest version; a transaction whose key turned out
      // to be an alias of another is removed with is_deleted = 1.
      engine: 'ReplacingMergeTree(version, is_deleted)',
      orderBy: '(key, flow)',
      shardingKey: 'cityHash64(key)',
      // Not partitioned by time (a transaction's start may move when an earlier event arrives late),
      // so TTL deletes rows in merges instead of dropping parts.
      ttl: { family: 'transactions', column: 'toDateTime(started_at)' },
      settings: { ttl_only_drop_parts: 0 },
    }),
    ...createTable(ctx, {
      name: 'correlation_unmatched',
      columns: [
        'key String CODEC(ZSTD(1))',
        'flow LowCardinality(String)',
        'step LowCardinality(String)',
        'system LowCardinality(String)',
        'plant LowCardinality(String)',
        'reason LowCardinality(String)',
        'detail String CODEC(ZSTD(1))',
        'events UInt32',
        'first_time DateTime64(3)',
        'last_time DateTime64(3)',
        'sample_id String',
        'version UInt64',
        'is_deleted UInt8',
        'INDEX idx_last_time last_time TYPE minmax GRANULARITY 1',
      ],
      engine: 'ReplacingMergeTree(version, is_deleted)',
      orderBy: '(key, flow, step)',
      shardingKey: 'cityHash64(key)',
      ttl: { family: 'events', column: 'toDateTime(last_time)' },
      settings: { ttl_only_drop_parts: 0 },
    }),
    ...createTable(ctx, {
      name: 'correlation_state',
      columns: ['name String', 'value String', 'updated_at DateTime64(3)'],
      engine: 'ReplacingMergeTree(updated_at)',
      orderBy: 'name',
      shardingKey: 'cityHash64(name)',
    }),
  ],
};
