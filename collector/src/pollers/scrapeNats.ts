import { connect, type ConsumerInfo, type JetStreamManager } from 'nats';
import type { NatsPollerConfig } from '@linewatch/schema';
import type { QueueSample } from './queueGauges.ts';
import type { Scraper } from './scraper.ts';

/**
 * Scrapes NATS JetStream consumers of one stream: `num_pending` (not yet delivered) as depth,
 * `num_ack_pending` as in-flight, and the age of the first message after the consumer's ack floor
 * as the oldest age.
 */
export function createNatsScraper(config: NatsPollerConfig, now: () => number): Scraper {
  return {
    async scrape() {
      const nc = await connect({
        servers: config.servers,
        user: config.user,
        pass: config.pass,
        token: config.token,
        timeout: config.timeout,
        reconnect: false,
        name: `linewatch-poller-${config.name}`,
      });
      try {
        const jsm = await nc.jetstreamManager({ timeout: config.timeout });
        const infos: ConsumerInfo[] = [];
        if (config.consumers)
          for (const name of config.consumers) infos.push(await jsm.consumers.info(config.stream, name));
        else for await (const info of jsm.consumers.list(config.stream)) infos.push(info);
        const samples: QueueSample[] = [];
        for (const info of infos) {
          samples.push({
            queue: `${config.stream}/${info.name}`,
            system: 'nats',
            depth: info.num_pending,
            inFlight: info.num_ack_pending,
            oldestAgeSeconds: await oldestAge(jsm, info, now),
            plant: config.plant,
            attributes: { 'nats.stream': config.stream, 'nats.consumer': info.name },
          });
        }
        return { samples };
      } finally {
        await nc.close();
      }
    },
  };
}

/**
 * Seconds the oldest message this consumer has not acknowledged has been in the stream: the first
 * message after the ack floor (matching the consumer's filter). Undefined when nothing is waiting.
 */
async function oldestAge(
  jsm: JetStreamManager,
  info: ConsumerInfo,
  now: () => number,
): Promise<number | undefined> {
  if (info.num_pending + info.num_ack_pending === 0) return undefined;
  const filter = info.config.filter_subject || '>';
  try {
    // STREAM.MSG.GET with next_by_subj (nats-server ≥ 2.9): the first stored message at or after seq on the filter.
    const msg = await jsm.streams.getMessage(info.stream_name, {
      seq: info.ack_floor.stream_seq + 1,
      next_by_subj: filter,
    } as unknown as { seq: number });
    return Math.max(0, (now() - msg.time.getTime()) / 1000);
  } catch {
    // Older servers, or the message was removed meanwhile: depth is still right, the age is unknown.
    return undefined;
  }
}
