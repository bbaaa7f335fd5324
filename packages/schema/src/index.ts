export { DurationSchema, parseDuration, formatDuration } from './duration.ts';
export {
  BusinessEventSchema,
  EventBatchBodySchema,
  EventSourceSchema,
  OutcomeSchema,
  Rfc3339Schema,
  type BusinessEvent,
  type BusinessEventInput,
  type EventSource,
  type Outcome,
} from './businessEvent.ts';
export {
  CorrelationConfigSchema,
  DemoConfigSchema,
  LinewatchConfigSchema,
  RetentionConfigSchema,
  RoleSchema,
  ScopeSchema,
  StoreConfigSchema,
  TokenConfigSchema,
  formatIssues,
  type CorrelationConfig,
  type LinewatchConfig,
  type LinewatchConfigInput,
  type RetentionConfig,
  type Role,
  type Scope,
  type StoreConfig,
  type TableFamily,
  type TokenConfig,
} from './config.ts';
export { CollectorConfigSchema, type CollectorConfig } from './collectorConfig.ts';
