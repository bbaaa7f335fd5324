import { connect } from 'amqplib';
import type { RabbitmqPollerConfig } from '@linewatch/schema';
import type { QueueSample } from './queueGauges.ts';
import { isUnreachable, ScrapeError, type ScrapeResult, type Scraper } from './scraper.ts';

interface ManagementQueue {
  name: string;
  messages_ready?: number;
  messages_unacknowledged?: number;
  /** Seconds since the epoch: the `timestamp` property of the head message, when its publisher set one. */
  head_message_timestamp?: number | null;
}

/**
 * Scrapes RabbitMQ queue depths: from the management HTTP API (`/api/queues/<vhost>`: ready and
 * unacknowledged messages, oldest age from the head message's timestamp property when publishers set
 * it), or by AMQP passive declares of the configured queues (ready messages only) when management is
 * not configured or not reachable.
 */
export function createRabbitmqScraper(config: RabbitmqPollerConfig, now: () => number): Scraper {
  return {
    async scrape(signal) {
      if (config.managementUrl) {
        try {
          return await scrapeManagement(config, config.managementUrl, now, signal);
        } catch (e) {
          // Management off (nothing listening, or a proxy answering 404/503): AMQP still tells the depth.
          const off = isUnreachable(e) || (e instanceof ScrapeError && e.reason === 'unreachable');
          if (!config.amqpUrl || !off) throw e;
        }
      }
      return scrapeAmqp(config, config.amqpUrl as string);
    },
  };
}

async function scrapeManagement(
  config: RabbitmqPollerConfig,
  managementUrl: string,
  now: () => number,
  signal: AbortSignal,
): Promise<ScrapeResult> {
  // fetch refuses URLs with credentials: move them into an Authorization header.
  const base = new URL(managementUrl.endsWith('/') ? managementUrl : `${managementUrl}/`);
  const user = decodeURIComponent(base.username);
  const password = decodeURIComponent(base.password);
  base.username = '';
  base.password = '';
  const url = new URL(`api/queues/${encodeURIComponent(config.vhost)}`, base);
  url.searchParams.set('columns', 'name,messages_ready,messages_unacknowledged,head_message_timestamp');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (user) headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const res = await fetch(url, { headers, signal });
  if (res.status === 401 || res.status === 403)
    throw new ScrapeError('auth', `RabbitMQ management refused the credentials (HTTP ${res.status})`);
  if (res.status === 404 || res.status === 503)
    throw new ScrapeError(
      'unreachable',
      `RabbitMQ management API not available at ${url.origin} (HTTP ${res.status})`,
    );
  if (!res.ok) throw new ScrapeError('bad_response', `RabbitMQ management answered HTTP ${res.status}`);
  const queues = (await res.json()) as ManagementQueue[];
  if (!Array.isArray(queues))
    throw new ScrapeError('bad_response', 'RabbitMQ management did not answer a list of queues');
  const wanted = config.queues ? new Set(config.queues) : undefined;
  const nowSeconds = now() / 1000;
  const samples: QueueSample[] = queues
    .filter((q) => !wanted || wanted.has(q.name))
    .map((q) => ({
      queue: q.name,
      system: 'rabbitmq',
      depth: q.messages_ready ?? 0,
      inFlight: q.messages_unacknowledged ?? 0,
      oldestAgeSeconds:
        typeof q.head_message_timestamp === 'number' && (q.messages_ready ?? 0) > 0
          ? Math.max(0, nowSeconds - q.head_message_timestamp)
          : undefined,
      plant: config.plant,
      attributes: { 'rabbitmq.vhost': config.vhost },
    }));
  return { samples };
}

async function scrapeAmqp(config: RabbitmqPollerConfig, amqpUrl: string): Promise<ScrapeResult> {
  const conn = await connect(amqpUrl, { timeout: config.timeout });
  // A failed passive declare closes its channel with an error event; without a listener it would be thrown.
  conn.on('error', () => undefined);
  const vhost = decodeURIComponent(new URL(amqpUrl).pathname.slice(1)) || '/';
  try {
    const samples: QueueSample[] = [];
    for (const queue of config.queues ?? []) {
      const channel = await conn.createChannel();
      channel.on('error', () => undefined);
      try {
        const reply = await channel.checkQueue(queue);
        samples.push({
          queue,
          system: 'rabbitmq',
          depth: reply.messageCount,
          plant: config.plant,
          attributes: { 'rabbitmq.vhost': vhost },
        });
        await channel.close();
      } catch (e) {
        // 404 NOT_FOUND closes the channel: the queue does not exist (now); report nothing for it.
        if (!/NOT_FOUND|404/.test(String((e as Error).message))) throw e;
      }
    }
    return { samples };
  } finally {
    await conn.close().catch(() => undefined);
  }
}
