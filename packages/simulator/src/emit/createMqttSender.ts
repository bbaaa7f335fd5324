import mqtt, { type MqttClient } from 'mqtt';
import type { BusinessEventInput } from '@linewatch/schema';
import type { SimLogger } from './types.ts';

/** A plant gateway publishing business events to MQTT (QoS 1). */
export interface MqttSender {
  add(plant: string, event: BusinessEventInput): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  readonly sent: number;
  readonly failed: number;
}

/**
 * Connects to the broker (rejects if it cannot within `connectTimeoutMs`) and publishes each event
 * as one JSON message on `topic(plant)`.
 */
export async function createMqttSender(options: {
  url: string;
  topic: (plant: string) => string;
  logger: SimLogger;
  clientId?: string;
  connectTimeoutMs?: number;
}): Promise<MqttSender> {
  const client: MqttClient = await mqtt.connectAsync(options.url, {
    clientId: options.clientId ?? `linewatch-sim-${process.pid}-${Math.floor(Math.random() * 1e6)}`,
    connectTimeout: options.connectTimeoutMs ?? 3_000,
    reconnectPeriod: 2_000,
  });
  let pending: { topic: string; body: string }[] = [];
  let sent = 0;
  let failed = 0;
  return {
    get sent() {
      return sent;
    },
    get failed() {
      return failed;
    },
    add(plant, event) {
      pending.push({ topic: options.topic(plant), body: JSON.stringify(event) });
    },
    async flush() {
      const batch = pending;
      pending = [];
      await Promise.all(
        batch.map(async (m) => {
          try {
            await client.publishAsync(m.topic, m.body, { qos: 1 });
            sent++;
          } catch (e) {
            failed++;
            options.logger.warn({ err: (e as Error).message, topic: m.topic }, 'MQTT publish failed');
          }
        }),
      );
    },
    async close() {
      await client.endAsync();
    },
  };
}
