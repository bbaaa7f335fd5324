import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoutesFileSchema, type Channel } from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import type { AlertRecord } from '../reconcileRule.ts';
import { createDeliverer, createNotifier } from './createNotifier.ts';
import type { DeliveryOutcome, NotificationMessage } from './notification.ts';
import { deliveriesOf, failingChannels, listOutbox } from './notificationStore.ts';

const T0 = Date.UTC(2026, 11, 9, 10, 0);
let store: TestStore;
let server: Server;
let url: string;
let status = 200;
const received: { id: string; kind: string; title: string }[] = [];

const routes = RoutesFileSchema.parse({
  apiVersion: 'linewatch/v1',
  kind: 'AlertRoutes',
  contacts: [{ id: 'ops', name: 'Ops', channels: [{ type: 'webhook', url: 'http://127.0.0.1:1/x' }] }],
  route: { contacts: ['ops'] },
  defaults: { groupWait: 0, groupInterval: 60_000 },
});

const alert: AlertRecord = {
  id: 'a1',
  rule: 'mes_silence',
  ruleKind: 'connector',
  fingerprint: 'fp1',
  state: 'firing',
  activeSince: T0 - 60_000,
  firedAt: T0 - 30_000,
  lastActiveAt: T0,
  resolvedAt: undefined,
  labels: { plant: 'P02', system: 'mes' },
  value: 900,
  examples: [],
  transactions: 0,
  tier: 'P1',
  tierReason: 'production stopped',
  plant: 'P02',
  flow: null,
  node: 'mes',
  annotations: { summary: 'MES silent at P02' },
  causeId: null,
};

/** A real HTTP send to the local receiver (the channels module does the same for webhooks). */
async function send(_channel: Channel, message: NotificationMessage): Promise<DeliveryOutcome> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(message) });
  await res.text();
  return res.ok
    ? { ok: true, detail: `http ${res.status}` }
    : { ok: false, retryable: true, error: `http ${res.status}` };
}

const notifier = () =>
  createNotifier({ store, routes: () => routes, timeZoneOf: () => 'UTC', baseUrl: 'http://ui' });
const deliverer = (clock: { now: number }, maxAttempts = 3) =>
  createDeliverer({ store, send, now: () => clock.now, maxAttempts, retryDelay: (n) => n * 1000 });

beforeAll(async () => {
  store = await openTestStore();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (status === 200) {
        const m = JSON.parse(body) as NotificationMessage;
        received.push({ id: m.id, kind: m.kind, title: m.title });
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await store.drop();
});

describe('notifier and deliverer over the outbox', () => {
  it('delivers a queued notification exactly once after the process that planned it is gone', async () => {
    // The process that planned dies before delivering: only the outbox remains.
    expect((await notifier().notify([alert], T0)).queued).toBe(1);
    // A restarted notifier plans the same cycle again and queues nothing new.
    expect((await notifier().notify([alert], T0)).queued).toBe(0);
    const clock = { now: T0 };
    expect(await deliverer(clock).deliverDue()).toEqual({ attempted: 1, sent: 1 });
    expect(await deliverer(clock).deliverDue()).toEqual({ attempted: 0, sent: 0 });
    expect(received.map((r) => r.kind)).toEqual(['firing']);
    expect(received[0]?.title).toBe('[P1] P02 · MES silent at P02');
    const deliveries = await deliveriesOf(store, 'a1');
    expect(deliveries.map((d) => [d.contact, d.channel, d.kind, d.attempt, d.ok])).toEqual([
      ['ops', 'webhook', 'firing', 1, true],
    ]);
  });

  it('retries a failing receiver with backoff, then gives up and reports the channel failing', async () => {
    status = 503;
    const n = notifier();
    await n.notify([alert], T0);
    // The cause clears; a minute later the group owes a resolve notification.
    expect((await n.notify([], T0 + 60_000)).queued).toBe(1);
    const clock = { now: T0 + 60_000 };
    const d = deliverer(clock, 3);
    expect(await d.deliverDue()).toEqual({ attempted: 1, sent: 0 });
    // Not due again before its backoff (1 s after attempt 1).
    clock.now += 500;
    expect((await d.deliverDue()).attempted).toBe(0);
    clock.now += 600;
    expect((await d.deliverDue()).attempted).toBe(1);
    clock.now += 2_000;
    expect((await d.deliverDue()).attempted).toBe(1);
    clock.now += 10_000;
    expect((await d.deliverDue()).attempted).toBe(0);
    const resolved = (await listOutbox(store)).find((r) => r.kind === 'resolved');
    expect(resolved?.state).toBe('failed');
    expect(resolved?.attempts).toBe(3);
    expect(await failingChannels(store, T0)).toEqual([
      expect.objectContaining({ contact: 'ops', channelType: 'webhook', failures: 3, error: 'http 503' }),
    ]);
    status = 200;
  });
});
