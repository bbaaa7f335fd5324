import { z } from 'zod';
import { DurationSchema } from './duration.ts';
import { CriticalitySchema } from './flow.ts';

// Alert rules and routing as code (`alert-rules/*.yaml`, `alert-rules/routes.yaml`): docs/alerting.md
// explains every field. Objects are strict: a misspelt field is an error, not ignored.

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'expected a lowercase identifier like mes_silence ([a-z][a-z0-9_-]*)')
  .max(96);

const duration = (what: string) =>
  DurationSchema.describe(`${what}: a duration like "5m", "2h", "1h30m" (or milliseconds)`);

/** Impact tiers, most severe first: P1 production stopped, P2 at risk or distorted, P3 degraded, P4 information. */
export const TierSchema = z.enum(['P1', 'P2', 'P3', 'P4']);
export type Tier = z.infer<typeof TierSchema>;

/** Working hours: days of the week (1 = Monday … 7 = Sunday) and a local time span, in a time zone. */
export const WorkingHoursSchema = z.strictObject({
  days: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
  from: z.string().regex(/^\d{2}:\d{2}$/, 'expected a time like "06:00"'),
  to: z.string().regex(/^\d{2}:\d{2}$/, 'expected a time like "22:00" (24:00 for midnight)'),
  /** Default: the plant's time zone (or the contact's). */
  timeZone: z.string().min(1).optional(),
});
export type WorkingHours = z.infer<typeof WorkingHoursSchema>;

const comparison = z.enum(['>', '>=', '<', '<=']).default('>');

/** Which transactions a flow rule counts. */
const FlowConditionSchema = z.strictObject({
  /** The transaction status counted. */
  status: z.enum(['missing', 'late', 'failed', 'duplicate']),
  /** Only failures of these error categories (failed only). */
  errorCategories: z.array(z.string().min(1)).optional(),
  /** count: how many; ratio: the share of the transactions judged in the window. */
  measure: z.enum(['count', 'ratio']).default('count'),
  op: comparison,
  threshold: z.number().nonnegative(),
  window: duration('Window the transactions are counted over').default(900_000),
});

const common = {
  id: identifier.describe('Rule id, unique across files'),
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(4000).optional(),
  /** How long the condition must hold before the alert fires (pending until then). */
  for: duration('Pending time before firing').default(0),
  /** How long a firing alert stays firing after the condition clears (against flapping). */
  keepFiringFor: duration('Time a cleared alert keeps firing').default(0),
  labels: z.record(z.string().min(1).max(128), z.string().max(512)).default({}),
  /** Templates: {{plant}}, {{flow}}, {{system}}, {{queue}}, {{value}}, {{threshold}}, {{examples}}, {{link}}, {{labels.x}}. */
  annotations: z
    .strictObject({
      summary: z.string().max(1000).optional(),
      description: z.string().max(4000).optional(),
      runbook: z.string().max(1000).optional(),
    })
    .default({}),
  /** Bounds on the derived tier: never below `floor` (more severe) … never above `ceiling`. */
  tier: z.strictObject({ floor: TierSchema.optional(), ceiling: TierSchema.optional() }).default({}),
  /** Restrict the rule to these plants (empty: every plant). */
  plants: z.array(z.string().min(1)).default([]),
  /** Evaluate only during these hours (plant time); outside them the rule is quiet. */
  workingHours: WorkingHoursSchema.optional(),
  enabled: z.boolean().default(true),
};

export const FlowRuleSchema = z.strictObject({
  ...common,
  kind: z.literal('flow'),
  /** Flow ids; `*` for every flow. */
  flows: z.array(z.string().min(1)).min(1),
  condition: FlowConditionSchema,
});

/** SRE workbook multi-window, multi-burn-rate alerting on a flow's on-time objective (`slo.onTimeTarget`). */
export const SloBurnRuleSchema = z.strictObject({
  ...common,
  kind: z.literal('slo_burn'),
  flows: z.array(z.string().min(1)).min(1),
  /** Each window pair fires when both burn rates exceed `burnRate`; the first that fires sets `severity`. */
  windows: z
    .array(
      z.strictObject({
        long: duration('Long window'),
        short: duration('Short (check) window'),
        burnRate: z.number().positive(),
        severity: z.enum(['page', 'ticket']),
      }),
    )
    .min(1)
    .default([
      { long: 3_600_000, short: 300_000, burnRate: 14.4, severity: 'page' },
      { long: 21_600_000, short: 1_800_000, burnRate: 6, severity: 'page' },
      { long: 259_200_000, short: 21_600_000, burnRate: 1, severity: 'ticket' },
    ]),
  /** Fewer finished transactions than this in the long window: no verdict (too few to judge). */
  minVolume: z.number().int().min(0).default(10),
});

export const QueueRuleSchema = z.strictObject({
  ...common,
  kind: z.literal('queue'),
  /** Queue name patterns (`*` wildcard), e.g. `p*.mes.*`. */
  queues: z.array(z.string().min(1)).min(1),
  condition: z.discriminatedUnion('measure', [
    z.strictObject({ measure: z.literal('depth'), op: comparison, threshold: z.number() }),
    z.strictObject({
      measure: z.literal('oldest_age'),
      op: comparison,
      threshold: duration('Oldest message age'),
    }),
    z.strictObject({
      measure: z.literal('growing'),
      /** Depth rose over this whole span (no drop) by at least `minIncrease`. */
      over: duration('Span the depth must keep growing'),
      minIncrease: z.number().positive().default(1),
    }),
  ]),
});

export const PollerRuleSchema = z.strictObject({
  ...common,
  kind: z.literal('poller'),
  /** Poller name patterns (`*` wildcard). */
  pollers: z.array(z.string().min(1)).default(['*']),
  /** Fires when every scrape of a poller in the window failed (`linewatch.poller.up = 0`). */
  window: duration('Window of failed scrapes').default(120_000),
});

export const ConnectorRuleSchema = z.strictObject({
  ...common,
  kind: z.literal('connector'),
  /** Systems (service.name of spans, `system` of business events); `*` for every one seen. */
  systems: z.array(z.string().min(1)).min(1),
  condition: z.discriminatedUnion('measure', [
    /** Nothing from the system at a plant for `for`-like `window`, while it sent in the `lookback` before. */
    z.strictObject({
      measure: z.literal('silence'),
      window: duration('Silence that fires'),
      lookback: duration('How far back a system counts as expected').default(86_400_000),
    }),
    z.strictObject({
      measure: z.literal('error_rate'),
      op: comparison,
      threshold: z.number().min(0).max(1),
      window: duration('Window').default(300_000),
      minCalls: z.number().int().min(0).default(20),
    }),
    z.strictObject({
      measure: z.literal('p95_latency'),
      op: comparison,
      threshold: duration('p95 span duration'),
      window: duration('Window').default(300_000),
      minCalls: z.number().int().min(0).default(20),
    }),
  ]),
});

export const QueryRuleSchema = z.strictObject({
  ...common,
  kind: z.literal('query'),
  /** A named dashboard query (GET /api/v1/queries lists them) and its parameters. */
  query: z.string().min(1),
  params: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  /** The numeric column compared; every row that crosses is one alert, labelled by `labelColumns`. */
  column: z.string().min(1),
  op: comparison,
  threshold: z.number(),
  labelColumns: z.array(z.string().min(1)).default([]),
});

/** Linewatch's own delivery: a notification channel whose latest attempts all failed. */
export const DeliveryRuleSchema = z.strictObject({
  ...common,
  kind: z.literal('delivery'),
  /** Consecutive failed attempts (the latest ones) that make a channel failing. */
  minFailures: z.number().int().min(1).default(3),
  /** How far back attempts are read. */
  window: duration('Window of delivery attempts').default(3_600_000),
});

export const AlertRuleSchema = z.discriminatedUnion('kind', [
  FlowRuleSchema,
  SloBurnRuleSchema,
  QueueRuleSchema,
  PollerRuleSchema,
  ConnectorRuleSchema,
  QueryRuleSchema,
  DeliveryRuleSchema,
]);
export type AlertRule = z.infer<typeof AlertRuleSchema>;
export type AlertRuleInput = z.input<typeof AlertRuleSchema>;
export type AlertRuleKind = AlertRule['kind'];

/** One rule file: `apiVersion: linewatch/v1`, `kind: AlertRules`, `rules: [...]`. */
export const AlertRuleFileSchema = z.strictObject({
  apiVersion: z.literal('linewatch/v1'),
  kind: z.literal('AlertRules'),
  rules: z.array(AlertRuleSchema),
});
export type AlertRuleFile = z.infer<typeof AlertRuleFileSchema>;

// ---- routing (alert-rules/routes.yaml) ----

/** Label matchers: `plant`, `tier`, `flow`, `owner`, `system`, `queue`, `rule`, `criticality` or any label. */
export const MatcherSchema = z.strictObject({
  label: z.string().min(1),
  op: z.enum(['=', '!=', '=~', '!~']).default('='),
  value: z.string(),
});
export type Matcher = z.infer<typeof MatcherSchema>;

const envName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name like LINEWATCH_SLACK_URL');
const httpUrl = z.url({ protocol: /^https?$/ });
const oneUrl = (c: { url?: string | undefined; urlEnv?: string | undefined }) =>
  (c.url === undefined) !== (c.urlEnv === undefined);
const oneUrlError = { message: 'give exactly one of url and urlEnv', path: ['url'] };

/**
 * A delivery channel. Secrets are named by environment variable (`…Env`), never written in the file:
 * Slack and Teams incoming-webhook URLs carry their credential in the path, so prefer `urlEnv` there.
 */
export const ChannelSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('email'), to: z.array(z.email()).min(1) }),
  z
    .strictObject({
      type: z.literal('webhook'),
      url: httpUrl.optional(),
      urlEnv: envName.optional(),
      /** Environment variable holding the HMAC-SHA256 secret (`Linewatch-Signature` header). */
      secretEnv: envName.optional(),
    })
    .refine(oneUrl, oneUrlError),
  z
    .strictObject({ type: z.literal('slack'), url: httpUrl.optional(), urlEnv: envName.optional() })
    .refine(oneUrl, oneUrlError),
  z
    .strictObject({ type: z.literal('teams'), url: httpUrl.optional(), urlEnv: envName.optional() })
    .refine(oneUrl, oneUrlError),
]);
export type Channel = z.infer<typeof ChannelSchema>;

export const ContactSchema = z.strictObject({
  id: identifier,
  name: z.string().min(1).max(200),
  channels: z.array(ChannelSchema).min(1),
  /** Outside these hours only P1 reaches the contact (P2–P4 wait for the next working period). */
  workingHours: WorkingHoursSchema.optional(),
  timeZone: z.string().min(1).optional(),
});
export type Contact = z.infer<typeof ContactSchema>;

export type RouteNode = {
  matchers: Matcher[];
  contacts: string[];
  continue: boolean;
  groupBy?: string[] | undefined;
  groupWait?: number | undefined;
  groupInterval?: number | undefined;
  repeatInterval?: number | undefined;
  /** Unacknowledged P1: after `after`, also notify `contacts` (in order, one step each). */
  escalation?: { after: number; contacts: string[] }[] | undefined;
  routes: RouteNode[];
};

export const RouteSchema: z.ZodType<RouteNode, z.input<z.ZodType>> = z.lazy(() =>
  z.strictObject({
    matchers: z.array(MatcherSchema).default([]),
    contacts: z.array(z.string().min(1)).default([]),
    continue: z.boolean().default(false),
    groupBy: z.array(z.string().min(1)).optional(),
    groupWait: duration('Wait before the first notification of a group').optional(),
    groupInterval: duration('Wait before notifying a group that changed').optional(),
    repeatInterval: duration('Wait before repeating an unchanged firing group').optional(),
    escalation: z
      .array(
        z.strictObject({ after: duration('Delay without acknowledgement'), contacts: z.array(z.string()) }),
      )
      .optional(),
    routes: z.array(RouteSchema).default([]),
  }),
);

/** A recurring maintenance window: alerts are recorded but not notified. */
export const MaintenanceWindowSchema = z.strictObject({
  id: identifier,
  plants: z.array(z.string().min(1)).min(1),
  /** A cron expression (minute hour day month weekday) for the start, in the plant's time zone. */
  cron: z.string().min(9),
  duration: duration('Length of each window'),
  comment: z.string().max(1000).optional(),
});
export type MaintenanceWindow = z.infer<typeof MaintenanceWindowSchema>;

export const RoutesFileSchema = z.strictObject({
  apiVersion: z.literal('linewatch/v1'),
  kind: z.literal('AlertRoutes'),
  contacts: z.array(ContactSchema).default([]),
  route: RouteSchema,
  maintenanceWindows: z.array(MaintenanceWindowSchema).default([]),
  /** Root defaults (Alertmanager-like). */
  defaults: z
    .strictObject({
      groupBy: z.array(z.string()).default(['plant', 'flow', 'system']),
      groupWait: duration('').default(30_000),
      groupInterval: duration('').default(300_000),
      repeatInterval: duration('').default(4 * 3_600_000),
    })
    .prefault({}),
});
export type RoutesFile = z.infer<typeof RoutesFileSchema>;

export { CriticalitySchema as AlertCriticalitySchema };
