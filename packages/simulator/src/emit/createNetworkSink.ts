import type { SimFlow } from '../model.ts';
import { createEventSender } from './createEventSender.ts';
import { createMqttSender, type MqttSender } from './createMqttSender.ts';
import { createOdooWebhookSender } from './createOdooWebhookSender.ts';
import { createQueueGaugeReporter } from './createQueueGaugeReporter.ts';
import { createSpanEmitter } from './createSpanEmitter.ts';
import { odooWebhookPayload } from './odooWebhook.ts';
import { toBusinessEvent } from './toBusinessEvent.ts';
import type { EmitStats, EmitTargets, OutgoingStep, QueueSample, SimLogger } from './types.ts';

/** Where the simulator hands emissions and queue samples. */
export interface EmissionSink {
  send(steps: readonly OutgoingStep[]): Promise<void>;
  reportQueues(time: number, samples: readonly QueueSample[]): Promise<void>;
  /** Flushes everything buffered (span batches included). */
  flush(): Promise<void>;
  close(): Promise<void>;
  stats(): EmitStats;
}

/**
 * The sink that sends through Linewatch's real receivers: OTLP spans and gauges through the
 * OpenTelemetry SDK, legacy events to `/v1/events`, Odoo webhooks, and MQTT when a broker is given
 * (reachable or not: if it cannot connect, MQTT steps go to the events API and a warning is logged).
 */
export async function createNetworkSink(options: {
  targets: EmitTargets;
  flows: readonly SimFlow[];
  seed: string;
  logger: SimLogger;
  spanBatch?: { maxQueueSize?: number; maxExportBatchSize?: number; scheduledDelayMillis?: number };
}): Promise<EmissionSink> {
  const { targets, logger } = options;
  const flows = new Map(options.flows.map((f) => [f.id, f]));
  const spans = createSpanEmitter({
    otlpUrl: targets.otlpUrl,
    ...(targets.headers ? { headers: targets.headers } : {}),
    seed: options.seed,
    ...options.spanBatch,
  });
  const gauges = createQueueGaugeReporter({
    otlpUrl: targets.otlpUrl,
    ...(targets.headers ? { headers: targets.headers } : {}),
  });
  const events = createEventSender({
    ingestUrl: targets.ingestUrl,
    ...(targets.headers ? { headers: targets.headers } : {}),
    logger,
  });
  const webhooks = targets.odooSource
    ? createOdooWebhookSender({
        ingestUrl: targets.ingestUrl,
        source: targets.odooSource,
        ...(targets.headers ? { headers: targets.headers } : {}),
        logger,
      })
    : undefined;
  let mqtt: MqttSender | undefined;
  if (targets.mqtt) {
    try {
      mqtt = await createMqttSender({ url: targets.mqtt.url, topic: targets.mqtt.topic, logger });
    } catch (e) {
      logger.warn(
        { url: targets.mqtt.url, err: (e as Error).message },
        'MQTT broker unreachable: MQTT plant gateways send to the events API instead',
      );
    }
  }
  let gaugeFailures = 0;
  const flush = async () => {
    await Promise.all([events.flush(), webhooks?.flush(), mqtt?.flush(), spans.forceFlush()]);
  };

  return {
    async send(steps) {
      for (const step of steps) {
        const e = step.emission;
        let transport = e.transport;
        if (transport === 'odoo_webhook' && !webhooks) transport = 'span';
        if (transport === 'mqtt' && !mqtt) transport = 'event';
        // The span emitter keeps each transaction's trace context, so it sees every step.
        spans.emit(transport === e.transport ? step : { ...step, emission: { ...e, transport } });
        if (transport === 'event') events.add(toBusinessEvent(e));
        else if (transport === 'mqtt') mqtt?.add(e.plant, toBusinessEvent(e));
        else if (transport === 'odoo_webhook')
          webhooks?.add(odooWebhookPayload(e, flows.get(e.flow) as SimFlow));
      }
      await Promise.all([events.flush(), webhooks?.flush(), mqtt?.flush()]);
    },
    async reportQueues(time, samples) {
      try {
        await gauges.report(time, samples);
      } catch (e) {
        gaugeFailures++;
        logger.warn({ err: (e as Error).message }, 'queue gauges not exported');
      }
    },
    flush,
    async close() {
      await flush();
      await Promise.all([spans.shutdown(), gauges.shutdown(), mqtt?.close()]);
    },
    stats: () => ({
      spans: spans.count,
      spansExported: spans.exported,
      events: events.sent,
      mqtt: mqtt?.sent ?? 0,
      webhooks: webhooks?.sent ?? 0,
      gaugePoints: gauges.points,
      failures: spans.failed + events.failed + (webhooks?.failed ?? 0) + (mqtt?.failed ?? 0) + gaugeFailures,
    }),
  };
}
