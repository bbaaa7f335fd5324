/** One queue's state at one moment, as a poller or a gateway reports it. */
export interface QueueSample {
  /** queue.name: the queue, consumer or outbox it describes. */
  queue: string;
  /** messaging.system: rabbitmq, nats, odoo_queue_job, outbox, or what a gateway names. */
  system: string;
  /** Messages waiting (integration.queue.depth). */
  depth: number;
  /** Seconds the oldest waiting message has waited (integration.queue.oldest_age), when the source knows. */
  oldestAgeSeconds?: number;
  /** Delivered but not yet acknowledged (integration.queue.in_flight), when the source knows. */
  inFlight?: number;
  /** biz.plant */
  plant?: string;
  /** Further attributes (`nats.stream`, `queue_job.channel`). */
  attributes?: Record<string, string>;
}

/** One gauge data point before it becomes a row. */
export interface GaugePoint {
  name: string;
  unit: string;
  description: string;
  value: number;
  attributes: Record<string, string>;
}

/** Metric names shared by OTLP senders, pollers and MQTT gateways (docs/ingest.md). */
export const QUEUE_METRICS = {
  depth: { name: 'integration.queue.depth', unit: '{message}', description: 'Messages waiting in the queue' },
  oldestAge: {
    name: 'integration.queue.oldest_age',
    unit: 's',
    description: 'Seconds the oldest waiting message has waited',
  },
  inFlight: {
    name: 'integration.queue.in_flight',
    unit: '{message}',
    description: 'Messages delivered and not yet acknowledged',
  },
} as const;

/** The gauge points of a queue sample: depth always, oldest age and in-flight when known. */
export function queueSamplePoints(sample: QueueSample): GaugePoint[] {
  const attributes: Record<string, string> = {
    ...sample.attributes,
    'queue.name': sample.queue,
    'messaging.system': sample.system,
    ...(sample.plant ? { 'biz.plant': sample.plant } : {}),
  };
  const points: GaugePoint[] = [{ ...QUEUE_METRICS.depth, value: sample.depth, attributes }];
  if (sample.oldestAgeSeconds !== undefined && Number.isFinite(sample.oldestAgeSeconds))
    points.push({ ...QUEUE_METRICS.oldestAge, value: Math.max(0, sample.oldestAgeSeconds), attributes });
  if (sample.inFlight !== undefined)
    points.push({ ...QUEUE_METRICS.inFlight, value: sample.inFlight, attributes });
  return points;
}

/** Who reported the points: the resource of the rows (service.name and extra resource attributes). */
export interface GaugeResource {
  serviceName: string;
  attributes?: Record<string, string>;
  scopeName: string;
}

/** A row of otel_metrics_gauge in the OpenTelemetry Collector ClickHouse exporter layout. */
export interface GaugeRow {
  ResourceAttributes: Record<string, string>;
  ServiceName: string;
  ScopeName: string;
  MetricName: string;
  MetricDescription: string;
  MetricUnit: string;
  Attributes: Record<string, string>;
  StartTimeUnix: string;
  TimeUnix: string;
  Value: number;
}

/** Turns gauge points taken at `timeMs` into otel_metrics_gauge rows. */
export function toGaugeRows(
  points: readonly GaugePoint[],
  resource: GaugeResource,
  timeMs: number,
): GaugeRow[] {
  const time = new Date(timeMs).toISOString();
  const resourceAttributes = { ...resource.attributes, 'service.name': resource.serviceName };
  return points.map((p) => ({
    ResourceAttributes: resourceAttributes,
    ServiceName: resource.serviceName,
    ScopeName: resource.scopeName,
    MetricName: p.name,
    MetricDescription: p.description,
    MetricUnit: p.unit,
    Attributes: p.attributes,
    StartTimeUnix: time,
    TimeUnix: time,
    Value: p.value,
  }));
}
