import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, type HrTime } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { openTestStore, sql, type TestStore } from '@linewatch/store';
import { makeSpans } from './fixtures/makeSpans.ts';
import { LOG_SPAN_ID, LOG_TRACE_ID, makeLogs, makeMetrics } from './fixtures/makeTelemetry.ts';
import { startTestCollector, type TestCollector } from './fixtures/startTestCollector.ts';

interface Exporter<T> {
  export(items: T, done: (r: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

function send<T>(exporter: Exporter<T>, items: T): Promise<void> {
  return new Promise((resolve, reject) =>
    exporter.export(items, (r) =>
      r.code === ExportResultCode.SUCCESS ? resolve() : reject(r.error ?? new Error('export failed')),
    ),
  );
}

/** An SDK time as nanoseconds since the epoch, exactly (decimal text). */
function ns(t: HrTime): string {
  return `${t[0]}${String(t[1]).padStart(9, '0')}`;
}

let store: TestStore;
let c: TestCollector;

beforeAll(async () => {
  store = await openTestStore();
  c = await startTestCollector(store);
});
afterAll(async () => {
  await c?.collector.stop();
  await store?.drop();
});

async function spansOf(service: string): Promise<Record<string, unknown>[]> {
  await c.collector.pipeline.flush(20_000);
  return store.query(sql`
    SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS ts, TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind,
      ServiceName, ResourceAttributes, ScopeName, ScopeVersion, SpanAttributes, toString(Duration) AS Duration,
      StatusCode, StatusMessage, arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS evTimes,
      Events.Name AS evNames, Events.Attributes AS evAttrs, Links.TraceId AS lTrace, Links.SpanId AS lSpan, Links.Attributes AS lAttrs
    FROM ${store.table('otel_traces')} FINAL WHERE ServiceName = ${service} ORDER BY SpanName, SpanId`);
}

function expectStored(rows: Record<string, unknown>[], spans: ReadableSpan[]): void {
  expect(rows).toHaveLength(spans.length);
  for (const span of spans) {
    const row = rows.find((r) => r.SpanId === span.spanContext().spanId);
    expect(row, `span ${span.name}`).toBeDefined();
    expect(row).toEqual({
      ts: ns(span.startTime),
      TraceId: span.spanContext().traceId,
      SpanId: span.spanContext().spanId,
      ParentSpanId: span.parentSpanContext?.spanId ?? '',
      TraceState: '',
      SpanName: span.name,
      SpanKind: span.kind === SpanKind.SERVER ? 'Server' : 'Client',
      ServiceName: span.resource.attributes['service.name'],
      ResourceAttributes: expect.objectContaining({
        'service.name': span.resource.attributes['service.name'],
        'telemetry.sdk.language': 'nodejs',
      }) as unknown,
      ScopeName: 'linewatch-test',
      ScopeVersion: '1.2.3',
      SpanAttributes: Object.fromEntries(Object.entries(span.attributes).map(([k, v]) => [k, String(v)])),
      Duration: String(BigInt(span.duration[0]) * 1_000_000_000n + BigInt(span.duration[1])),
      StatusCode: span.status.code === SpanStatusCode.ERROR ? 'Error' : 'Unset',
      StatusMessage: span.status.message ?? '',
      evTimes: span.events.map((e) => ns(e.time)),
      evNames: span.events.map((e) => e.name),
      evAttrs: span.events.map((e) =>
        Object.fromEntries(Object.entries(e.attributes ?? {}).map(([k, v]) => [k, String(v)])),
      ),
      lTrace: span.links.map((l) => l.context.traceId),
      lSpan: span.links.map((l) => l.context.spanId),
      lAttrs: span.links.map(() => ({})),
    });
  }
}

describe('the OpenTelemetry JS exporters sending to the collector', () => {
  it('stores spans from the OTLP/HTTP protobuf exporter field by field', async () => {
    const spans = makeSpans(30, {
      service: 'proto-traces',
      withEventsAndLinks: true,
      resource: { 'telemetry.sdk.language': 'nodejs' },
    });
    const exporter = new ProtoTraceExporter({ url: `${c.http}/v1/traces` });
    await send(exporter, spans);
    await exporter.shutdown();
    expectStored(await spansOf('proto-traces'), spans);
  });

  it('stores spans from the OTLP/HTTP JSON exporter field by field', async () => {
    const spans = makeSpans(12, {
      service: 'json-traces',
      withEventsAndLinks: true,
      resource: { 'telemetry.sdk.language': 'nodejs' },
    });
    const exporter = new JsonTraceExporter({ url: `${c.http}/v1/traces` });
    await send(exporter, spans);
    await exporter.shutdown();
    expectStored(await spansOf('json-traces'), spans);
  });

  it('stores spans from the OTLP/gRPC exporter, gzip-compressed, field by field', async () => {
    const spans = makeSpans(20, {
      service: 'grpc-traces',
      withEventsAndLinks: true,
      resource: { 'telemetry.sdk.language': 'nodejs' },
    });
    const exporter = new GrpcTraceExporter({ url: `http://${c.grpc}`, compression: 'gzip' as never });
    await send(exporter, spans);
    await exporter.shutdown();
    expectStored(await spansOf('grpc-traces'), spans);
  });

  it('stores gzip-compressed OTLP/HTTP protobuf spans', async () => {
    const spans = makeSpans(5, { service: 'gzip-traces', resource: { 'telemetry.sdk.language': 'nodejs' } });
    const exporter = new ProtoTraceExporter({ url: `${c.http}/v1/traces`, compression: 'gzip' as never });
    await send(exporter, spans);
    await exporter.shutdown();
    expectStored(await spansOf('gzip-traces'), spans);
  });

  it('stores the business event a span with biz.* attributes carries', async () => {
    const spans = makeSpans(2, {
      service: 'odoo-prod',
      attributes: {
        'biz.flow': 'production_confirmation',
        'biz.step': 'odoo_done',
        'biz.key': 'MO/00042',
        'biz.key.work_order': 'WO-7781',
      },
      resource: { 'biz.plant': 'plant-a' },
    });
    const exporter = new ProtoTraceExporter({ url: `${c.http}/v1/traces` });
    await send(exporter, spans);
    await c.collector.pipeline.flush(20_000);
    const events = await store.query(sql`
      SELECT id, toString(toUnixTimestamp64Nano(time)) AS t, flow, step, key, keys, system, plant, outcome, trace_id, span_id, source
      FROM ${store.table('business_events')} FINAL WHERE system = 'odoo-prod' ORDER BY span_id`);
    const expected = spans
      .map((s) => ({
        id: `span:${s.spanContext().traceId}:${s.spanContext().spanId}`,
        t: ns(s.endTime),
        flow: 'production_confirmation',
        step: 'odoo_done',
        key: 'MO/00042',
        keys: { work_order: 'WO-7781' },
        system: 'odoo-prod',
        plant: 'plant-a',
        outcome: 'ok',
        trace_id: s.spanContext().traceId,
        span_id: s.spanContext().spanId,
        source: 'span',
      }))
      .sort((a, b) => a.span_id.localeCompare(b.span_id));
    expect(events).toEqual(expected);
    // Sent again (an SDK retry): still one row per span and one event per span as any FINAL query sees it.
    await send(exporter, spans);
    await exporter.shutdown();
    await c.collector.pipeline.flush(20_000);
    const [counts] = await store.query<{ spans: number; events: number }>(sql`
      SELECT (SELECT count() FROM ${store.table('otel_traces')} FINAL WHERE ServiceName = 'odoo-prod') AS spans,
             (SELECT count() FROM ${store.table('business_events')} FINAL WHERE system = 'odoo-prod') AS events`);
    expect(counts).toEqual({ spans: 2, events: 2 });
  });

  const metricExporters: [string, () => Exporter<ResourceMetrics>][] = [
    ['OTLP/HTTP protobuf', () => new ProtoMetricExporter({ url: `${c.http}/v1/metrics` })],
    ['OTLP/HTTP JSON', () => new JsonMetricExporter({ url: `${c.http}/v1/metrics` })],
    ['OTLP/gRPC', () => new GrpcMetricExporter({ url: `http://${c.grpc}` })],
  ];
  it.each(metricExporters)(
    'stores queue-depth gauges, sums and histograms from the %s metrics exporter',
    async (name, make) => {
      const service = `metrics-${name.replace(/\W+/g, '-').toLowerCase()}`;
      const rm = await makeMetrics(service);
      const exporter = make();
      await send(exporter, rm);
      await exporter.shutdown();
      await c.collector.pipeline.flush(20_000);
      const gauges = await store.query(sql`
      SELECT MetricName, MetricUnit, MetricDescription, Value, Attributes, ScopeName, ScopeVersion, toString(toUnixTimestamp64Nano(TimeUnix)) AS t
      FROM ${store.table('otel_metrics_gauge')} WHERE ServiceName = ${service} ORDER BY MetricName`);
      const sdkGauge = rm.scopeMetrics[0]!.metrics.find(
        (m) => m.descriptor.name === 'integration.queue.depth',
      )!;
      const attrs = {
        'queue.name': 'mrp.confirmations',
        'messaging.system': 'rabbitmq',
        'biz.plant': 'plant-a',
      };
      expect(gauges).toEqual([
        {
          MetricName: 'integration.queue.depth',
          MetricUnit: '{message}',
          MetricDescription: 'messages waiting',
          Value: 42,
          Attributes: attrs,
          ScopeName: 'linewatch-test-meter',
          ScopeVersion: '0.9.0',
          t: ns(sdkGauge.dataPoints[0]!.endTime),
        },
        {
          MetricName: 'integration.queue.oldest_age',
          MetricUnit: 's',
          MetricDescription: '',
          Value: 12.5,
          Attributes: attrs,
          ScopeName: 'linewatch-test-meter',
          ScopeVersion: '0.9.0',
          t: expect.any(String) as unknown,
        },
      ]);
      const sums = await store.query(
        sql`SELECT MetricName, Value, IsMonotonic, AggregationTemporality, Attributes FROM ${store.table('otel_metrics_sum')} WHERE ServiceName = ${service}`,
      );
      expect(sums).toEqual([
        {
          MetricName: 'odoo.webhooks',
          Value: 5,
          IsMonotonic: true,
          AggregationTemporality: 2,
          Attributes: { model: 'mrp.production' },
        },
      ]);
      const hist = await store.query(
        sql`SELECT MetricName, Count, Sum, Min, Max, BucketCounts, ExplicitBounds FROM ${store.table('otel_metrics_histogram')} WHERE ServiceName = ${service}`,
      );
      const sdkHist = rm.scopeMetrics[0]!.metrics.find((m) => m.descriptor.name === 'odoo.rpc.duration')!
        .dataPoints[0]!.value as {
        buckets: { boundaries: number[]; counts: number[] };
      };
      expect(hist).toEqual([
        {
          MetricName: 'odoo.rpc.duration',
          Count: 4,
          Sum: 272,
          Min: 3,
          Max: 250,
          BucketCounts: sdkHist.buckets.counts,
          ExplicitBounds: sdkHist.buckets.boundaries,
        },
      ]);
      expect(sdkHist.buckets.counts.slice(0, 4)).toEqual([0, 1, 1, 1]);
      const exp = await store.query(
        sql`SELECT Count, Sum, Min, Max, arraySum(PositiveBucketCounts) AS n FROM ${store.table('otel_metrics_exponential_histogram')} WHERE ServiceName = ${service}`,
      );
      expect(exp).toEqual([{ Count: 4, Sum: 46.75, Min: 1.5, Max: 40, n: 4 }]);
    },
  );

  const logExporters: [string, () => Exporter<ReadableLogRecord[]>][] = [
    ['OTLP/HTTP protobuf', () => new ProtoLogExporter({ url: `${c.http}/v1/logs` })],
    ['OTLP/HTTP JSON', () => new JsonLogExporter({ url: `${c.http}/v1/logs` })],
    ['OTLP/gRPC', () => new GrpcLogExporter({ url: `http://${c.grpc}` })],
  ];
  it.each(logExporters)(
    'stores log records and their business event from the %s logs exporter',
    async (name, make) => {
      const service = `logs-${name.replace(/\W+/g, '-').toLowerCase()}`;
      const records = makeLogs(service);
      const exporter = make();
      await send(exporter, records);
      await exporter.shutdown();
      await c.collector.pipeline.flush(20_000);
      const logs = await store.query(sql`
      SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS t, TraceId, SpanId, TraceFlags, SeverityText, SeverityNumber, Body, LogAttributes, ResourceAttributes['biz.plant'] AS plant, ScopeName
      FROM ${store.table('otel_logs')} WHERE ServiceName = ${service} ORDER BY SeverityNumber`);
      expect(logs).toEqual([
        {
          t: ns(records[0]!.hrTime),
          TraceId: '',
          SpanId: '',
          TraceFlags: 0,
          SeverityText: 'INFO',
          SeverityNumber: 9,
          Body: 'work order released',
          LogAttributes: { 'wo.id': 'WO-7781', attempt: '2' },
          plant: 'plant-b',
          ScopeName: 'linewatch-test-logger',
        },
        {
          t: ns(records[1]!.hrTime),
          TraceId: LOG_TRACE_ID,
          SpanId: LOG_SPAN_ID,
          TraceFlags: 1,
          SeverityText: 'ERROR',
          SeverityNumber: 17,
          Body: 'confirmation rejected by MES',
          LogAttributes: {
            'biz.flow': 'production_confirmation',
            'biz.step': 'mes_confirm',
            'biz.key': 'MO/00042',
            'biz.key.work_order': 'WO-7781',
            'biz.error.category': 'validation',
          },
          plant: 'plant-b',
          ScopeName: 'linewatch-test-logger',
        },
      ]);
      const events = await store.query(
        sql`SELECT step, key, keys, plant, outcome, error_category, error_message, trace_id, source FROM ${store.table('business_events')} FINAL WHERE system = ${service}`,
      );
      expect(events).toEqual([
        {
          step: 'mes_confirm',
          key: 'MO/00042',
          keys: { work_order: 'WO-7781' },
          plant: 'plant-b',
          outcome: 'failed',
          error_category: 'validation',
          error_message: 'confirmation rejected by MES',
          trace_id: LOG_TRACE_ID,
          source: 'log',
        },
      ]);
    },
  );

  it('counts what it received and stored at /metrics', async () => {
    const res = await c.collector.httpApp.request('/metrics');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/linewatch_collector_accepted_total\{component="otlp_http",signal="traces"\} \d+/);
    expect(text).toMatch(/linewatch_collector_accepted_total\{component="otlp_grpc",signal="traces"\} 20/);
    expect(text).toMatch(
      /linewatch_collector_inserted_total\{component="pipeline",signal="otel_traces"\} \d+/,
    );
    expect(text).toMatch(
      /linewatch_collector_insert_latency_seconds_count\{component="pipeline",signal="otel_traces"\} \d+/,
    );
  });
});
