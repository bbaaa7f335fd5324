import type { AlertRule } from '@linewatch/schema';
import { sql, type Store } from '@linewatch/store';
import { compare, type RuleSample } from './evaluateFlowRule.ts';

type ConnectorRule = Extract<AlertRule, { kind: 'connector' }>;
type RedCondition = Extract<ConnectorRule['condition'], { measure: 'error_rate' | 'p95_latency' }>;

/** Calls, errors and p95 duration of a system's entry spans at a plant over a rule's window. */
export interface ConnectorRedRow {
  system: string;
  plant: string;
  calls: number;
  errors: number;
  /** p95 of the span durations in milliseconds. */
  p95Ms: number;
}

/**
 * Error-rate and latency samples of a connector rule: one per system and plant that handled at least
 * `minCalls` calls in the window (fewer: too little traffic to judge, never active). The value is the
 * error share (0–1) or the p95 in milliseconds.
 * @example connectorRedSamples(condition, [{ system: 'mes', plant: 'P02', calls: 100, errors: 30, p95Ms: 80 }])[0].active
 */
export function connectorRedSamples(c: RedCondition, rows: readonly ConnectorRedRow[]): RuleSample[] {
  return rows.map((r) => {
    const value = c.measure === 'error_rate' ? (r.calls > 0 ? r.errors / r.calls : 0) : r.p95Ms;
    return {
      labels: { system: r.system, plant: r.plant, condition: c.measure },
      value,
      active: r.calls >= c.minCalls && compare(value, c.op, c.threshold),
      examples: [],
      transactions: 0,
    };
  });
}

/**
 * Entry spans (server and consumer spans, and roots) per system and plant over the window ending at
 * `now`, from the per-span projection the dependency map also reads (one row per span under FINAL).
 */
export async function queryConnectorRed(
  store: Store,
  rule: ConnectorRule,
  c: RedCondition,
  now: number,
): Promise<ConnectorRedRow[]> {
  const systems = rule.systems.includes('*')
    ? sql.empty()
    : sql`AND ServiceName IN ${sql.param(rule.systems, 'Array(String)')}`;
  const plants = rule.plants.length
    ? sql`AND Plant IN ${sql.param(rule.plants, 'Array(String)')}`
    : sql.empty();
  const rows = await store.query<{
    system: string;
    plant: string;
    calls: number;
    errors: number;
    p95: number;
  }>(sql`
    SELECT CAST(ServiceName, 'String') AS system, CAST(Plant, 'String') AS plant, count() AS calls,
      sum(IsError) AS errors, quantile(0.95)(Duration) / 1e6 AS p95
    FROM ${store.table('span_edge_candidates')} FINAL
    WHERE Timestamp >= fromUnixTimestamp64Milli(${sql.param(Math.round(now - c.window), 'Int64')})
      AND Timestamp < fromUnixTimestamp64Milli(${sql.param(Math.round(now), 'Int64')})
      AND (Kind IN ('Server', 'Consumer') OR ParentSpanId = '') AND Plant != '' ${systems} ${plants}
    GROUP BY system, plant
    ORDER BY system, plant
    SETTINGS max_execution_time = 30`);
  return rows.map((r) => ({
    system: r.system,
    plant: r.plant,
    calls: Number(r.calls),
    errors: Number(r.errors),
    p95Ms: Number(r.p95),
  }));
}
