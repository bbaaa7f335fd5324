import { connect, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { MqttConfig } from '@linewatch/schema';
import type { IngestTable, Pipeline } from '../../pipeline/types.ts';
import { redactCredentials } from '../../pollers/scraper.ts';
import { countNothing, type CountIngest } from '../events/countIngest.ts';
import { toJsonLines } from '../events/toBusinessEventRow.ts';
import { countItems } from '../events/validateEventBatch.ts';
import { decodeMqttMessage } from './decodeMqttMessage.ts';
import { topicMatches } from './topicMatches.ts';

export interface MqttReceiverDeps {
  config: MqttConfig;
  pipeline: Pipeline;
  logger: Logger;
  now?: () => number;
  count?: CountIngest;
}

/** What the receiver is doing, for readiness pages and tests. */
export interface MqttReceiverStatus {
  connected: boolean;
  /** True once the subscriptions of the current connection were granted. */
  subscribed: boolean;
  /** Connections made so far (the first one included). */
  connections: number;
  /** Consecutive failed connection attempts since the last successful one. */
  failedAttempts: number;
  /** The wait before the next connection attempt, when one is scheduled. */
  nextReconnectMs: number | undefined;
  lastError: string | undefined;
}

/** The MQTT subscriber of the collector. */
export interface MqttReceiver {
  start(): Promise<void>;
  /** Disconnects; a message being handled and not yet stored stays unacknowledged, so the broker sends it again. */
  stop(): Promise<void>;
  status(): MqttReceiverStatus;
}

/** The wait before reconnect attempt `failures` (1-based): min, doubling, capped at max. */
export function nextReconnectDelay(minMs: number, maxMs: number, failures: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
}

/** Longest wait between two tries to hand a message to a pipeline that asked to retry later. */
const MAX_RETRY_WAIT_MS = 5_000;

/**
 * Subscribes to the configured topics with QoS 1 on a persistent session (clean: false, stable
 * client id) and acknowledges each message only after the pipeline made its rows durable: a message
 * not yet stored when the collector stops or crashes is sent again by the broker. Reconnects with
 * a backoff from reconnectMin doubling to reconnectMax.
 * @example const mqtt = createMqttReceiver({ config: config.collector.mqtt, pipeline, logger }); await mqtt.start();
 */
export function createMqttReceiver(deps: MqttReceiverDeps): MqttReceiver {
  const { config, pipeline, logger } = deps;
  const now = deps.now ?? Date.now;
  const count = deps.count ?? countNothing;
  const log = logger.child({
    receiver: 'mqtt',
    url: redactCredentials(config.url),
    clientId: config.clientId,
  });
  let client: MqttClient | undefined;
  let stopped = true;
  /** Bumped on every connection loss: a message of an older connection is no longer ours to acknowledge. */
  let generation = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const waits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const handling = new Set<Promise<void>>();
  const status: MqttReceiverStatus = {
    connected: false,
    subscribed: false,
    connections: 0,
    failedAttempts: 0,
    nextReconnectMs: undefined,
    lastError: undefined,
  };

  function wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          waits.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      waits.add(entry);
    });
  }

  /** Hands rows to the pipeline until it takes them; false when it refused for good, undefined when abandoned. */
  async function store(
    table: IngestTable,
    lines: string,
    rows: number,
    gen: number,
  ): Promise<boolean | undefined> {
    for (;;) {
      const result = await pipeline.accept(table, lines, rows);
      if (result.ok) return true;
      if (!result.retryable) {
        log.warn(
          { table, rows, reason: result.reason },
          'mqtt message refused by the pipeline; acknowledged and dropped',
        );
        return false;
      }
      if (stopped || gen !== generation) return undefined;
      await wait(Math.min(MAX_RETRY_WAIT_MS, Math.max(10, result.retryAfterSeconds * 1000)));
      if (stopped || gen !== generation) return undefined;
    }
  }

  async function handle(topic: string, payload: Buffer, gen: number): Promise<boolean> {
    const sub = config.topics.find((t) => topicMatches(t.filter, topic));
    if (!sub) return true; // not ours (another subscription of a shared session): acknowledge
    const decoded = decodeMqttMessage(sub.kind, topic, payload, now(), sub.plant);
    count('mqtt', 'received', Math.max(1, decoded.items));
    const rejectedItems = decoded.table ? countItems(decoded.rejected) : 1;
    if (rejectedItems > 0) {
      count('mqtt', 'rejected', rejectedItems, decoded.table ? 'invalid_item' : 'malformed_message');
      log.warn({ topic, rejected: decoded.rejected.slice(0, 5) }, 'mqtt message items rejected');
    }
    if (!decoded.table || decoded.rows.length === 0) return true;
    const stored = await store(decoded.table, toJsonLines(decoded.rows), decoded.rows.length, gen);
    if (stored === undefined) return false;
    if (stored)
      count(
        'mqtt',
        'accepted',
        decoded.table === 'business_events' ? decoded.rows.length : decoded.items - rejectedItems,
      );
    else count('mqtt', 'rejected', decoded.rows.length, 'pipeline_refused');
    return true;
  }

  // mqtt.js sends the PUBACK of a QoS 1 message when handleMessage calls back (on MQTT 3.1.1 and 5;
  // customHandleAcks works on 5 only), and handles the next message after that: one at a time.
  function handleMessage(packet: IPublishPacket, callback: (error?: Error) => void): void {
    const gen = generation;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const work = handle(packet.topic, payload, gen)
      .then((ack) => {
        // MQTT 3.1.1 has no negative acknowledgement: a message we could not store is left unacknowledged,
        // and the broker resends it on the next connection of this persistent session.
        if (ack && gen === generation) callback();
      })
      .catch((e: unknown) =>
        log.error({ err: e, topic: packet.topic }, 'mqtt message handling failed; left unacknowledged'),
      );
    handling.add(work);
    void work.finally(() => handling.delete(work));
  }

  function scheduleReconnect(): void {
    if (stopped || reconnectTimer || !client) return;
    status.failedAttempts++;
    const delay = nextReconnectDelay(config.reconnectMin, config.reconnectMax, status.failedAttempts);
    status.nextReconnectMs = delay;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      status.nextReconnectMs = undefined;
      if (!stopped) client?.reconnect();
    }, delay);
  }

  async function subscribe(c: MqttClient): Promise<void> {
    try {
      const granted = await c.subscribeAsync(
        Object.fromEntries(config.topics.map((t) => [t.filter, { qos: 1 as const }])),
      );
      const refused = granted.filter((g) => g.qos === 128);
      if (refused.length)
        log.error({ topics: refused.map((g) => g.topic) }, 'mqtt broker refused subscriptions');
      status.subscribed = refused.length === 0;
      log.info({ topics: config.topics.map((t) => t.filter) }, 'mqtt subscribed');
    } catch (e) {
      log.warn({ err: redactCredentials((e as Error).message) }, 'mqtt subscribe failed');
    }
  }

  return {
    start() {
      if (!stopped) return Promise.resolve();
      stopped = false;
      const c = connect(config.url, {
        clientId: config.clientId,
        username: config.username,
        password: config.password,
        // A persistent session: the broker keeps our subscriptions and unacknowledged QoS 1 messages.
        clean: false,
        keepalive: config.keepaliveSeconds,
        // Reconnection is ours (backoff); mqtt.js would retry at a fixed period.
        reconnectPeriod: 0,
        connectTimeout: 10_000,
        resubscribe: false,
      });
      c.handleMessage = handleMessage;
      client = c;
      c.on('connect', (connack) => {
        status.connected = true;
        status.connections++;
        status.failedAttempts = 0;
        status.lastError = undefined;
        log.info({ sessionPresent: connack.sessionPresent }, 'mqtt connected');
        void subscribe(c);
      });
      c.on('close', () => {
        if (status.connected) log.warn('mqtt connection lost; reconnecting');
        status.connected = false;
        status.subscribed = false;
        generation++;
        scheduleReconnect();
      });
      c.on('error', (e) => {
        const message = redactCredentials(e.message);
        if (message !== status.lastError) log.warn({ err: message }, 'mqtt error');
        status.lastError = message;
      });
      return Promise.resolve();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      for (const w of waits) {
        clearTimeout(w.timer);
        w.resolve();
      }
      waits.clear();
      await Promise.allSettled([...handling]);
      const c = client;
      client = undefined;
      // Forced: no DISCONNECT wait; the persistent session keeps whatever is still unacknowledged.
      if (c) await c.endAsync(true);
      status.connected = false;
      status.subscribed = false;
    },
    status: () => ({ ...status }),
  };
}
