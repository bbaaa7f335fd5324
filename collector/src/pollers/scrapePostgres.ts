import pg from 'pg';
import { z } from 'zod';
import type { QueueJobPollerConfig, SqlPollerConfig } from '@linewatch/schema';
import type { GaugePoint, QueueSample } from './queueGauges.ts';
import { ScrapeError, type Scraper } from './scraper.ts';

/** Runs one query on a fresh connection, bounded by the poller's timeout on both sides. */
async function queryOnce(
  connection: string,
  timeoutMs: number,
  text: string,
  label: string,
): Promise<unknown[]> {
  const client = new pg.Client({
    connectionString: connection,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs,
    application_name: `linewatch-poller-${label}`,
  });
  // A connection lost after connect is reported through 'error'; the query then fails on its own.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const result = await client.query(text);
    return result.rows as unknown[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

const JobRowSchema = z.object({
  channel: z.string(),
  state: z.string(),
  jobs: z.coerce.number(),
  oldest_age: z.coerce.number().nullable(),
});

/** States of OCA queue_job in which a job waits to run (pending: ready; enqueued: handed to a runner). */
const WAITING = new Set(['pending', 'enqueued']);

/**
 * Scrapes Odoo's OCA `queue_job` table: per channel the waiting jobs (pending + enqueued) as depth,
 * the age of the oldest waiting job (from its eta when that is later than its creation), the failed
 * jobs, and per channel and state the job count (`integration.queue.jobs`).
 */
export function createQueueJobScraper(config: QueueJobPollerConfig): Scraper {
  const table = `${pg.escapeIdentifier(config.schema)}.${pg.escapeIdentifier(config.table)}`;
  // Odoo stores datetimes as UTC without a zone: compare with now() in UTC. The age is measured by
  // PostgreSQL's clock, the one that wrote date_created, so the collector's clock does not matter.
  const text = `
    SELECT coalesce(channel, 'root') AS channel, state, count(*) AS jobs,
           EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC')
             - min(GREATEST(date_created, coalesce(eta, date_created)))
                 FILTER (WHERE state IN ('pending', 'enqueued') AND (eta IS NULL OR eta <= now() AT TIME ZONE 'UTC'))
           ) AS oldest_age
    FROM ${table}
    GROUP BY 1, 2`;
  return {
    async scrape() {
      const rows = z
        .array(JobRowSchema)
        .safeParse(await queryOnce(config.connection, config.timeout, text, config.name));
      if (!rows.success)
        throw new ScrapeError('bad_response', `unexpected queue_job rows: ${rows.error.message}`);
      const byChannel = new Map<string, { depth: number; failed: number; oldest?: number }>();
      const points: GaugePoint[] = [];
      for (const r of rows.data) {
        const c = byChannel.get(r.channel) ?? { depth: 0, failed: 0 };
        if (WAITING.has(r.state)) c.depth += r.jobs;
        if (r.state === 'failed') c.failed += r.jobs;
        if (r.oldest_age !== null) c.oldest = Math.max(c.oldest ?? 0, r.oldest_age);
        byChannel.set(r.channel, c);
        points.push({
          name: 'integration.queue.jobs',
          unit: '{job}',
          description: 'Jobs in the queue_job table by channel and state',
          value: r.jobs,
          attributes: {
            'queue.name': r.channel,
            'messaging.system': 'odoo_queue_job',
            'queue_job.state': r.state,
            ...(config.plant ? { 'biz.plant': config.plant } : {}),
          },
        });
      }
      const samples: QueueSample[] = [];
      for (const [channel, c] of byChannel) {
        samples.push({
          queue: channel,
          system: 'odoo_queue_job',
          depth: c.depth,
          oldestAgeSeconds: c.oldest,
          plant: config.plant,
        });
        points.push({
          name: 'integration.queue.failed',
          unit: '{job}',
          description: 'Failed jobs waiting for a person',
          value: c.failed,
          attributes: {
            'queue.name': channel,
            'messaging.system': 'odoo_queue_job',
            ...(config.plant ? { 'biz.plant': config.plant } : {}),
          },
        });
      }
      return { samples, points };
    },
  };
}

const OutboxRowSchema = z.object({
  queue: z.coerce.string().min(1),
  depth: z.coerce.number(),
  oldest_age: z.coerce.number().nullish(),
  plant: z.string().min(1).nullish(),
});

/** Scrapes an outbox (or any table) with the configured query returning rows of { queue, depth, oldest_age?, plant? }. */
export function createSqlScraper(config: SqlPollerConfig): Scraper {
  return {
    async scrape() {
      const rows = z
        .array(OutboxRowSchema)
        .safeParse(await queryOnce(config.connection, config.timeout, config.query, config.name));
      if (!rows.success)
        throw new ScrapeError(
          'bad_response',
          `the query must return columns queue, depth and optionally oldest_age, plant: ${rows.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join('.')}: ${i.message}`)
            .join('; ')}`,
        );
      return {
        samples: rows.data.map((r) => ({
          queue: r.queue,
          system: config.system,
          depth: r.depth,
          oldestAgeSeconds: r.oldest_age ?? undefined,
          plant: r.plant ?? config.plant,
        })),
      };
    },
  };
}
