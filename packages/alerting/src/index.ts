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
export {
  querySloWindows,
  sloBurnSamples,
  sloWindows,
  type SloWindowRow,
} from './evaluate/evaluateSloBurn.ts';
export {
  connectorRedSamples,
  queryConnectorRed,
  type ConnectorRedRow,
} from './evaluate/evaluateConnectorRed.ts';
export { pollerSamples, queryPollerScrapes, type PollerScrapeRow } from './evaluate/evaluatePollerRule.ts';
export { querySamples, QueryRuleError, type RunNamedQuery } from './evaluate/evaluateQueryRule.ts';
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
export {
  createChannelSender,
  NOTIFICATION_ID_HEADER,
  SIGNATURE_HEADER,
  type ChannelSender,
  type ChannelSenderOptions,
} from './channels/createChannelSender.ts';
export { signWebhook } from './channels/signWebhook.ts';
export { verifyWebhookSignature } from './channels/verifyWebhookSignature.ts';
export { retryDelay } from './channels/retryDelay.ts';
// notifications
export type { DeliveryOutcome, NotificationMessage, NotifiedAlert } from './notify/notification.ts';
export {
  createDeliverer,
  createNotifier,
  type Deliverer,
  type Notifier,
  type NotifyResult,
} from './notify/createNotifier.ts';
export { deliveriesOf, failingChannels, listOutbox, type OutboxRow } from './notify/notificationStore.ts';
export { planNotifications, type PlanInput } from './notify/planNotifications.ts';
export { AlertRuleFileError } from './errors.ts';
