import { createTable, type DdlContext } from '../ddl.ts';
import type { Migration } from './types.ts';

// The two OTLP metric types m001 has no table for, in the OpenTelemetry Collector ClickHouse
// exporter's layout (same column names, so its queries and Grafana's work unchanged).
const ATTR = 'Map(LowCardinality(String), String) CODEC(ZSTD(1))';
const metricCommon = [
  `ResourceAttributes ${ATTR}`,
  'ResourceSchemaUrl LowCardinality(String) CODEC(ZSTD(1))',
  'ScopeName String CODEC(ZSTD(1))',
  'ScopeVersion String CODEC(ZSTD(1))',
  `ScopeAttributes ${ATTR}`,
  'ScopeDroppedAttrCount UInt32 CODEC(ZSTD(1))',
  'ScopeSchemaUrl LowCardinality(String) CODEC(ZSTD(1))',
  'ServiceName LowCardinality(String) CODEC(ZSTD(1))',
  'MetricName String CODEC(ZSTD(1))',
  'MetricDescription String CODEC(ZSTD(1))',
  'MetricUnit String CODEC(ZSTD(1))',
  `Attributes ${ATTR}`,
  'StartTimeUnix DateTime64(9) CODEC(Delta, ZSTD(1))',
  'TimeUnix DateTime64(9) CODEC(Delta, ZSTD(1))',
];
const attrIndexes = [
  'INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
  'INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
  'INDEX idx_attr_key mapKeys(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1',
  'INDEX idx_attr_value mapValues(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1',
];

function metricsTable(ctx: DdlContext, name: string, columns: string[]): string[] {
  return createTable(ctx, {
    name,
    columns: [...metricCommon, ...columns, ...attrIndexes],
    engine: 'MergeTree',
    partitionBy: 'toDate(TimeUnix)',
    orderBy: '(ServiceName, MetricName, Attributes, toUnixTimestamp64Nano(TimeUnix))',
    ttl: { family: 'metrics', column: 'toDateTime(TimeUnix)' },
  });
}

// Tables the collector's spool inserts into. Each spool segment is inserted with an
// insert_deduplication_token (its file name), so a segment replayed after a crash between the
// insert and the segment's deletion is dropped by the engine instead of stored twice. Non-replicated
// MergeTree tables only remember tokens with a deduplication window (Replicated ones have one by default).
const SPOOLED_TABLES = [
  'otel_traces',
  'otel_logs',
  'otel_metrics_gauge',
  'otel_metrics_sum',
  'otel_metrics_histogram',
  'otel_metrics_exponential_histogram',
  'otel_metrics_summary',
  'business_events',
];

export const m101Collector: Migration = {
  version: 101,
  name: 'collector: exponential histogram and summary metrics, deduplication window for spool replays',
  ttls: ['exponential_histogram', 'summary'].map((k) => ({
    table: `otel_metrics_${k}`,
    ttl: { family: 'metrics' as const, column: 'toDateTime(TimeUnix)' },
  })),
  statements: (ctx) => [
    ...metricsTable(ctx, 'otel_metrics_exponential_histogram', [
      'Count UInt64 CODEC(Delta, ZSTD(1))',
      'Sum Float64 CODEC(ZSTD(1))',
      'Scale Int32 CODEC(ZSTD(1))',
      'ZeroCount UInt64 CODEC(ZSTD(1))',
      'PositiveOffset Int32 CODEC(ZSTD(1))',
      'PositiveBucketCounts Array(UInt64) CODEC(ZSTD(1))',
      'NegativeOffset Int32 CODEC(ZSTD(1))',
      'NegativeBucketCounts Array(UInt64) CODEC(ZSTD(1))',
      'Exemplars Nested (FilteredAttributes Map(LowCardinality(String), String), TimeUnix DateTime64(9), Value Float64, SpanId String, TraceId String) CODEC(ZSTD(1))',
      'Flags UInt32 CODEC(ZSTD(1))',
      'Min Float64 CODEC(ZSTD(1))',
      'Max Float64 CODEC(ZSTD(1))',
      'AggregationTemporality Int32 CODEC(ZSTD(1))',
    ]),
    ...metricsTable(ctx, 'otel_metrics_summary', [
      'Count UInt64 CODEC(Delta, ZSTD(1))',
      'Sum Float64 CODEC(ZSTD(1))',
      'ValueAtQuantiles Nested (Quantile Float64, Value Float64) CODEC(ZSTD(1))',
      'Flags UInt32 CODEC(ZSTD(1))',
    ]),
    ...(ctx.cluster
      ? []
      : SPOOLED_TABLES.map(
          (t) => `ALTER TABLE ${ctx.local(t)} MODIFY SETTING non_replicated_deduplication_window = 1000`,
        )),
  ],
};
