import { connect, type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PollerConfigSchema, type PollerConfigInput } from '@linewatch/schema';
import { openTestStore, sql, type TestStore } from '@linewatch/store';
import { createDirectPipeline } from '../pipeline/directPipeline.ts';
import { createPollers } from './createPollers.ts';
import { createRabbitmqScraper } from './scrapeRabbitmq.ts';
import {
  closedPort,
  eventually,
  gaugeValue,
  gaugesOfPoller,
  silentLogger,
  uniqueName,
} from './pollerTestKit.ts';

// Local RabbitMQ with the management plugin (rabbitmq-plugins enable rabbitmq_management).
const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const MANAGEMENT = 'http://guest:guest@127.0.0.1:15672';
const READY = 5;
const UNACKED = 2;
const OLDEST_AGE_S = 120;
const NOW = Date.now();

let store: TestStore;
let conn: ChannelModel;
let producer: Channel;
let consumer: Channel;
let queue: string;

beforeAll(async () => {
  store = await openTestStore();
  conn = await connect(AMQP);
  producer = await conn.createChannel();
  consumer = await conn.createChannel();
  queue = uniqueName('lw_test_q');
  await producer.assertQueue(queue, { durable: false });
  // Every message carries the same timestamp property, so whichever is at the head of the ready
  // messages once the consumer holds some, the management API can tell its age.
  const timestamp = Math.floor(NOW / 1000) - OLDEST_AGE_S;
  for (let i = 0; i < READY + UNACKED; i++) producer.sendToQueue(queue, Buffer.from(`m${i}`), { timestamp });
  // A consumer holds UNACKED messages without acknowledging them; the rest stay ready.
  await consumer.prefetch(UNACKED);
  await consumer.consume(queue, () => undefined, { noAck: false });
});

afterAll(async () => {
  await producer.deleteQueue(queue).catch(() => undefined);
  await conn.close();
  await store.drop();
});

function pollerConfig(input: Omit<Extract<PollerConfigInput, { type: 'rabbitmq' }>, 'type'>) {
  return PollerConfigSchema.parse({ type: 'rabbitmq', interval: '15s', timeout: '5s', ...input });
}

function pollersFor(config: ReturnType<typeof pollerConfig>) {
  return createPollers({
    configs: [config],
    pipeline: createDirectPipeline(store),
    logger: silentLogger,
    now: () => NOW,
  });
}

describe('RabbitMQ poller', () => {
  it('writes ready, unacknowledged and oldest age of a queue from the management API', async () => {
    const config = pollerConfig({
      name: uniqueName('rmq_mgmt'),
      managementUrl: MANAGEMENT,
      plant: 'graz',
      queues: [queue],
    });
    if (config.type !== 'rabbitmq') throw new Error('rabbitmq config expected');
    // The management API refreshes queue statistics every few seconds, and the head message's
    // timestamp can show up a refresh later than the counts: wait until both are there.
    const scraper = createRabbitmqScraper(config, () => NOW);
    await eventually(async () => {
      const { samples } = await scraper.scrape(AbortSignal.timeout(5000));
      expect(samples).toMatchObject([{ queue, depth: READY, inFlight: UNACKED }]);
      expect(samples[0]?.oldestAgeSeconds).toBeTypeOf('number');
    }, 30_000);

    const outcome = await pollersFor(config).pollers[0]?.pollOnce();
    expect(outcome).toMatchObject({ ok: true, samples: 1, written: true });
    const rows = await gaugesOfPoller(store, config.name);
    expect(gaugeValue(rows, 'integration.queue.depth', queue)).toBe(READY);
    expect(gaugeValue(rows, 'integration.queue.in_flight', queue)).toBe(UNACKED);
    expect(gaugeValue(rows, 'integration.queue.oldest_age', queue)).toBeGreaterThanOrEqual(OLDEST_AGE_S);
    expect(gaugeValue(rows, 'integration.queue.oldest_age', queue)).toBeLessThan(OLDEST_AGE_S + 2);
    const depth = rows.find((r) => r.MetricName === 'integration.queue.depth');
    expect(depth?.Attributes).toEqual({
      'queue.name': queue,
      'messaging.system': 'rabbitmq',
      'biz.plant': 'graz',
      'rabbitmq.vhost': '/',
    });
    expect(depth?.ServiceName).toBe('linewatch-poller');
    expect(depth?.ms).toBe(NOW);
    expect(rows.find((r) => r.MetricName === 'linewatch.poller.up')?.Value).toBe(1);
  });

  it('reads the depth by AMQP passive declare when only an AMQP URL is configured, skipping missing queues', async () => {
    const missing = uniqueName('lw_test_missing');
    const config = pollerConfig({ name: uniqueName('rmq_amqp'), amqpUrl: AMQP, queues: [missing, queue] });
    const outcome = await pollersFor(config).pollers[0]?.pollOnce();
    expect(outcome).toMatchObject({ ok: true, samples: 1 });
    const rows = await gaugesOfPoller(store, config.name);
    // A passive declare counts ready messages only.
    expect(gaugeValue(rows, 'integration.queue.depth', queue)).toBe(READY);
    expect(gaugeValue(rows, 'integration.queue.depth', missing)).toBeUndefined();
  });

  it('falls back to AMQP when the management API is not reachable', async () => {
    const config = pollerConfig({
      name: uniqueName('rmq_fallback'),
      managementUrl: `http://guest:guest@127.0.0.1:${await closedPort()}`,
      amqpUrl: AMQP,
      queues: [queue],
    });
    expect(await pollersFor(config).pollers[0]?.pollOnce()).toMatchObject({ ok: true, samples: 1 });
    expect(gaugeValue(await gaugesOfPoller(store, config.name), 'integration.queue.depth', queue)).toBe(
      READY,
    );
  });

  it('records refused credentials as a failed scrape: up 0, a linewatch_self row, no password in the error', async () => {
    const name = uniqueName('rmq_auth');
    const config = pollerConfig({
      name,
      managementUrl: 'http://guest:not-the-password@127.0.0.1:15672',
      plant: 'graz',
    });
    const poller = pollersFor(config).pollers[0];
    const outcome = await poller?.pollOnce();
    expect(outcome).toMatchObject({ ok: false, reason: 'auth', written: true });
    expect(outcome?.ok === false && outcome.error).not.toContain('not-the-password');
    expect(poller?.failures).toBe(1);
    const rows = await gaugesOfPoller(store, name);
    expect(rows.map((r) => [r.MetricName, r.Value, r.Attributes])).toEqual([
      [
        'linewatch.poller.up',
        0,
        { 'linewatch.poller.name': name, 'linewatch.poller.type': 'rabbitmq', 'biz.plant': 'graz' },
      ],
    ]);
    const self = await store.query<{ component: string; signal: string; measure: string; value: number }>(
      sql`SELECT component, signal, measure, value FROM ${store.table('linewatch_self')} WHERE reason = ${name}`,
    );
    expect(self).toEqual([{ component: 'poller', signal: 'rabbitmq', measure: 'scrape_failed', value: 1 }]);
  });
});
