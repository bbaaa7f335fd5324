import * as grpc from '@grpc/grpc-js';
import { ingestOtlp, type OtlpIngestDeps } from '../../otlp/ingestOtlp.ts';
import { GrpcCode, exportResponse, retryStatusDetails } from '../../otlp/otlpResponse.ts';
import type { OtlpSignal } from '../../otlp/types.ts';
import type { TlsConfig } from '@linewatch/schema';
import { grpcClientCertificateSubject } from '../../tls/clientCertificate.ts';
import { grpcServerCredentials } from '../../tls/grpcServerCredentials.ts';
import type { TlsReloadTiming } from '../../tls/watchTlsFiles.ts';
import { warnIfPlaintext } from '../../tls/warnIfPlaintext.ts';
import { restrictionOf, type VerifyIngest } from '../ingestApp.ts';

/** What the OTLP/gRPC server needs. */
export interface OtlpGrpcDeps extends OtlpIngestDeps {
  host: string;
  port: number;
  /** Largest accepted message (grpc-js answers RESOURCE_EXHAUSTED beyond it). */
  maxBodyBytes: number;
  verify: VerifyIngest;
  /** TLS from these files (reloaded when they change); plaintext when absent. */
  tls?: TlsConfig | undefined;
  /** How certificate file changes are noticed (tests shorten it). */
  tlsReload?: TlsReloadTiming;
}

/** A running OTLP/gRPC server. */
export interface OtlpGrpcServer {
  /** The port it listens on (the ephemeral one when configured with 0). */
  readonly port: number;
  /** Stops accepting calls; waits up to `graceMs` for calls in flight, then cancels them. */
  close(graceMs?: number): Promise<void>;
}

const SERVICES: readonly { signal: OtlpSignal; path: string }[] = [
  { signal: 'traces', path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export' },
  { signal: 'metrics', path: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export' },
  { signal: 'logs', path: '/opentelemetry.proto.collector.logs.v1.LogsService/Export' },
];

const identity = (b: Buffer): Buffer => b;

/**
 * Starts the OTLP/gRPC receiver: TraceService, MetricsService and LogsService `Export`. Messages
 * stay raw bytes in grpc-js and go to the same decode path as OTLP/HTTP protobuf. Errors follow the
 * OTLP/gRPC specification: INVALID_ARGUMENT for a malformed request (not retried), RESOURCE_EXHAUSTED
 * or UNAVAILABLE with a RetryInfo when the collector cannot take the data now.
 */
export async function createOtlpGrpcServer(deps: OtlpGrpcDeps): Promise<OtlpGrpcServer> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': deps.maxBodyBytes,
    'grpc.max_send_message_length': 4 * 1024 * 1024,
  });
  for (const { signal, path } of SERVICES) {
    const definition: grpc.ServiceDefinition = {
      Export: {
        path,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
        originalName: 'export',
      },
    };
    const handler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
      exportCall(deps, signal, call, callback).catch((e: unknown) => {
        deps.logger.error({ err: e, signal }, 'OTLP/gRPC export failed');
        callback({ code: GrpcCode.INTERNAL, details: 'internal error' });
      });
    };
    server.addService(definition, { Export: handler });
  }
  warnIfPlaintext(deps.logger, 'otlp-grpc', deps.host, deps.port, deps.tls);
  const tls = deps.tls
    ? grpcServerCredentials({
        tls: deps.tls,
        source: 'collector.otlpGrpc.tls',
        listener: 'otlp-grpc',
        logger: deps.logger,
        ...(deps.tlsReload ? { reload: deps.tlsReload } : {}),
      })
    : undefined;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `${deps.host}:${deps.port}`,
      tls?.credentials ?? grpc.ServerCredentials.createInsecure(),
      (err, bound) => (err ? reject(err) : resolve(bound)),
    );
  }).catch((e: unknown) => {
    tls?.close();
    throw e;
  });
  return {
    port,
    close(graceMs = 5_000) {
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        timer.unref();
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }).finally(() => tls?.close());
    },
  };
}

async function exportCall(
  deps: OtlpGrpcDeps,
  signal: OtlpSignal,
  call: grpc.ServerUnaryCall<Buffer, Buffer>,
  callback: grpc.sendUnaryData<Buffer>,
): Promise<void> {
  const t0 = performance.now();
  const auth = call.metadata.get('authorization')[0];
  const principal = deps.verify(
    typeof auth === 'string' ? auth : undefined,
    grpcClientCertificateSubject(call),
  );
  if (!principal)
    return callback({ code: grpc.status.UNAUTHENTICATED, details: 'a valid bearer token is required' });
  if (!principal.scopes.has('ingest'))
    return callback({ code: grpc.status.PERMISSION_DENIED, details: 'this token lacks the "ingest" scope' });

  const outcome = await ingestOtlp(
    deps,
    'otlp_grpc',
    signal,
    'protobuf',
    call.request,
    restrictionOf(principal),
  );
  deps.telemetry.observe('otlp_grpc', signal, 'request_latency', performance.now() - t0);
  switch (outcome.kind) {
    case 'ok':
      return callback(
        null,
        Buffer.from(exportResponse(signal, 'protobuf', outcome.rejected, outcome.message).body as Uint8Array),
      );
    case 'bad_request':
      return callback({ code: GrpcCode.INVALID_ARGUMENT, details: outcome.message });
    case 'retry': {
      // OTLP/gRPC: RESOURCE_EXHAUSTED is retried only with a RetryInfo; UNAVAILABLE always is.
      const code = outcome.reason === 'spool_full' ? GrpcCode.RESOURCE_EXHAUSTED : GrpcCode.UNAVAILABLE;
      const metadata = new grpc.Metadata();
      metadata.set(
        'grpc-status-details-bin',
        retryStatusDetails(code, outcome.message, outcome.retryAfterSeconds),
      );
      return callback({ code, details: outcome.message, metadata });
    }
  }
}
