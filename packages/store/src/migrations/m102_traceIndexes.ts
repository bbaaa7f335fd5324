import type { Migration } from './types.ts';

// Skipping indexes that cost every span insert and serve none of Linewatch's own queries.
//
// otel_traces came with the ClickHouse exporter's bloom filters on the keys and values of
// ResourceAttributes and SpanAttributes. They help only ad-hoc attribute searches (`WHERE
// SpanAttributes['x'] = …` over a long range). Linewatch reads spans by TraceId (transaction detail:
// idx_trace_id, kept) and by service and time (dashboards: the primary key). Measured on the
// collector's insert path (embedded chDB, 50k-span segments): the four filters took ~10% of the
// engine's insert and merge CPU. They are dropped here; docs/configuration.md shows how to add
// them back for a store that needs fast ad-hoc attribute search.
//
// otel_traces_trace_id_ts is ordered by TraceId, so its own TraceId bloom filter duplicated the
// primary key for the one lookup the table exists for.
const TRACE_ATTRIBUTE_INDEXES = [
  'idx_res_attr_key',
  'idx_res_attr_value',
  'idx_span_attr_key',
  'idx_span_attr_value',
];

export const m102TraceIndexes: Migration = {
  version: 102,
  name: 'otel_traces: attribute bloom filters opt-in; no duplicate TraceId index on the trace-id table',
  statements: (ctx) => [
    ...TRACE_ATTRIBUTE_INDEXES.map(
      (i) => `ALTER TABLE ${ctx.local('otel_traces')}${ctx.onCluster()} DROP INDEX IF EXISTS ${i}`,
    ),
    `ALTER TABLE ${ctx.local('otel_traces_trace_id_ts')}${ctx.onCluster()} DROP INDEX IF EXISTS idx_trace_id`,
  ],
};
