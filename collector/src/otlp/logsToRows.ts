import { bizEventLine } from './bizEventLine.ts';
import { OtlpItemError } from './errors.ts';
import { forEachScopedItem, type ScopedItemsShape } from './forEachScopedItem.ts';
import {
  anyValueText,
  encodeAttributes,
  enumOf,
  idHex,
  nanosIsZero,
  nanosText,
  str,
  uint,
} from './otlpValues.ts';
import type { ResourceContext, ScopeContext } from './resourceContext.ts';
import { RowsBuilder } from './rowsBuilder.ts';
import type {
  BytesLike,
  Int64Like,
  OtlpAnyValue,
  OtlpKeyValue,
  RowsResult,
  TransformContext,
} from './types.ts';

interface OtlpLogRecord {
  timeUnixNano?: Int64Like;
  observedTimeUnixNano?: Int64Like;
  severityNumber?: number | string | null;
  severityText?: string | null;
  body?: OtlpAnyValue | null;
  attributes?: OtlpKeyValue[] | null;
  flags?: number | null;
  traceId?: BytesLike;
  spanId?: BytesLike;
  eventName?: string | null;
}

const SEVERITY_NAMES = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((l) =>
    [l, `${l}2`, `${l}3`, `${l}4`].map((n) => `SEVERITY_NUMBER_${n}`),
  ),
];
const SEVERITY_ERROR = 17;

const SHAPE: ScopedItemsShape<OtlpLogRecord> = {
  request: 'ExportLogsServiceRequest',
  resources: 'resourceLogs',
  scopes: 'scopeLogs',
  items: 'logRecords',
};

/**
 * Turns an ExportLogsServiceRequest into otel_logs rows, plus business_events rows for records that
 * carry `biz.step`. A record's `event_name` (no column in the exporter layout) is kept as the
 * `event.name` attribute unless the record already has one.
 */
export function logsToRows(request: unknown, ctx: TransformContext): RowsResult {
  const out = new RowsBuilder(ctx.sizeHint, ctx.buffers);
  forEachScopedItem(
    request,
    SHAPE,
    out,
    (rec, res, scope) => logRow(rec, res, scope, out, ctx),
    ctx.restriction,
  );
  return out.result();
}

function logRow(
  rec: OtlpLogRecord,
  res: ResourceContext,
  scope: ScopeContext,
  out: RowsBuilder,
  ctx: TransformContext,
): void {
  if (rec == null || typeof rec !== 'object') throw new OtlpItemError('(logRecord)', 'expected an object');
  // OTLP: time_unix_nano may be unknown (0); observed_time_unix_nano is when the collector saw it.
  const time = nanosText(
    nanosIsZero(rec.timeUnixNano) ? rec.observedTimeUnixNano : rec.timeUnixNano,
    'timeUnixNano',
  );
  const traceId = idHex(rec.traceId, 16, 'traceId', false);
  const spanId = idHex(rec.spanId, 8, 'spanId', false);
  const severity = enumOf(rec.severityNumber, SEVERITY_NAMES, 'severityNumber');
  const severityText = str(rec.severityText, 'severityText');
  const flags = uint(rec.flags, 'flags');
  const body = anyValueText(rec.body, 'body');
  let attrs = encodeAttributes(rec.attributes, 'attributes');
  const eventName = str(rec.eventName, 'eventName');
  if (eventName && !attrs.json.includes('"event.name":')) {
    attrs = {
      ...attrs,
      json:
        attrs.json === '{}'
          ? `{"event.name":${JSON.stringify(eventName)}}`
          : `${attrs.json.slice(0, -1)},"event.name":${JSON.stringify(eventName)}}`,
    };
  }
  out.add(
    'otel_logs',
    `{"Timestamp":"${time}","TraceId":"${traceId}","SpanId":"${spanId}","TraceFlags":${flags & 0xff}` +
      `,"SeverityText":${JSON.stringify(severityText)},"SeverityNumber":${severity},"ServiceName":${res.serviceNameJson}` +
      `,"Body":${JSON.stringify(body)},"ResourceSchemaUrl":${res.schemaUrlJson},"ResourceAttributes":${res.attributesJson}` +
      `,"ScopeSchemaUrl":${scope.schemaUrlJson},"ScopeName":${scope.nameJson},"ScopeVersion":${scope.versionJson}` +
      `,"ScopeAttributes":${scope.attributesJson},"LogAttributes":${attrs.json}}\n`,
  );
  if (attrs.biz?.['biz.step'] !== undefined) {
    const failed = severity >= SEVERITY_ERROR;
    const ev = bizEventLine({
      source: 'log',
      biz: attrs.biz,
      resourceBiz: res.biz,
      system: res.serviceName,
      time,
      traceId,
      spanId,
      failed,
      errorMessage: body,
      discriminator: body + attrs.json,
      receivedAtMs: ctx.receivedAtMs,
    });
    if ('line' in ev) {
      out.add('business_events', ev.line);
      if (ev.warning) out.warn(ev.warning);
    } else out.warn(`log record kept, no business event: ${ev.skipped}`);
  }
}
