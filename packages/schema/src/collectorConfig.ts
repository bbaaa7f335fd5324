import { z } from 'zod';
import { DurationSchema } from './duration.ts';
import { TlsConfigSchema } from './tls.ts';

// ---- Collector B: Odoo webhooks, MQTT, queue-depth pollers (collector/src/receivers/{odoo,mqtt}, collector/src/pollers)

const odooScalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * One rule mapping an Odoo webhook payload to a business event. Values of `key`, `keys`, `plant`,
 * `outcome` and `attributes` are templates: `{{field}}` is replaced by the payload's field
 * (`{{company_id.1}}` indexes a many2one pair), anything else is a constant.
 */
export const OdooMappingSchema = z.object({
  model: z.string().min(1),
  /** Field values the payload must have (a list means any of them). */
  when: z.record(z.string().min(1), z.union([odooScalar, z.array(odooScalar)])).default({}),
  flow: z.string().min(1).optional(),
  step: z.string().min(1),
  key: z.string().min(1),
  keys: z.record(z.string().min(1), z.string().min(1)).default({}),
  plant: z.string().min(1).optional(),
  system: z.string().min(1).default('odoo'),
  /** The payload field holding the event time (Odoo's UTC "YYYY-MM-DD HH:MM:SS"), or "received" for the receive time. */
  time: z.string().min(1).default('write_date'),
  outcome: z.string().min(1).optional(),
  attributes: z.record(z.string().min(1), z.string()).default({}),
});
export type OdooMapping = z.infer<typeof OdooMappingSchema>;

/** One Odoo database sending webhooks to `/v1/odoo/webhook/<source>`. */
export const OdooSourceSchema = z
  .object({
    /** Plant for mappings that name none. */
    plant: z.string().min(1).optional(),
    mappings: z.array(OdooMappingSchema).min(1),
  })
  .superRefine((s, ctx) => {
    s.mappings.forEach((m, i) => {
      if (!m.plant && !s.plant)
        ctx.addIssue({
          code: 'custom',
          path: ['mappings', i, 'plant'],
          message: 'required when the source has no plant',
        });
    });
  });
export type OdooSource = z.infer<typeof OdooSourceSchema>;

export const OdooConfigSchema = z.object({
  sources: z
    .record(
      z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected a source name of letters, digits, _ or -'),
      OdooSourceSchema,
    )
    .default({}),
});
export type OdooConfig = z.infer<typeof OdooConfigSchema>;

/** An MQTT subscription: business events (the /v1/events schema) or queue depths from plant gateways. */
export const MqttTopicSchema = z.object({
  filter: z.string().min(1),
  kind: z.enum(['events', 'queue_depth']),
  /** Plant for queue depths that name none. */
  plant: z.string().min(1).optional(),
});
export type MqttTopic = z.infer<typeof MqttTopicSchema>;

export const MqttConfigSchema = z.object({
  url: z.string().regex(/^(mqtts?|wss?|tcp|ssl):\/\//, 'expected a broker URL like mqtt://host:1883'),
  topics: z.array(MqttTopicSchema).min(1),
  /** Stable client id: the broker keeps the session (and unacknowledged QoS 1 messages) under it. */
  clientId: z.string().min(1).max(128).default('linewatch-collector'),
  username: z.string().optional(),
  password: z.string().optional(),
  keepaliveSeconds: z.number().int().min(0).max(65535).default(30),
  /** Reconnect backoff: starts at reconnectMin, doubles per failed attempt, capped at reconnectMax. */
  reconnectMin: DurationSchema.default(1_000),
  reconnectMax: DurationSchema.default(30_000),
});
export type MqttConfig = z.infer<typeof MqttConfigSchema>;

const pollerBase = {
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a poller name of letters, digits, _ . or -'),
  interval: DurationSchema.default(15_000),
  /** Bound on one scrape. */
  timeout: DurationSchema.default(10_000),
  plant: z.string().min(1).optional(),
};
const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// connection string');

/** RabbitMQ: the management HTTP API, or AMQP passive declares of named queues when management is off. */
export const RabbitmqPollerSchema = z
  .object({
    ...pollerBase,
    type: z.literal('rabbitmq'),
    managementUrl: z.url({ protocol: /^https?$/ }).optional(),
    amqpUrl: z
      .string()
      .regex(/^amqps?:\/\//, 'expected an amqp:// URL')
      .optional(),
    vhost: z.string().default('/'),
    /** Queues to report; all queues of the vhost when absent (management API only). */
    queues: z.array(z.string().min(1)).min(1).optional(),
  })
  .superRefine((p, ctx) => {
    if (!p.managementUrl && !p.amqpUrl)
      ctx.addIssue({
        code: 'custom',
        path: ['managementUrl'],
        message: 'set managementUrl, amqpUrl or both',
      });
    if (p.amqpUrl && !p.queues)
      ctx.addIssue({
        code: 'custom',
        path: ['queues'],
        message: 'required with amqpUrl (AMQP cannot list queues)',
      });
  });

/** NATS JetStream: pending and unacknowledged messages of a stream's consumers. */
export const NatsPollerSchema = z.object({
  ...pollerBase,
  type: z.literal('nats'),
  servers: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  stream: z.string().min(1),
  /** Consumers to report; all consumers of the stream when absent. */
  consumers: z.array(z.string().min(1)).min(1).optional(),
  user: z.string().optional(),
  pass: z.string().optional(),
  token: z.string().optional(),
});

/** Odoo's OCA queue_job table in PostgreSQL: jobs by channel and state, oldest waiting job, failed jobs. */
export const QueueJobPollerSchema = z.object({
  ...pollerBase,
  type: z.literal('queue_job'),
  connection: postgresUrl,
  schema: z.string().min(1).default('public'),
  table: z.string().min(1).default('queue_job'),
});

/** A query returning rows of { queue, depth, oldest_age? } (outbox tables); PostgreSQL only. */
export const SqlPollerSchema = z.object({
  ...pollerBase,
  type: z.literal('sql'),
  connection: postgresUrl,
  query: z.string().min(1),
  /** messaging.system attribute of the gauges. */
  system: z.string().min(1).default('outbox'),
});

export const PollerConfigSchema = z.discriminatedUnion('type', [
  RabbitmqPollerSchema,
  NatsPollerSchema,
  QueueJobPollerSchema,
  SqlPollerSchema,
]);
export type PollerConfig = z.infer<typeof PollerConfigSchema>;
export type PollerConfigInput = z.input<typeof PollerConfigSchema>;
export type RabbitmqPollerConfig = z.infer<typeof RabbitmqPollerSchema>;
export type NatsPollerConfig = z.infer<typeof NatsPollerSchema>;
export type QueueJobPollerConfig = z.infer<typeof QueueJobPollerSchema>;
export type SqlPollerConfig = z.infer<typeof SqlPollerSchema>;

const PollersSchema = z
  .array(PollerConfigSchema)
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((p, i) => {
      if (seen.has(p.name))
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate poller name "${p.name}"` });
      seen.add(p.name);
    });
  });

// ---- end Collector B

/** The collector's section of linewatch.yaml: receivers, pipeline, pollers. Owned by collector/. */
export const CollectorConfigSchema = z.object({
  // Collector B: Odoo webhooks, MQTT subscriptions, queue-depth pollers.
  odoo: OdooConfigSchema.prefault({}),
  mqtt: MqttConfigSchema.optional(),
  pollers: PollersSchema,
  otlpHttp: z
    .object({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(4318),
      /** HTTPS for OTLP/HTTP, events and webhooks; plain HTTP when absent. */
      tls: TlsConfigSchema.optional(),
    })
    .prefault({}),
  otlpGrpc: z
    .object({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(4317),
      /** TLS for OTLP/gRPC; plaintext when absent. */
      tls: TlsConfigSchema.optional(),
    })
    .prefault({}),
  /** Largest accepted request body (after decompression). */
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(8 * 1024 * 1024),
  spool: z
    .object({
      dir: z.string().optional(),
      maxBytes: z
        .number()
        .int()
        .positive()
        .default(2 * 1024 ** 3),
    })
    .prefault({}),
  batch: z
    .object({
      maxRows: z.number().int().positive().default(50_000),
      maxDelay: DurationSchema.default(1_000),
    })
    .prefault({}),
  /** Worker threads decoding OTLP requests (0: on the main thread). Keeps request latency low under load. */
  decodeWorkers: z.number().int().min(0).max(16).default(2),
  /** How often the collector writes its own counters into the linewatch_self table. */
  selfTelemetryInterval: DurationSchema.default(15_000),
  /** Spool segments inserted at the same time (embedded store: one write connection each). */
  insertConcurrency: z.number().int().min(1).max(4).default(2),
});
export type CollectorConfig = z.infer<typeof CollectorConfigSchema>;
