export {
  evaluateTransaction,
  type EvaluateOptions,
  type StepEvaluation,
  type TransactionEvaluation,
} from './evaluateTransaction.ts';
export {
  summarizeEvents,
  type BadOutcome,
  type CorrelationEvent,
  type StepObservation,
} from './observations.ts';
export {
  loadFlows,
  listFlowFiles,
  parseFlowFile,
  type FlowFileResult,
  type LoadedFlow,
} from './loadFlows.ts';
export { FlowRegistry, type FlowSnapshot } from './flowRegistry.ts';
export { flowJsonSchema, flowJsonSchemaText } from './flowJsonSchema.ts';
export { CursorError, FlowFileError, UnknownFlowError } from './errors.ts';
export type { CorrelationLogger } from './logger.ts';
