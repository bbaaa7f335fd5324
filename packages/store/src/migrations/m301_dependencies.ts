import { createMaterializedView, createTable } from '../ddl.ts';
import type { Migration } from './types.ts';

// The dependency map and services RED metrics (packages/correlation/src/dependencyMap).
//
// An edge needs a server span joined to its parent client span, and the two arrive in different
// inserts, which a materialized view cannot join. So:
//  1. `span_edge_candidates` (fed by a view) keeps a narrow projection of the spans that can take part
//     in an edge or count as a service's entry: client/server/producer/consumer spans and roots, with
//     the peer each names. ReplacingMergeTree on (kind, minute, TraceId, SpanId): a span stored twice, or
//     re-inserted by the repair at start (view writes are not atomic with the source, CHDB-NOTES), is
//     one row under FINAL.
//  2. The dependency worker joins candidates over a bounded recent window and writes per-minute
//     snapshots into `dependency_edges_1m` and `service_operations_1m`. Each recomputation of a
//     minute writes a new Version; readers keep only each minute's latest Version, so recomputing is
//     idempotent and a late span that turns a "virtual peer" edge into a service edge replaces it.
//  3. API requests read only those two small tables.
const peerService = "SpanAttributes['peer.service']";
const dbSystem =
  "if(SpanAttributes['db.system.name'] != '', SpanAttributes['db.system.name'], SpanAttributes['db.system'])";
const dbNamespace =
  "if(SpanAttributes['db.namespace'] != '', SpanAttributes['db.namespace'], SpanAttributes['db.name'])";
const destination = "SpanAttributes['messaging.destination.name']";
const address =
  "if(SpanAttributes['server.address'] != '', SpanAttributes['server.address'], SpanAttributes['net.peer.name'])";

// The projection of an otel_traces row into an edge candidate, shared by the materialized view and
// the plain view `span_edge_candidates_source` that the worker's repair re-reads over a recent window.
const EDGE_CANDIDATE_SELECT = `SELECT
  Timestamp,
  TraceId,
  SpanId,
  ParentSpanId,
  ServiceName,
  multiIf(
    SpanKind IN ('Server', 'SPAN_KIND_SERVER'), 'Server',
    SpanKind IN ('Client', 'SPAN_KIND_CLIENT'), 'Client',
    SpanKind IN ('Producer', 'SPAN_KIND_PRODUCER'), 'Producer',
    SpanKind IN ('Consumer', 'SPAN_KIND_CONSUMER'), 'Consumer',
    'Internal') AS Kind,
  SpanName,
  if(SpanAttributes['biz.plant'] != '', SpanAttributes['biz.plant'], ResourceAttributes['biz.plant']) AS Plant,
  Duration,
  CAST(StatusCode IN ('Error', 'STATUS_CODE_ERROR'), 'UInt8') AS IsError,
  multiIf(
    ${peerService} != '', ${peerService},
    ${dbSystem} != '', concat('db:', ${dbSystem}, if(${dbNamespace} != '', concat('/', ${dbNamespace}), '')),
    ${destination} != '', concat('messaging:', ${destination}),
    ${address} != '', concat('host:', ${address}),
    '') AS PeerId,
  multiIf(
    ${peerService} != '', 'external',
    ${dbSystem} != '', 'database',
    ${destination} != '', 'messaging',
    ${address} != '', 'external',
    '') AS PeerKind,
  arrayZip(Links.TraceId, Links.SpanId) AS Links
FROM {source}
WHERE Kind != 'Internal' OR ParentSpanId = ''`;

const quantileState = 'AggregateFunction(quantiles(0.5, 0.95), UInt64)';

export const m301Dependencies: Migration = {
  version: 301,
  name: 'dependency map: span edge candidates, per-minute edges and service operations',
  ttls: [
    { table: 'span_edge_candidates', ttl: { family: 'traces', column: 'toDateTime(Timestamp)' } },
    { table: 'dependency_edges_1m', ttl: { family: 'metrics', column: 'Minute' } },
    { table: 'service_operations_1m', ttl: { family: 'metrics', column: 'Minute' } },
  ],
  statements: (ctx) => [
    ...createTable(ctx, {
      name: 'span_edge_candidates',
      columns: [
        'Timestamp DateTime64(9) CODEC(Delta, ZSTD(1))',
        'TraceId String CODEC(ZSTD(1))',
        'SpanId String CODEC(ZSTD(1))',
        'ParentSpanId String CODEC(ZSTD(1))',
        'ServiceName LowCardinality(String)',
        'Kind LowCardinality(String)',
        'SpanName LowCardinality(String)',
        'Plant LowCardinality(String)',
        'Duration UInt64 CODEC(ZSTD(1))',
        'IsError UInt8',
        'PeerId String CODEC(ZSTD(1))',
        'PeerKind LowCardinality(String)',
        'Links Array(Tuple(TraceId String, SpanId String)) CODEC(ZSTD(1))',
      ],
      engine: 'ReplacingMergeTree',
      partitionBy: 'toDate(Timestamp)',
      // Kind first: the worker reads one kind over a long lookback (producers, 1 h) and others over minutes.
      orderBy: '(Kind, toStartOfMinute(Timestamp), TraceId, SpanId)',
      ttl: { family: 'traces', column: 'toDateTime(Timestamp)' },
      // Parent and child of one trace on the same shard, so the worker's join stays shard-local.
      shardingKey: 'cityHash64(TraceId)',
    }),
    createMaterializedView(ctx, {
      name: 'span_edge_candidates_mv',
      to: 'span_edge_candidates',
      from: 'otel_traces',
      select: EDGE_CANDIDATE_SELECT,
    }),
    // Not materialized: `INSERT INTO span_edge_candidates SELECT … FROM span_edge_candidates_source
    // WHERE Timestamp >= …` repairs candidates a crash kept from the view (the time filter is pushed down).
    `CREATE VIEW IF NOT EXISTS ${ctx.qualified('span_edge_candidates_source')}${ctx.onCluster()}\nAS ${EDGE_CANDIDATE_SELECT.replaceAll('{source}', ctx.qualified('otel_traces'))}`,
    ...createTable(ctx, {
      name: 'dependency_edges_1m',
      columns: [
        'Minute DateTime CODEC(Delta, ZSTD(1))',
        'Version UInt64',
        'Source LowCardinality(String)',
        'SourceKind LowCardinality(String)',
        'Target LowCardinality(String)',
        'TargetKind LowCardinality(String)',
        // call | messaging
        'Kind LowCardinality(String)',
        'Plant LowCardinality(String)',
        'Calls UInt64',
        'Errors UInt64',
        // Nanoseconds: the caller's span for calls, delivery delay (consumer start − producer start) for messaging.
        `Duration ${quantileState}`,
      ],
      engine: 'ReplacingMergeTree(Version)',
      partitionBy: 'toYYYYMM(Minute)',
      orderBy: '(Minute, Source, Target, Kind, Plant)',
      ttl: { family: 'metrics', column: 'Minute' },
      shardingKey: 'cityHash64(Minute)',
    }),
    ...createTable(ctx, {
      name: 'service_operations_1m',
      columns: [
        'Minute DateTime CODEC(Delta, ZSTD(1))',
        'Version UInt64',
        'ServiceName LowCardinality(String)',
        'Plant LowCardinality(String)',
        'SpanName LowCardinality(String)',
        'Kind LowCardinality(String)',
        'Calls UInt64',
        'Errors UInt64',
        `Duration ${quantileState}`,
      ],
      engine: 'ReplacingMergeTree(Version)',
      partitionBy: 'toYYYYMM(Minute)',
      orderBy: '(Minute, ServiceName, Plant, SpanName, Kind)',
      ttl: { family: 'metrics', column: 'Minute' },
      shardingKey: 'cityHash64(Minute)',
    }),
    // The worker's progress: minutes before Watermark are settled and no longer recomputed.
    ...createTable(ctx, {
      name: 'dependency_worker_state',
      columns: ['Name LowCardinality(String)', 'Watermark DateTime', 'UpdatedAt DateTime64(3)'],
      engine: 'ReplacingMergeTree(UpdatedAt)',
      orderBy: 'Name',
    }),
  ],
};
