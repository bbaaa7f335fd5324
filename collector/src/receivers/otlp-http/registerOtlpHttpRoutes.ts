import type { Context, Hono } from 'hono';
import type { IncomingMessage } from 'node:http';
import { ingestOtlp, type OtlpIngestDeps } from '../../otlp/ingestOtlp.ts';
import { GrpcCode, exportResponse, statusResponse, type EncodedBody } from '../../otlp/otlpResponse.ts';
import type { OtlpEncoding, OtlpSignal } from '../../otlp/types.ts';
import { BodyError, readBody } from './readBody.ts';
import { requestRestriction } from '../ingestApp.ts';

/** What the OTLP/HTTP routes need. */
export interface OtlpHttpDeps extends OtlpIngestDeps {
  /** Largest accepted body in bytes, compressed or decompressed (413 beyond). */
  maxBodyBytes: number;
}

const SIGNALS: readonly OtlpSignal[] = ['traces', 'metrics', 'logs'];

/**
 * Adds `POST /v1/traces`, `/v1/metrics` and `/v1/logs` (OTLP/HTTP, protobuf or JSON, optionally
 * gzip) to an ingest app. Answers follow the OTLP/HTTP specification: 200 with partial_success for
 * refused items, 400 for a malformed body, 413 over the size limit, 415 for an unknown content type,
 * 429/503 with Retry-After when the collector cannot take the data now (clients retry those).
 */
export function registerOtlpHttpRoutes(app: Hono, deps: OtlpHttpDeps): void {
  for (const signal of SIGNALS) app.post(`/v1/${signal}`, (c) => handle(c, signal, deps));
}

function send(
  c: Context,
  status: number,
  encoded: EncodedBody,
  headers: Record<string, string> = {},
): Response {
  return new Response(encoded.body, { status, headers: { 'content-type': encoded.contentType, ...headers } });
}

async function handle(c: Context, signal: OtlpSignal, deps: OtlpHttpDeps): Promise<Response> {
  const t0 = performance.now();
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  const encoding: OtlpEncoding | undefined =
    mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf'
      ? 'protobuf'
      : mediaType === 'application/json'
        ? 'json'
        : undefined;
  if (!encoding) {
    deps.telemetry.count('otlp_http', signal, 'rejected_requests', 1, 'unsupported_media_type');
    return send(
      c,
      415,
      statusResponse(
        'json',
        GrpcCode.INVALID_ARGUMENT,
        `unsupported Content-Type "${mediaType ?? ''}"; send application/x-protobuf or application/json`,
      ),
    );
  }
  let body: Buffer;
  try {
    // @hono/node-server hands Node's request over as env.incoming; app.request() in tests has none.
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    body = await readBody(c.req.raw, deps.maxBodyBytes, incoming);
  } catch (e) {
    if (!(e instanceof BodyError)) throw e;
    deps.telemetry.count(
      'otlp_http',
      signal,
      'rejected_requests',
      1,
      e.status === 413 ? 'too_large' : e.status === 415 ? 'unsupported_encoding' : 'malformed',
    );
    // The rest of an oversized body is never read: close the connection rather than leave it unusable.
    return send(
      c,
      e.status,
      statusResponse(encoding, GrpcCode.INVALID_ARGUMENT, e.message),
      e.status === 413 ? { connection: 'close' } : {},
    );
  }
  const outcome = await ingestOtlp(deps, 'otlp_http', signal, encoding, body, requestRestriction(c));
  deps.telemetry.observe('otlp_http', signal, 'request_latency', performance.now() - t0);
  switch (outcome.kind) {
    case 'ok':
      return send(c, 200, exportResponse(signal, encoding, outcome.rejected, outcome.message));
    case 'bad_request':
      // OTLP/HTTP: a malformed body is answered 400 and must not be retried.
      return send(c, 400, statusResponse(encoding, GrpcCode.INVALID_ARGUMENT, outcome.message));
    case 'retry':
      // OTLP/HTTP: 429 and 503 are retryable; Retry-After tells the client when.
      return send(
        c,
        outcome.reason === 'spool_full' ? 429 : 503,
        statusResponse(
          encoding,
          outcome.reason === 'spool_full' ? GrpcCode.RESOURCE_EXHAUSTED : GrpcCode.UNAVAILABLE,
          outcome.message,
        ),
        { 'retry-after': String(outcome.retryAfterSeconds) },
      );
  }
}
