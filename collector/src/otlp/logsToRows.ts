import { bizEventLine } from './bizEventLine.ts';
import { OtlpItemError, OtlpRequestError } from './errors.ts';
import {
  anyValueText,
  encodeAttributes,
  enumOf,
  idHex,
  list,
  nanosIsZero,
  nanosText,
  str,
  uint,
} from './otlpValues.ts';
import { resourceContext, scopeContext, type ResourceContext, type ScopeContext } from './resourceContext.ts';
import { RowsBuilder } from './rowsBuilder.ts';
import type {
  BytesLike,
  Int64Like,
  OtlpAnyValue,
  OtlpKeyValue,
  OtlpResource,
  OtlpScope,
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
interface OtlpScopeLogs {
  scope?: OtlpScope | null;
  logRecords?: OtlpLogRecord[] | null;
  schemaUrl?: string | null;
}
interface OtlpResourceLogs {
  resource?: OtlpResource | null;
  scopeLogs?: OtlpScopeLogs[] | null;
  schemaUrl?: string | null;
}

const SEVERITY_NAMES = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((l) =>
    [l, `${l}2`, `${l}3`, `${l}4`].map((n) => `SEVERITY_NUMBER_${n}`),
  ),
];
const SEVERITY_ERROR = 17;

/**
 * Turns an ExportLogsServiceRequest into otel_logs rows, plus business_events rows for records that
 * carry `biz.step`. A record's `event_name` (no column in the exporter layout) is kept as the
 * `event.name` attribute unless the record already has one.
 */
export function logsToRows(request: unknown, ctx: TransformContext): RowsResult {
  const out = new RowsBuilder(ctx.sizeHint);
  if (request == null || typeof request !== 'object')
    throw new OtlpRequestError('expected an ExportLogsServiceRequest object');
  const resourceLogs = (request as { resourceLogs?: OtlpResourceLogs[] | null }).resourceLogs;
  if (resourceLogs != null && !Array.isArray(resourceLogs))
    throw new OtlpRequestError('resourceLogs: expected an array');
  for (let r = 0; r < (resourceLogs?.length ?? 0); r++) {
    const rl = (resourceLogs as OtlpResourceLogs[])[r] as OtlpResourceLogs;
    const rPath = `resourceLogs[${r}]`;
    let res: ResourceContext;
    let scopeLogs: OtlpScopeLogs[];
    let resourceSchemaUrl: string;
    try {
      if (rl == null || typeof rl !== 'object') throw new OtlpRequestError(`${rPath}: expected an object`);
      res = resourceContext(rl.resource);
      scopeLogs = list(rl.scopeLogs, 'scopeLogs');
      resourceSchemaUrl = JSON.stringify(str(rl.schemaUrl, 'schemaUrl'));
    } catch (e) {
      if (e instanceof OtlpRequestError) throw e;
      out.reject(rPath, e, countRecords(rl));
      continue;
    }
    for (let s = 0; s < scopeLogs.length; s++) {
      const sl = scopeLogs[s] as OtlpScopeLogs;
      const sPath = `${rPath}.scopeLogs[${s}]`;
      let scope: ScopeContext;
      let records: OtlpLogRecord[];
      let scopeSchemaUrl: string;
      try {
        if (sl == null || typeof sl !== 'object') throw new OtlpRequestError(`${sPath}: expected an object`);
        scope = scopeContext(sl.scope);
        records = list(sl.logRecords, 'logRecords');
        scopeSchemaUrl = JSON.stringify(str(sl.schemaUrl, 'schemaUrl'));
      } catch (e) {
        if (e instanceof OtlpRequestError) throw e;
        out.reject(sPath, e, Array.isArray(sl?.logRecords) ? sl.logRecords.length : 1);
        continue;
      }
      for (let i = 0; i < records.length; i++) {
        try {
          logRow(records[i] as OtlpLogRecord, res, scope, resourceSchemaUrl, scopeSchemaUrl, out, ctx);
        } catch (e) {
          out.reject(`${sPath}.logRecords[${i}]`, e);
        }
      }
    }
  }
  return out.result();
}

function countRecords(rl: OtlpResourceLogs | null | undefined): number {
  if (!rl || !Array.isArray(rl.scopeLogs)) return 1;
  return (
    rl.scopeLogs.reduce((n, sl) => n + (Array.isArray(sl?.logRecords) ? sl.logRecords.length : 0), 0) || 1
  );
}

function logRow(
  rec: OtlpLogRecord,
  res: ResourceContext,
  scope: ScopeContext,
  resourceSchemaUrl: string,
  scopeSchemaUrl: string,
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
      `,"Body":${JSON.stringify(body)},"ResourceSchemaUrl":${resourceSchemaUrl},"ResourceAttributes":${res.attributesJson}` +
      `,"ScopeSchemaUrl":${scopeSchemaUrl},"ScopeName":${scope.nameJson},"ScopeVersion":${scope.versionJson}` +
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
