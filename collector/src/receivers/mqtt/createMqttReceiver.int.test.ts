import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MqttConfigSchema, type BusinessEventInput } from '@linewatch/schema';
import { openTestStore, sql, type TestStore } from '@linewatch/store';
import { createDirectPipeline } from '../../pipeline/directPipeline.ts';
import type { AcceptResult, Pipeline } from '../../pipeline/types.ts';
import { eventually, silentLogger, uniqueName } from '../../pollers/pollerTestKit.ts';
import { createMqttReceiver, type MqttReceiver } from './createMqttReceiver.ts';

const BROKER = 'mqtt://127.0.0.1:1883';
let store: TestStore;
let publisher: MqttClient;
const clientIds: string[] = [];
const receivers: MqttReceiver[] = [];

beforeAll(async () => {
  store = await openTestStore();
  publisher = await connectAsync(BROKER, { clientId: uniqueName('lw_test_pub') });
});

afterAll(async () => {
  await Promise.allSettled(receivers.map((r) => r.stop()));
  await publisher.endAsync();
  // Drop the persistent sessions the tests left on the broker.
  for (const clientId of clientIds) await (await connectAsync(BROKER, { clientId, clean: true })).endAsync();
  await store.drop();
});

function makeEvent(id: string, overrides: Partial<BusinessEventInput> = {}): BusinessEventInput {
  return {
    id,
    time: '2026-11-27T08:15:00Z',
    flow: 'goods_receipt',
    step: 'wms_received',
    key: 'PO/1',
    system: 'wms',
    plant: 'graz',
    ...overrides,
  };
}

function startReceiver(
  topics: { filter: string; kind: 'events' | 'queue_depth'; plant?: string }[],
  options: { pipeline?: Pipeline; clientId?: string; url?: string } = {},
): MqttReceiver {
  const clientId = options.clientId ?? uniqueName('lw_test_rx');
  clientIds.push(clientId);
  const receiver = createMqttReceiver({
    config: MqttConfigSchema.parse({
      url: options.url ?? BROKER,
      topics,
      clientId,
      reconnectMin: 50,
      reconnectMax: 400,
    }),
    pipeline: options.pipeline ?? createDirectPipeline(store),
    logger: silentLogger,
  });
  receivers.push(receiver);
  return receiver;
}

async function started(receiver: MqttReceiver): Promise<void> {
  await receiver.start();
  await eventually(() => Promise.resolve(expect(receiver.status().subscribed).toBe(true)));
}

async function eventIds(prefix: string): Promise<string[]> {
  const rows = await store.query<{ id: string }>(
    sql`SELECT id FROM ${store.table('business_events')} FINAL WHERE startsWith(id, ${prefix}) AND source = 'mqtt' ORDER BY id`,
  );
  return rows.map((r) => r.id);
}

/** A pipeline in front of the real one that answers "retry later" while `refusing` is set, counting attempts. */
function refusingPipeline(inner: Pipeline) {
  const state = { refusing: true, attempts: 0 };
  const pipeline: Pipeline = {
    accept(table, lines, rows): Promise<AcceptResult> {
      state.attempts++;
      if (state.refusing)
        return Promise.resolve({
          ok: false,
          retryable: true,
          retryAfterSeconds: 0.05,
          reason: 'store_unavailable',
        });
      return inner.accept(table, lines, rows);
    },
    close: () => inner.close(),
  };
  return { pipeline, state };
}

/** A TCP proxy to the broker that the test can cut and restore, on the same port. */
async function brokerProxy() {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const open = async () => {
    server = createServer((client) => {
      const upstream = tcpConnect(1883, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  };
  const cut = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await open();
  return { url: () => `mqtt://127.0.0.1:${port}`, cut, restore: open };
}

describe('MQTT receiver', () => {
  it('stores business events published on an events topic, one per message or as a batch', async () => {
    const base = uniqueName('lw_test');
    const receiver = startReceiver([{ filter: `${base}/+/events`, kind: 'events' }]);
    await started(receiver);
    const p = `${base}-`;
    await publisher.publishAsync(`${base}/graz/events`, JSON.stringify(makeEvent(`${p}single`)), { qos: 1 });
    await publisher.publishAsync(
      `${base}/linz/events`,
      JSON.stringify([makeEvent(`${p}b1`), makeEvent(`${p}b2`, { plant: 'linz' })]),
      {
        qos: 1,
      },
    );
    await eventually(async () => expect(await eventIds(p)).toEqual([`${p}b1`, `${p}b2`, `${p}single`]));
  });

  it('acknowledges a malformed message and a batch with invalid items without blocking the messages after them', async () => {
    const topic = `${uniqueName('lw_test')}/events`;
    const receiver = startReceiver([{ filter: topic, kind: 'events' }]);
    await started(receiver);
    const p = `${topic}-`;
    await publisher.publishAsync(topic, '{not json', { qos: 1 });
    await publisher.publishAsync(topic, JSON.stringify([{ id: `${p}broken` }, makeEvent(`${p}kept`)]), {
      qos: 1,
    });
    await publisher.publishAsync(topic, JSON.stringify(makeEvent(`${p}after`)), { qos: 1 });
    await eventually(async () => expect(await eventIds(p)).toEqual([`${p}after`, `${p}kept`]));
  });

  it('writes queue depths from a gateway as integration.queue gauges', async () => {
    const topic = `${uniqueName('lw_test')}/queues`;
    const receiver = startReceiver([{ filter: topic, kind: 'queue_depth', plant: 'graz' }]);
    await started(receiver);
    const queue = uniqueName('plc_queue');
    await publisher.publishAsync(
      topic,
      JSON.stringify([
        {
          queue,
          depth: 12,
          oldest_age: 95.5,
          system: 'opcua_buffer',
          gateway: 'gw-graz-1',
          time: '2026-11-27T08:15:00Z',
        },
        { queue: `${queue}_b`, depth: 'many' },
      ]),
      { qos: 1 },
    );
    const rows = await eventually(async () => {
      const r = await store.query<{
        MetricName: string;
        Value: number;
        Attributes: Record<string, string>;
        ServiceName: string;
        ms: number;
      }>(sql`
        SELECT MetricName, Value, Attributes, ServiceName, toUnixTimestamp64Milli(TimeUnix) AS ms
        FROM ${store.table('otel_metrics_gauge')} WHERE Attributes['queue.name'] = ${queue} ORDER BY MetricName`);
      expect(r).toHaveLength(2);
      return r;
    });
    expect(rows.map((r) => [r.MetricName, r.Value])).toEqual([
      ['integration.queue.depth', 12],
      ['integration.queue.oldest_age', 95.5],
    ]);
    expect(rows[0]).toMatchObject({
      ServiceName: 'gw-graz-1',
      ms: Date.parse('2026-11-27T08:15:00Z'),
      Attributes: { 'queue.name': queue, 'messaging.system': 'opcua_buffer', 'biz.plant': 'graz' },
    });
  });

  it('acknowledges a message only once the pipeline stored it, retrying while the pipeline asks to', async () => {
    const topic = `${uniqueName('lw_test')}/events`;
    const { pipeline, state } = refusingPipeline(createDirectPipeline(store));
    const receiver = startReceiver([{ filter: topic, kind: 'events' }], { pipeline });
    await started(receiver);
    const p = `${topic}-`;
    await publisher.publishAsync(topic, JSON.stringify(makeEvent(`${p}held`)), { qos: 1 });
    await eventually(() => Promise.resolve(expect(state.attempts).toBeGreaterThanOrEqual(3)));
    expect(await eventIds(p)).toEqual([]);
    state.refusing = false;
    await eventually(async () => expect(await eventIds(p)).toEqual([`${p}held`]));
  });

  it('gets a message it had not stored again from the broker after a restart with the same client id', async () => {
    const topic = `${uniqueName('lw_test')}/events`;
    const clientId = uniqueName('lw_test_rx');
    const { pipeline, state } = refusingPipeline(createDirectPipeline(store));
    const first = startReceiver([{ filter: topic, kind: 'events' }], { pipeline, clientId });
    await started(first);
    const p = `${topic}-`;
    await publisher.publishAsync(topic, JSON.stringify(makeEvent(`${p}redelivered`)), { qos: 1 });
    await eventually(() => Promise.resolve(expect(state.attempts).toBeGreaterThanOrEqual(1)));
    await first.stop();
    expect(await eventIds(p)).toEqual([]);

    const second = startReceiver([{ filter: topic, kind: 'events' }], { clientId });
    await second.start();
    await eventually(async () => expect(await eventIds(p)).toEqual([`${p}redelivered`]));
  });

  it('reconnects with backoff after losing the broker and receives what was published meanwhile', async () => {
    const topic = `${uniqueName('lw_test')}/events`;
    const proxy = await brokerProxy();
    const receiver = startReceiver([{ filter: topic, kind: 'events' }], { url: proxy.url() });
    await started(receiver);
    const p = `${topic}-`;
    await proxy.cut();
    await eventually(() =>
      Promise.resolve(expect(receiver.status().failedAttempts).toBeGreaterThanOrEqual(3)),
    );
    expect(receiver.status()).toMatchObject({ connected: false, connections: 1 });
    // The session is persistent: the broker queues QoS 1 messages for the absent subscriber.
    await publisher.publishAsync(topic, JSON.stringify(makeEvent(`${p}while-away`)), { qos: 1 });
    await proxy.restore();
    await eventually(() =>
      Promise.resolve(expect(receiver.status()).toMatchObject({ connected: true, connections: 2 })),
    );
    await eventually(async () => expect(await eventIds(p)).toEqual([`${p}while-away`]));
    await receiver.stop();
    await proxy.cut();
  });
});
