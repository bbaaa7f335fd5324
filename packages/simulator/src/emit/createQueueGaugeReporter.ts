import { ValueType } from '@opentelemetry/api';
import { ExportResultCode, millisToHrTime } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type GaugeMetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { MESSAGING_SYSTEM } from '../estate.ts';
import type { QueueSample } from './types.ts';

/** Reports queue depths as the OTLP gauges `integration.queue.depth` and `integration.queue.oldest_age`. */
export interface QueueGaugeReporter {
  /** Exports one sample per queue, stamped with the simulated time. */
  report(time: number, samples: readonly QueueSample[]): Promise<void>;
  shutdown(): Promise<void>;
  readonly points: number;
}

/**
 * Creates the reporter: the broker's monitoring exporter (`service.name` = `rabbitmq`) sending
 * through the SDK's OTLP/HTTP protobuf metric exporter. The points are built here rather than by a
 * MeterProvider because the SDK stamps points with the wall clock, and simulated time runs faster.
 */
export function createQueueGaugeReporter(options: {
  otlpUrl: string;
  headers?: Record<string, string>;
}): QueueGaugeReporter {
  const exporter = new OTLPMetricExporter({
    url: `${options.otlpUrl.replace(/\/$/, '')}/v1/metrics`,
    headers: options.headers ?? {},
  });
  const resource = resourceFromAttributes({
    'service.name': 'rabbitmq',
    'service.namespace': 'plant-network',
    'deployment.environment.name': 'demo',
    'linewatch.simulated': true,
  });
  let points = 0;
  let previous = 0;
  return {
    get points() {
      return points;
    },
    async report(time, samples) {
      if (!samples.length) return;
      const start = millisToHrTime(previous || time);
      const end = millisToHrTime(time);
      previous = time;
      const gauge = (
        name: string,
        unit: string,
        description: string,
        value: (s: QueueSample) => number,
      ): GaugeMetricData => ({
        descriptor: { name, unit, description, valueType: ValueType.DOUBLE },
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.GAUGE,
        dataPoints: samples.map((s) => ({
          startTime: start,
          endTime: end,
          attributes: { 'queue.name': s.queue, 'messaging.system': MESSAGING_SYSTEM, 'biz.plant': s.plant },
          value: value(s),
        })),
      });
      const metrics: ResourceMetrics = {
        resource,
        scopeMetrics: [
          {
            scope: { name: 'linewatch-simulator', version: '0.1.0' },
            metrics: [
              gauge('integration.queue.depth', '{message}', 'Messages waiting in the queue', (s) => s.depth),
              gauge(
                'integration.queue.oldest_age',
                's',
                'Seconds the oldest waiting message has waited',
                (s) => s.oldestAgeSeconds,
              ),
            ],
          },
        ],
      };
      await new Promise<void>((resolve, reject) =>
        exporter.export(metrics, (r) =>
          r.code === ExportResultCode.SUCCESS
            ? resolve()
            : reject(r.error ?? new Error('metric export failed')),
        ),
      );
      points += samples.length * 2;
    },
    shutdown: () => exporter.shutdown(),
  };
}
