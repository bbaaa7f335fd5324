import type { AlertRule } from '@linewatch/schema';
import { sql, type Store } from '@linewatch/store';
import { compare, type RuleSample } from './evaluateFlowRule.ts';

type QueueRule = Extract<AlertRule, { kind: 'queue' }>;

// Queue gauges as the collector stores them (collector/src/pollers, the MQTT gateway, OTLP metrics).
const DEPTH = 'integration.queue.depth';
const OLDEST_AGE = 'integration.queue.oldest_age';

/** One queue's reported points over the rule's span, oldest first. */
export interface QueuePoints {
  queue: string;
  plant: string;
  /** [epoch ms, value] of the measured gauge. */
  points: [number, number][];
}

/** True when a name matches a pattern with `*` wildcards. */
export function wildcardMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(name);
}

/**
 * Queue samples: depth or oldest age (seconds, compared with the threshold in milliseconds) from the
 * latest point; `growing` when the depth never fell over the span and rose by at least `minIncrease`.
 * @example queueSamples(rule, [{ queue: 'p02.mes.x', plant: 'P02', points: [[t, 3], [t + 60_000, 9]] }])
 */
export function queueSamples(rule: QueueRule, series: readonly QueuePoints[]): RuleSample[] {
  const c = rule.condition;
  return series
    .filter((s) => s.points.length > 0 && rule.queues.some((p) => wildcardMatch(p, s.queue)))
    .map((s) => {
      const last = (s.points.at(-1) as [number, number])[1];
      let value: number;
      let active: boolean;
      if (c.measure === 'depth') {
        value = last;
        active = compare(last, c.op, c.threshold);
      } else if (c.measure === 'oldest_age') {
        value = last;
        active = compare(last * 1000, c.op, c.threshold);
      } else {
        const first = (s.points[0] as [number, number])[1];
        const span = (s.points.at(-1) as [number, number])[0] - (s.points[0] as [number, number])[0];
        const monotone = s.points.every(
          (p, i) => i === 0 || p[1] >= (s.points[i - 1] as [number, number])[1],
        );
        value = last - first;
        // The span must be (nearly) covered: one scrape interval of slack at the start.
        active = monotone && value >= c.minIncrease && span >= c.over * 0.8;
      }
      return {
        labels: { queue: s.queue, plant: s.plant, condition: c.measure },
        value,
        active,
        examples: [],
        transactions: 0,
      };
    });
}

/** The rule's gauge per queue and plant over its span (per-minute last values), oldest first. */
export async function queryQueuePoints(store: Store, rule: QueueRule, now: number): Promise<QueuePoints[]> {
  const c = rule.condition;
  const metric = c.measure === 'oldest_age' ? OLDEST_AGE : DEPTH;
  const span = c.measure === 'growing' ? c.over : 5 * 60_000;
  const plantExpr = sql`if(Attributes['biz.plant'] != '', Attributes['biz.plant'], ResourceAttributes['biz.plant'])`;
  const rows = await store.query<{ queue: string; plant: string; t: number[]; v: number[] }>(sql`
    SELECT queue, plant, groupArray(m) AS t, groupArray(value) AS v FROM (
      SELECT Attributes['queue.name'] AS queue, ${plantExpr} AS plant,
        toUnixTimestamp(toStartOfMinute(TimeUnix)) * 1000 AS m, argMax(Value, TimeUnix) AS value
      FROM ${store.table('otel_metrics_gauge')}
      WHERE MetricName = ${metric} AND Attributes['queue.name'] != ''
        AND TimeUnix >= fromUnixTimestamp64Milli(${sql.param(Math.round(now - span), 'Int64')})
        AND TimeUnix < fromUnixTimestamp64Milli(${sql.param(Math.round(now), 'Int64')})
      GROUP BY queue, plant, m
      ORDER BY queue, plant, m
    )
    ${rule.plants.length ? sql`WHERE plant IN ${sql.param(rule.plants, 'Array(String)')}` : sql.empty()}
    GROUP BY queue, plant
    ORDER BY queue, plant
    SETTINGS max_execution_time = 30`);
  return rows.map((r) => ({
    queue: r.queue,
    plant: r.plant,
    points: r.t.map((t, i) => [Number(t), Number(r.v[i])] as [number, number]).sort((a, b) => a[0] - b[0]),
  }));
}
