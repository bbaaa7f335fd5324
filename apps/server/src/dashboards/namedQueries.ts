import {
  parseDuration,
  type NamedQueryInfo,
  type NamedQueryParam,
  type QueryColumn,
} from '@linewatch/schema';
import { sql, type RawFragment, type SqlQuery } from '@linewatch/store';

/** Parsed parameter values: durations in milliseconds, ints as numbers, strings ('' = no filter). */
export type QueryParamValues = Record<string, string | number>;

/** What a named query's builder receives. */
export interface QueryBuildContext {
  table: (name: string) => RawFragment;
  params: QueryParamValues;
  /** Plants the caller may see; empty = all. */
  plants: readonly string[];
  now: number;
}

/** A named, parameterised query the UI and dashboards may run; the only SQL the browser can reach. */
export interface NamedQuery extends NamedQueryInfo {
  /** False when the rows carry no plant: callers restricted to some plants may not run it. */
  plantScoped: boolean;
  build(ctx: QueryBuildContext): SqlQuery;
}

interface ParamLimits {
  min?: number;
  max?: number;
  /** Allowed values of a string parameter. */
  oneOf?: readonly string[];
}

type ParamDef = NamedQueryParam & ParamLimits;

const DAY = 86_400_000;
const RANGE: ParamDef = {
  name: 'range',
  type: 'duration',
  description: 'how far back from now, like "6h" (at most 31d)',
  required: true,
  default: '6h',
  min: 60_000,
  max: 31 * DAY,
};
const PLANT: ParamDef = {
  name: 'plant',
  type: 'string',
  description: 'only this plant',
  required: false,
  default: '',
};
const FLOW: ParamDef = {
  name: 'flow',
  type: 'string',
  description: 'only this flow',
  required: false,
  default: '',
};
const SYSTEM: ParamDef = {
  name: 'system',
  type: 'string',
  description: 'only this system (connector)',
  required: false,
  default: '',
};
const SERVICE: ParamDef = {
  name: 'service',
  type: 'string',
  description: 'only this service',
  required: false,
  default: '',
};
const limit = (dflt: number): ParamDef => ({
  name: 'limit',
  type: 'int',
  description: 'at most this many rows',
  required: true,
  default: dflt,
  min: 1,
  max: 1000,
});

const col = (name: string, type: QueryColumn['type'], unit?: QueryColumn['unit']): QueryColumn =>
  unit ? { name, type, unit } : { name, type };

/** The time bucket of a series over `rangeMs`: about 120 points, never under a minute. */
export function bucketSeconds(rangeMs: number): number {
  const steps = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  const wanted = rangeMs / 1000 / 120;
  return steps.find((s) => s >= wanted) ?? 86400;
}

const isoTime = (expr: SqlQuery): SqlQuery => sql`formatDateTime(${expr}, '%Y-%m-%dT%H:%i:%SZ', 'UTC')`;

const since = (ctx: QueryBuildContext): Date => new Date(ctx.now - Number(ctx.params.range));

/** Business-event filters shared by the event queries: time window, plant, flow, system, caller's plants. */
function eventFilters(ctx: QueryBuildContext): SqlQuery {
  const p = ctx.params;
  const where: SqlQuery[] = [sql`time >= ${since(ctx)}`];
  if (p.plant) where.push(sql`plant = ${String(p.plant)}`);
  if (p.flow) where.push(sql`flow = ${String(p.flow)}`);
  if (p.system) where.push(sql`system = ${String(p.system)}`);
  if (ctx.plants.length) where.push(sql`plant IN ${[...ctx.plants]}`);
  return sql.join(where, ' AND ');
}

// business_events is a ReplacingMergeTree on the sender's id: `LIMIT 1 BY id` is not usable under
// aggregation, so counts use uniqExact(id), which ignores a resent event before the merge removes it.
const FAILED = sql`outcome IN ('failed', 'dead_lettered')`;

const queries: NamedQuery[] = [
  {
    name: 'events_over_time',
    description: 'Business events and failures per time bucket, split by flow, plant, system or outcome.',
    params: [
      RANGE,
      PLANT,
      FLOW,
      SYSTEM,
      {
        name: 'by',
        type: 'string',
        description: 'split series by flow, plant, system or outcome',
        required: true,
        default: 'flow',
        oneOf: ['flow', 'plant', 'system', 'outcome'],
      },
    ],
    columns: [
      col('t', 'time'),
      col('series', 'string'),
      col('events', 'number', 'count'),
      col('failed', 'number', 'count'),
    ],
    plantScoped: true,
    build: (ctx) => {
      const by = sql.id(sql.keyword(String(ctx.params.by), ['flow', 'plant', 'system', 'outcome']).text);
      const bucket = bucketSeconds(Number(ctx.params.range));
      return sql`SELECT ${isoTime(sql`toStartOfInterval(time, toIntervalSecond(${bucket}))`)} AS t, toString(${by}) AS series,
        uniqExact(id) AS events, uniqExactIf(id, ${FAILED}) AS failed
        FROM ${ctx.table('business_events')} WHERE ${eventFilters(ctx)}
        GROUP BY t, series ORDER BY t, series LIMIT 5000`;
    },
  },
  {
    name: 'event_totals',
    description:
      'One row: events, failures, failure rate, business keys, systems and seconds since the last event.',
    params: [RANGE, PLANT, FLOW, SYSTEM],
    columns: [
      col('events', 'number', 'count'),
      col('failed', 'number', 'count'),
      col('failed_pct', 'number', 'percent'),
      col('business_keys', 'number', 'count'),
      col('systems', 'number', 'count'),
      col('last_event_age_s', 'number', 's'),
    ],
    plantScoped: true,
    build: (ctx) => sql`SELECT uniqExact(id) AS events, uniqExactIf(id, ${FAILED}) AS failed,
        if(events = 0, 0, round(100 * failed / events, 2)) AS failed_pct,
        uniqExact(key) AS business_keys, uniqExact(system) AS systems,
        if(events = 0, NULL, greatest(0, dateDiff('second', max(time), ${new Date(ctx.now)}))) AS last_event_age_s
        FROM ${ctx.table('business_events')} WHERE ${eventFilters(ctx)}`,
  },
  {
    name: 'failures_by_category',
    description: 'Failed events per error category and system, most first.',
    params: [RANGE, PLANT, FLOW, SYSTEM, limit(20)],
    columns: [col('category', 'string'), col('system', 'string'), col('failed', 'number', 'count')],
    plantScoped: true,
    build: (ctx) => sql`SELECT if(error_category = '', '(none)', toString(error_category)) AS category,
        toString(system) AS system, uniqExact(id) AS failed
        FROM ${ctx.table('business_events')} WHERE ${eventFilters(ctx)} AND ${FAILED}
        GROUP BY category, system ORDER BY failed DESC, category LIMIT ${Number(ctx.params.limit)}`,
  },
  {
    name: 'events_by_plant_flow',
    description: 'Events, failures and failure rate per plant and flow.',
    params: [RANGE, PLANT, FLOW],
    columns: [
      col('plant', 'string'),
      col('flow', 'string'),
      col('events', 'number', 'count'),
      col('failed', 'number', 'count'),
      col('failed_pct', 'number', 'percent'),
    ],
    plantScoped: true,
    build: (ctx) => sql`SELECT toString(plant) AS plant, toString(flow) AS flow, uniqExact(id) AS events,
        uniqExactIf(id, ${FAILED}) AS failed, round(100 * failed / events, 2) AS failed_pct
        FROM ${ctx.table('business_events')} WHERE ${eventFilters(ctx)}
        GROUP BY plant, flow ORDER BY plant, flow LIMIT 1000`,
  },
  {
    name: 'connector_activity',
    description:
      'Per system (connector) and plant: events, failures, last event and how long it has been silent.',
    params: [RANGE, PLANT, SYSTEM],
    columns: [
      col('system', 'string'),
      col('plant', 'string'),
      col('events', 'number', 'count'),
      col('failed', 'number', 'count'),
      col('failed_pct', 'number', 'percent'),
      col('last_event', 'time'),
      col('silent_s', 'number', 's'),
    ],
    plantScoped: true,
    build: (ctx) => sql`SELECT toString(system) AS system, toString(plant) AS plant, uniqExact(id) AS events,
        uniqExactIf(id, ${FAILED}) AS failed, round(100 * failed / events, 2) AS failed_pct,
        ${isoTime(sql`max(time)`)} AS last_event,
        greatest(0, dateDiff('second', max(time), ${new Date(ctx.now)})) AS silent_s
        FROM ${ctx.table('business_events')} WHERE ${eventFilters(ctx)}
        GROUP BY system, plant ORDER BY silent_s DESC, system, plant LIMIT 1000`,
  },
  {
    name: 'step_activity',
    description: 'Per flow and step: events, failures and the last time the step was seen.',
    params: [RANGE, PLANT, FLOW, SYSTEM],
    columns: [
      col('flow', 'string'),
      col('step', 'string'),
      col('events', 'number', 'count'),
      col('failed', 'number', 'count'),
      col('failed_pct', 'number', 'percent'),
      col('last_event', 'time'),
    ],
    plantScoped: true,
    build: (ctx) => sql`SELECT toString(flow) AS flow, toString(step) AS step, uniqExact(id) AS events,
        uniqExactIf(id, ${FAILED}) AS failed, round(100 * failed / events, 2) AS failed_pct,
        ${isoTime(sql`max(time)`)} AS last_event
        FROM ${ctx.table('business_events')} WHERE ${eventFilters(ctx)}
        GROUP BY flow, step ORDER BY flow, min(time) LIMIT 1000`,
  },
  {
    name: 'recent_failures',
    description: 'The latest failed or dead-lettered events with their error.',
    params: [RANGE, PLANT, FLOW, SYSTEM, limit(50)],
    columns: [
      col('at', 'time'),
      col('flow', 'string'),
      col('step', 'string'),
      col('key', 'string'),
      col('system', 'string'),
      col('plant', 'string'),
      col('outcome', 'string'),
      col('error_category', 'string'),
      col('error_message', 'string'),
    ],
    plantScoped: true,
    build: (
      ctx,
    ) => sql`SELECT ${isoTime(sql`time`)} AS at, toString(flow) AS flow, toString(step) AS step, key,
        toString(system) AS system, toString(plant) AS plant, toString(outcome) AS outcome,
        toString(error_category) AS error_category, substring(error_message, 1, 500) AS error_message
        FROM ${ctx.table('business_events')} WHERE ${eventFilters(ctx)} AND ${FAILED}
        ORDER BY time DESC LIMIT 1 BY id LIMIT ${Number(ctx.params.limit)}`,
  },
  {
    name: 'transactions_over_time',
    description:
      'Transactions started per time bucket by outcome (on time, late, missing, failed, open) with end-to-end percentiles.',
    params: [RANGE, PLANT, FLOW],
    columns: [
      col('t', 'time'),
      col('started', 'number', 'count'),
      col('on_time', 'number', 'count'),
      col('late', 'number', 'count'),
      col('missing', 'number', 'count'),
      col('failed', 'number', 'count'),
      col('in_progress', 'number', 'count'),
      col('p50_e2e_ms', 'number', 'ms'),
      col('p95_e2e_ms', 'number', 'ms'),
    ],
    plantScoped: true,
    build: (ctx) => {
      const p = ctx.params;
      const where: SqlQuery[] = [sql`started_at >= ${since(ctx)}`];
      if (p.plant) where.push(sql`plant = ${String(p.plant)}`);
      if (p.flow) where.push(sql`flow = ${String(p.flow)}`);
      if (ctx.plants.length) where.push(sql`plant IN ${[...ctx.plants]}`);
      const bucket = bucketSeconds(Number(p.range));
      // FINAL: one row per (key, flow), its latest version; rows removed as aliases are skipped.
      return sql`SELECT ${isoTime(sql`toStartOfInterval(started_at, toIntervalSecond(${bucket}))`)} AS t,
        count() AS started, countIf(status IN ('completed', 'recovered')) AS on_time, countIf(status = 'late') AS late,
        countIf(status = 'missing') AS missing, countIf(status = 'failed') AS failed,
        countIf(status = 'in_progress') AS in_progress,
        round(quantile(0.5)(e2e_ms)) AS p50_e2e_ms, round(quantile(0.95)(e2e_ms)) AS p95_e2e_ms
        FROM ${ctx.table('transactions')} FINAL WHERE ${sql.join(where, ' AND ')}
        GROUP BY t ORDER BY t LIMIT 5000`;
    },
  },
  {
    name: 'step_latency',
    description:
      "Per step of one flow: how long after a business key's first event the step happens (p50, p95), from the events.",
    params: [RANGE, PLANT, { ...FLOW, description: 'the flow', required: true, default: undefined }],
    columns: [
      col('step', 'string'),
      col('transactions', 'number', 'count'),
      col('p50_ms', 'number', 'ms'),
      col('p95_ms', 'number', 'ms'),
    ],
    plantScoped: true,
    // Fan-out steps carry child keys, so their offsets are measured from the child's first event.
    build: (ctx) => sql`SELECT step, count() AS transactions, round(quantile(0.5)(offset_ms)) AS p50_ms,
        round(quantile(0.95)(offset_ms)) AS p95_ms
        FROM (
          SELECT step, dateDiff('millisecond', min(at) OVER (PARTITION BY key), at) AS offset_ms,
            count() OVER (PARTITION BY key) AS steps_seen
          FROM (
            SELECT key, toString(step) AS step, min(time) AS at FROM ${ctx.table('business_events')}
            WHERE ${eventFilters(ctx)} AND outcome = 'ok' GROUP BY key, step
          )
        )
        WHERE steps_seen >= 2 GROUP BY step ORDER BY p50_ms, step LIMIT 200`,
  },
  {
    name: 'service_red',
    description: 'Per service: spans, errors, error rate and latency percentiles from the traces.',
    params: [RANGE, SERVICE, limit(100)],
    columns: [
      col('service', 'string'),
      col('spans', 'number', 'count'),
      col('errors', 'number', 'count'),
      col('error_pct', 'number', 'percent'),
      col('p50_ms', 'number', 'ms'),
      col('p95_ms', 'number', 'ms'),
      col('p99_ms', 'number', 'ms'),
    ],
    plantScoped: false,
    build: (ctx) => {
      const svc = ctx.params.service ? sql` AND ServiceName = ${String(ctx.params.service)}` : sql.empty();
      return sql`SELECT toString(ServiceName) AS service, count() AS spans, countIf(StatusCode = 'Error') AS errors,
        round(100 * errors / spans, 2) AS error_pct,
        round(quantile(0.5)(Duration) / 1e6, 1) AS p50_ms, round(quantile(0.95)(Duration) / 1e6, 1) AS p95_ms,
        round(quantile(0.99)(Duration) / 1e6, 1) AS p99_ms
        FROM ${ctx.table('otel_traces')} WHERE Timestamp >= ${since(ctx)}${svc}
        GROUP BY service ORDER BY errors DESC, spans DESC LIMIT ${Number(ctx.params.limit)}`;
    },
  },
  {
    name: 'service_latency_over_time',
    description: 'Per service and time bucket: span count, errors and p95 latency.',
    params: [RANGE, SERVICE],
    columns: [
      col('t', 'time'),
      col('series', 'string'),
      col('spans', 'number', 'count'),
      col('errors', 'number', 'count'),
      col('p95_ms', 'number', 'ms'),
    ],
    plantScoped: false,
    build: (ctx) => {
      const svc = ctx.params.service ? sql` AND ServiceName = ${String(ctx.params.service)}` : sql.empty();
      const bucket = bucketSeconds(Number(ctx.params.range));
      return sql`SELECT ${isoTime(sql`toStartOfInterval(Timestamp, toIntervalSecond(${bucket}))`)} AS t,
        toString(ServiceName) AS series, count() AS spans, countIf(StatusCode = 'Error') AS errors,
        round(quantile(0.95)(Duration) / 1e6, 1) AS p95_ms
        FROM ${ctx.table('otel_traces')} WHERE Timestamp >= ${since(ctx)}${svc}
        GROUP BY t, series ORDER BY t, series LIMIT 5000`;
    },
  },
  {
    name: 'collector_self_over_time',
    description: "The collector's own measures (accepted, rejected, spool bytes …) summed per time bucket.",
    params: [
      RANGE,
      { name: 'measure', type: 'string', description: 'only this measure', required: false, default: '' },
      { name: 'component', type: 'string', description: 'only this component', required: false, default: '' },
      {
        name: 'by',
        type: 'string',
        description: 'split series by measure, component, signal or reason',
        required: true,
        default: 'measure',
        oneOf: ['measure', 'component', 'signal', 'reason'],
      },
      {
        name: 'agg',
        type: 'string',
        description: 'sum for counters (rows inserted), max or avg for gauges (spool bytes)',
        required: true,
        default: 'sum',
        oneOf: ['sum', 'max', 'avg'],
      },
    ],
    columns: [col('t', 'time'), col('series', 'string'), col('value', 'number')],
    plantScoped: false,
    build: (ctx) => {
      const p = ctx.params;
      const by = sql.id(sql.keyword(String(p.by), ['measure', 'component', 'signal', 'reason']).text);
      const where: SqlQuery[] = [sql`time >= ${since(ctx)}`];
      if (p.measure) where.push(sql`measure = ${String(p.measure)}`);
      if (p.component) where.push(sql`component = ${String(p.component)}`);
      const agg = sql.keyword(String(p.agg), ['sum', 'max', 'avg']);
      const bucket = bucketSeconds(Number(p.range));
      // Gauges are one sample per component per interval: max/avg of the per-interval sums across components.
      return sql`SELECT t, series, round(${agg}(v), 3) AS value FROM (
        SELECT ${isoTime(sql`toStartOfInterval(time, toIntervalSecond(${bucket}))`)} AS t, toString(${by}) AS series, time,
        sum(value) AS v
        FROM ${ctx.table('linewatch_self')} WHERE ${sql.join(where, ' AND ')}
        GROUP BY t, series, time) GROUP BY t, series ORDER BY t, series LIMIT 5000`;
    },
  },
  {
    name: 'collector_self_totals',
    description:
      "The collector's own measures summed over the range, per component, signal, measure and reason.",
    params: [RANGE],
    columns: [
      col('component', 'string'),
      col('signal', 'string'),
      col('measure', 'string'),
      col('reason', 'string'),
      col('value', 'number'),
    ],
    plantScoped: false,
    build: (
      ctx,
    ) => sql`SELECT toString(component) AS component, toString(signal) AS signal, toString(measure) AS measure,
        toString(reason) AS reason, round(sum(value), 3) AS value
        FROM ${ctx.table('linewatch_self')} WHERE time >= ${since(ctx)}
        GROUP BY component, signal, measure, reason ORDER BY component, signal, measure, reason LIMIT 1000`,
  },
  {
    name: 'metric_over_time',
    description:
      'A gauge metric (queue depth, oldest message age …) averaged and maxed per time bucket, split by an attribute.',
    params: [
      RANGE,
      { name: 'metric', type: 'string', description: 'the metric name', required: true },
      {
        name: 'attribute',
        type: 'string',
        description: 'split series by this data-point attribute (none when empty)',
        required: false,
        default: '',
      },
    ],
    columns: [col('t', 'time'), col('series', 'string'), col('avg', 'number'), col('max', 'number')],
    plantScoped: false,
    build: (ctx) => {
      const p = ctx.params;
      const series = p.attribute ? sql`Attributes[${String(p.attribute)}]` : sql`MetricName`;
      const bucket = bucketSeconds(Number(p.range));
      return sql`SELECT ${isoTime(sql`toStartOfInterval(TimeUnix, toIntervalSecond(${bucket}))`)} AS t, ${series} AS series,
        round(avg(Value), 3) AS avg, round(max(Value), 3) AS max
        FROM ${ctx.table('otel_metrics_gauge')} WHERE MetricName = ${String(p.metric)} AND TimeUnix >= ${since(ctx)}
        GROUP BY t, series ORDER BY t, series LIMIT 5000`;
    },
  },
];

/** Every named query, by name. */
export const namedQueries: ReadonlyMap<string, NamedQuery> = new Map(queries.map((q) => [q.name, q]));

/** The public description of a named query (no builder, no limits). */
export function describeQuery(q: NamedQuery): NamedQueryInfo {
  return {
    name: q.name,
    description: q.description,
    params: q.params.map((p) => {
      const { name, type, description, required } = p;
      return p.default === undefined
        ? { name, type, description, required }
        : { name, type, description, required, default: p.default };
    }),
    columns: q.columns,
  };
}

/** The outcome of parsing parameter values for a named query. */
export type ParamsResult = { ok: true; values: QueryParamValues } | { ok: false; issues: string[] };

/**
 * Parses raw parameter values (query string or a dashboard file) for a query: unknown names,
 * missing required values, malformed durations and out-of-range numbers are issues.
 * @example parseQueryParams(namedQueries.get('event_totals')!, { range: '1h' })
 */
export function parseQueryParams(
  q: NamedQuery,
  raw: Readonly<Record<string, string | number | undefined>>,
): ParamsResult {
  const issues: string[] = [];
  const values: QueryParamValues = {};
  const known = new Set(q.params.map((p) => p.name));
  for (const name of Object.keys(raw))
    if (!known.has(name))
      issues.push(`${name}: unknown parameter of ${q.name} (known: ${[...known].join(', ')})`);
  for (const p of q.params as ParamDef[]) {
    const given = raw[p.name];
    const value = given === undefined || given === '' ? p.default : given;
    if (value === undefined || value === '') {
      if (p.required) issues.push(`${p.name}: required`);
      else values[p.name] = '';
      continue;
    }
    const text = String(value).trim();
    if (p.type === 'duration') {
      const ms = typeof value === 'number' ? value : parseDuration(text);
      if (ms === undefined)
        issues.push(`${p.name}: expected a duration like "6h", got ${JSON.stringify(text)}`);
      else if ((p.min !== undefined && ms < p.min) || (p.max !== undefined && ms > p.max))
        issues.push(`${p.name}: must be between ${p.min ?? 0} ms and ${p.max ?? Infinity} ms`);
      else values[p.name] = ms;
    } else if (p.type === 'int') {
      const n = Number(text);
      if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n))
        issues.push(`${p.name}: expected an integer, got ${JSON.stringify(text)}`);
      else if ((p.min !== undefined && n < p.min) || (p.max !== undefined && n > p.max))
        issues.push(`${p.name}: must be between ${p.min ?? '-∞'} and ${p.max ?? '∞'}`);
      else values[p.name] = n;
    } else {
      if (text.length > 512) issues.push(`${p.name}: at most 512 characters`);
      else if (p.oneOf && !p.oneOf.includes(text))
        issues.push(`${p.name}: expected one of ${p.oneOf.join(', ')}, got ${JSON.stringify(text)}`);
      else values[p.name] = text;
    }
  }
  return issues.length ? { ok: false, issues } : { ok: true, values };
}
