import type { AlertRule } from '@linewatch/schema';
import { sql, type Store } from '@linewatch/store';
import type { RuleSample } from './evaluateFlowRule.ts';

type ConnectorRule = Extract<AlertRule, { kind: 'connector' }>;

/** When each system last reported at each plant, as the query returns it. */
export interface LastSeenRow {
  system: string;
  plant: string;
  lastSeen: number;
}

/**
 * Silence samples: a system that reported at a plant within the lookback but not within the window is
 * silent (value: minutes since it was last heard from). Systems never seen are not expected.
 * @example silenceSamples([{ system: 'mes', plant: 'P02', lastSeen: now - 600_000 }], 300_000, now)[0].active // true
 */
export function silenceSamples(rows: readonly LastSeenRow[], windowMs: number, now: number): RuleSample[] {
  return rows.map((r) => {
    const silentMs = Math.max(0, now - r.lastSeen);
    return {
      labels: { system: r.system, plant: r.plant, condition: 'silence' },
      value: Math.round(silentMs / 60_000),
      active: silentMs >= windowMs,
      examples: [],
      transactions: 0,
    };
  });
}

/**
 * The last event time of each of the rule's systems at each plant over the lookback (business events,
 * including those derived from `biz.*` spans, carry system and plant).
 */
export async function queryLastSeen(store: Store, rule: ConnectorRule, now: number): Promise<LastSeenRow[]> {
  const c = rule.condition;
  const lookback = c.measure === 'silence' ? c.lookback : 86_400_000;
  const systems = rule.systems.includes('*')
    ? sql.empty()
    : sql`AND system IN ${sql.param(rule.systems, 'Array(String)')}`;
  const plants = rule.plants.length
    ? sql`AND plant IN ${sql.param(rule.plants, 'Array(String)')}`
    : sql.empty();
  const rows = await store.query<{ system: string; plant: string; last: number }>(sql`
    SELECT CAST(system, 'String') AS system, CAST(plant, 'String') AS plant,
      toUnixTimestamp64Milli(max(time)) AS last
    FROM ${store.table('business_events')}
    WHERE time >= fromUnixTimestamp64Milli(${sql.param(Math.round(now - lookback), 'Int64')})
      AND time < fromUnixTimestamp64Milli(${sql.param(Math.round(now), 'Int64')})
      AND system != '' AND plant != '' ${systems} ${plants}
    GROUP BY system, plant
    ORDER BY system, plant
    SETTINGS max_execution_time = 30`);
  return rows.map((r) => ({ system: r.system, plant: r.plant, lastSeen: Number(r.last) }));
}
