import { createTable } from '../ddl.ts';
import type { Migration } from './types.ts';

export const m002BusinessEvents: Migration = {
  version: 2,
  name: 'business_events and linewatch_self',
  ttls: [
    { table: 'business_events', ttl: { family: 'events', column: 'toDateTime(time)' } },
    { table: 'linewatch_self', ttl: { family: 'self', column: 'toDateTime(time)' } },
  ],
  statements: (ctx) => [
    // Canonical business events, one column per field of the events API under the same name.
    // ReplacingMergeTree on the sender's id: the same event sent twice is one row after merge,
    // and `FINAL` (or `LIMIT 1 BY id`) hides the copy before it.
    ...createTable(ctx, {
      name: 'business_events',
      columns: [
        'id String CODEC(ZSTD(1))',
        'time DateTime64(9) CODEC(Delta, ZSTD(1))',
        'flow LowCardinality(String) CODEC(ZSTD(1))',
        'step LowCardinality(String) CODEC(ZSTD(1))',
        'key String CODEC(ZSTD(1))',
        'keys Map(LowCardinality(String), String) CODEC(ZSTD(1))',
        'system LowCardinality(String) CODEC(ZSTD(1))',
        'plant LowCardinality(String) CODEC(ZSTD(1))',
        "outcome LowCardinality(String) DEFAULT 'ok' CODEC(ZSTD(1))",
        'error_category LowCardinality(String) CODEC(ZSTD(1))',
        'error_message String CODEC(ZSTD(1))',
        'attributes Map(LowCardinality(String), String) CODEC(ZSTD(1))',
        'trace_id String CODEC(ZSTD(1))',
        'span_id String CODEC(ZSTD(1))',
        'received_at DateTime64(3) DEFAULT now64(3) CODEC(Delta, ZSTD(1))',
        'source LowCardinality(String) CODEC(ZSTD(1))',
        'INDEX idx_key key TYPE bloom_filter(0.001) GRANULARITY 1',
        'INDEX idx_keys_values mapValues(keys) TYPE bloom_filter(0.01) GRANULARITY 1',
        'INDEX idx_id id TYPE bloom_filter(0.001) GRANULARITY 1',
        'INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1',
      ],
      engine: 'ReplacingMergeTree',
      partitionBy: 'toDate(time)',
      orderBy: '(flow, plant, toStartOfHour(time), id)',
      ttl: { family: 'events', column: 'toDateTime(time)' },
      shardingKey: 'cityHash64(key)',
    }),
    // The collector's own telemetry, one row per receiver/signal/measure per interval.
    ...createTable(ctx, {
      name: 'linewatch_self',
      columns: [
        'time DateTime64(3) CODEC(Delta, ZSTD(1))',
        'instance LowCardinality(String)',
        'component LowCardinality(String)',
        'signal LowCardinality(String)',
        'measure LowCardinality(String)',
        'reason LowCardinality(String)',
        'value Float64 CODEC(ZSTD(1))',
      ],
      engine: 'MergeTree',
      partitionBy: 'toDate(time)',
      orderBy: '(component, measure, time)',
      ttl: { family: 'self', column: 'toDateTime(time)' },
    }),
  ],
};
