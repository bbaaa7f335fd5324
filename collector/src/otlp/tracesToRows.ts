import { bizEventLine } from './bizEventLine.ts';
import { OtlpItemError, OtlpRequestError } from './errors.ts';
import {
  encodeAttributes,
  enumOf,
  idHex,
  list,
  nanosDuration,
  nanosIsZero,
  nanosText,
  str,
} from './otlpValues.ts';
import { resourceContext, scopeContext, type ResourceContext, type ScopeContext } from './resourceContext.ts';
import { RowsBuilder } from './rowsBuilder.ts';
import type {
  BytesLike,
  Int64Like,
  OtlpKeyValue,
  OtlpResource,
  OtlpScope,
  RowsResult,
  TransformContext,
} from './types.ts';

interface OtlpSpan {
  traceId?: BytesLike;
  spanId?: BytesLike;
  traceState?: string | null;
  parentSpanId?: BytesLike;
  name?: string | null;
  kind?: number | string | null;
  startTimeUnixNano?: Int64Like;
  endTimeUnixNano?: Int64Like;
  attributes?: OtlpKeyValue[] | null;
  events?: { timeUnixNano?: Int64Like; name?: string | null; attributes?: OtlpKeyValue[] | null }[] | null;
  links?:
    | {
        traceId?: BytesLike;
        spanId?: BytesLike;
        traceState?: string | null;
        attributes?: OtlpKeyValue[] | null;
      }[]
    | null;
  status?: { message?: string | null; code?: number | string | null } | null;
}
interface OtlpScopeSpans {
  scope?: OtlpScope | null;
  spans?: OtlpSpan[] | null;
}
interface OtlpResourceSpans {
  resource?: OtlpResource | null;
  scopeSpans?: OtlpScopeSpans[] | null;
}

const KIND_NAMES = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
] as const;
// The ClickHouse exporter's spellings (pdata SpanKind.String() without the prefix).
const KIND_TEXT = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];
const STATUS_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] as const;
const STATUS_TEXT = ['Unset', 'Ok', 'Error'];

/**
 * Turns an ExportTraceServiceRequest (decoded protobuf or parsed OTLP/JSON) into otel_traces rows,
 * plus business_events rows for spans that carry `biz.step`. Invalid spans are refused one by one
 * (OTLP partial success); a request whose structure is wrong throws OtlpRequestError.
 */
export function tracesToRows(request: unknown, ctx: TransformContext): RowsResult {
  const out = new RowsBuilder(ctx.sizeHint);
  if (request == null || typeof request !== 'object')
    throw new OtlpRequestError('expected an ExportTraceServiceRequest object');
  const resourceSpans = (request as { resourceSpans?: OtlpResourceSpans[] | null }).resourceSpans;
  if (resourceSpans != null && !Array.isArray(resourceSpans))
    throw new OtlpRequestError('resourceSpans: expected an array');
  for (let r = 0; r < (resourceSpans?.length ?? 0); r++) {
    const rs = (resourceSpans as OtlpResourceSpans[])[r] as OtlpResourceSpans;
    const rPath = `resourceSpans[${r}]`;
    let res: ResourceContext;
    let scopeSpans: OtlpScopeSpans[];
    try {
      if (rs == null || typeof rs !== 'object') throw new OtlpRequestError(`${rPath}: expected an object`);
      res = resourceContext(rs.resource);
      scopeSpans = list(rs.scopeSpans, 'scopeSpans');
    } catch (e) {
      if (e instanceof OtlpRequestError) throw e;
      out.reject(rPath, e, countSpans(rs));
      continue;
    }
    for (let s = 0; s < scopeSpans.length; s++) {
      const ss = scopeSpans[s] as OtlpScopeSpans;
      const sPath = `${rPath}.scopeSpans[${s}]`;
      let scope: ScopeContext;
      let spans: OtlpSpan[];
      try {
        if (ss == null || typeof ss !== 'object') throw new OtlpRequestError(`${sPath}: expected an object`);
        scope = scopeContext(ss.scope);
        spans = list(ss.spans, 'spans');
      } catch (e) {
        if (e instanceof OtlpRequestError) throw e;
        out.reject(sPath, e, Array.isArray(ss?.spans) ? ss.spans.length : 1);
        continue;
      }
      for (let i = 0; i < spans.length; i++) {
        try {
          spanRow(spans[i] as OtlpSpan, res, scope, out, ctx);
        } catch (e) {
          out.reject(`${sPath}.spans[${i}]`, e);
        }
      }
    }
  }
  return out.result();
}

function countSpans(rs: OtlpResourceSpans | null | undefined): number {
  if (!rs || !Array.isArray(rs.scopeSpans)) return 1;
  return rs.scopeSpans.reduce((n, ss) => n + (Array.isArray(ss?.spans) ? ss.spans.length : 0), 0) || 1;
}

function spanRow(
  span: OtlpSpan,
  res: ResourceContext,
  scope: ScopeContext,
  out: RowsBuilder,
  ctx: TransformContext,
): void {
  if (span == null || typeof span !== 'object') throw new OtlpItemError('(span)', 'expected an object');
  const traceId = idHex(span.traceId, 16, 'traceId', true);
  const spanId = idHex(span.spanId, 8, 'spanId', true);
  const parentSpanId = idHex(span.parentSpanId, 8, 'parentSpanId', false);
  const start = nanosText(span.startTimeUnixNano, 'startTimeUnixNano');
  const duration = nanosDuration(span.startTimeUnixNano, span.endTimeUnixNano, 'endTimeUnixNano');
  const kind = enumOf(span.kind, KIND_NAMES, 'kind');
  const attrs = encodeAttributes(span.attributes, 'attributes');
  const status = span.status ?? undefined;
  const statusCode = enumOf(status?.code, STATUS_NAMES, 'status.code');
  const statusMessage = str(status?.message, 'status.message');

  let evTimes = '[';
  let evNames = '[';
  let evAttrs = '[';
  const events = list(span.events, 'events');
  for (let e = 0; e < events.length; e++) {
    const ev = events[e] as NonNullable<OtlpSpan['events']>[number];
    const sep = e > 0 ? ',' : '';
    evTimes += `${sep}"${nanosText(ev.timeUnixNano, `events[${e}].timeUnixNano`)}"`;
    evNames += sep + JSON.stringify(str(ev.name, `events[${e}].name`));
    evAttrs += sep + encodeAttributes(ev.attributes, `events[${e}].attributes`).json;
  }
  let lTrace = '[';
  let lSpan = '[';
  let lState = '[';
  let lAttrs = '[';
  const links = list(span.links, 'links');
  for (let l = 0; l < links.length; l++) {
    const link = links[l] as NonNullable<OtlpSpan['links']>[number];
    const sep = l > 0 ? ',' : '';
    lTrace += `${sep}"${idHex(link.traceId, 16, `links[${l}].traceId`, true)}"`;
    lSpan += `${sep}"${idHex(link.spanId, 8, `links[${l}].spanId`, true)}"`;
    lState += sep + JSON.stringify(str(link.traceState, `links[${l}].traceState`));
    lAttrs += sep + encodeAttributes(link.attributes, `links[${l}].attributes`).json;
  }

  out.add(
    'otel_traces',
    `{"Timestamp":"${start}","TraceId":"${traceId}","SpanId":"${spanId}","ParentSpanId":"${parentSpanId}"` +
      `,"TraceState":${JSON.stringify(str(span.traceState, 'traceState'))},"SpanName":${JSON.stringify(str(span.name, 'name'))}` +
      `,"SpanKind":"${KIND_TEXT[kind] ?? 'Unspecified'}","ServiceName":${res.serviceNameJson}` +
      `,"ResourceAttributes":${res.attributesJson},"ScopeName":${scope.nameJson},"ScopeVersion":${scope.versionJson}` +
      `,"SpanAttributes":${attrs.json},"Duration":${duration},"StatusCode":"${STATUS_TEXT[statusCode] ?? 'Unset'}"` +
      `,"StatusMessage":${JSON.stringify(statusMessage)}` +
      `,"Events.Timestamp":${evTimes}],"Events.Name":${evNames}],"Events.Attributes":${evAttrs}]` +
      `,"Links.TraceId":${lTrace}],"Links.SpanId":${lSpan}],"Links.TraceState":${lState}],"Links.Attributes":${lAttrs}]}\n`,
  );

  if (attrs.biz?.['biz.step'] !== undefined) {
    const ev = bizEventLine({
      source: 'span',
      biz: attrs.biz,
      resourceBiz: res.biz,
      system: res.serviceName,
      time: nanosIsZero(span.endTimeUnixNano) ? start : nanosText(span.endTimeUnixNano, 'endTimeUnixNano'),
      traceId,
      spanId,
      failed: statusCode === 2,
      errorMessage: statusMessage,
      receivedAtMs: ctx.receivedAtMs,
    });
    if ('line' in ev) {
      out.add('business_events', ev.line);
      if (ev.warning) out.warn(ev.warning);
    } else out.warn(`span kept, no business event: ${ev.skipped}`);
  }
}
