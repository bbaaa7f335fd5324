export { advanceAlert, type AlertLifecycle, type LifecycleTiming, type Transition } from './lifecycle.ts';
export { attachSymptoms, type InhibitionCandidate } from './inhibit.ts';
export {
  fingerprintOf,
  nodeOf,
  reconcileRule,
  type AlertRecord,
  type AlertTransition,
  type TierOf,
} from './reconcileRule.ts';
export {
  compare,
  flowRuleSamples,
  queryFlowCounts,
  type FlowCountRow,
  type RuleSample,
} from './evaluate/evaluateFlowRule.ts';
export { queryLastSeen, silenceSamples, type LastSeenRow } from './evaluate/evaluateConnectorSilence.ts';
export {
  queryQueuePoints,
  queueSamples,
  wildcardMatch,
  type QueuePoints,
} from './evaluate/evaluateQueueRule.ts';
export { loadOpenAlerts, saveAlerts } from './alertStore.ts';
export {
  createAlertEvaluator,
  type AlertEvaluator,
  type AlertEvaluatorOptions,
  type EvaluationResult,
} from './createAlertEvaluator.ts';
export { acknowledgeAlert, getAlert, listAlerts, type AlertFilter } from './listAlerts.ts';
export { classifyTier, mostSevere, tierRank, type TierInput } from './tier.ts';
export { loadAlertRules, type LoadedAlertRules, type LoadedAlertRule } from './rules/loadAlertRules.ts';
// silences and maintenance windows
export {
  activeSilence,
  activeWindow,
  maintenanceWindowAt,
  nextWindowOccurrence,
  type Occurrence,
  type SilenceRecord,
} from './silences.ts';
export {
  activeSilences,
  createSilence,
  expireSilence,
  listSilences,
  type StoredSilence,
} from './silenceStore.ts';
export { AlertRuleRegistry, type AlertRuleSnapshot } from './rules/alertRuleRegistry.ts';
// channels
export { ChannelConfigError } from './channels/ChannelConfigError.ts';
export {
  createMailTransport,
  type MailTransport,
  type SecretLookup,
} from './channels/createMailTransport.ts';
