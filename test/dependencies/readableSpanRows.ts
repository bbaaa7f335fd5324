import { SpanKind, SpanStatusCode, type Attributes, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

// Rows for otel_traces (ClickHouse exporter layout) built from the SDK's finished spans, with the
// ids, parents, links and times the SDK's real tracer and W3C propagation produced. Used until the
// collector's OTLP path is assembled (collector/src/createCollector.ts); the spellings follow the
// collector's transform (collector/src/otlp/tracesToRows.ts): SpanKind 'Server', StatusCode 'Error'.

const KIND: Record<SpanKind, string> = {
  [SpanKind.INTERNAL]: 'Internal',
  [SpanKind.SERVER]: 'Server',
  [SpanKind.CLIENT]: 'Client',
  [SpanKind.PRODUCER]: 'Producer',
  [SpanKind.CONSUMER]: 'Consumer',
};
const STATUS: Record<SpanStatusCode, string> = {
  [SpanStatusCode.UNSET]: 'Unset',
  [SpanStatusCode.OK]: 'Ok',
  [SpanStatusCode.ERROR]: 'Error',
};

function nanoTime(t: HrTime): string {
  const iso = new Date(t[0] * 1000).toISOString().slice(0, 19);
  return `${iso}.${String(t[1]).padStart(9, '0')}Z`;
}

function text(attrs: Attributes | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attrs ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

/** One otel_traces row per finished SDK span. */
export function readableSpanRows(spans: readonly ReadableSpan[]): object[] {
  return spans.map((s) => {
    const ctx = s.spanContext();
    const resource = text(s.resource.attributes);
    return {
      Timestamp: nanoTime(s.startTime),
      TraceId: ctx.traceId,
      SpanId: ctx.spanId,
      ParentSpanId: s.parentSpanContext?.spanId ?? '',
      TraceState: '',
      SpanName: s.name,
      SpanKind: KIND[s.kind],
      ServiceName: resource['service.name'] ?? '',
      ResourceAttributes: resource,
      ScopeName: s.instrumentationScope.name,
      ScopeVersion: s.instrumentationScope.version ?? '',
      SpanAttributes: text(s.attributes),
      Duration: s.duration[0] * 1e9 + s.duration[1],
      StatusCode: STATUS[s.status.code],
      StatusMessage: s.status.message ?? '',
      'Events.Timestamp': s.events.map((e) => nanoTime(e.time)),
      'Events.Name': s.events.map((e) => e.name),
      'Events.Attributes': s.events.map((e) => text(e.attributes)),
      'Links.TraceId': s.links.map((l) => l.context.traceId),
      'Links.SpanId': s.links.map((l) => l.context.spanId),
      'Links.TraceState': s.links.map(() => ''),
      'Links.Attributes': s.links.map((l) => text(l.attributes)),
    };
  });
}
