import { Rfc3339Schema } from '@linewatch/schema';
import { z } from 'zod';
import { toGaugeRows, queueSamplePoints, type GaugeRow } from '../../pollers/queueGauges.ts';
import { toBusinessEventRow, type BusinessEventRow } from '../events/toBusinessEventRow.ts';
import { validateEventBatch, type ItemIssue } from '../events/validateEventBatch.ts';

/** A queue depth as a plant gateway publishes it over MQTT (one object or an array of them). */
export const QueueDepthMessageSchema = z.object({
  queue: z.string().min(1).max(512),
  depth: z.number().nonnegative(),
  oldest_age: z.number().nonnegative().optional(),
  in_flight: z.number().nonnegative().optional(),
  system: z.string().min(1).max(128).optional(),
  plant: z.string().min(1).max(512).optional(),
  /** Who measured it; becomes service.name (default linewatch-mqtt). */
  gateway: z.string().min(1).max(256).optional(),
  time: Rfc3339Schema.optional(),
});
export type QueueDepthMessage = z.infer<typeof QueueDepthMessageSchema>;

/** service.name of gauges from gateways that do not name themselves. */
export const MQTT_SERVICE_NAME = 'linewatch-mqtt';

/** What a message decodes to: rows to store and the items that could not be stored. */
export type DecodedMessage =
  | { table: 'business_events'; rows: BusinessEventRow[]; rejected: ItemIssue[]; items: number }
  | { table: 'otel_metrics_gauge'; rows: GaugeRow[]; rejected: ItemIssue[]; items: number }
  | { table: undefined; rows: []; rejected: ItemIssue[]; items: 0 };

function parseJson(payload: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(payload.toString('utf8')) as unknown };
  } catch (e) {
    return { ok: false, message: `not JSON: ${(e as Error).message}` };
  }
}

function itemsOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null && Array.isArray((value as { events?: unknown }).events))
    return (value as { events: unknown[] }).events;
  return [value];
}

/**
 * Decodes an MQTT message of an `events` topic (one event, an array, or `{ events: [...] }` in the
 * /v1/events schema) or a `queue_depth` topic into rows; invalid items are listed, valid ones kept.
 */
export function decodeMqttMessage(
  kind: 'events' | 'queue_depth',
  topic: string,
  payload: Buffer,
  receivedAtMs: number,
  defaultPlant?: string,
): DecodedMessage {
  const json = parseJson(payload);
  if (!json.ok)
    return {
      table: undefined,
      rows: [],
      rejected: [{ index: 0, field: '', message: json.message }],
      items: 0,
    };
  const items = itemsOf(json.value);
  if (kind === 'events') {
    const { events, rejected } = validateEventBatch(items);
    return {
      table: 'business_events',
      rows: events.map(({ event }) => toBusinessEventRow(event, 'mqtt', receivedAtMs)),
      rejected,
      items: items.length,
    };
  }
  const rows: GaugeRow[] = [];
  const rejected: ItemIssue[] = [];
  items.forEach((item, index) => {
    const parsed = QueueDepthMessageSchema.safeParse(item);
    if (!parsed.success) {
      for (const i of parsed.error.issues)
        rejected.push({ index, field: i.path.map(String).join('.'), message: i.message });
      return;
    }
    const m = parsed.data;
    const points = queueSamplePoints({
      queue: m.queue,
      system: m.system ?? 'mqtt',
      depth: m.depth,
      oldestAgeSeconds: m.oldest_age,
      inFlight: m.in_flight,
      plant: m.plant ?? defaultPlant,
    });
    const resource = {
      serviceName: m.gateway ?? MQTT_SERVICE_NAME,
      scopeName: 'linewatch.mqtt',
      attributes: { 'mqtt.topic': topic },
    };
    rows.push(...toGaugeRows(points, resource, m.time ? Date.parse(m.time) : receivedAtMs));
  });
  return { table: 'otel_metrics_gauge', rows, rejected, items: items.length };
}
