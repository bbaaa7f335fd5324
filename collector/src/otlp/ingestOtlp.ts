import type { Logger } from 'pino';
import type { AcceptResult, IngestTable, Pipeline } from '../pipeline/types.ts';
import type { SelfTelemetry } from '../selfTelemetry/selfTelemetry.ts';
import type { DecodePool } from './decodePool.ts';
import { OtlpRequestError } from './errors.ts';
import type { IngestRestriction, OtlpEncoding, OtlpSignal } from './types.ts';

/** A pipeline that can take a request's rows for several tables as one unit (the spooled pipeline can). */
export type IngestPipeline = Pipeline & {
  acceptAll?(parts: readonly { table: IngestTable; data: Uint8Array; rows: number }[]): Promise<AcceptResult>;
};

/** What a receiver needs to ingest OTLP requests. */
export interface OtlpIngestDeps {
  pipeline: IngestPipeline;
  decoder: DecodePool;
  telemetry: SelfTelemetry;
  logger: Logger;
  now: () => number;
}

/** The outcome of one OTLP export request, for the receiver to answer in its protocol. */
export type IngestOutcome =
  | { kind: 'ok'; accepted: number; rejected: number; message: string }
  | { kind: 'bad_request'; message: string }
  | {
      kind: 'retry';
      reason: 'spool_full' | 'shutting_down' | 'store_unavailable' | 'decode_failed';
      retryAfterSeconds: number;
      message: string;
    };

/**
 * Decodes an OTLP export request, hands its rows to the pipeline and says how to answer:
 * ok (with the partial-success count and message), bad request (nothing kept), or retry later.
 * `component` names the receiver in self-telemetry (otlp_http, otlp_grpc).
 */
export async function ingestOtlp(
  deps: OtlpIngestDeps,
  component: string,
  signal: OtlpSignal,
  encoding: OtlpEncoding,
  body: Uint8Array,
  restriction?: IngestRestriction,
): Promise<IngestOutcome> {
  const { telemetry } = deps;
  telemetry.count(component, signal, 'requests');
  let decoded;
  try {
    decoded = await deps.decoder.decode(signal, encoding, body, deps.now(), restriction);
  } catch (e) {
    if (e instanceof OtlpRequestError) {
      telemetry.count(component, signal, 'rejected_requests', 1, 'malformed');
      return { kind: 'bad_request', message: e.message };
    }
    deps.logger.error({ err: e, signal }, 'decoding an OTLP request failed');
    telemetry.count(component, signal, 'rejected_requests', 1, 'decode_failed');
    return {
      kind: 'retry',
      reason: 'decode_failed',
      retryAfterSeconds: 1,
      message: 'the request could not be processed; retry',
    };
  }
  const received = decoded.accepted + decoded.rejected;
  telemetry.count(component, signal, 'received', received);
  if (decoded.rejected) telemetry.count(component, signal, 'rejected', decoded.rejected, 'invalid');
  const result = await acceptAll(deps.pipeline, decoded.tables);
  // The rows are on disk (or refused): their buffers go back to a decode worker for the next request.
  deps.decoder.recycle(decoded.tables);
  if (!result.ok) {
    if (!result.retryable) {
      deps.logger.error({ reason: result.reason, signal }, 'the pipeline refused decoded rows');
      telemetry.count(component, signal, 'rejected', received, 'pipeline_refused');
      return {
        kind: 'retry',
        reason: 'store_unavailable',
        retryAfterSeconds: 5,
        message: 'the collector cannot store this request',
      };
    }
    telemetry.count(component, signal, 'rejected', decoded.accepted, result.reason);
    return {
      kind: 'retry',
      reason: result.reason,
      retryAfterSeconds: result.retryAfterSeconds,
      message:
        result.reason === 'spool_full'
          ? 'the collector is full; retry later'
          : result.reason === 'shutting_down'
            ? 'the collector is shutting down; retry'
            : 'the collector cannot store data right now; retry later',
    };
  }
  telemetry.count(component, signal, 'accepted', decoded.accepted);
  if (decoded.bizEvents) telemetry.count(component, 'business_events', 'accepted', decoded.bizEvents);
  return {
    kind: 'ok',
    accepted: decoded.accepted,
    rejected: decoded.rejected,
    message: decoded.messages.join('; '),
  };
}

async function acceptAll(
  pipeline: IngestPipeline,
  tables: readonly { table: IngestTable; data: Uint8Array; rows: number }[],
): Promise<AcceptResult> {
  if (pipeline.acceptAll) return pipeline.acceptAll(tables);
  for (const t of tables) {
    const r = await pipeline.accept(
      t.table,
      Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('utf8'),
      t.rows,
    );
    if (!r.ok) return r;
  }
  return { ok: true };
}
