import { sql, type SqlQuery, type Store } from '@linewatch/store';
import type { WeekWindow } from './isoWeek.ts';
import type {
  CategoryRow,
  IncidentRow,
  ReportData,
  ReportScope,
  StatusRow,
  TrendRow,
  WorstRow,
} from './model.ts';

/** What to read for one report. */
export interface ReportQuery {
  window: WeekWindow;
  scope: ReportScope;
  /** The flows in scope (an owner scope names its flows here). */
  flows: readonly string[];
  /** The caller's plants (empty: all). */
  plants: readonly string[];
  /** The trend's weeks, oldest first, ending with the report's week. */
  trend: readonly WeekWindow[];
  /** The time overdue is measured at (the report's generation time). */
  asOf: number;
}

const ms = (v: number) => sql`fromUnixTimestamp64Milli(${sql.param(Math.round(v), 'Int64')})`;
const num = (v: unknown) => Number(v ?? 0);
const maybe = (v: unknown) => (v === null || v === undefined || Number.isNaN(Number(v)) ? null : Number(v));

// Aliases never reuse a column name: in ClickHouse a SELECT alias shadows the column in WHERE.
function scopeFilter(q: ReportQuery, from: number, to: number): SqlQuery {
  const parts = [
    sql`started_at >= ${ms(from)}`,
    sql`started_at < ${ms(to)}`,
    sql`flow IN ${sql.param([...q.flows], 'Array(String)')}`,
  ];
  if (q.scope.kind === 'plant') parts.push(sql`plant = ${q.scope.plant}`);
  if (q.plants.length) parts.push(sql`plant IN ${sql.param([...q.plants], 'Array(String)')}`);
  return sql.join(parts, ' AND ');
}

async function statuses(store: Store, q: ReportQuery): Promise<StatusRow[]> {
  const rows = await store.query<Record<string, unknown>>(sql`
    SELECT CAST(flow, 'String') AS flow_id, CAST(plant, 'String') AS plant_id, grouping(plant) AS all_plants,
      count() AS volume, countIf(status = 'in_progress') AS in_progress, countIf(status = 'completed') AS completed,
      countIf(status = 'late') AS late, countIf(status = 'missing') AS missing, countIf(status = 'failed') AS failed,
      countIf(status = 'recovered') AS recovered, countIf(status = 'duplicate') AS duplicate,
      quantileExactIf(0.5)(e2e_ms, e2e_ms IS NOT NULL) AS p50, quantileExactIf(0.95)(e2e_ms, e2e_ms IS NOT NULL) AS p95,
      countIf(e2e_ms IS NOT NULL) AS timed
    FROM ${store.table('transactions')} FINAL
    WHERE ${scopeFilter(q, q.window.start, q.window.end)}
    GROUP BY GROUPING SETS ((flow, plant), (flow))`);
  return rows.map((r) => ({
    flow: String(r.flow_id),
    plant: num(r.all_plants) === 1 ? null : String(r.plant_id),
    volume: num(r.volume),
    inProgress: num(r.in_progress),
    completed: num(r.completed),
    late: num(r.late),
    missing: num(r.missing),
    failed: num(r.failed),
    recovered: num(r.recovered),
    duplicate: num(r.duplicate),
    p50E2eMs: num(r.timed) > 0 ? maybe(r.p50) : null,
    p95E2eMs: num(r.timed) > 0 ? maybe(r.p95) : null,
  }));
}

async function categories(store: Store, q: ReportQuery): Promise<CategoryRow[]> {
  const rows = await store.query<Record<string, unknown>>(sql`
    SELECT CAST(flow, 'String') AS flow_id, CAST(plant, 'String') AS plant_id, grouping(plant) AS all_plants,
      if(error_category = '', '(none)', CAST(error_category, 'String')) AS category, count() AS n
    FROM ${store.table('transactions')} FINAL
    WHERE ${scopeFilter(q, q.window.start, q.window.end)} AND status = 'failed'
    GROUP BY GROUPING SETS ((flow, plant, category), (flow, category))`);
  return rows.map((r) => ({
    flow: String(r.flow_id),
    plant: num(r.all_plants) === 1 ? null : String(r.plant_id),
    category: String(r.category),
    count: num(r.n),
  }));
}

async function worst(store: Store, q: ReportQuery): Promise<WorstRow[]> {
  // Overdue: a late step's lateness; a missing step's time past its deadline at `asOf`; a failed
  // transaction's time since it started (it has delivered nothing since).
  const asOf = Math.round(q.asOf);
  const rows = await store.query<Record<string, unknown>>(sql`
    SELECT key AS tx_key, CAST(flow, 'String') AS flow_id, CAST(plant, 'String') AS plant_id,
      CAST(status, 'String') AS tx_status, reason AS tx_reason, toUnixTimestamp64Milli(started_at) AS started_ms,
      greatest(0, multiIf(
        status = 'late', coalesce(late_by_ms, 0),
        status = 'missing', ${sql.param(asOf, 'Int64')} - coalesce(toUnixTimestamp64Milli(problem_deadline_at), ${sql.param(asOf, 'Int64')}),
        ${sql.param(asOf, 'Int64')} - toUnixTimestamp64Milli(started_at))) AS overdue,
      CAST(problem_step, 'String') AS step_id, CAST(error_category, 'String') AS category
    FROM ${store.table('transactions')} FINAL
    WHERE ${scopeFilter(q, q.window.start, q.window.end)} AND status IN ('late', 'missing', 'failed')
    ORDER BY overdue DESC, flow_id, tx_key
    LIMIT 10`);
  return rows.map((r) => ({
    flow: String(r.flow_id),
    key: String(r.tx_key),
    plant: String(r.plant_id),
    status: String(r.tx_status) as WorstRow['status'],
    reason: String(r.tx_reason),
    startedAt: num(r.started_ms),
    overdueMs: num(r.overdue),
    problemStep: String(r.step_id),
    errorCategory: String(r.category),
  }));
}

async function trend(store: Store, q: ReportQuery): Promise<TrendRow[]> {
  const first = q.trend[0];
  const last = q.trend[q.trend.length - 1];
  if (!first || !last) return [];
  // The week of a transaction: how many week starts lie at or before its start (1 = oldest).
  const starts = q.trend.map((w) => w.start);
  const rows = await store.query<Record<string, unknown>>(sql`
    SELECT CAST(flow, 'String') AS flow_id,
      arrayCount(b -> b <= toUnixTimestamp64Milli(started_at), ${sql.param(starts, 'Array(Int64)')}) AS week_no,
      count() AS volume, countIf(status IN ('completed', 'recovered')) AS on_time,
      countIf(status != 'in_progress') AS finished
    FROM ${store.table('transactions')} FINAL
    WHERE ${scopeFilter(q, first.start, last.end)}
    GROUP BY flow_id, week_no`);
  return rows.map((r) => ({
    flow: String(r.flow_id),
    week: q.trend[num(r.week_no) - 1]?.week ?? '',
    volume: num(r.volume),
    onTime: num(r.on_time),
    finished: num(r.finished),
  }));
}

async function incidents(store: Store, q: ReportQuery): Promise<IncidentRow[] | null> {
  const present = await store.query<{ n: number }>(sql`
    SELECT count() AS n FROM system.tables
    WHERE database = ${store.database} AND name IN ('alerts', 'alert_acks')`);
  if (num(present[0]?.n) < 2) return null;
  const plantParts: SqlQuery[] = [];
  if (q.scope.kind === 'plant') plantParts.push(sql`AND plant = ${q.scope.plant}`);
  if (q.plants.length) plantParts.push(sql`AND plant IN ${sql.param([...q.plants], 'Array(String)')}`);
  // An owner scope counts the alerts of its flows only; the others also count alerts about no flow.
  const flowPart =
    q.scope.kind === 'owner' ? sql`AND flow IN ${sql.param([...q.flows], 'Array(String)')}` : sql.empty();
  const rows = await store.query<Record<string, unknown>>(sql`
    SELECT a.id AS alert_id, CAST(a.tier, 'String') AS tier_id, CAST(a.rule, 'String') AS rule_id,
      CAST(a.plant, 'String') AS plant_id, CAST(a.flow, 'String') AS flow_id,
      toUnixTimestamp64Milli(a.starts_at) AS starts_ms, toUnixTimestamp64Milli(a.fired_at) AS fired_ms,
      toUnixTimestamp64Milli(a.ends_at) AS ends_ms, k.first_ack AS ack_ms
    FROM (
      SELECT * FROM ${store.table('alerts')} FINAL
      WHERE fired_at IS NOT NULL AND fired_at >= ${ms(q.window.start)} AND fired_at < ${ms(q.window.end)}
        ${sql.join(plantParts, ' ')} ${flowPart}
    ) AS a
    LEFT JOIN (
      SELECT alert_id, min(toUnixTimestamp64Milli(at)) AS first_ack FROM ${store.table('alert_acks')} GROUP BY alert_id
    ) AS k ON k.alert_id = a.id
    SETTINGS join_use_nulls = 1`);
  return rows.map((r) => {
    const ack = [maybe(r.ack_ms)].filter((v): v is number => v !== null && v > 0);
    return {
      id: String(r.alert_id),
      tier: String(r.tier_id),
      rule: String(r.rule_id),
      plant: String(r.plant_id),
      flow: String(r.flow_id),
      startsAt: num(r.starts_ms),
      firedAt: num(r.fired_ms),
      acknowledgedAt: ack[0] ?? null,
      resolvedAt: maybe(r.ends_ms),
    };
  });
}

/**
 * Reads the aggregates of one report from `transactions` (latest version of each, FINAL) and the
 * alerting tables: a handful of small grouped results, whatever the volume.
 * @example const data = await queryReportData(store, { window, scope: { kind: 'all' }, flows, plants: [], trend, asOf: Date.now() })
 */
export async function queryReportData(store: Store, q: ReportQuery): Promise<ReportData> {
  if (q.flows.length === 0) return { statuses: [], categories: [], worst: [], trend: [], incidents: [] };
  // One operation at a time per connection (CHDB-NOTES trap 2): sequential keeps the order stable.
  return {
    statuses: await statuses(store, q),
    categories: await categories(store, q),
    worst: await worst(store, q),
    trend: await trend(store, q),
    incidents: await incidents(store, q),
  };
}
