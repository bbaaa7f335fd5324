import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Context,
  type Link,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

// Traffic of three instrumented services and a RabbitMQ broker, produced by the real OTel SDK:
//   mes --(publish confirmations)--> [rabbitmq] --(consume, parent or batch links)--> middleware
//   middleware --(HTTP POST, traceparent header)--> odoo --(SQL)--> postgresql (uninstrumented)
//   middleware --(HTTP)--> api.carrier.example (uninstrumented)
//   mes --(publish)--> dead-letters (no consumer); legacy-inbox (no traced producer) --> middleware
// Context crosses services only through W3C traceparent headers, as it would on the wire.

const propagator = new W3CTraceContextPropagator();

interface Service {
  tracer: Tracer;
  exporter: InMemorySpanExporter;
  provider: BasicTracerProvider;
}

function service(name: string): Service {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': name }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { tracer: provider.getTracer(`${name}-connector`, '1.0.0'), exporter, provider };
}

function inject(span: Span): Record<string, string> {
  const headers: Record<string, string> = {};
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, defaultTextMapSetter);
  return headers;
}

function extract(headers: Record<string, string>): Context {
  return propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

/** What the traffic contains, for assertions. */
export interface TrafficTruth {
  messages: number;
  syncConsumed: number;
  batchLinked: number;
  batches: number;
  odooCalls: number;
  odooErrors: number;
  deadLetters: number;
  legacyConsumed: number;
  perPlantMessages: Record<string, number>;
}

/**
 * Emits the traffic with explicit times from `baseMs` (one message a second) and returns every
 * finished span and the truth.
 */
export async function emitPlantTraffic(
  baseMs: number,
  messages = 20,
): Promise<{ spans: ReadableSpan[]; truth: TrafficTruth }> {
  const mes = service('mes');
  const middleware = service('middleware');
  const odoo = service('odoo');
  const at = (ms: number) => new Date(ms);
  const truth: TrafficTruth = {
    messages,
    syncConsumed: 0,
    batchLinked: 0,
    batches: 0,
    odooCalls: 0,
    odooErrors: 0,
    deadLetters: 0,
    legacyConsumed: 0,
    perPlantMessages: {},
  };
  let batch: { ctx: Context; plant: string }[] = [];

  for (let i = 0; i < messages; i++) {
    const t = baseMs + i * 1000;
    const plant = i < messages / 2 ? 'P01' : 'P02';
    truth.perPlantMessages[plant] = (truth.perPlantMessages[plant] ?? 0) + 1;
    const msgAttrs = {
      'messaging.system': 'rabbitmq',
      'messaging.destination.name': 'confirmations',
      'biz.plant': plant,
    };

    const publish = mes.tracer.startSpan('confirmations publish', {
      kind: SpanKind.PRODUCER,
      startTime: at(t),
      attributes: msgAttrs,
    });
    const headers = inject(publish);
    publish.end(at(t + 2));

    if (i % 2 === 0) {
      // Consumed one by one: the consumer span is a child of the producer span.
      truth.syncConsumed++;
      const consume = middleware.tracer.startSpan(
        'confirmations process',
        { kind: SpanKind.CONSUMER, startTime: at(t + 50), attributes: msgAttrs },
        extract(headers),
      );
      const post = middleware.tracer.startSpan(
        'POST /api/confirmations',
        {
          kind: SpanKind.CLIENT,
          startTime: at(t + 55),
          attributes: { 'server.address': 'odoo.local', 'http.request.method': 'POST', 'biz.plant': plant },
        },
        trace.setSpan(ROOT_CONTEXT, consume),
      );
      const httpHeaders = inject(post);
      truth.odooCalls++;
      const serve = odoo.tracer.startSpan(
        'POST /api/confirmations',
        {
          kind: SpanKind.SERVER,
          startTime: at(t + 57),
          attributes: { 'http.request.method': 'POST', 'biz.plant': plant },
        },
        extract(httpHeaders),
      );
      const query = odoo.tracer.startSpan(
        'SELECT mrp_production',
        {
          kind: SpanKind.CLIENT,
          startTime: at(t + 60),
          attributes: { 'db.system': 'postgresql', 'db.namespace': 'odoo', 'biz.plant': plant },
        },
        trace.setSpan(ROOT_CONTEXT, serve),
      );
      query.end(at(t + 65));
      if (i % 8 === 0) {
        truth.odooErrors++;
        serve.setStatus({ code: SpanStatusCode.ERROR, message: 'could not serialize access' });
        post.setStatus({ code: SpanStatusCode.ERROR, message: 'HTTP 500' });
      }
      serve.end(at(t + 73));
      post.end(at(t + 75));
      consume.end(at(t + 80));
    } else {
      batch.push({ ctx: extract(headers), plant });
    }

    if (batch.length === 5) {
      // Consumed in a batch: a new trace whose consumer span links to every producer span.
      truth.batches++;
      truth.batchLinked += batch.length;
      const links: Link[] = batch.map((b) => ({
        context: trace.getSpanContext(b.ctx) as NonNullable<ReturnType<typeof trace.getSpanContext>>,
      }));
      const receive = middleware.tracer.startSpan('confirmations receive', {
        kind: SpanKind.CONSUMER,
        startTime: at(t + 100),
        links,
        attributes: {
          ...msgAttrs,
          'biz.plant': batch[0]?.plant ?? plant,
          'messaging.batch.message_count': batch.length,
        },
      });
      const ship = middleware.tracer.startSpan(
        'POST /shipments',
        {
          kind: SpanKind.CLIENT,
          startTime: at(t + 110),
          attributes: { 'server.address': 'api.carrier.example', 'biz.plant': plant },
        },
        trace.setSpan(ROOT_CONTEXT, receive),
      );
      ship.end(at(t + 190));
      receive.end(at(t + 200));
      batch = [];
    }
  }

  for (let i = 0; i < 3; i++) {
    truth.deadLetters++;
    const t = baseMs + i * 1500 + 700;
    mes.tracer
      .startSpan('dead-letters publish', {
        kind: SpanKind.PRODUCER,
        startTime: at(t),
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.destination.name': 'dead-letters',
          'biz.plant': 'P01',
        },
      })
      .end(at(t + 3));
  }
  for (let i = 0; i < 4; i++) {
    truth.legacyConsumed++;
    const t = baseMs + i * 2000 + 300;
    middleware.tracer
      .startSpan('legacy-inbox process', {
        kind: SpanKind.CONSUMER,
        startTime: at(t),
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.destination.name': 'legacy-inbox',
          'biz.plant': 'P01',
        },
      })
      .end(at(t + 40));
  }

  const spans: ReadableSpan[] = [];
  for (const s of [mes, middleware, odoo]) {
    await s.provider.forceFlush();
    spans.push(...s.exporter.getFinishedSpans());
    await s.provider.shutdown();
  }
  return { spans, truth };
}
