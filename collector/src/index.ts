export {
  createCollector,
  type Collector,
  type CollectorDeps,
  type CollectorPart,
  type CollectorPipeline,
} from './createCollector.ts';
export { createDecodePool, type DecodePool, type Decoded } from './otlp/decodePool.ts';
export { OtlpItemError, OtlpRequestError } from './otlp/errors.ts';
export {
  ingestOtlp,
  type IngestOutcome,
  type IngestPipeline,
  type OtlpIngestDeps,
} from './otlp/ingestOtlp.ts';
export { otlpTypes } from './otlp/otlpSchema.ts';
export { decodeOtlpRequest, transformOtlp } from './otlp/transformOtlp.ts';
export type { OtlpEncoding, OtlpSignal, RowsResult, TableRows } from './otlp/types.ts';
export {
  createSpooledPipeline,
  type SpooledPipeline,
  type SpooledPipelineOptions,
} from './pipeline/spooledPipeline.ts';
export { Spool, SpoolLockedError, type RecoveryReport, type SealedSegment } from './pipeline/spool.ts';
export { insertSegment } from './pipeline/segmentSink.ts';
export {
  createOtlpGrpcServer,
  type OtlpGrpcDeps,
  type OtlpGrpcServer,
} from './receivers/otlp-grpc/createOtlpGrpcServer.ts';
export { registerOtlpHttpRoutes, type OtlpHttpDeps } from './receivers/otlp-http/registerOtlpHttpRoutes.ts';
export { createSelfTelemetry, type SelfTelemetry } from './selfTelemetry/selfTelemetry.ts';
export { createDirectPipeline } from './pipeline/directPipeline.ts';
export type { AcceptResult, IngestTable, Pipeline } from './pipeline/types.ts';
export { createIngestApp, type VerifyIngest } from './receivers/ingestApp.ts';
