import type { AlertRule } from '@linewatch/schema';
import { sql, type Store } from '@linewatch/store';
import type { RuleSample } from './evaluateFlowRule.ts';
import { wildcardMatch } from './evaluateQueueRule.ts';

type PollerRule = Extract<AlertRule, { kind: 'poller' }>;

/** A poller's scrapes over the window: how many and how many succeeded. */
export interface PollerScrapeRow {
  poller: string;
  pollerType: string;
  plant: string;
  scrapes: number;
  ups: number;
  /** Queues the poller reported before (up to 2 distinct; looked up only for a poller that is down). */
  queues?: readonly string[];
}

/** How far back a down poller's queues are looked up: the metrics retention, so a long outage keeps its node. */
const QUEUES_LOOKBACK_MS = 7 * 24 * 3_600_000;

/**
 * Poller samples: a poller whose every scrape in the window failed (`linewatch.poller.up` = 0) is
 * down; one that scraped nothing in the window is not judged (it is stopped or not configured here).
 * The value is the number of failed scrapes.
 *
 * A poller's target on the dependency map is the queue it reports (node `messaging:<queue>`, as
 * nodeOf derives it from a `queue` label), so a down poller can be the cause of the flow alerts that
 * depend on that queue. A poller reporting several queues (a whole vhost or stream) has no single
 * node: its alert then has none and stays a cause of nothing.
 * @example pollerSamples(rule, [{ poller: 'rabbit', pollerType: 'rabbitmq', plant: 'P02', scrapes: 4, ups: 0 }])[0].active // true
 */
export function pollerSamples(rule: PollerRule, rows: readonly PollerScrapeRow[]): RuleSample[] {
  return rows
    .filter((r) => rule.pollers.some((p) => wildcardMatch(p, r.poller)))
    .map((r) => ({
      labels: {
        poller: r.poller,
        ...(r.pollerType ? { poller_type: r.pollerType } : {}),
        ...(r.plant ? { plant: r.plant } : {}),
        ...(r.queues?.length === 1 ? { queue: r.queues[0] } : {}),
        condition: 'poller_down',
      },
      value: r.scrapes - r.ups,
      active: r.scrapes > 0 && r.ups === 0,
      examples: [],
      transactions: 0,
    }));
}

/**
 * Scrapes per poller over the rule's window ending at `now` (the collector writes one gauge per
 * scrape), with the queues each down poller reported in the week before (its target node).
 */
export async function queryPollerScrapes(
  store: Store,
  rule: PollerRule,
  now: number,
): Promise<PollerScrapeRow[]> {
  const attr = (key: string) =>
    sql`if(Attributes[${key}] != '', Attributes[${key}], ResourceAttributes[${key}])`;
  const plants = rule.plants.length
    ? sql`HAVING plant IN ${sql.param(rule.plants, 'Array(String)')}`
    : sql.empty();
  const rows = await store.query<PollerScrapeRow>(sql`
    SELECT ${attr('linewatch.poller.name')} AS poller, any(${attr('linewatch.poller.type')}) AS pollerType,
      ${attr('biz.plant')} AS plant, count() AS scrapes, countIf(Value = 1) AS ups
    FROM ${store.table('otel_metrics_gauge')}
    WHERE MetricName = 'linewatch.poller.up'
      AND TimeUnix >= fromUnixTimestamp64Milli(${sql.param(Math.round(now - rule.window), 'Int64')})
      AND TimeUnix < fromUnixTimestamp64Milli(${sql.param(Math.round(now), 'Int64')})
    GROUP BY poller, plant ${plants}
    ORDER BY poller, plant
    SETTINGS max_execution_time = 30`);
  const scrapes = rows
    .filter((r) => r.poller !== '')
    .map((r) => ({ ...r, scrapes: Number(r.scrapes), ups: Number(r.ups) }));
  // Only the down pollers' queues: the lookup scans a week of queue gauges, so it runs during outages
  // only (measured on chDB: 60–110 ms over a week of 50 queues' depth every 15 s, 2M points).
  const down = [...new Set(scrapes.filter((r) => r.scrapes > 0 && r.ups === 0).map((r) => r.poller))];
  if (!down.length) return scrapes;
  const queues = await store.query<{ reporter: string; queues: string[] }>(sql`
    SELECT ResourceAttributes['linewatch.poller.name'] AS reporter,
      groupUniqArray(2)(Attributes['queue.name']) AS queues
    FROM ${store.table('otel_metrics_gauge')}
    WHERE MetricName = 'integration.queue.depth'
      AND ResourceAttributes['linewatch.poller.name'] IN ${sql.param(down, 'Array(String)')}
      AND Attributes['queue.name'] != ''
      AND TimeUnix >= fromUnixTimestamp64Milli(${sql.param(Math.round(now - QUEUES_LOOKBACK_MS), 'Int64')})
      AND TimeUnix < fromUnixTimestamp64Milli(${sql.param(Math.round(now), 'Int64')})
    GROUP BY reporter
    SETTINGS max_execution_time = 30`);
  const byPoller = new Map(queues.map((q) => [q.reporter, q.queues]));
  return scrapes.map((r) => {
    const mine = byPoller.get(r.poller);
    return mine && r.scrapes > 0 && r.ups === 0 ? { ...r, queues: mine } : r;
  });
}
