import { createMaterializedView, createTable, type DdlContext } from '../ddl.ts';
import type { Migration } from './types.ts';

// Column layout of the OpenTelemetry Collector's ClickHouse exporter, so an existing Collector with
// that exporter, or Grafana's ClickHouse data source, works against the same database.
const ATTR = 'Map(LowCardinality(String), String) CODEC(ZSTD(1))';
const resourceAndScope = [
  `ResourceAttributes ${ATTR}`,
  'ResourceSchemaUrl LowCardinality(String) CODEC(ZSTD(1))',
  'ScopeName String CODEC(ZSTD(1))',
  'ScopeVersion String CODEC(ZSTD(1))',
  `ScopeAttributes ${ATTR}`,
  'ScopeDroppedAttrCount UInt32 CODEC(ZSTD(1))',
  'ScopeSchemaUrl LowCardinality(String) CODEC(ZSTD(1))',
  'ServiceName LowCardinality(String) CODEC(ZSTD(1))',
];
const metricCommon = [
  ...resourceAndScope,
  'MetricName String CODEC(ZSTD(1))',
  'MetricDescription String CODEC(ZSTD(1))',
  'MetricUnit String CODEC(ZSTD(1))',
  `Attributes ${ATTR}`,
  'StartTimeUnix DateTime64(9) CODEC(Delta, ZSTD(1))',
  'TimeUnix DateTime64(9) CODEC(Delta, ZSTD(1))',
];
const exemplars =
  'Exemplars Nested (FilteredAttributes Map(LowCardinality(String), String), TimeUnix DateTime64(9), Value Float64, SpanId String, TraceId String) CODEC(ZSTD(1))';
const attrIndexes = [
  'INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
  'INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
  'INDEX idx_attr_key mapKeys(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1',
  'INDEX idx_attr_value mapValues(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1',
];

function metricsTable(ctx: DdlContext, name: string, extra: string[]): string[] {
  return createTable(ctx, {
    name,
    columns: [...metricCommon, ...extra, 'Flags UInt32 CODEC(ZSTD(1))', exemplars, ...attrIndexes],
    engine: 'MergeTree',
    partitionBy: 'toDate(TimeUnix)',
    orderBy: '(ServiceName, MetricName, Attributes, toUnixTimestamp64Nano(TimeUnix))',
    ttl: { family: 'metrics', column: 'toDateTime(TimeUnix)' },
  });
}

export const m001Otel: Migration = {
  version: 1,
  name: 'otel tables (ClickHouse exporter layout)',
  ttls: [
    { table: 'otel_traces', ttl: { family: 'traces', column: 'toDateTime(Timestamp)' } },
    { table: 'otel_traces_trace_id_ts', ttl: { family: 'traces', column: 'toDateTime(Start)' } },
    { table: 'otel_logs', ttl: { family: 'logs', column: 'toDateTime(TimestampTime)' } },
    ...['gauge', 'sum', 'histogram'].map((k) => ({
      table: `otel_metrics_${k}`,
      ttl: { family: 'metrics' as const, column: 'toDateTime(TimeUnix)' },
    })),
  ],
  statements: (ctx) => [
    ...createTable(ctx, {
      name: 'otel_traces',
      columns: [
        'Timestamp DateTime64(9) CODEC(Delta, ZSTD(1))',
        'TraceId String CODEC(ZSTD(1))',
        'SpanId String CODEC(ZSTD(1))',
        'ParentSpanId String CODEC(ZSTD(1))',
        'TraceState String CODEC(ZSTD(1))',
        'SpanName LowCardinality(String) CODEC(ZSTD(1))',
        'SpanKind LowCardinality(String) CODEC(ZSTD(1))',
        'ServiceName LowCardinality(String) CODEC(ZSTD(1))',
        `ResourceAttributes ${ATTR}`,
        'ScopeName String CODEC(ZSTD(1))',
        'ScopeVersion String CODEC(ZSTD(1))',
        `SpanAttributes ${ATTR}`,
        'Duration UInt64 CODEC(ZSTD(1))',
        'StatusCode LowCardinality(String) CODEC(ZSTD(1))',
        'StatusMessage String CODEC(ZSTD(1))',
        'Events Nested (Timestamp DateTime64(9), Name LowCardinality(String), Attributes Map(LowCardinality(String), String)) CODEC(ZSTD(1))',
        'Links Nested (TraceId String, SpanId String, TraceState String, Attributes Map(LowCardinality(String), String)) CODEC(ZSTD(1))',
        'INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1',
        'INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
        'INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
        'INDEX idx_span_attr_key mapKeys(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
        'INDEX idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
        'INDEX idx_duration Duration TYPE minmax GRANULARITY 1',
      ],
      // Replacing on (…, TraceId, SpanId): a span delivered twice (client retry, spool replay)
      // collapses to one row; queries that count exactly use FINAL or dedupe by (TraceId, SpanId).
      engine: 'ReplacingMergeTree',
      partitionBy: 'toDate(Timestamp)',
      primaryKey: '(ServiceName, SpanName, toDateTime(Timestamp))',
      orderBy: '(ServiceName, SpanName, toDateTime(Timestamp), TraceId, SpanId)',
      ttl: { family: 'traces', column: 'toDateTime(Timestamp)' },
      shardingKey: 'cityHash64(TraceId)',
    }),
    ...createTable(ctx, {
      name: 'otel_traces_trace_id_ts',
      columns: [
        'TraceId String CODEC(ZSTD(1))',
        'Start DateTime CODEC(Delta, ZSTD(1))',
        'End DateTime CODEC(Delta, ZSTD(1))',
        'INDEX idx_trace_id TraceId TYPE bloom_filter(0.01) GRANULARITY 1',
      ],
      engine: 'MergeTree',
      partitionBy: 'toDate(Start)',
      orderBy: '(TraceId, Start)',
      ttl: { family: 'traces', column: 'toDateTime(Start)' },
      shardingKey: 'cityHash64(TraceId)',
    }),
    createMaterializedView(ctx, {
      name: 'otel_traces_trace_id_ts_mv',
      to: 'otel_traces_trace_id_ts',
      from: 'otel_traces',
      select:
        "SELECT TraceId, min(toDateTime(Timestamp)) AS Start, max(toDateTime(Timestamp)) AS End FROM {source} WHERE TraceId != '' GROUP BY TraceId",
    }),
    ...createTable(ctx, {
      name: 'otel_logs',
      columns: [
        'Timestamp DateTime64(9) CODEC(Delta, ZSTD(1))',
        'TimestampTime DateTime DEFAULT toDateTime(Timestamp)',
        'TraceId String CODEC(ZSTD(1))',
        'SpanId String CODEC(ZSTD(1))',
        'TraceFlags UInt8',
        'SeverityText LowCardinality(String) CODEC(ZSTD(1))',
        'SeverityNumber UInt8',
        'ServiceName LowCardinality(String) CODEC(ZSTD(1))',
        'Body String CODEC(ZSTD(1))',
        'ResourceSchemaUrl LowCardinality(String) CODEC(ZSTD(1))',
        `ResourceAttributes ${ATTR}`,
        'ScopeSchemaUrl LowCardinality(String) CODEC(ZSTD(1))',
        'ScopeName String CODEC(ZSTD(1))',
        'ScopeVersion LowCardinality(String) CODEC(ZSTD(1))',
        `ScopeAttributes ${ATTR}`,
        `LogAttributes ${ATTR}`,
        'INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1',
        'INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
        'INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
        'INDEX idx_log_attr_key mapKeys(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
        'INDEX idx_log_attr_value mapValues(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
        'INDEX idx_body Body TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8',
      ],
      engine: 'MergeTree',
      partitionBy: 'toDate(TimestampTime)',
      primaryKey: '(ServiceName, TimestampTime)',
      orderBy: '(ServiceName, TimestampTime, Timestamp)',
      ttl: { family: 'logs', column: 'TimestampTime' },
    }),
    ...metricsTable(ctx, 'otel_metrics_gauge', ['Value Float64 CODEC(ZSTD(1))']),
    ...metricsTable(ctx, 'otel_metrics_sum', [
      'Value Float64 CODEC(ZSTD(1))',
      'AggregationTemporality Int32 CODEC(ZSTD(1))',
      'IsMonotonic Boolean CODEC(Delta, ZSTD(1))',
    ]),
    ...metricsTable(ctx, 'otel_metrics_histogram', [
      'Count UInt64 CODEC(Delta, ZSTD(1))',
      'Sum Float64 CODEC(ZSTD(1))',
      'BucketCounts Array(UInt64) CODEC(ZSTD(1))',
      'ExplicitBounds Array(Float64) CODEC(ZSTD(1))',
      'Min Float64 CODEC(ZSTD(1))',
      'Max Float64 CODEC(ZSTD(1))',
      'AggregationTemporality Int32 CODEC(ZSTD(1))',
    ]),
  ],
};
