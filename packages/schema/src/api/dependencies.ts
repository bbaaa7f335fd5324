import { z } from 'zod';
import { DurationSchema } from '../duration.ts';

// HTTP shapes of the dependency map (`/api/v1/dependencies`), services RED metrics
// (`/api/v1/services`) and queue-depth series (`/api/v1/queues`). All times are RFC 3339 strings
// in UTC; durations in milliseconds unless the field name says otherwise.

const isoTime = z.string().describe('RFC 3339 time, UTC');

/**
 * A time range on the query string: `from`/`to` (RFC 3339), or `window` (a duration like "15m")
 * ending at `to` (default: now). `from` wins over `window` when both are given.
 */
const timeRangeFields = {
  from: isoTime.optional(),
  to: isoTime.optional(),
  window: DurationSchema.optional(),
};

/**
 * Health shown on the map. Derived from each flow's figures (on-time ratio, missing, failed) and,
 * for traced edges and services, from the error rate: `idle` means nothing happened in the window.
 */
export const DependencyHealthSchema = z.enum(['healthy', 'degraded', 'failing', 'idle', 'unknown']);
export type DependencyHealth = z.infer<typeof DependencyHealthSchema>;

/**
 * What a node is. `service`: emits spans. `system`: named by a flow step but emits no spans
 * (Odoo webhooks, batch files). `database`, `messaging` and `external` are uninstrumented peers seen
 * only on the client/producer spans that call them (`db.system`, `messaging.destination.name`,
 * `peer.service`/`server.address`).
 */
export const DependencyNodeKindSchema = z.enum(['service', 'system', 'database', 'messaging', 'external']);
export type DependencyNodeKind = z.infer<typeof DependencyNodeKindSchema>;

/**
 * How an edge was seen. `call`: a client span and the server span (or peer) it called, source calls
 * target. `messaging`: a producer and the consumer (or destination) that received its message, data
 * goes from source to target. `flow`: a hop a flow declares between the systems of consecutive steps.
 */
export const DependencyEdgeKindSchema = z.enum(['call', 'messaging', 'flow']);
export type DependencyEdgeKind = z.infer<typeof DependencyEdgeKindSchema>;

/** Rate, errors and duration over the window (RED). Percentiles are null when there were no calls. */
export const RedMetricsSchema = z.object({
  calls: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  /** errors / calls, 0 when there were no calls. */
  errorRate: z.number().min(0).max(1),
  /** calls per second over the window. */
  ratePerSecond: z.number().nonnegative(),
  p50Ms: z.number().nonnegative().nullable(),
  p95Ms: z.number().nonnegative().nullable(),
});
export type RedMetrics = z.infer<typeof RedMetricsSchema>;

/** Who depends on a node or an edge: the flows, plants and criticalities a failure there hurts. */
export const ImpactSchema = z.object({
  /** Flow ids, most critical first. */
  flows: z.array(z.string()),
  plants: z.array(z.string()),
  /** Distinct criticalities of those flows, most severe first (production, quality, shipping, inventory, finance, informational). */
  criticalities: z.array(z.string()),
  /** The most severe criticality, or null when no flow depends on it. */
  topCriticality: z.string().nullable(),
});
export type Impact = z.infer<typeof ImpactSchema>;

/** A flow as the map shows it: its systems, hops and current health over the window. */
export const DependencyFlowSchema = z.object({
  flow: z.string(),
  name: z.string(),
  criticality: z.string(),
  /** Plants the flow runs in (from its definition, or where it was seen); empty means all plants. */
  plants: z.array(z.string()),
  /** Node ids of the systems of its steps, in step order, without repeats. */
  systems: z.array(z.string()),
  health: DependencyHealthSchema,
  /** Transactions started in the window. */
  volume: z.number().int().nonnegative(),
  /** Completed on time / finished, null when nothing finished. */
  onTimeRatio: z.number().min(0).max(1).nullable(),
  late: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
});
export type DependencyFlow = z.infer<typeof DependencyFlowSchema>;

export const DependencyNodeSchema = z.object({
  /** Stable id: the service or system name; `db:<system>[/<namespace>]`, `messaging:<destination>`, `host:<address>` for peers. */
  id: z.string(),
  /** Label to show. */
  name: z.string(),
  kind: DependencyNodeKindSchema,
  /** True when the node emits spans itself. */
  instrumented: z.boolean(),
  /** Flow ids with a step on this node. */
  flows: z.array(z.string()),
  plants: z.array(z.string()),
  /** Entry-span RED metrics for services; for peers, the sum of the calls they received. Null when unseen in the window. */
  metrics: RedMetricsSchema.nullable(),
  health: DependencyHealthSchema,
  impact: ImpactSchema,
});
export type DependencyNode = z.infer<typeof DependencyNodeSchema>;

export const DependencyEdgeSchema = z.object({
  /** `<source>-><target>`. */
  id: z.string(),
  source: z.string(),
  target: z.string(),
  /** Every way this edge was seen, e.g. ['call', 'flow'] when a declared hop is also traced. */
  kinds: z.array(DependencyEdgeKindSchema).min(1),
  /** Traced calls/messages over the window (null for a hop that only flows declare). Latency is the caller's client/producer span, or the server span for service-to-service calls. */
  metrics: RedMetricsSchema.nullable(),
  /** Flow ids that declare this hop. */
  flows: z.array(z.string()),
  plants: z.array(z.string()),
  health: DependencyHealthSchema,
  impact: ImpactSchema,
});
export type DependencyEdge = z.infer<typeof DependencyEdgeSchema>;

/** `GET /api/v1/dependencies` query: window and optional plant and flow filters. */
export const DependencyGraphQuery = z.object({
  ...timeRangeFields,
  plant: z.string().min(1).optional(),
  flow: z.string().min(1).optional(),
});
export type DependencyGraphQuery = z.infer<typeof DependencyGraphQuery>;

/** `GET /api/v1/dependencies` response. */
export const DependencyGraphSchema = z.object({
  from: isoTime,
  to: isoTime,
  nodes: z.array(DependencyNodeSchema),
  edges: z.array(DependencyEdgeSchema),
  flows: z.array(DependencyFlowSchema),
});
export type DependencyGraph = z.infer<typeof DependencyGraphSchema>;

/** `GET /api/v1/dependencies/impact` query: one node (`node`) or one edge (`source` and `target`). */
export const DependencyImpactQuery = z
  .object({
    ...timeRangeFields,
    node: z.string().min(1).optional(),
    source: z.string().min(1).optional(),
    target: z.string().min(1).optional(),
  })
  .refine((q) => (q.node !== undefined) !== (q.source !== undefined && q.target !== undefined), {
    message: 'give either node, or source and target',
  });
export type DependencyImpactQuery = z.infer<typeof DependencyImpactQuery>;

/** `GET /api/v1/dependencies/impact` response: who depends on it and which nodes a failure there reaches. */
export const DependencyImpactSchema = z.object({
  node: z.string().nullable(),
  edge: z.object({ source: z.string(), target: z.string() }).nullable(),
  impact: ImpactSchema,
  /** Node ids a failure here reaches, nearest first: what depends on it, and the systems after those on flow hops (docs/api.md). */
  downstream: z.array(z.string()),
});
export type DependencyImpact = z.infer<typeof DependencyImpactSchema>;

/** `GET /api/v1/services` query. */
export const ListServicesQuery = z.object({
  ...timeRangeFields,
  plant: z.string().min(1).optional(),
});
export type ListServicesQuery = z.infer<typeof ListServicesQuery>;

/** A service and its RED metrics from entry spans (server, consumer, and root spans). */
export const ServiceSummarySchema = z.object({
  service: z.string(),
  plants: z.array(z.string()),
  metrics: RedMetricsSchema,
  health: DependencyHealthSchema,
});
export type ServiceSummary = z.infer<typeof ServiceSummarySchema>;

/** `GET /api/v1/services` response. */
export const ServiceListSchema = z.object({
  from: isoTime,
  to: isoTime,
  services: z.array(ServiceSummarySchema),
});
export type ServiceList = z.infer<typeof ServiceListSchema>;

/** `GET /api/v1/services/:service/operations` query (the path names the service). */
export const ListOperationsQuery = ListServicesQuery;
export type ListOperationsQuery = z.infer<typeof ListOperationsQuery>;

/** One operation (span name) of a service and its RED metrics. */
export const OperationSummarySchema = z.object({
  operation: z.string(),
  /** Span kind as stored: Server, Consumer, Internal … */
  spanKind: z.string(),
  metrics: RedMetricsSchema,
});
export type OperationSummary = z.infer<typeof OperationSummarySchema>;

/** `GET /api/v1/services/:service/operations` response. */
export const OperationListSchema = z.object({
  from: isoTime,
  to: isoTime,
  service: z.string(),
  operations: z.array(OperationSummarySchema),
});
export type OperationList = z.infer<typeof OperationListSchema>;

/** `GET /api/v1/queues` query: optional filters, and the step of the series (default: about 60 points). */
export const QueueSeriesQuery = z.object({
  ...timeRangeFields,
  plant: z.string().min(1).optional(),
  queue: z.string().min(1).optional(),
  /** messaging.system, e.g. rabbitmq, nats, queue_job. */
  system: z.string().min(1).optional(),
  step: DurationSchema.optional(),
});
export type QueueSeriesQuery = z.infer<typeof QueueSeriesQuery>;

/** One bucket of a queue's series: the last reported value in the bucket, null when none came. */
export const QueuePointSchema = z.object({
  time: isoTime,
  depth: z.number().nullable(),
  oldestAgeSeconds: z.number().nullable(),
});
export type QueuePoint = z.infer<typeof QueuePointSchema>;

/** One queue (queue.name × messaging.system × biz.plant) over the window. */
export const QueueSeriesSchema = z.object({
  queue: z.string(),
  system: z.string(),
  plant: z.string(),
  /** The most recent report in the window. */
  latest: QueuePointSchema.nullable(),
  /** Highest depth in the window. */
  maxDepth: z.number().nullable(),
  points: z.array(QueuePointSchema),
});
export type QueueSeries = z.infer<typeof QueueSeriesSchema>;

/** A run of failed scrapes (gauge `linewatch.poller.up` = 0) of one poller, merged over consecutive buckets. */
export const ScrapeFailureSchema = z.object({
  poller: z.string(),
  pollerType: z.string(),
  plant: z.string(),
  from: isoTime,
  to: isoTime,
  /** Failed scrapes in the run. */
  count: z.number().int().positive(),
});
export type ScrapeFailure = z.infer<typeof ScrapeFailureSchema>;

/** `GET /api/v1/queues` response. */
export const QueueSeriesListSchema = z.object({
  from: isoTime,
  to: isoTime,
  stepSeconds: z.number().int().positive(),
  queues: z.array(QueueSeriesSchema),
  scrapeFailures: z.array(ScrapeFailureSchema),
});
export type QueueSeriesList = z.infer<typeof QueueSeriesListSchema>;
