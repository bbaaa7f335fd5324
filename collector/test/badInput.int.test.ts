import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, sql, type TestStore } from '@linewatch/store';
import { otlpTypes } from '../src/otlp/otlpSchema.ts';
import { makeSpans } from './fixtures/makeSpans.ts';
import { startTestCollector, type TestCollector } from './fixtures/startTestCollector.ts';

const MAX = 1024 * 1024;
let store: TestStore;
let c: TestCollector;

beforeAll(async () => {
  store = await openTestStore();
  c = await startTestCollector(store, { maxBodyBytes: MAX });
});
afterAll(async () => {
  await c?.collector.stop();
  await store?.drop();
});

function post(
  path: string,
  body: NonNullable<RequestInit['body']>,
  headers: Record<string, string>,
): Promise<Response> {
  // duplex: a streamed request body (Node's fetch needs it said).
  const init: RequestInit & { duplex: 'half' } = { method: 'POST', body, headers, duplex: 'half' };
  return fetch(`${c.http}${path}`, init);
}

async function protobufStatus(res: Response): Promise<{ code: number; message: string }> {
  return otlpTypes.RpcStatus.decode(new Uint8Array(await res.arrayBuffer())) as unknown as {
    code: number;
    message: string;
  };
}

const validSpan = (spanId: string, name: string) => ({
  traceId: '5b8efff798038103d269b633813fc60c',
  spanId,
  name,
  startTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
  endTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n + 5_000n),
});

describe('bad input to OTLP/HTTP', () => {
  it('answers 400 with a protobuf Status for a truncated protobuf body, and keeps nothing', async () => {
    const good = ProtobufTraceSerializer.serializeRequest(
      makeSpans(20, { service: 'truncated' }),
    ) as Uint8Array;
    const res = await post('/v1/traces', good.subarray(0, good.length - 11), {
      'content-type': 'application/x-protobuf',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    const status = await protobufStatus(res);
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/not a valid protobuf ExportTraceServiceRequest/);
    await c.collector.pipeline.flush(20_000);
    const [row] = await store.query<{ n: number }>(
      sql`SELECT count() AS n FROM ${store.table('otel_traces')} WHERE ServiceName = 'truncated'`,
    );
    expect(row?.n).toBe(0);
  });

  it('answers 415 for an unknown content type or content encoding', async () => {
    const text = await post('/v1/traces', 'hello', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(((await text.json()) as { message: string }).message).toMatch(
      /unsupported Content-Type "text\/plain"/,
    );
    const brotli = await post('/v1/logs', '{}', {
      'content-type': 'application/json',
      'content-encoding': 'br',
    });
    expect(brotli.status).toBe(415);
  });

  it('answers 400 for JSON of the wrong shape, and partial success naming the item for a span with wrong types', async () => {
    const shape = await post('/v1/traces', JSON.stringify({ resourceSpans: 'many' }), {
      'content-type': 'application/json',
    });
    expect(shape.status).toBe(400);
    expect(await shape.json()).toEqual({ code: 3, message: 'resourceSpans: expected an array' });
    const notJson = await post('/v1/metrics', '{"resourceMetrics": [', {
      'content-type': 'application/json',
    });
    expect(notJson.status).toBe(400);

    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'mixed-batch' } }] },
          scopeSpans: [
            {
              spans: [
                validSpan('eee19b7ec3c1b170', 'kept 1'),
                { ...validSpan('eee19b7ec3c1b171', 'bad time'), startTimeUnixNano: 'yesterday' },
                { ...validSpan('eee19b7ec3c1b172', 'bad id'), traceId: 12345 },
                validSpan('eee19b7ec3c1b173', 'kept 2'),
              ],
            },
          ],
        },
      ],
    };
    const res = await post('/v1/traces', JSON.stringify(body), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      partialSuccess: {
        rejectedSpans: '2',
        errorMessage:
          'resourceSpans[0].scopeSpans[0].spans[1].startTimeUnixNano: expected unsigned nanoseconds as a decimal string; ' +
          'resourceSpans[0].scopeSpans[0].spans[2].traceId: expected 32 hex characters (OTLP/JSON encodes ids as hex)',
      },
    });
    await c.collector.pipeline.flush(20_000);
    const kept = await store.query<{ SpanName: string }>(
      sql`SELECT SpanName FROM ${store.table('otel_traces')} FINAL WHERE ServiceName = 'mixed-batch' ORDER BY SpanName`,
    );
    expect(kept.map((r) => r.SpanName)).toEqual(['kept 1', 'kept 2']);
  });

  it('answers 413 for a body over the limit, declared or streamed, and for a gzip body that inflates past it', async () => {
    const big = Buffer.alloc(MAX + 10, 0x20);
    const declared = await post('/v1/traces', big, { 'content-type': 'application/json' });
    expect(declared.status).toBe(413);
    const streamed = await post(
      '/v1/traces',
      new ReadableStream({
        start(ctrl) {
          for (let i = 0; i < 12; i++) ctrl.enqueue(new Uint8Array(100 * 1024));
          ctrl.close();
        },
      }),
      { 'content-type': 'application/x-protobuf' },
    );
    expect(streamed.status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(10 * MAX, 0x20));
    expect(bomb.length).toBeLessThan(MAX);
    const inflated = await post('/v1/traces', bomb, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(inflated.status).toBe(413);
    expect((await protobufOrJson(inflated)).message).toMatch(/decompressed body exceeds/);
  });

  it('answers 400 for a corrupt gzip body', async () => {
    const res = await post('/v1/logs', Buffer.from('not gzip at all'), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(400);
  });
});

async function protobufOrJson(res: Response): Promise<{ message: string }> {
  return (res.headers.get('content-type') ?? '').includes('json')
    ? ((await res.json()) as { message: string })
    : protobufStatus(res);
}

describe('bad input to OTLP/gRPC', () => {
  function grpcExport(
    body: Buffer,
    metadata = new grpc.Metadata(),
  ): Promise<{ code: number; details: string }> {
    const Client = grpc.makeGenericClientConstructor(
      {
        Export: {
          path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          requestStream: false,
          responseStream: false,
          requestSerialize: (b: Buffer) => b,
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: (b: Buffer) => b,
          responseDeserialize: (b: Buffer) => b,
        },
      },
      'TraceService',
    );
    const client = new Client(c.grpc, grpc.credentials.createInsecure(), {
      'grpc.max_send_message_length': 64 * 1024 * 1024,
    });
    return new Promise((resolve) => {
      (
        client as unknown as {
          Export: (b: Buffer, m: grpc.Metadata, cb: (e: grpc.ServiceError | null) => void) => void;
        }
      ).Export(body, metadata, (err) => {
        client.close();
        resolve({ code: err?.code ?? 0, details: err?.details ?? '' });
      });
    });
  }

  it('answers INVALID_ARGUMENT for a truncated request', async () => {
    const good = Buffer.from(ProtobufTraceSerializer.serializeRequest(makeSpans(10)) as Uint8Array);
    const r = await grpcExport(good.subarray(0, good.length - 9));
    expect(r.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(r.details).toMatch(/not a valid protobuf/);
  });

  it('answers RESOURCE_EXHAUSTED for a message over the size limit', async () => {
    const r = await grpcExport(Buffer.alloc(MAX + 100, 0));
    expect(r.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it('accepts a valid request', async () => {
    const r = await grpcExport(
      Buffer.from(ProtobufTraceSerializer.serializeRequest(makeSpans(3)) as Uint8Array),
    );
    expect(r.code).toBe(grpc.status.OK);
  });
});
