import { QueueSeriesListSchema, QueueSeriesQuery, type QueueSeries } from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import {
  chooseStepSeconds,
  fillQueuePoints,
  mergeScrapeFailures,
  plantsInScope,
  queryQueueBuckets,
  queryScrapeFailures,
  type QueueSeriesRow,
} from '@linewatch/correlation';
import type { ScopedRouter } from '../router.ts';
import { parseQuery } from '../validate.ts';
import { requestRange } from './dependencies.ts';
import { plantFilter } from '../access/principal.ts';

export interface QueueRouteDeps {
  store: Store;
  now: () => number;
}

const DEFAULT_WINDOW_MS = 60 * 60_000;

/**
 * `GET /api/v1/queues`: depth and oldest-age series per queue (gauges `integration.queue.depth` and
 * `integration.queue.oldest_age` by `queue.name`, `messaging.system` and `biz.plant`), with the runs of
 * failed scrapes (`linewatch.poller.up` = 0) to mark on the charts.
 */
export function registerQueueRoutes(router: ScopedRouter, deps: QueueRouteDeps): void {
  router.get(
    '/api/v1/queues',
    'read',
    async (c) => {
      const q = parseQuery(c, QueueSeriesQuery);
      const range = requestRange(q, deps.now(), DEFAULT_WINDOW_MS);
      const plants = plantsInScope(q.plant, plantFilter(c, q.plant));
      const stepSeconds = chooseStepSeconds(range, q.step);
      const filter = { ...range, plants, queue: q.queue, system: q.system, stepSeconds };
      const [buckets, failures] = await Promise.all([
        queryQueueBuckets(deps.store, filter),
        queryScrapeFailures(deps.store, filter),
      ]);

      const groups = new Map<string, QueueSeriesRow[]>();
      for (const b of buckets) {
        const key = JSON.stringify([b.queue, b.system, b.plant]);
        let list = groups.get(key);
        if (!list) groups.set(key, (list = []));
        list.push(b);
      }
      const queues = [...groups.values()].map((rows): QueueSeries => {
        const first = rows[0] as QueueSeriesRow;
        const points = fillQueuePoints(range, stepSeconds, rows);
        const reported = points.filter((p) => p.depth !== null || p.oldestAgeSeconds !== null);
        const depths = rows.flatMap((r) => (r.depth === null ? [] : [r.depth]));
        return {
          queue: first.queue,
          system: first.system,
          plant: first.plant,
          latest: reported.at(-1) ?? null,
          maxDepth: depths.length ? Math.max(...depths) : null,
          points,
        };
      });
      return c.json({
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        stepSeconds,
        queues,
        scrapeFailures: mergeScrapeFailures(failures, stepSeconds),
      });
    },
    {
      summary: 'Queue depth and oldest-age series per queue and plant, with failed scrapes',
      tags: ['queues'],
      query: QueueSeriesQuery,
      response: QueueSeriesListSchema,
    },
  );
}
