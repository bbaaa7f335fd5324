import { otlpTypes } from './otlpSchema.ts';
import type { OtlpEncoding, OtlpSignal } from './types.ts';

const responseTypes = {
  traces: { type: otlpTypes.ExportTraceServiceResponse, rejectedField: 'rejectedSpans' },
  metrics: { type: otlpTypes.ExportMetricsServiceResponse, rejectedField: 'rejectedDataPoints' },
  logs: { type: otlpTypes.ExportLogsServiceResponse, rejectedField: 'rejectedLogRecords' },
} as const;

/** An encoded answer with its content type. */
export interface EncodedBody {
  body: Uint8Array | string;
  contentType: string;
}

/**
 * The Export*ServiceResponse for a request, in the request's encoding (OTLP/HTTP spec). With
 * nothing rejected and no message it is empty; otherwise `partial_success` carries the count of
 * refused items and the message (a message with a zero count is a warning).
 */
export function exportResponse(
  signal: OtlpSignal,
  encoding: OtlpEncoding,
  rejected: number,
  message: string,
): EncodedBody {
  const { type, rejectedField } = responseTypes[signal];
  const partial = rejected || message ? { [rejectedField]: rejected, errorMessage: message } : undefined;
  if (encoding === 'json') {
    // proto3 JSON mapping: int64 as a decimal string.
    const json = partial
      ? { partialSuccess: { [rejectedField]: String(rejected), errorMessage: message } }
      : {};
    return { body: JSON.stringify(json), contentType: 'application/json' };
  }
  return {
    body: type.encode(type.fromObject(partial ? { partialSuccess: partial } : {})).finish(),
    contentType: 'application/x-protobuf',
  };
}

/** gRPC status codes the receivers answer with. */
export const GrpcCode = {
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

/** A google.rpc.Status (the body of OTLP/HTTP error answers) in the request's encoding. */
export function statusResponse(encoding: OtlpEncoding, code: number, message: string): EncodedBody {
  if (encoding === 'json')
    return { body: JSON.stringify({ code, message }), contentType: 'application/json' };
  return {
    body: otlpTypes.RpcStatus.encode(otlpTypes.RpcStatus.fromObject({ code, message })).finish(),
    contentType: 'application/x-protobuf',
  };
}

/**
 * The `grpc-status-details-bin` value for a retryable gRPC error: a google.rpc.Status whose details
 * hold a RetryInfo, which is how OTLP/gRPC tells a client that RESOURCE_EXHAUSTED may be retried and when.
 */
export function retryStatusDetails(code: number, message: string, retryAfterSeconds: number): Buffer {
  const retryInfo = otlpTypes.RetryInfo.encode(
    otlpTypes.RetryInfo.fromObject({ retryDelay: { seconds: retryAfterSeconds, nanos: 0 } }),
  ).finish();
  const status = otlpTypes.RpcStatus.fromObject({
    code,
    message,
    details: [{ typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: retryInfo }],
  });
  return Buffer.from(otlpTypes.RpcStatus.encode(status).finish());
}
