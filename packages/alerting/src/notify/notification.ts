import type { Tier } from '@linewatch/schema';

// The message a notification carries: built by the planner from a group of alerts (one cause with its
// symptoms, or the alerts of one plant + flow), rendered by each channel (e-mail, webhook, Slack,
// Teams). Plain data, so it is stored in the outbox as JSON and delivered after a restart unchanged.

/** Why a notification is sent. */
export type NotificationKind = 'firing' | 'resolved' | 'escalation' | 'repeat';

/** An alert as a notification shows it. */
export interface NotifiedAlert {
  id: string;
  rule: string;
  state: 'pending' | 'firing' | 'resolved';
  tier: Tier;
  tierReason: string;
  summary: string;
  description: string;
  plant: string | null;
  flow: string | null;
  /** The dependency-map node (system, `messaging:<queue>`, poller), when the alert is about one. */
  node: string | null;
  value: number | null;
  /** Up to 5 example business keys. */
  examples: string[];
  /** RFC 3339. */
  startsAt: string;
  firedAt: string | null;
  endsAt: string | null;
  /** The UI view that shows the alert's transactions. */
  link: string;
}

/** One notification to one contact: a group's alerts, each firing cause with its symptoms. */
export interface NotificationMessage {
  /** Stable id: the idempotency key a receiver may deduplicate on (`Linewatch-Notification-Id`). */
  id: string;
  kind: NotificationKind;
  /** The group (route + grouping labels) this notification speaks for. */
  groupKey: string;
  groupLabels: Record<string, string>;
  contact: { id: string; name: string };
  /** The most severe tier among the group's alerts. */
  tier: Tier;
  /** One line: `[P1] P02 · MES silent at P02 (+3 symptoms)`. */
  title: string;
  /** The alerts notified on their own (causes and unrelated alerts), most severe first. */
  alerts: (NotifiedAlert & { symptoms: NotifiedAlert[] })[];
  /** For an escalation: which step (1-based) and after how long without acknowledgement. */
  escalation?: { step: number; afterMs: number } | undefined;
  /** The Alerts view filtered to this group. */
  link: string;
  /** RFC 3339, when the planner created it. */
  createdAt: string;
}

/**
 * How one delivery to one channel went. A failure is `retryable` when trying again later may succeed
 * (a timeout, HTTP 429/5xx, SMTP 4xx); `retryAfterMs` is what the receiver asked for (Retry-After).
 * `error` is safe to store and show: it never carries a URL, a secret or a message body.
 */
export type DeliveryOutcome =
  | { ok: true; detail: string }
  | { ok: false; retryable: boolean; error: string; retryAfterMs?: number | undefined };
