import { sql, type SqlQuery, type Store } from '@linewatch/store';
import type { NodeRedRow, TracedEdgeRow } from './buildDependencyGraph.ts';
import type { DependencyTimeRange } from './dependencyTimeRange.ts';
import type { QueueBucketRow, ScrapeFailureRow } from './queueSeries.ts';

// Reads for the API. Edges and services read only the per-minute snapshots the worker writes
// (each minute's latest Version); queue series read the gauge rows of the range, which are few
// (one per queue per scrape).

/** Filters shared by the dependency reads: the time range and, when set, the plants to keep. */
export interface DependencyReadFilter extends DependencyTimeRange {
  /** Keep only rows of these plants; undefined keeps all (rows without a plant included). */
  plants?: readonly string[] | undefined;
}

const QUERY_SECONDS = 20;
const MAX_EDGES = 5000;

function latest(
  store: Store,
  table: 'dependency_edges_1m' | 'service_operations_1m',
  f: DependencyReadFilter,
): SqlQuery {
  const t = store.table(table);
  const minutes = sql`Minute >= toStartOfMinute(${f.from}) AND Minute < ${f.to}`;
  // GLOBAL: on a cluster the latest version per minute is decided over every shard.
  return sql`${minutes} AND (Minute, Version) GLOBAL IN (SELECT Minute, max(Version) FROM ${t} WHERE ${minutes} GROUP BY Minute)`;
}

function plantFilter(plants: readonly string[] | undefined, column = sql`Plant`): SqlQuery {
  return plants ? sql`AND ${column} IN ${[...plants]}` : sql.empty();
}

interface RedRow {
  plants: string[];
  calls: number;
  errors: number;
  q: (number | null)[];
}

const quantile = (q: readonly (number | null)[], i: number) => {
  const v = q[i];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

/** Traced edges over the range, calls and errors summed and latency percentiles merged across minutes. */
export async function queryTracedEdges(store: Store, f: DependencyReadFilter): Promise<TracedEdgeRow[]> {
  const rows = await store.query<
    RedRow & {
      source: string;
      sourceKind: string;
      target: string;
      targetKind: string;
      kinds: ('call' | 'messaging')[];
    }
  >(
    sql`SELECT Source AS source, any(SourceKind) AS sourceKind, Target AS target, any(TargetKind) AS targetKind,
           groupUniqArray(Kind) AS kinds, groupUniqArray(Plant) AS plants,
           sum(Calls) AS calls, sum(Errors) AS errors, quantilesMerge(0.5, 0.95)(Duration) AS q
    FROM ${store.table('dependency_edges_1m')}
    WHERE ${latest(store, 'dependency_edges_1m', f)} ${plantFilter(f.plants)}
    GROUP BY Source, Target
    ORDER BY calls DESC, source, target
    LIMIT ${MAX_EDGES}`,
    { maxExecutionSeconds: QUERY_SECONDS },
  );
  return rows.map((r) => ({
    ...r,
    calls: Number(r.calls),
    errors: Number(r.errors),
    p50Ns: quantile(r.q, 0),
    p95Ns: quantile(r.q, 1),
  }));
}

/** Traffic per uninstrumented peer (database, queue, external host): the calls it received or, for a queue with no traced producer, delivered. */
export async function queryPeerRed(store: Store, f: DependencyReadFilter): Promise<NodeRedRow[]> {
  const edges = store.table('dependency_edges_1m');
  const where = sql`${latest(store, 'dependency_edges_1m', f)} ${plantFilter(f.plants)}`;
  const rows = await store.query<RedRow & { node: string }>(
    sql`SELECT node, groupUniqArray(Plant) AS plants, sum(Calls) AS calls, sum(Errors) AS errors,
           quantilesMerge(0.5, 0.95)(Duration) AS q
    FROM (
      SELECT Target AS node, Plant, Calls, Errors, Duration FROM ${edges} WHERE ${where} AND TargetKind != 'service'
      UNION ALL
      SELECT Source AS node, Plant, Calls, Errors, Duration FROM ${edges} WHERE ${where} AND SourceKind != 'service'
    )
    GROUP BY node
    ORDER BY node
    LIMIT ${MAX_EDGES}`,
    { maxExecutionSeconds: QUERY_SECONDS },
  );
  return rows.map(toNodeRed);
}

function toNodeRed(r: RedRow & { node: string }): NodeRedRow {
  return {
    node: r.node,
    plants: r.plants,
    calls: Number(r.calls),
    errors: Number(r.errors),
    p50Ns: quantile(r.q, 0),
    p95Ns: quantile(r.q, 1),
  };
}

/** Entry-span RED per service (server, consumer and root spans) over the range. */
export async function queryServiceRed(store: Store, f: DependencyReadFilter): Promise<NodeRedRow[]> {
  const rows = await store.query<RedRow & { node: string }>(
    sql`SELECT ServiceName AS node, groupUniqArray(Plant) AS plants, sum(Calls) AS calls, sum(Errors) AS errors,
           quantilesMerge(0.5, 0.95)(Duration) AS q
    FROM ${store.table('service_operations_1m')}
    WHERE ${latest(store, 'service_operations_1m', f)} ${plantFilter(f.plants)}
    GROUP BY ServiceName
    ORDER BY node
    LIMIT ${MAX_EDGES}`,
    { maxExecutionSeconds: QUERY_SECONDS },
  );
  return rows.map(toNodeRed);
}

/** One operation (span name and kind) of a service, durations in nanoseconds. */
export interface OperationRedRow {
  operation: string;
  spanKind: string;
  calls: number;
  errors: number;
  p50Ns: number | null;
  p95Ns: number | null;
}

/** Entry-span RED per operation of one service over the range, busiest first. */
export async function queryOperationRed(
  store: Store,
  service: string,
  f: DependencyReadFilter,
): Promise<OperationRedRow[]> {
  const rows = await store.query<Omit<RedRow, 'plants'> & { operation: string; spanKind: string }>(
    sql`SELECT SpanName AS operation, Kind AS spanKind, sum(Calls) AS calls, sum(Errors) AS errors,
           quantilesMerge(0.5, 0.95)(Duration) AS q
    FROM ${store.table('service_operations_1m')}
    WHERE ${latest(store, 'service_operations_1m', f)} AND ServiceName = ${service} ${plantFilter(f.plants)}
    GROUP BY SpanName, Kind
    ORDER BY calls DESC, operation
    LIMIT ${MAX_EDGES}`,
    { maxExecutionSeconds: QUERY_SECONDS },
  );
  return rows.map((r) => ({
    operation: r.operation,
    spanKind: r.spanKind,
    calls: Number(r.calls),
    errors: Number(r.errors),
    p50Ns: quantile(r.q, 0),
    p95Ns: quantile(r.q, 1),
  }));
}

/** Metric names of the queue gauges (collector pollers and OTLP senders write them). */
export const QUEUE_DEPTH_METRIC = 'integration.queue.depth';
export const QUEUE_OLDEST_AGE_METRIC = 'integration.queue.oldest_age';
export const POLLER_UP_METRIC = 'linewatch.poller.up';

/** Filters of the queue series. */
export interface QueueReadFilter extends DependencyReadFilter {
  queue?: string | undefined;
  system?: string | undefined;
  stepSeconds: number;
}

/** A data point attribute, else the same key on the resource (pollers put their name on both). */
const attr = (key: string) =>
  sql`if(Attributes[${key}] != '', Attributes[${key}], ResourceAttributes[${key}])`;
const plantExpr = attr('biz.plant');

/** One queue's buckets (ms since epoch) with the last reported depth and oldest age in each. */
export interface QueueSeriesRow extends QueueBucketRow {
  queue: string;
  system: string;
  plant: string;
}

const MAX_QUEUE_ROWS = 200_000;

/** Queue depth and oldest-age buckets per queue (queue.name × messaging.system × plant) over the range. */
export async function queryQueueBuckets(store: Store, f: QueueReadFilter): Promise<QueueSeriesRow[]> {
  const filters = [
    ...(f.queue !== undefined ? [sql`queue = ${f.queue}`] : []),
    ...(f.system !== undefined ? [sql`system = ${f.system}`] : []),
    ...(f.plants ? [sql`plant IN ${[...f.plants]}`] : []),
  ];
  const rows = await store.query<{
    queue: string;
    system: string;
    plant: string;
    bucket: number;
    depth: number;
    nDepth: number;
    age: number;
    nAge: number;
  }>(
    sql`SELECT queue, system, plant, toUnixTimestamp(b) * 1000 AS bucket,
           argMaxIf(Value, TimeUnix, MetricName = ${QUEUE_DEPTH_METRIC}) AS depth,
           countIf(MetricName = ${QUEUE_DEPTH_METRIC}) AS nDepth,
           argMaxIf(Value, TimeUnix, MetricName = ${QUEUE_OLDEST_AGE_METRIC}) AS age,
           countIf(MetricName = ${QUEUE_OLDEST_AGE_METRIC}) AS nAge
    FROM (
      SELECT Attributes['queue.name'] AS queue, Attributes['messaging.system'] AS system, ${plantExpr} AS plant,
             toStartOfInterval(TimeUnix, toIntervalSecond(${f.stepSeconds})) AS b, MetricName, Value, TimeUnix
      FROM ${store.table('otel_metrics_gauge')}
      WHERE MetricName IN ${[QUEUE_DEPTH_METRIC, QUEUE_OLDEST_AGE_METRIC]}
        AND TimeUnix >= ${f.from} AND TimeUnix < ${f.to} AND Attributes['queue.name'] != ''
    )
    ${filters.length ? sql`WHERE ${sql.join(filters, ' AND ')}` : sql.empty()}
    GROUP BY queue, system, plant, b
    ORDER BY queue, system, plant, bucket
    LIMIT ${MAX_QUEUE_ROWS}`,
    { maxExecutionSeconds: QUERY_SECONDS },
  );
  return rows.map((r) => ({
    queue: r.queue,
    system: r.system,
    plant: r.plant,
    bucket: Number(r.bucket),
    depth: Number(r.nDepth) > 0 ? r.depth : null,
    oldestAgeSeconds: Number(r.nAge) > 0 ? r.age : null,
  }));
}

/** Buckets in which a poller reported a failed scrape (`linewatch.poller.up` = 0, by `linewatch.poller.name`/`.type`). */
export async function queryScrapeFailures(store: Store, f: QueueReadFilter): Promise<ScrapeFailureRow[]> {
  const rows = await store.query<ScrapeFailureRow>(
    sql`SELECT poller, pollerType, plant, toUnixTimestamp(b) * 1000 AS bucket, countIf(Value = 0) AS failures
    FROM (
      SELECT ${attr('linewatch.poller.name')} AS poller, ${attr('linewatch.poller.type')} AS pollerType, ${plantExpr} AS plant,
             toStartOfInterval(TimeUnix, toIntervalSecond(${f.stepSeconds})) AS b, Value
      FROM ${store.table('otel_metrics_gauge')}
      WHERE MetricName = ${POLLER_UP_METRIC} AND TimeUnix >= ${f.from} AND TimeUnix < ${f.to}
    )
    ${f.plants ? sql`WHERE plant IN ${[...f.plants]}` : sql.empty()}
    GROUP BY poller, pollerType, plant, b
    HAVING failures > 0
    ORDER BY poller, pollerType, plant, bucket
    LIMIT ${MAX_QUEUE_ROWS}`,
    { maxExecutionSeconds: QUERY_SECONDS },
  );
  return rows.map((r) => ({ ...r, bucket: Number(r.bucket), failures: Number(r.failures) }));
}
