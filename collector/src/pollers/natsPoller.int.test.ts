import { AckPolicy, connect, StringCodec, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PollerConfigSchema } from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import { createDirectPipeline } from '../pipeline/directPipeline.ts';
import { createPollers } from './createPollers.ts';
import { closedPort, gaugeValue, gaugesOfPoller, silentLogger, uniqueName } from './pollerTestKit.ts';

const SERVER = '127.0.0.1:4222';
let store: TestStore;
let nc: NatsConnection;
let stream: string;
let publishedAt: number;

beforeAll(async () => {
  store = await openTestStore();
  nc = await connect({ servers: SERVER });
  const jsm = await nc.jetstreamManager();
  stream = uniqueName('LW_TEST');
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
  // "orders" sees the 6 orders messages; "all" sees every message, of which it pulled and holds 2 unacked.
  await jsm.consumers.add(stream, {
    durable_name: 'orders',
    ack_policy: AckPolicy.Explicit,
    filter_subject: `${stream}.orders`,
  });
  await jsm.consumers.add(stream, { durable_name: 'all', ack_policy: AckPolicy.Explicit });
  const js = nc.jetstream();
  const sc = StringCodec();
  publishedAt = Date.now();
  await js.publish(`${stream}.audit`, sc.encode('a'));
  for (let i = 0; i < 6; i++) await js.publish(`${stream}.orders`, sc.encode(`o${i}`));
  const all = await js.consumers.get(stream, 'all');
  const batch = await all.fetch({ max_messages: 2, expires: 2000 });
  let held = 0;
  for await (const _m of batch) if (++held === 2) break;
});

afterAll(async () => {
  await (await nc.jetstreamManager()).streams.delete(stream).catch(() => undefined);
  await nc.close();
  await store.drop();
});

describe('NATS JetStream poller', () => {
  it('writes pending, ack-pending and oldest age for each consumer of the stream', async () => {
    const name = uniqueName('nats');
    const pollers = createPollers({
      configs: [PollerConfigSchema.parse({ name, type: 'nats', servers: SERVER, stream, plant: 'linz' })],
      pipeline: createDirectPipeline(store),
      logger: silentLogger,
    });
    expect(await pollers.pollers[0]?.pollOnce()).toMatchObject({ ok: true, samples: 2 });
    const rows = await gaugesOfPoller(store, name);
    const orders = `${stream}/orders`;
    const all = `${stream}/all`;
    expect(gaugeValue(rows, 'integration.queue.depth', orders)).toBe(6);
    expect(gaugeValue(rows, 'integration.queue.in_flight', orders)).toBe(0);
    expect(gaugeValue(rows, 'integration.queue.depth', all)).toBe(5);
    expect(gaugeValue(rows, 'integration.queue.in_flight', all)).toBe(2);
    const elapsed = (Date.now() - publishedAt) / 1000;
    expect(gaugeValue(rows, 'integration.queue.oldest_age', all)).toBeLessThanOrEqual(elapsed + 1);
    expect(gaugeValue(rows, 'integration.queue.oldest_age', orders)).toBeGreaterThanOrEqual(0);
    expect(rows.find((r) => r.Attributes['queue.name'] === orders)?.Attributes).toMatchObject({
      'messaging.system': 'nats',
      'nats.stream': stream,
      'nats.consumer': 'orders',
      'biz.plant': 'linz',
    });
  });

  it('reports only the configured consumers', async () => {
    const name = uniqueName('nats_one');
    const pollers = createPollers({
      configs: [
        PollerConfigSchema.parse({ name, type: 'nats', servers: SERVER, stream, consumers: ['orders'] }),
      ],
      pipeline: createDirectPipeline(store),
      logger: silentLogger,
    });
    expect(await pollers.pollers[0]?.pollOnce()).toMatchObject({ ok: true, samples: 1 });
  });

  it('records an unreachable server as a failed scrape and a missing stream as another', async () => {
    const down = uniqueName('nats_down');
    const missing = uniqueName('nats_missing');
    const pollers = createPollers({
      configs: [
        PollerConfigSchema.parse({
          name: down,
          type: 'nats',
          servers: `127.0.0.1:${await closedPort()}`,
          stream,
          timeout: '3s',
        }),
        PollerConfigSchema.parse({
          name: missing,
          type: 'nats',
          servers: SERVER,
          stream: uniqueName('NOPE'),
        }),
      ],
      pipeline: createDirectPipeline(store),
      logger: silentLogger,
    });
    for (const p of pollers.pollers) expect(await p.pollOnce()).toMatchObject({ ok: false, written: true });
    for (const n of [down, missing])
      expect((await gaugesOfPoller(store, n)).map((r) => [r.MetricName, r.Value])).toEqual([
        ['linewatch.poller.up', 0],
      ]);
  });
});
