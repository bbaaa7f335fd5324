import type { FlowHealth, FlowHealthRow } from '@linewatch/schema';
import { sql, type SqlQuery, type Store } from '@linewatch/store';
import { msTime } from './sqlValues.ts';
import type { FlowSnapshot } from './flowRegistry.ts';

/** Which transactions flow health counts: started in [from, to), optionally one flow and plant. */
export interface FlowHealthFilter {
  from: number;
  to: number;
  flow?: string;
  plant?: string;
  /** The caller's plants (empty = all). */
  plants: readonly string[];
}

interface HealthRow {
  flow: string;
  plant: string;
  total: number;
  volume: number;
  in_progress: number;
  completed: number;
  late: number;
  missing: number;
  failed: number;
  recovered: number;
  duplicate: number;
  p50: number | null;
  p95: number | null;
}

/** Transaction filters shared by the read queries: time range on started_at, flow, plant, the caller's plants. */
export function transactionFilters(f: {
  from?: number;
  to?: number;
  flow?: string;
  plant?: string;
  plants: readonly string[];
}): SqlQuery {
  const parts: SqlQuery[] = [];
  if (f.from !== undefined) parts.push(sql`started_at >= ${msTime(f.from)}`);
  if (f.to !== undefined) parts.push(sql`started_at < ${msTime(f.to)}`);
  if (f.flow !== undefined) parts.push(sql`flow = ${f.flow}`);
  if (f.plant !== undefined) parts.push(sql`plant = ${f.plant}`);
  if (f.plants.length) parts.push(sql`plant IN ${sql.param(f.plants, 'Array(String)')}`);
  return parts.length ? sql.join(parts, ' AND ') : sql`1`;
}

function toRow(
  r: HealthRow | undefined,
  flow: string,
  plant: string | null,
  snapshot: FlowSnapshot,
): FlowHealthRow {
  const def = snapshot.flows.get(flow);
  const n = (v: number | undefined) => Number(v ?? 0);
  const volume = n(r?.volume);
  const inProgress = n(r?.in_progress);
  const onTime = n(r?.completed) + n(r?.recovered);
  const finished = volume - inProgress;
  const ratio = finished > 0 ? onTime / finished : null;
  const target = def?.slo.onTimeTarget ?? 0.99;
  const q = (v: number | null | undefined) =>
    v === null || v === undefined || Number.isNaN(Number(v)) ? null : Math.round(Number(v));
  return {
    flow,
    plant,
    name: def?.name ?? flow,
    criticality: def?.criticality ?? 'informational',
    volume,
    inProgress,
    completed: n(r?.completed),
    onTime,
    late: n(r?.late),
    missing: n(r?.missing),
    failed: n(r?.failed),
    recovered: n(r?.recovered),
    duplicate: n(r?.duplicate),
    onTimeRatio: ratio,
    p50E2eMs: q(r?.p50),
    p95E2eMs: q(r?.p95),
    sloTarget: target,
    sloAttainment: ratio === null ? null : Math.min(1, ratio / target),
    sloMet: ratio === null ? null : ratio >= target,
  };
}

/**
 * Flow health over transactions started in a range: volume, on time, late, missing, failed,
 * duplicate, p50/p95 end-to-end time and SLO attainment, per flow and per flow and plant. Every
 * defined flow has a total row, with zeros when nothing started.
 * @example await flowHealth(store, flows.snapshot(), { from: Date.now() - 86_400_000, to: Date.now(), plants: [] })
 */
export async function flowHealth(
  store: Store,
  snapshot: FlowSnapshot,
  filter: FlowHealthFilter,
): Promise<Omit<FlowHealth, 'dataLagMs'>> {
  const rows = await store.query<HealthRow>(sql`
    SELECT CAST(flow, 'String') AS flow, CAST(plant, 'String') AS plant, grouping(plant) AS total,
      count() AS volume,
      countIf(status = 'in_progress') AS in_progress, countIf(status = 'completed') AS completed,
      countIf(status = 'late') AS late, countIf(status = 'missing') AS missing, countIf(status = 'failed') AS failed,
      countIf(status = 'recovered') AS recovered, countIf(status = 'duplicate') AS duplicate,
      quantile(0.5)(e2e_ms) AS p50, quantile(0.95)(e2e_ms) AS p95
    FROM ${store.table('transactions')} FINAL
    WHERE ${transactionFilters(filter)}
    GROUP BY GROUPING SETS ((flow, plant), (flow))
    ORDER BY flow, plant`);
  const totals = new Map(rows.filter((r) => Number(r.total) === 1).map((r) => [r.flow, r]));
  const flowIds =
    filter.flow !== undefined
      ? [filter.flow]
      : [...new Set([...snapshot.flows.keys(), ...totals.keys()])].sort();
  return {
    from: new Date(filter.from).toISOString(),
    to: new Date(filter.to).toISOString(),
    flows: flowIds.map((id) => toRow(totals.get(id), id, null, snapshot)),
    plants: rows.filter((r) => Number(r.total) === 0).map((r) => toRow(r, r.flow, r.plant, snapshot)),
  };
}
