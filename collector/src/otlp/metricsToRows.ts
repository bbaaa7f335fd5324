import type { IngestTable } from '../pipeline/types.ts';
import { OtlpItemError } from './errors.ts';
import { forEachScopedItem, type ScopedItemsShape } from './forEachScopedItem.ts';
import {
  doubleOf,
  encodeAttributes,
  enumOf,
  arrayFloatJson,
  floatJson,
  has,
  idHex,
  int64Number,
  list,
  int32,
  nanosText,
  str,
  uint,
} from './otlpValues.ts';
import { RowsBuilder } from './rowsBuilder.ts';
import type { BytesLike, Int64Like, OtlpKeyValue, RowsResult, TransformContext } from './types.ts';

interface OtlpExemplar {
  filteredAttributes?: OtlpKeyValue[] | null;
  timeUnixNano?: Int64Like;
  asDouble?: number | string | null;
  asInt?: Int64Like;
  spanId?: BytesLike;
  traceId?: BytesLike;
}
interface OtlpPointBase {
  attributes?: OtlpKeyValue[] | null;
  startTimeUnixNano?: Int64Like;
  timeUnixNano?: Int64Like;
  exemplars?: OtlpExemplar[] | null;
  flags?: number | null;
}
interface OtlpNumberPoint extends OtlpPointBase {
  asDouble?: number | string | null;
  asInt?: Int64Like;
}
interface OtlpHistogramPoint extends OtlpPointBase {
  count?: Int64Like;
  sum?: number | string | null;
  bucketCounts?: Int64Like[] | null;
  explicitBounds?: (number | string)[] | null;
  min?: number | string | null;
  max?: number | string | null;
}
interface OtlpBuckets {
  offset?: number | null;
  bucketCounts?: Int64Like[] | null;
}
interface OtlpExpHistogramPoint extends OtlpPointBase {
  count?: Int64Like;
  sum?: number | string | null;
  scale?: number | null;
  zeroCount?: Int64Like;
  positive?: OtlpBuckets | null;
  negative?: OtlpBuckets | null;
  min?: number | string | null;
  max?: number | string | null;
}
interface OtlpSummaryPoint extends OtlpPointBase {
  count?: Int64Like;
  sum?: number | string | null;
  quantileValues?: { quantile?: number | string | null; value?: number | string | null }[] | null;
}
interface OtlpMetric {
  name?: string | null;
  description?: string | null;
  unit?: string | null;
  gauge?: { dataPoints?: OtlpNumberPoint[] | null } | null;
  sum?: {
    dataPoints?: OtlpNumberPoint[] | null;
    aggregationTemporality?: number | string | null;
    isMonotonic?: boolean | null;
  } | null;
  histogram?: {
    dataPoints?: OtlpHistogramPoint[] | null;
    aggregationTemporality?: number | string | null;
  } | null;
  exponentialHistogram?: {
    dataPoints?: OtlpExpHistogramPoint[] | null;
    aggregationTemporality?: number | string | null;
  } | null;
  summary?: { dataPoints?: OtlpSummaryPoint[] | null } | null;
}

const TEMPORALITY_NAMES = [
  'AGGREGATION_TEMPORALITY_UNSPECIFIED',
  'AGGREGATION_TEMPORALITY_DELTA',
  'AGGREGATION_TEMPORALITY_CUMULATIVE',
];

/** The part of a metric row shared by all its data points: resource, scope and metric identity. */
interface MetricHead {
  prefix: string;
}

const SHAPE: ScopedItemsShape<OtlpMetric> = {
  request: 'ExportMetricsServiceRequest',
  resources: 'resourceMetrics',
  scopes: 'scopeMetrics',
  items: 'metrics',
  // OTLP partial success counts data points.
  weight: (m) =>
    pointCount(m.gauge) +
      pointCount(m.sum) +
      pointCount(m.histogram) +
      pointCount(m.exponentialHistogram) +
      pointCount(m.summary) || 1,
};

function pointCount(data: { dataPoints?: unknown[] | null } | null | undefined): number {
  return Array.isArray(data?.dataPoints) ? data.dataPoints.length : 0;
}

/**
 * Turns an ExportMetricsServiceRequest into rows of otel_metrics_gauge, _sum, _histogram,
 * _exponential_histogram and _summary (one row per data point, the ClickHouse exporter's layout).
 * Queue-depth gauges (`integration.queue.depth`, `integration.queue.oldest_age`) are ordinary gauges.
 */
export function metricsToRows(request: unknown, ctx: TransformContext = { receivedAtMs: 0 }): RowsResult {
  const out = new RowsBuilder(ctx.sizeHint, ctx.buffers);
  forEachScopedItem(
    request,
    SHAPE,
    out,
    (metric, res, scope, scopePath, m) => {
      if (metric == null || typeof metric !== 'object')
        throw new OtlpItemError('(metric)', 'expected an object');
      const head: MetricHead = {
        prefix:
          `"ResourceAttributes":${res.attributesJson},"ResourceSchemaUrl":${res.schemaUrlJson}` +
          `,"ScopeName":${scope.nameJson},"ScopeVersion":${scope.versionJson},"ScopeAttributes":${scope.attributesJson}` +
          `,"ScopeDroppedAttrCount":${scope.droppedAttributesCount},"ScopeSchemaUrl":${scope.schemaUrlJson}` +
          `,"ServiceName":${res.serviceNameJson},"MetricName":${JSON.stringify(str(metric.name, 'name'))}` +
          `,"MetricDescription":${JSON.stringify(str(metric.description, 'description'))}` +
          `,"MetricUnit":${JSON.stringify(str(metric.unit, 'unit'))}`,
      };
      metricRows(metric, head, `${scopePath}.metrics[${m}]`, out);
    },
    ctx.restriction,
  );
  return out.result();
}

function metricRows(metric: OtlpMetric, head: MetricHead, path: string, out: RowsBuilder): void {
  const each = <P>(
    table: IngestTable,
    kind: string,
    points: P[] | null | undefined,
    row: (p: P) => string,
  ) => {
    let list_: P[];
    try {
      list_ = list(points, `${kind}.dataPoints`);
    } catch (e) {
      out.reject(path, e);
      return;
    }
    for (let i = 0; i < list_.length; i++) {
      const p = list_[i] as P;
      try {
        if (p == null || typeof p !== 'object') throw new OtlpItemError('(dataPoint)', 'expected an object');
        out.add(table, `{${head.prefix},${row(p)}}\n`);
      } catch (e) {
        out.reject(`${path}.${kind}.dataPoints[${i}]`, e);
      }
    }
  };
  if (metric.gauge != null) {
    each(
      'otel_metrics_gauge',
      'gauge',
      metric.gauge.dataPoints,
      (p: OtlpNumberPoint) => `${pointBase(p)},"Value":${numberValue(p)}`,
    );
  } else if (metric.sum != null) {
    const sum = metric.sum;
    let tail: string;
    try {
      tail = `,"AggregationTemporality":${enumOf(sum.aggregationTemporality, TEMPORALITY_NAMES, 'sum.aggregationTemporality')},"IsMonotonic":${sum.isMonotonic === true}`;
    } catch (e) {
      out.reject(path, e, Array.isArray(sum.dataPoints) ? sum.dataPoints.length : 1);
      return;
    }
    each(
      'otel_metrics_sum',
      'sum',
      sum.dataPoints,
      (p: OtlpNumberPoint) => `${pointBase(p)},"Value":${numberValue(p)}${tail}`,
    );
  } else if (metric.histogram != null) {
    const h = metric.histogram;
    let temporality: number;
    try {
      temporality = enumOf(h.aggregationTemporality, TEMPORALITY_NAMES, 'histogram.aggregationTemporality');
    } catch (e) {
      out.reject(path, e, Array.isArray(h.dataPoints) ? h.dataPoints.length : 1);
      return;
    }
    each(
      'otel_metrics_histogram',
      'histogram',
      h.dataPoints,
      (p: OtlpHistogramPoint) =>
        `${pointBase(p)},"Count":${int64Number(p.count, 'count', false)},"Sum":${floatJson(doubleOf(p.sum, 'sum'))}` +
        `,"BucketCounts":[${list(p.bucketCounts, 'bucketCounts')
          .map((c, i) => int64Number(c, `bucketCounts[${i}]`, false))
          .join(',')}]` +
        `,"ExplicitBounds":[${list(p.explicitBounds, 'explicitBounds')
          .map((b, i) => arrayFloatJson(doubleOf(b, `explicitBounds[${i}]`), `explicitBounds[${i}]`))
          .join(',')}]` +
        `,"Min":${floatJson(doubleOf(p.min, 'min'))},"Max":${floatJson(doubleOf(p.max, 'max'))},"AggregationTemporality":${temporality}`,
    );
  } else if (metric.exponentialHistogram != null) {
    const h = metric.exponentialHistogram;
    let temporality: number;
    try {
      temporality = enumOf(
        h.aggregationTemporality,
        TEMPORALITY_NAMES,
        'exponentialHistogram.aggregationTemporality',
      );
    } catch (e) {
      out.reject(path, e, Array.isArray(h.dataPoints) ? h.dataPoints.length : 1);
      return;
    }
    const buckets = (b: OtlpBuckets | null | undefined, name: string) =>
      `"${name}Offset":${int32(b?.offset, `${name.toLowerCase()}.offset`)},"${name}BucketCounts":[${list(
        b?.bucketCounts,
        `${name.toLowerCase()}.bucketCounts`,
      )
        .map((c, i) => int64Number(c, `bucketCounts[${i}]`, false))
        .join(',')}]`;
    each(
      'otel_metrics_exponential_histogram',
      'exponentialHistogram',
      h.dataPoints,
      (p: OtlpExpHistogramPoint) =>
        `${pointBase(p)},"Count":${int64Number(p.count, 'count', false)},"Sum":${floatJson(doubleOf(p.sum, 'sum'))}` +
        `,"Scale":${int32(p.scale, 'scale')},"ZeroCount":${int64Number(p.zeroCount, 'zeroCount', false)}` +
        `,${buckets(p.positive, 'Positive')},${buckets(p.negative, 'Negative')}` +
        `,"Min":${floatJson(doubleOf(p.min, 'min'))},"Max":${floatJson(doubleOf(p.max, 'max'))},"AggregationTemporality":${temporality}`,
    );
  } else if (metric.summary != null) {
    each('otel_metrics_summary', 'summary', metric.summary.dataPoints, (p: OtlpSummaryPoint) => {
      const q = list(p.quantileValues, 'quantileValues');
      return (
        `"Attributes":${encodeAttributes(p.attributes, 'attributes').json}` +
        `,"StartTimeUnix":"${nanosText(p.startTimeUnixNano, 'startTimeUnixNano')}","TimeUnix":"${nanosText(p.timeUnixNano, 'timeUnixNano')}"` +
        `,"Count":${int64Number(p.count, 'count', false)},"Sum":${floatJson(doubleOf(p.sum, 'sum'))}` +
        `,"ValueAtQuantiles.Quantile":[${q.map((v, i) => arrayFloatJson(doubleOf(v.quantile, `quantileValues[${i}].quantile`), `quantileValues[${i}].quantile`)).join(',')}]` +
        `,"ValueAtQuantiles.Value":[${q.map((v, i) => arrayFloatJson(doubleOf(v.value, `quantileValues[${i}].value`), `quantileValues[${i}].value`)).join(',')}]` +
        `,"Flags":${uint(p.flags, 'flags')}`
      );
    });
  } else {
    // OTLP: a metric without data is valid and carries nothing to store.
  }
}

/** Attributes, times, flags and exemplars: the columns every point type with exemplars shares. */
function pointBase(p: OtlpPointBase): string {
  const exemplars = list(p.exemplars, 'exemplars');
  let eAttrs = '[';
  let eTimes = '[';
  let eValues = '[';
  let eSpans = '[';
  let eTraces = '[';
  for (let i = 0; i < exemplars.length; i++) {
    const x = exemplars[i] as OtlpExemplar;
    const sep = i > 0 ? ',' : '';
    eAttrs += sep + encodeAttributes(x.filteredAttributes, `exemplars[${i}].filteredAttributes`).json;
    eTimes += `${sep}"${nanosText(x.timeUnixNano, `exemplars[${i}].timeUnixNano`)}"`;
    const value = numberValue(x);
    if (value === 'nan' || value === 'inf' || value === '-inf')
      throw new OtlpItemError(
        `exemplars[${i}].asDouble`,
        'expected a finite number (NaN and ±Infinity cannot be stored in a list)',
      );
    eValues += sep + value;
    eSpans += `${sep}"${idHex(x.spanId, 8, `exemplars[${i}].spanId`, false)}"`;
    eTraces += `${sep}"${idHex(x.traceId, 16, `exemplars[${i}].traceId`, false)}"`;
  }
  return (
    `"Attributes":${encodeAttributes(p.attributes, 'attributes').json}` +
    `,"StartTimeUnix":"${nanosText(p.startTimeUnixNano, 'startTimeUnixNano')}","TimeUnix":"${nanosText(p.timeUnixNano, 'timeUnixNano')}"` +
    `,"Flags":${uint(p.flags, 'flags')}` +
    `,"Exemplars.FilteredAttributes":${eAttrs}],"Exemplars.TimeUnix":${eTimes}],"Exemplars.Value":${eValues}]` +
    `,"Exemplars.SpanId":${eSpans}],"Exemplars.TraceId":${eTraces}]`
  );
}

/** The value of a NumberDataPoint or Exemplar (oneof as_double / as_int) as JSON number text. */
function numberValue(p: { asDouble?: number | string | null; asInt?: Int64Like }): string {
  if (has(p, 'asInt')) return String(int64Number(p.asInt, 'asInt'));
  return floatJson(doubleOf(p.asDouble, 'asDouble'));
}
