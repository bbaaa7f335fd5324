import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Attributes,
  type Context,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { Emission } from '../model.ts';
import { MESSAGING_SYSTEM } from '../estate.ts';
import { Random } from '../random.ts';
import type { OutgoingStep } from './types.ts';

/** Systems that run one instance per plant (the others are central). */
const PLANT_LOCAL = /^(mes|wms|qms|cmms)/i;

/** Options of the span emitter: where to export, and the batch processor's sizing. */
export interface SpanEmitterOptions {
  otlpUrl: string;
  headers?: Record<string, string>;
  /** Seeds the trace and span ids, so a seeded run has reproducible ids. */
  seed: string;
  maxQueueSize?: number;
  maxExportBatchSize?: number;
  scheduledDelayMillis?: number;
  /** Replaces the batch processor + OTLP exporter (span generators collect spans in memory). */
  processorFor?: (service: string) => SpanProcessor;
  /**
   * How a parent crosses between services: `w3c` writes and parses a real `traceparent` header
   * (default), `direct` hands the span context over (the same trace, cheaper: the load mode).
   */
  propagation?: 'w3c' | 'direct';
}

/** Emits steps as spans: one OpenTelemetry SDK tracer provider (and exporter) per simulated service. */
export interface SpanEmitter {
  emit(step: OutgoingStep): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
  /** Spans handed to the SDK. */
  readonly count: number;
  /** Spans the collector acknowledged. */
  readonly exported: number;
  /** Spans whose export failed (after the exporter's own retries). */
  readonly failed: number;
}

interface TxnTrace {
  /** The span of the transaction's previous emission (when it was a span), and its system. */
  last?: { ctx: SpanContext; system: string; end: number };
}

const propagator = new W3CTraceContextPropagator();

/**
 * Creates the span emitter. Each service (`service.name` = the flow's system; plant-local systems
 * get one instance per plant) has its own BasicTracerProvider with a BatchSpanProcessor and an
 * OTLP/HTTP protobuf exporter. Trace context crosses synchronous HTTP calls and instrumented queues
 * through real W3C `traceparent` headers; batch files, webhooks and MQTT start new traces.
 */
export function createSpanEmitter(options: SpanEmitterOptions): SpanEmitter {
  const providers = new Map<string, { provider: BasicTracerProvider; tracer: Tracer }>();
  const traces = new Map<string, TxnTrace>();
  let count = 0;
  let exported = 0;
  let failed = 0;

  /** Counts what the collector acknowledged, so the load mode reports spans stored, not just made. */
  const counting = (inner: SpanExporter): SpanExporter => ({
    export(spans: ReadableSpan[], done: (r: ExportResult) => void) {
      inner.export(spans, (r) => {
        if (r.code === ExportResultCode.SUCCESS) exported += spans.length;
        else failed += spans.length;
        done(r);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  });

  const tracerFor = (system: string, plant: string): Tracer => {
    const local = PLANT_LOCAL.test(system);
    const id = local ? `${system}@${plant}` : system;
    let entry = providers.get(id);
    if (!entry) {
      const attributes: Attributes = {
        'service.name': system,
        'service.namespace': 'plant-network',
        'service.instance.id': local ? `${system}-${plant.toLowerCase()}` : `${system}-1`,
        'deployment.environment.name': 'demo',
        'linewatch.simulated': true,
      };
      if (local) attributes['biz.plant'] = plant;
      const ids = new Random(`${options.seed}/ids/${id}`);
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes(attributes),
        idGenerator: { generateTraceId: () => ids.hex(16), generateSpanId: () => ids.hex(8) },
        spanProcessors: [
          options.processorFor?.(id) ??
            new BatchSpanProcessor(
              counting(
                new OTLPTraceExporter({
                  url: `${options.otlpUrl.replace(/\/$/, '')}/v1/traces`,
                  headers: options.headers ?? {},
                  concurrencyLimit: 64,
                }),
              ),
              {
                maxQueueSize: options.maxQueueSize ?? 20_000,
                maxExportBatchSize: options.maxExportBatchSize ?? 1_000,
                scheduledDelayMillis: options.scheduledDelayMillis ?? 500,
              },
            ),
        ],
      });
      entry = { provider, tracer: provider.getTracer('linewatch-simulator', '0.1.0') };
      providers.set(id, entry);
    }
    return entry.tracer;
  };

  /** Carries a parent across a process boundary the way real instrumentation does: a traceparent header. */
  const across = (parent: SpanContext): Context => {
    if (options.propagation === 'direct') return trace.setSpanContext(ROOT_CONTEXT, parent);
    const carrier: Record<string, string> = {};
    propagator.inject(trace.setSpanContext(ROOT_CONTEXT, parent), carrier, defaultTextMapSetter);
    return propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
  };

  return {
    get count() {
      return count;
    },
    get exported() {
      return exported;
    },
    get failed() {
      return failed;
    },
    emit({ txn, emission: e, last }: OutgoingStep) {
      const state = traces.get(txn) ?? {};
      if (e.transport !== 'span') {
        // The chain of context breaks here: the next instrumented step starts a new trace.
        delete state.last;
      } else {
        const tracer = tracerFor(e.system, e.plant);
        const end = e.reportedTime;
        const start = end - Math.max(1, e.durationMs);
        let parent: Context = ROOT_CONTEXT;
        let kind = SpanKind.INTERNAL;
        let name = e.step;
        const attrs: Attributes = bizAttributes(e);
        const prev = state.last;
        if (prev && prev.system !== e.system && e.hop.kind === 'http') {
          // The caller's client span wraps this server span: a synchronous HTTP call.
          const callerTracer = tracerFor(prev.system, e.plant);
          const client = callerTracer.startSpan(
            `POST ${e.system}`,
            {
              kind: SpanKind.CLIENT,
              startTime: start - 5,
              attributes: {
                'http.request.method': 'POST',
                'server.address': `${e.system}.internal`,
                'url.full': `https://${e.system}.internal/api/${e.step}`,
                'http.response.status_code': statusFor(e),
                'peer.service': e.system,
              },
            },
            across(prev.ctx),
          );
          if (e.outcome !== 'ok')
            client.setStatus({ code: SpanStatusCode.ERROR, message: e.errorMessage ?? e.outcome });
          client.end(end + 5);
          count++;
          parent = across(client.spanContext());
          kind = SpanKind.SERVER;
          name = `POST /api/${e.step}`;
          attrs['http.request.method'] = 'POST';
          attrs['http.route'] = `/api/${e.step}`;
          attrs['http.response.status_code'] = statusFor(e);
        } else if (e.hop.kind === 'queue') {
          attrs['messaging.system'] = MESSAGING_SYSTEM;
          attrs['messaging.destination.name'] = e.hop.queue;
          attrs['messaging.operation.type'] = 'process';
          kind = SpanKind.CONSUMER;
          name = `process ${e.hop.queue}`;
          if (prev && prev.system !== e.system) {
            // The producer's publish span, child of its step, carries the context in the message headers.
            const producer = tracerFor(prev.system, e.plant).startSpan(
              `publish ${e.hop.queue}`,
              {
                kind: SpanKind.PRODUCER,
                startTime: prev.end,
                attributes: {
                  'messaging.system': MESSAGING_SYSTEM,
                  'messaging.destination.name': e.hop.queue,
                  'messaging.operation.type': 'publish',
                },
              },
              across(prev.ctx),
            );
            producer.end(prev.end + 2);
            count++;
            parent = across(producer.spanContext());
          }
        } else if (prev && prev.system === e.system) {
          parent = across(prev.ctx);
        }
        const span = tracer.startSpan(name, { kind, startTime: start, attributes: attrs }, parent);
        if (e.outcome === 'failed' || e.outcome === 'dead_lettered')
          span.setStatus({ code: SpanStatusCode.ERROR, message: e.errorMessage ?? e.outcome });
        if (e.outcome === 'retried')
          span.addEvent('retry scheduled', { 'error.message': e.errorMessage ?? '' }, end);
        span.end(end);
        count++;
        state.last = { ctx: span.spanContext(), system: e.system, end };
      }
      if (last) traces.delete(txn);
      else traces.set(txn, state);
    },
    async forceFlush() {
      await Promise.all([...providers.values()].map((p) => p.provider.forceFlush()));
    },
    async shutdown() {
      await Promise.all([...providers.values()].map((p) => p.provider.shutdown()));
      providers.clear();
    },
  };
}

/** The `biz.*` attributes of a step (docs/ingest.md: a span with `biz.step` becomes a business event). */
export function bizAttributes(e: Emission): Attributes {
  const attrs: Attributes = {
    'biz.flow': e.flow,
    'biz.step': e.step,
    'biz.key': e.key,
    'biz.plant': e.plant,
    'biz.outcome': e.outcome,
    'product.family': e.productFamily,
  };
  for (const [k, v] of Object.entries(e.keys)) attrs[`biz.key.${k}`] = v;
  if (e.errorCategory) attrs['biz.error.category'] = e.errorCategory;
  if (e.errorMessage && e.outcome !== 'ok') attrs['biz.error.message'] = e.errorMessage;
  return attrs;
}

function statusFor(e: Emission): number {
  if (e.outcome === 'ok') return 200;
  if (e.errorCategory === 'auth') return 401;
  if (e.errorCategory === 'validation' || e.errorCategory === 'master_data') return 422;
  if (e.errorCategory === 'conflict') return 409;
  return 503;
}
