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
export {
  buildDependencyGraph,
  nodeLabel,
  type DependencyGraphInput,
  type NodeRedRow,
  type TracedEdgeRow,
} from './dependencyMap/buildDependencyGraph.ts';
export {
  criticalityRank,
  downstreamOf,
  downstreamOfEdge,
  flowDependencies,
  impactOf,
  impactOfFlows,
  type ImpactGraph,
  type ImpactTarget,
} from './dependencyMap/impactOf.ts';
export {
  healthFromFlowFigures,
  healthFromRed,
  redMetrics,
  worstHealth,
  type FlowFigures,
} from './dependencyMap/dependencyHealth.ts';
export {
  chooseStepSeconds,
  resolveDependencyTimeRange,
  TimeRangeError,
  type DependencyTimeRange,
} from './dependencyMap/dependencyTimeRange.ts';
export {
  fillQueuePoints,
  mergeScrapeFailures,
  type QueueBucketRow,
  type ScrapeFailureRow,
} from './dependencyMap/queueSeries.ts';
export {
  queryOperationRed,
  queryPeerRed,
  queryQueueBuckets,
  queryScrapeFailures,
  queryServiceRed,
  queryTracedEdges,
  type DependencyReadFilter,
  type OperationRedRow,
  type QueueReadFilter,
  type QueueSeriesRow,
} from './dependencyMap/dependencyQueries.ts';
export {
  computeDependencyMinutes,
  repairEdgeCandidates,
  type DependencyJoinOptions,
} from './dependencyMap/computeDependencies.ts';
export {
  createDependencyWorker,
  type DependencyRunResult,
  type DependencyWorker,
  type DependencyWorkerOptions,
} from './dependencyMap/createDependencyWorker.ts';
export {
  loadDependencyGraph,
  plantsInScope,
  type LoadDependencyGraphOptions,
} from './dependencyMap/loadDependencyGraph.ts';
export {
  correlate,
  deriveTransaction,
  type CorrelateOptions,
  type CorrelateScope,
  type CorrelateStats,
} from './correlate.ts';
export {
  flowParams,
  loadTransactionData,
  type FlowParams,
  type Member,
  type TransactionRef,
} from './loadTransactionData.ts';
export {
  encodeTransactions,
  fingerprint,
  transactionColumns,
  transactionRow,
  type TransactionRow,
} from './transactionRow.ts';
export { msTime, stringSet } from './sqlValues.ts';
export {
  createCorrelationWorker,
  type CorrelationWorker,
  type CorrelationWorkerOptions,
  type SweepStats,
} from './createCorrelationWorker.ts';
export { flowHealth, transactionFilters, type FlowHealthFilter } from './flowHealth.ts';
export { getTransactionDetail, nanosToIso, toWaterfall } from './getTransactionDetail.ts';
export { InvalidTimeRangeError, resolveTimeRange, type TimeRange } from './timeRange.ts';
export { summaryFromEvaluation, summaryFromRow } from './transactionSummary.ts';
export { listTransactions, type ListTransactionsOptions } from './listTransactions.ts';
export { listUnmatched, type ListUnmatchedOptions } from './listUnmatched.ts';
export { searchTransactions } from './searchTransactions.ts';
export { reevaluate } from './reevaluate.ts';
export { decodeCursor, encodeCursor } from './cursor.ts';
export {
  evaluationNow,
  evaluationTime,
  readSweepState,
  type DataClock,
  type SweepState,
} from './dataClock.ts';
