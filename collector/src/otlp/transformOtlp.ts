import { OtlpRequestError } from './errors.ts';
import { logsToRows } from './logsToRows.ts';
import { metricsToRows } from './metricsToRows.ts';
import { otlpTypes } from './otlpSchema.ts';
import { tracesToRows } from './tracesToRows.ts';
import type { OtlpEncoding, OtlpSignal, RowsResult, TransformContext } from './types.ts';

const requestTypes = {
  traces: otlpTypes.ExportTraceServiceRequest,
  metrics: otlpTypes.ExportMetricsServiceRequest,
  logs: otlpTypes.ExportLogsServiceRequest,
} as const;

/** Decodes an OTLP export request body (protobuf or OTLP/JSON); throws OtlpRequestError when it cannot be read. */
export function decodeOtlpRequest(signal: OtlpSignal, encoding: OtlpEncoding, body: Uint8Array): unknown {
  if (encoding === 'json') {
    try {
      return JSON.parse(
        Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'),
      ) as unknown;
    } catch (e) {
      throw new OtlpRequestError(`the body is not valid JSON: ${(e as Error).message}`, { cause: e });
    }
  }
  try {
    // A Buffer makes protobufjs return ids and bytes as Buffer slices (no copies).
    return requestTypes[signal].decode(
      Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
    );
  } catch (e) {
    throw new OtlpRequestError(
      `the body is not a valid protobuf ${requestTypes[signal].name}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
}

/**
 * Decodes an OTLP export request and turns it into JSONEachRow rows per table: the whole work of a
 * receiver between the bytes and the spool, run in the decode worker pool.
 */
export function transformOtlp(
  signal: OtlpSignal,
  encoding: OtlpEncoding,
  body: Uint8Array,
  ctx: TransformContext,
): RowsResult {
  const request = decodeOtlpRequest(signal, encoding, body);
  // Rows in JSON run ~2-2.5 times the protobuf bytes (hex ids, quoted keys); about the same as OTLP/JSON.
  const sized: TransformContext = {
    ...ctx,
    sizeHint: ctx.sizeHint ?? (encoding === 'protobuf' ? body.length * 2.5 : body.length * 1.2),
  };
  switch (signal) {
    case 'traces':
      return tracesToRows(request, sized);
    case 'metrics':
      return metricsToRows(request, sized);
    case 'logs':
      return logsToRows(request, sized);
  }
}
