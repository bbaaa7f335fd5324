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
export { registerEventRoutes, type EventRoutesDeps } from './receivers/events/registerEventRoutes.ts';
export {
  validateEventBatch,
  type ItemIssue,
  type ValidatedBatch,
} from './receivers/events/validateEventBatch.ts';
export { toBusinessEventRow, type BusinessEventRow } from './receivers/events/toBusinessEventRow.ts';
export type { CountIngest, IngestMeasure } from './receivers/events/countIngest.ts';
export { registerOdooRoutes, type OdooRoutesDeps } from './receivers/odoo/registerOdooRoutes.ts';
export {
  mapOdooWebhook,
  OdooWebhookPayloadSchema,
  type OdooWebhookPayload,
} from './receivers/odoo/mapOdooWebhook.ts';
export {
  createMqttReceiver,
  type MqttReceiver,
  type MqttReceiverDeps,
  type MqttReceiverStatus,
} from './receivers/mqtt/createMqttReceiver.ts';
export { QueueDepthMessageSchema, type QueueDepthMessage } from './receivers/mqtt/decodeMqttMessage.ts';
export {
  createPollers,
  nextPollDelay,
  POLLER_SERVICE_NAME,
  type PollOutcome,
  type Poller,
  type Pollers,
  type PollersDeps,
  type PollScheduler,
} from './pollers/createPollers.ts';
export { QUEUE_METRICS, type QueueSample } from './pollers/queueGauges.ts';
export {
  TlsFileError,
  describeCertificate,
  loadTlsFiles,
  secureContextOptions,
  tlsFileIssues,
  type TlsFiles,
} from './tls/loadTlsFiles.ts';
export {
  watchTlsFiles,
  type TlsFilesWatch,
  type TlsReloadTiming,
  type WatchTlsFilesOptions,
} from './tls/watchTlsFiles.ts';
export { listenHttp, type ListenHttpOptions } from './tls/listenHttp.ts';
export {
  grpcServerCredentials,
  type GrpcServerCredentialsOptions,
  type ReloadingGrpcCredentials,
} from './tls/grpcServerCredentials.ts';
export {
  clientCertificate,
  clientCertificateOfRequest,
  clientCertificateOfSocket,
  clientCertificateSubject,
  grpcClientCertificate,
  grpcClientCertificateSubject,
  matchClientCertificate,
  type ClientCertificate,
  type GrpcCallWithAuthContext,
} from './tls/clientCertificate.ts';
export { distinguishedName, parseDistinguishedName } from './tls/distinguishedName.ts';
export { isLoopbackHost, warnIfPlaintext } from './tls/warnIfPlaintext.ts';
