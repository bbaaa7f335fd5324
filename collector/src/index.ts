export { createCollector, type Collector, type CollectorDeps } from './createCollector.ts';
export { createDirectPipeline } from './pipeline/directPipeline.ts';
export type { AcceptResult, IngestTable, Pipeline } from './pipeline/types.ts';
export { createIngestApp, type VerifyIngest } from './receivers/ingestApp.ts';
