import type { CollectorConfig } from '@linewatch/schema';
import { demoOdooMappings, type OdooMappingRule } from './emit/odooWebhook.ts';
import type { EmitTargets } from './emit/types.ts';
import type { SimFlow } from './model.ts';

/** The Odoo webhook source the demo's Odoo posts to (`/v1/odoo/webhook/demo`). */
export const DEMO_ODOO_SOURCE = 'demo';
/** The MQTT topics the demo's plant gateways publish on (`plants/P02/events`). */
export const DEMO_MQTT_FILTER = 'plants/+/events';

/** The collector settings that let the demo's Odoo webhooks and MQTT gateways in (merge under `collector`). */
export interface DemoIngestConfig {
  odoo: { sources: Record<string, { mappings: OdooMappingRule[] }> };
  mqtt: { url: string; topics: { filter: string; kind: 'events' }[]; clientId: string };
}

/**
 * Collector configuration for the demo estate: an Odoo webhook source whose mappings match the
 * simulated Odoo's payloads, and an MQTT subscription for the plant gateways.
 * @example const collector = { ...config.collector, ...demoIngestConfig(flows) }
 */
export function demoIngestConfig(
  flows: readonly SimFlow[],
  mqttUrl = 'mqtt://127.0.0.1:1883',
): DemoIngestConfig {
  return {
    odoo: { sources: { [DEMO_ODOO_SOURCE]: { mappings: demoOdooMappings(flows) } } },
    mqtt: {
      url: mqttUrl,
      topics: [{ filter: DEMO_MQTT_FILTER, kind: 'events' }],
      clientId: 'linewatch-collector',
    },
  };
}

/** An MQTT topic for a plant that a subscription filter matches (`plants/+/events` → `plants/P02/events`). */
export function topicForFilter(filter: string, plant: string): string {
  return filter
    .split('/')
    .map((level) => (level === '+' ? plant : level === '#' ? 'events' : level))
    .join('/');
}

/**
 * Where the demo sends, from the collector's configuration: Odoo webhooks only if a source maps the
 * simulated Odoo's payloads, MQTT only if the collector subscribes to an events topic; otherwise
 * those steps go through the events API.
 */
export function demoTargets(
  collector: CollectorConfig,
  otlpUrl: string,
  headers?: Record<string, string>,
): EmitTargets {
  const odooSource = Object.entries(collector.odoo.sources).find(([, s]) =>
    s.mappings.some((m) => typeof m.when.x_studio_flow === 'string'),
  )?.[0];
  const events = collector.mqtt?.topics.find((t) => t.kind === 'events');
  return {
    otlpUrl,
    ingestUrl: otlpUrl,
    ...(odooSource ? { odooSource } : {}),
    ...(collector.mqtt && events
      ? { mqtt: { url: collector.mqtt.url, topic: (plant: string) => topicForFilter(events.filter, plant) } }
      : {}),
    ...(headers ? { headers } : {}),
  };
}
