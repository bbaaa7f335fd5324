import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import type { BusinessEventInput } from '@linewatch/schema';
import { makeSpans } from '../../test/fixtures/makeSpans.ts';
import { makeLogs, makeMetrics } from '../../test/fixtures/makeTelemetry.ts';
import type { OtlpSignal } from '../otlp/types.ts';

/** Real OTLP export requests of one signal, serialized by the OpenTelemetry SDK itself. */
export interface SeedRequest {
  signal: OtlpSignal;
  protobuf: Uint8Array;
  /** OTLP/JSON, parsed (mutations work on the value, then it is serialized again). */
  json: unknown;
}

function parsed(bytes: Uint8Array | undefined): unknown {
  if (!bytes) throw new Error('the SDK serializer produced no request');
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
}

function bytesOf(bytes: Uint8Array | undefined): Uint8Array {
  if (!bytes) throw new Error('the SDK serializer produced no request');
  return bytes;
}

/**
 * One request per signal as an instrumented connector sends it: spans with events and links and a
 * `biz.*` span, gauges, a counter, both histogram kinds, and log records with a trace context.
 */
export async function makeSeedRequests(): Promise<Record<OtlpSignal, SeedRequest>> {
  const spans = [
    ...makeSpans(3, { service: 'fuzz-seed', withEventsAndLinks: true }),
    ...makeSpans(1, {
      service: 'fuzz-seed',
      attributes: { 'biz.flow': 'production_confirmation', 'biz.step': 'odoo_done', 'biz.key': 'MO/1' },
    }),
  ];
  const metrics = await makeMetrics('fuzz-seed');
  const logs = makeLogs('fuzz-seed');
  return {
    traces: {
      signal: 'traces',
      protobuf: bytesOf(ProtobufTraceSerializer.serializeRequest(spans)),
      json: parsed(JsonTraceSerializer.serializeRequest(spans)),
    },
    metrics: {
      signal: 'metrics',
      protobuf: bytesOf(ProtobufMetricsSerializer.serializeRequest(metrics)),
      json: parsed(JsonMetricsSerializer.serializeRequest(metrics)),
    },
    logs: {
      signal: 'logs',
      protobuf: bytesOf(ProtobufLogsSerializer.serializeRequest(logs)),
      json: parsed(JsonLogsSerializer.serializeRequest(logs)),
    },
  };
}

/** A valid canonical business event (passes BusinessEventSchema). */
export function makeSeedEvent(id: string, overrides: Partial<BusinessEventInput> = {}): BusinessEventInput {
  return {
    id,
    time: '2026-11-27T08:15:00.123Z',
    flow: 'production_confirmation',
    step: 'odoo_done',
    key: 'MO/00042',
    keys: { work_order: 'WO-7781' },
    system: 'odoo',
    plant: 'P1',
    outcome: 'ok',
    attributes: { 'odoo.model': 'mrp.production' },
    ...overrides,
  };
}

/** The JSON an Odoo "Send Webhook Notification" action posts for a done manufacturing order. */
export function makeSeedOdooPayload(name: string): Record<string, unknown> {
  return {
    _action: 'Send Webhook Notification(#12)',
    _id: 42,
    _model: 'mrp.production',
    company_id: [1, 'Plant Graz'],
    name,
    origin: false,
    state: 'done',
    workorder_ids: [7781, 7782],
    write_date: '2026-11-27 08:15:00.123456',
  };
}

/** A queue depth as a plant gateway publishes it over MQTT. */
export function makeSeedQueueDepth(queue: string): Record<string, unknown> {
  return {
    queue,
    depth: 12,
    oldest_age: 3.5,
    in_flight: 1,
    system: 'rabbitmq',
    plant: 'P1',
    time: '2026-11-27T08:15:00Z',
  };
}
