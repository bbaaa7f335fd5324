import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { PollerConfig } from '@linewatch/schema';
import type { Pipeline } from '../pipeline/types.ts';
import { toJsonLines } from '../receivers/events/toBusinessEventRow.ts';
import { queueSamplePoints, toGaugeRows, type GaugePoint } from './queueGauges.ts';
import { createRabbitmqScraper } from './scrapeRabbitmq.ts';
import { createNatsScraper } from './scrapeNats.ts';
import { createQueueJobScraper, createSqlScraper } from './scrapePostgres.ts';
import { describeScrapeError, ScrapeError, type Scraper } from './scraper.ts';

/** service.name of every row the pollers write. */
export const POLLER_SERVICE_NAME = 'linewatch-poller';

/** The result of one poll: how many gauge rows it wrote, or why the source could not be read. */
export type PollOutcome =
  | { ok: true; samples: number; rows: number; written: boolean }
  | { ok: false; error: string; reason: string; written: boolean };

/** One configured poller. */
export interface Poller {
  readonly name: string;
  readonly type: PollerConfig['type'];
  /** Scrapes the source once and writes its gauges (or the failed scrape); never throws. */
  pollOnce(): Promise<PollOutcome>;
  /** Consecutive failed polls, 0 after a success. */
  readonly failures: number;
}

/** Timers, injectable so tests drive the schedule without waiting. */
export interface PollScheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface PollersDeps {
  configs: readonly PollerConfig[];
  pipeline: Pipeline;
  logger: Logger;
  now?: () => number;
  /** `instance` of linewatch_self rows; defaults to the host name. */
  instance?: string;
  scheduler?: PollScheduler;
}

/** The running pollers. */
export interface Pollers {
  readonly pollers: readonly Poller[];
  /** Polls every poller now, then each at its interval. */
  start(): Promise<void>;
  /** Stops scheduling and waits for polls in progress. */
  stop(): Promise<void>;
}

const UP = {
  name: 'linewatch.poller.up',
  unit: '1',
  description: 'Whether the last scrape succeeded (1) or failed (0)',
};

/** Shortest wait after a failed poll; it doubles per failure and never exceeds the interval. */
export const MIN_RETRY_MS = 1_000;

/**
 * The wait before the next poll: the interval after a success; after failures a backoff from
 * MIN_RETRY_MS doubling per failure, capped at the interval (a failing source is retried sooner,
 * never later, than a healthy one is polled).
 */
export function nextPollDelay(intervalMs: number, failures: number): number {
  if (failures <= 0) return intervalMs;
  return Math.min(intervalMs, MIN_RETRY_MS * 2 ** Math.min(failures - 1, 30));
}

/** The built-in scraper of a poller config. */
export function defaultScraper(config: PollerConfig, now: () => number): Scraper {
  switch (config.type) {
    case 'rabbitmq':
      return createRabbitmqScraper(config, now);
    case 'nats':
      return createNatsScraper(config, now);
    case 'queue_job':
      return createQueueJobScraper(config);
    case 'sql':
      return createSqlScraper(config);
  }
}

async function withTimeout<T>(run: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ScrapeError('timeout', `no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Creates the queue-depth pollers of `collector.pollers`. Each poll writes `integration.queue.*`
 * gauges and `linewatch.poller.up` (1, or 0 for a failed scrape, which also writes a linewatch_self
 * row and a warning) into otel_metrics_gauge; a failing poller keeps polling with backoff.
 * @example const pollers = createPollers({ configs: config.collector.pollers, pipeline, logger }); await pollers.start();
 */
export function createPollers(deps: PollersDeps): Pollers {
  const now = deps.now ?? Date.now;
  const instance = deps.instance ?? hostname();
  const scheduler: PollScheduler = deps.scheduler ?? {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  };
  let stopped = true;
  const timers = new Map<string, unknown>();
  const inFlight = new Set<Promise<unknown>>();

  const pollers = deps.configs.map((config) => {
    const scraper = defaultScraper(config, now);
    const resource = {
      serviceName: POLLER_SERVICE_NAME,
      scopeName: 'linewatch.pollers',
      attributes: { 'linewatch.poller.name': config.name, 'linewatch.poller.type': config.type },
    };
    const upAttributes = {
      'linewatch.poller.name': config.name,
      'linewatch.poller.type': config.type,
      ...(config.plant ? { 'biz.plant': config.plant } : {}),
    };
    let failures = 0;

    // Gauges are samples: one the pipeline refuses is logged and superseded by the next poll, not retried.
    async function accept(table: 'otel_metrics_gauge' | 'linewatch_self', rows: object[]): Promise<boolean> {
      try {
        const result = await deps.pipeline.accept(table, toJsonLines(rows), rows.length);
        if (!result.ok)
          deps.logger.warn(
            { poller: config.name, table, reason: result.reason },
            'poller rows not accepted by the pipeline',
          );
        return result.ok;
      } catch (e) {
        deps.logger.warn({ poller: config.name, table, err: e }, 'poller rows not accepted by the pipeline');
        return false;
      }
    }

    async function pollOnce(): Promise<PollOutcome> {
      const started = now();
      try {
        const result = await withTimeout((signal) => scraper.scrape(signal), config.timeout);
        const time = now();
        const points = [
          ...result.samples.flatMap(queueSamplePoints),
          ...(result.points ?? []),
          { ...UP, value: 1, attributes: upAttributes },
          {
            name: 'linewatch.poller.scrape_duration',
            unit: 's',
            description: 'Duration of the last scrape',
            value: (time - started) / 1000,
            attributes: upAttributes,
          },
        ];
        failures = 0;
        const written = await accept('otel_metrics_gauge', toGaugeRows(points, resource, time));
        return { ok: true, samples: result.samples.length, rows: points.length, written };
      } catch (e) {
        failures++;
        const error = describeScrapeError(e);
        const reason = e instanceof ScrapeError ? e.reason : /timeout/i.test(error) ? 'timeout' : 'error';
        deps.logger.warn(
          { poller: config.name, type: config.type, failures, reason, error },
          'queue poller scrape failed',
        );
        const time = now();
        const down: GaugePoint = { ...UP, value: 0, attributes: upAttributes };
        const gaugeOk = await accept('otel_metrics_gauge', toGaugeRows([down], resource, time));
        const self = {
          time: (time / 1000).toFixed(3),
          instance,
          component: 'poller',
          signal: config.type,
          measure: 'scrape_failed',
          reason: config.name,
          value: 1,
        };
        const selfOk = await accept('linewatch_self', [self]);
        return { ok: false, error, reason, written: gaugeOk && selfOk };
      }
    }

    const poller: Poller = {
      name: config.name,
      type: config.type,
      pollOnce,
      get failures() {
        return failures;
      },
    };

    function schedule(delay: number): void {
      if (stopped) return;
      timers.set(
        config.name,
        scheduler.setTimeout(() => {
          const cycle = pollOnce().then(() => schedule(nextPollDelay(config.interval, failures)));
          inFlight.add(cycle);
          void cycle.finally(() => inFlight.delete(cycle));
        }, delay),
      );
    }
    return { poller, schedule };
  });

  return {
    pollers: pollers.map((p) => p.poller),
    start() {
      if (!stopped) return Promise.resolve();
      stopped = false;
      for (const p of pollers) p.schedule(0);
      deps.logger.info({ pollers: pollers.map((p) => p.poller.name) }, 'queue pollers started');
      return Promise.resolve();
    },
    async stop() {
      stopped = true;
      for (const h of timers.values()) scheduler.clearTimeout(h);
      timers.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}
