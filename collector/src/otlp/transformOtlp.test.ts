import { describe, expect, it } from 'vitest';
import type { HrTime } from '@opentelemetry/api';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { makeSpans } from '../../test/fixtures/makeSpans.ts';
import { LOG_SPAN_ID, LOG_TRACE_ID, makeLogs, makeMetrics } from '../../test/fixtures/makeTelemetry.ts';
import { OtlpRequestError } from './errors.ts';
import { otlpTypes } from './otlpSchema.ts';
import { transformOtlp } from './transformOtlp.ts';
import type { RowsResult } from './types.ts';

const ctx = { receivedAtMs: 1_800_000_000_123 };

function rowsOf(result: RowsResult, table: string): Record<string, unknown>[] {
  const t = result.tables.find((x) => x.table === table);
  if (!t) return [];
  const lines = t.data.toString('utf8').split('\n').filter(Boolean);
  expect(lines).toHaveLength(t.rows);
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** An SDK time ([seconds, nanoseconds]) as the DateTime64(9) text the transform writes. */
function nsText(t: HrTime): string {
  return `${t[0]}.${String(t[1]).padStart(9, '0')}`;
}

/** An SDK duration in nanoseconds. */
function nanos(t: HrTime): number {
  return t[0] * 1e9 + t[1];
}

describe('the OTLP schema and transforms', () => {
  it('decodes the SDK protobuf serializer output into the same rows as its OTLP/JSON output', () => {
    const spans = makeSpans(25, { withEventsAndLinks: true, attributes: { tags: ['a', 'b'] } });
    const proto = transformOtlp(
      'traces',
      'protobuf',
      ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array,
      ctx,
    );
    const json = transformOtlp(
      'traces',
      'json',
      JsonTraceSerializer.serializeRequest(spans) as Uint8Array,
      ctx,
    );
    expect(proto.rejected).toBe(0);
    expect(proto.accepted).toBe(25);
    expect(rowsOf(proto, 'otel_traces')).toEqual(rowsOf(json, 'otel_traces'));
  });

  it('maps every span field to the ClickHouse exporter columns', () => {
    const spans = makeSpans(10, {
      withEventsAndLinks: true,
      resource: { 'deployment.environment': 'plant-a' },
    });
    const result = transformOtlp(
      'traces',
      'protobuf',
      ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array,
      ctx,
    );
    const rows = rowsOf(result, 'otel_traces');
    const span = spans[9]!;
    const row = rows[9]!;
    expect(row).toMatchObject({
      Timestamp: nsText(span.startTime),
      TraceId: span.spanContext().traceId,
      SpanId: span.spanContext().spanId,
      SpanName: 'mrp.production.confirm 9',
      SpanKind: 'Server',
      ServiceName: 'odoo-connector',
      ResourceAttributes: expect.objectContaining({
        'service.name': 'odoo-connector',
        'deployment.environment': 'plant-a',
      }) as unknown,
      ScopeName: 'linewatch-test',
      ScopeVersion: '1.2.3',
      Duration: nanos(span.duration),
      StatusCode: 'Error',
      StatusMessage: 'constraint violated',
      'Events.Name': ['queued'],
      'Events.Timestamp': [nsText(span.events[0]!.time)],
      'Events.Attributes': [{ 'queue.name': 'mrp', depth: '3' }],
    });
    expect(row.SpanAttributes).toEqual({
      'http.request.method': 'POST',
      'url.path': '/web/dataset/call_kw',
      'http.response.status_code': '200',
      'server.address': 'odoo.plant-a.local',
      'odoo.model': 'mrp.production',
      'odoo.method': 'button_mark_done',
      'odoo.record_id': '4209',
      'db.system': 'postgresql',
      'retry.count': '0',
      'sample.ratio': '0.25',
      'cache.hit': 'false',
    });
    expect(rows[0]!.SpanKind).toBe('Client');
    expect(rows[0]!.StatusCode).toBe('Unset');
    // Empty fields are left out of the line; the engine stores the column default ('' or []).
    expect(row).not.toHaveProperty('ParentSpanId');
    expect(Object.keys(row)).not.toContain('Links.TraceId');
    expect(rows[0]).not.toHaveProperty('StatusMessage');
  });

  it('stores array attributes as JSON text and 64-bit integers with every digit', () => {
    const spans = makeSpans(1, { attributes: { tags: ['a', 'b'], big: 2 ** 53 + 2 } });
    const rows = rowsOf(
      transformOtlp('traces', 'protobuf', ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array, ctx),
      'otel_traces',
    );
    const attrs = rows[0]!.SpanAttributes as Record<string, string>;
    expect(attrs.tags).toBe('["a","b"]');
    expect(attrs.big).toBe('9007199254740994');
  });

  it('formats nanosecond timestamps exactly, beyond float precision', () => {
    const T = otlpTypes.ExportTraceServiceRequest;
    const span = (start: string, end: string) => ({
      traceId: Buffer.alloc(16, 1),
      spanId: Buffer.alloc(8, 2),
      startTimeUnixNano: start,
      endTimeUnixNano: end,
      name: 'x',
    });
    const body = T.encode(
      T.fromObject({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  span('1799999999999999999', '1800000000000000001'),
                  span('1000000000', '1000000001'),
                  span('999', '1000'),
                ],
              },
            ],
          },
        ],
      }),
    ).finish();
    const rows = rowsOf(transformOtlp('traces', 'protobuf', body, ctx), 'otel_traces');
    expect(rows.map((r) => [r.Timestamp, r.Duration])).toEqual([
      ['1799999999.999999999', 2],
      ['0000000001.000000000', 1],
      ['0000000000.000000999', 1],
    ]);
  });

  it('makes a business event from a span that carries biz.step, with its id derived from trace and span id', () => {
    const spans = makeSpans(3, {
      attributes: {
        'biz.flow': 'production_confirmation',
        'biz.step': 'odoo_done',
        'biz.key': 'MO/00042',
        'biz.key.work_order': 'WO-7781',
        'biz.outcome': 'retried',
        'biz.error.category': 'timeout',
      },
      resource: { 'biz.plant': 'plant-a' },
    });
    const result = transformOtlp(
      'traces',
      'protobuf',
      ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array,
      ctx,
    );
    const events = rowsOf(result, 'business_events');
    expect(result.bizEvents).toBe(3);
    const s = spans[2]!.spanContext();
    expect(events[2]).toEqual({
      id: `span:${s.traceId}:${s.spanId}`,
      time: nsText(spans[2]!.endTime),
      flow: 'production_confirmation',
      step: 'odoo_done',
      key: 'MO/00042',
      keys: { work_order: 'WO-7781' },
      system: 'odoo-connector',
      plant: 'plant-a',
      outcome: 'retried',
      error_category: 'timeout',
      error_message: '',
      attributes: {},
      trace_id: s.traceId,
      span_id: s.spanId,
      received_at: '1800000000.123',
      source: 'span',
    });
  });

  it('derives a failed outcome from the span status and warns about biz.step without biz.key', () => {
    const failing = makeSpans(10, { attributes: { 'biz.step': 'wms_pick', 'biz.key': 'PICK/1' } });
    const events = rowsOf(
      transformOtlp(
        'traces',
        'protobuf',
        ProtobufTraceSerializer.serializeRequest(failing) as Uint8Array,
        ctx,
      ),
      'business_events',
    );
    expect(events[9]).toMatchObject({ outcome: 'failed', error_message: 'constraint violated' });
    expect(events[0]).toMatchObject({ outcome: 'ok', error_message: '' });

    const keyless = makeSpans(2, { attributes: { 'biz.step': 'wms_pick' } });
    const result = transformOtlp(
      'traces',
      'protobuf',
      ProtobufTraceSerializer.serializeRequest(keyless) as Uint8Array,
      ctx,
    );
    expect(rowsOf(result, 'otel_traces')).toHaveLength(2);
    expect(rowsOf(result, 'business_events')).toHaveLength(0);
    expect(result.messages).toEqual([
      'span kept, no business event: biz.step "wms_pick" without biz.key (2 times)',
    ]);
  });

  it('refuses spans with invalid ids one by one and keeps the valid ones (partial success)', () => {
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'mes' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                  name: 'ok',
                  startTimeUnixNano: '1800000000000000000',
                },
                { traceId: 'not-hex', spanId: 'eee19b7ec3c1b174', name: 'bad id' },
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b175',
                  startTimeUnixNano: 12.5e99,
                  name: 'bad',
                },
                { traceId: '00000000000000000000000000000000', spanId: 'eee19b7ec3c1b176' },
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b177',
                  attributes: [{ key: 1 }],
                },
              ],
            },
          ],
        },
      ],
    };
    const result = transformOtlp('traces', 'json', Buffer.from(JSON.stringify(body)), ctx);
    // 12.5e99 ns is no time the store can hold: refused here, not by the store for the whole batch.
    expect(result.accepted).toBe(1);
    expect(result.rejected).toBe(4);
    expect(result.messages).toEqual([
      'resourceSpans[0].scopeSpans[0].spans[1].traceId: expected 32 hex characters (OTLP/JSON encodes ids as hex)',
      'resourceSpans[0].scopeSpans[0].spans[2].startTimeUnixNano: out of range: after 2262-04-11, the latest time the store holds',
      'resourceSpans[0].scopeSpans[0].spans[3].traceId: must not be all zeros',
      'resourceSpans[0].scopeSpans[0].spans[4].attributes[0].key: expected a string',
    ]);
  });

  it('refuses a body that is not protobuf or not JSON as a whole', () => {
    const good = ProtobufTraceSerializer.serializeRequest(makeSpans(5)) as Uint8Array;
    expect(() => transformOtlp('traces', 'protobuf', good.subarray(0, good.length - 7), ctx)).toThrow(
      OtlpRequestError,
    );
    expect(() => transformOtlp('traces', 'json', Buffer.from('{"resourceSpans": ['), ctx)).toThrow(
      OtlpRequestError,
    );
    expect(() => transformOtlp('traces', 'json', Buffer.from('{"resourceSpans": 5}'), ctx)).toThrow(
      /resourceSpans: expected an array/,
    );
  });

  it('turns SDK metrics into gauge, sum, histogram and exponential histogram rows, the same from protobuf and JSON', async () => {
    const rm = await makeMetrics();
    const proto = transformOtlp(
      'metrics',
      'protobuf',
      ProtobufMetricsSerializer.serializeRequest(rm) as Uint8Array,
      ctx,
    );
    const json = transformOtlp(
      'metrics',
      'json',
      JsonMetricsSerializer.serializeRequest(rm) as Uint8Array,
      ctx,
    );
    expect(proto.rejected).toBe(0);
    for (const t of [
      'otel_metrics_gauge',
      'otel_metrics_sum',
      'otel_metrics_histogram',
      'otel_metrics_exponential_histogram',
    ])
      expect(rowsOf(proto, t)).toEqual(rowsOf(json, t));
    const gauges = rowsOf(proto, 'otel_metrics_gauge');
    expect(gauges.map((g) => [g.MetricName, g.Value, g.Attributes])).toEqual([
      [
        'integration.queue.depth',
        42,
        { 'queue.name': 'mrp.confirmations', 'messaging.system': 'rabbitmq', 'biz.plant': 'plant-a' },
      ],
      [
        'integration.queue.oldest_age',
        12.5,
        { 'queue.name': 'mrp.confirmations', 'messaging.system': 'rabbitmq', 'biz.plant': 'plant-a' },
      ],
    ]);
    expect(gauges[0]).toMatchObject({
      ServiceName: 'rabbitmq-gateway',
      MetricUnit: '{message}',
      MetricDescription: 'messages waiting',
      ScopeName: 'linewatch-test-meter',
      ScopeVersion: '0.9.0',
    });
    expect(rowsOf(proto, 'otel_metrics_sum')[0]).toMatchObject({
      MetricName: 'odoo.webhooks',
      Value: 5,
      IsMonotonic: true,
      AggregationTemporality: 2,
    });
    expect(rowsOf(proto, 'otel_metrics_histogram')[0]).toMatchObject({
      MetricName: 'odoo.rpc.duration',
      Count: 4,
      Sum: 272,
      Min: 3,
      Max: 250,
    });
    const exp = rowsOf(proto, 'otel_metrics_exponential_histogram')[0]!;
    expect(exp).toMatchObject({ MetricName: 'mes.cycle_time', Count: 4, Sum: 46.75, Min: 1.5, Max: 40 });
    expect((exp.PositiveBucketCounts as number[]).reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('turns SDK log records into otel_logs rows and a business event for the one with biz.step', () => {
    const records = makeLogs();
    const proto = transformOtlp(
      'logs',
      'protobuf',
      ProtobufLogsSerializer.serializeRequest(records) as Uint8Array,
      ctx,
    );
    const json = transformOtlp(
      'logs',
      'json',
      JsonLogsSerializer.serializeRequest(records) as Uint8Array,
      ctx,
    );
    expect(rowsOf(proto, 'otel_logs')).toEqual(rowsOf(json, 'otel_logs'));
    expect(rowsOf(proto, 'business_events')).toEqual(rowsOf(json, 'business_events'));
    const logs = rowsOf(proto, 'otel_logs');
    expect(logs[0]).toMatchObject({
      Timestamp: nsText(records[0]!.hrTime),
      SeverityText: 'INFO',
      SeverityNumber: 9,
      Body: 'work order released',
      ServiceName: 'mes-connector',
      TraceId: '',
      LogAttributes: { 'wo.id': 'WO-7781', attempt: '2' },
      ScopeName: 'linewatch-test-logger',
      ScopeVersion: '2.0.0',
    });
    expect(logs[1]).toMatchObject({
      TraceId: LOG_TRACE_ID,
      SpanId: LOG_SPAN_ID,
      TraceFlags: 1,
      SeverityNumber: 17,
    });
    const [event] = rowsOf(proto, 'business_events');
    expect(event).toMatchObject({
      flow: 'production_confirmation',
      step: 'mes_confirm',
      key: 'MO/00042',
      keys: { work_order: 'WO-7781' },
      system: 'mes-connector',
      plant: 'plant-b',
      outcome: 'failed',
      error_category: 'validation',
      error_message: 'confirmation rejected by MES',
      trace_id: LOG_TRACE_ID,
      span_id: LOG_SPAN_ID,
      source: 'log',
    });
    expect(event!.id).toMatch(new RegExp(`^log:${LOG_TRACE_ID}:${LOG_SPAN_ID}:[0-9a-f]{16}$`));
  });
});
