import { z } from 'zod';
import { MatcherSchema, TierSchema } from '../alertRule.ts';

// HTTP shapes of the alerting API (`/api/v1/alerts`, `/api/v1/silences`, `/api/v1/alert-rules`).
// docs/api.md and docs/alerting.md describe them.

export const AlertStateSchema = z.enum(['pending', 'firing', 'resolved']);
export type AlertState = z.infer<typeof AlertStateSchema>;

/** A symptom attached to a cause: an alert downstream of the cause on the dependency map. */
export const AlertRefSchema = z.object({
  id: z.string(),
  rule: z.string(),
  state: AlertStateSchema,
  tier: TierSchema,
  summary: z.string(),
  plant: z.string().nullable(),
  flow: z.string().nullable(),
});
export type AlertRef = z.infer<typeof AlertRefSchema>;

export const AlertSchema = z.object({
  id: z.string(),
  rule: z.string(),
  ruleKind: z.string(),
  state: AlertStateSchema,
  tier: TierSchema,
  tierReason: z.string(),
  plant: z.string().nullable(),
  flow: z.string().nullable(),
  /** The dependency-map node the alert is about (a system, a queue `messaging:<name>`, a poller). */
  node: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  value: z.number().nullable(),
  /** Up to 5 example business keys. */
  examples: z.array(z.string()),
  startsAt: z.string(),
  /** Fired (RFC 3339); null while pending. */
  firedAt: z.string().nullable(),
  endsAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  ackComment: z.string().nullable(),
  /** Silenced now (by a silence or a maintenance window): recorded, not notified. */
  silencedBy: z.string().nullable(),
  /** The firing cause this alert is a symptom of; null when it is not a symptom. */
  cause: AlertRefSchema.nullable(),
  symptoms: z.array(AlertRefSchema),
  link: z.string(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const ListAlertsQuery = z.object({
  state: z.enum(['pending', 'firing', 'resolved', 'open', 'all']).default('open'),
  tier: TierSchema.optional(),
  plant: z.string().min(1).optional(),
  flow: z.string().min(1).optional(),
  rule: z.string().min(1).optional(),
  /** `alertmanager`: Alertmanager's v2 alert list shape. */
  format: z.enum(['linewatch', 'alertmanager']).default('linewatch'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().optional(),
});
export type ListAlertsQuery = z.infer<typeof ListAlertsQuery>;

export const AlertListSchema = z.object({
  items: z.array(AlertSchema),
  nextCursor: z.string().nullable(),
  /** Open (pending or firing) alerts by tier, for the caller's plants. */
  counts: z.record(TierSchema, z.number().int()),
});
export type AlertList = z.infer<typeof AlertListSchema>;

export const AlertHistoryEntrySchema = z.object({
  time: z.string(),
  from: z.string(),
  to: z.string(),
  actor: z.string().nullable(),
  value: z.number().nullable(),
  detail: z.string(),
});
export type AlertHistoryEntry = z.infer<typeof AlertHistoryEntrySchema>;

export const AlertDeliverySchema = z.object({
  notificationId: z.string(),
  contact: z.string(),
  channel: z.string(),
  kind: z.enum(['firing', 'resolved', 'escalation', 'repeat']),
  attempt: z.number().int(),
  time: z.string(),
  ok: z.boolean(),
  error: z.string().nullable(),
});
export type AlertDelivery = z.infer<typeof AlertDeliverySchema>;

export const AlertDetailSchema = AlertSchema.extend({
  history: z.array(AlertHistoryEntrySchema),
  deliveries: z.array(AlertDeliverySchema),
});
export type AlertDetail = z.infer<typeof AlertDetailSchema>;

export const AlertParams = z.object({ id: z.string().min(1).max(200) });

export const AckAlertBody = z.object({ comment: z.string().max(2000).default('') });
export type AckAlertBody = z.infer<typeof AckAlertBody>;

export const SilenceSchema = z.object({
  id: z.string(),
  matchers: z.array(MatcherSchema),
  startsAt: z.string(),
  endsAt: z.string(),
  createdBy: z.string(),
  comment: z.string(),
  createdAt: z.string(),
  active: z.boolean(),
});
export type Silence = z.infer<typeof SilenceSchema>;

export const CreateSilenceBody = z
  .object({
    matchers: z.array(MatcherSchema).min(1),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }),
    comment: z.string().min(1).max(2000),
  })
  .refine((b) => !b.startsAt || Date.parse(b.endsAt) > Date.parse(b.startsAt), {
    message: 'endsAt must be after startsAt',
    path: ['endsAt'],
  });
export type CreateSilenceBody = z.infer<typeof CreateSilenceBody>;

export const MaintenanceWindowOccurrenceSchema = z.object({
  id: z.string(),
  plants: z.array(z.string()),
  cron: z.string(),
  timeZone: z.string(),
  /** The current or next occurrence (RFC 3339). */
  nextStart: z.string().nullable(),
  nextEnd: z.string().nullable(),
  active: z.boolean(),
  comment: z.string().nullable(),
});

export const SilenceListSchema = z.object({
  silences: z.array(SilenceSchema),
  maintenanceWindows: z.array(MaintenanceWindowOccurrenceSchema),
});
export type SilenceList = z.infer<typeof SilenceListSchema>;

export const AlertRuleListSchema = z.object({
  rules: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      name: z.string(),
      file: z.string(),
      enabled: z.boolean(),
      for: z.number(),
      keepFiringFor: z.number(),
    }),
  ),
  problems: z.array(z.string()),
  routesProblems: z.array(z.string()),
});
export type AlertRuleList = z.infer<typeof AlertRuleListSchema>;
