import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createSpanEmitter } from '../emit/createSpanEmitter.ts';
import { realizeEstate, type GenerateOptions } from './planEstate.ts';

/** Serialized OTLP trace requests and what they hold. */
export interface SpanBatches {
  /** `ExportTraceServiceRequest` protobuf bodies for `POST /v1/traces` (application/x-protobuf). */
  requests: Uint8Array[];
  spans: number;
  /** Spans that carry `biz.step` (each becomes a business event). */
  bizSpans: number;
  transactions: number;
}

/**
 * Generates at least `count` spans of realistic estate traffic (every connector instrumented, trace
 * context across HTTP calls and queues, `biz.*` attributes) with the real OpenTelemetry SDK, and
 * pre-serialises them into OTLP/protobuf requests of `batchSize` spans with the SDK's own serializer,
 * so a benchmark can send them without paying for span creation.
 * @example const { requests } = generateSpanBatches({ flows, count: 1_000_000, batchSize: 1000 })
 */
export function generateSpanBatches(
  options: GenerateOptions & { count: number; batchSize?: number },
): SpanBatches {
  const batchSize = options.batchSize ?? 1_000;
  const collected: ReadableSpan[] = [];
  const processor: SpanProcessor = {
    onStart() {},
    onEnd(span) {
      collected.push(span);
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const emitter = createSpanEmitter({
    otlpUrl: 'http://unused',
    seed: `gen${options.seed ?? 42}`,
    processorFor: () => processor,
  });
  let transactions = 0;
  // Every transaction makes at least one span, so `count` transactions always suffice; stop once enough spans exist.
  for (const r of realizeEstate({ ...options, spansOnly: true, count: Math.max(1, options.count) })) {
    transactions++;
    const txn = `${r.planned.flow}|${r.planned.key}`;
    r.emissions.forEach((e, i) => {
      emitter.emit({ txn, emission: { ...e, transport: 'span' }, last: i === r.emissions.length - 1 });
    });
    if (collected.length >= options.count) break;
  }
  const requests: Uint8Array[] = [];
  const total = Math.min(collected.length, Math.max(options.count, 0));
  let bizSpans = 0;
  for (let i = 0; i < total; i++)
    if ((collected[i] as ReadableSpan).attributes['biz.step'] !== undefined) bizSpans++;
  for (let i = 0; i < total; i += batchSize) {
    const body = ProtobufTraceSerializer.serializeRequest(collected.slice(i, Math.min(total, i + batchSize)));
    if (body) requests.push(body);
  }
  return { requests, spans: total, bizSpans, transactions };
}
