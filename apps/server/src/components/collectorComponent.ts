import { createCollector, type Collector } from '@linewatch/collector';
import type { Component, RuntimeContext } from '../runtime.ts';

/** Ingest routes the API port also serves (same origin as the UI), each forwarded to the collector. */
const INGEST_ROUTES = [
  { method: 'post', path: '/v1/traces', summary: 'OTLP/HTTP traces (protobuf or JSON)' },
  { method: 'post', path: '/v1/metrics', summary: 'OTLP/HTTP metrics (protobuf or JSON)' },
  { method: 'post', path: '/v1/logs', summary: 'OTLP/HTTP logs (protobuf or JSON)' },
  { method: 'post', path: '/v1/events', summary: 'A batch of business events' },
  {
    method: 'post',
    path: '/v1/odoo/webhook/:source',
    summary: 'An Odoo 17+ "Send Webhook Notification" payload',
  },
  { method: 'get', path: '/metrics', summary: "The collector's self-telemetry (Prometheus text)" },
] as const;

/**
 * The collector role: receivers on their own ports (OTLP/HTTP, OTLP/gRPC), MQTT, pollers and the
 * durable spool. When the API runs in the same process, its port serves the ingest routes too.
 */
export function collectorComponent(ctx: RuntimeContext): (Component & Collector) | undefined {
  if (!ctx.config.roles.includes('collector')) return undefined;
  const collector = createCollector({
    config: ctx.config,
    store: ctx.store,
    logger: ctx.logger.child({ component: 'collector' }),
    verify: (authorization, subject) => ctx.access.verify(authorization, subject),
    now: ctx.now,
  });
  if (ctx.router) {
    for (const r of INGEST_ROUTES)
      ctx.router[r.method](
        r.path,
        'ingest', // c.env carries the connection: a verified client certificate reaches the collector too.
        (c) => collector.httpApp.fetch(c.req.raw, c.env),
        {
          summary: r.summary,
          tags: ['ingest'],
        },
      );
  }
  return collector;
}
