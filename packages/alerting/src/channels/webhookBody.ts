import type { Tier } from '@linewatch/schema';
import type { NotificationKind, NotificationMessage, NotifiedAlert } from '../notify/notification.ts';

/** An alert in the webhook JSON (docs/alerting-delivery.md). */
export interface WebhookAlert {
  id: string;
  rule: string;
  state: 'pending' | 'firing' | 'resolved';
  tier: Tier;
  tierReason: string;
  summary: string;
  description: string;
  plant: string | null;
  flow: string | null;
  node: string | null;
  value: number | null;
  examples: string[];
  startsAt: string;
  firedAt: string | null;
  endsAt: string | null;
  link: string;
}

/** The generic webhook JSON, `version: 'linewatch/v1'`: fields are only ever added within a version. */
export interface WebhookBody {
  version: 'linewatch/v1';
  id: string;
  kind: NotificationKind;
  tier: Tier;
  title: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  escalation: { step: number; afterMs: number } | null;
  alerts: (WebhookAlert & { symptoms: WebhookAlert[] })[];
  link: string;
  createdAt: string;
}

/**
 * The generic webhook JSON for a notification: a stable, versioned shape built field by field, so a change
 * of the internal message never leaks into what receivers parse.
 * @example
 * const body = JSON.stringify(webhookBody(message));
 */
export function webhookBody(message: NotificationMessage): WebhookBody {
  return {
    version: 'linewatch/v1',
    id: message.id,
    kind: message.kind,
    tier: message.tier,
    title: message.title,
    groupKey: message.groupKey,
    groupLabels: { ...message.groupLabels },
    escalation: message.escalation
      ? { step: message.escalation.step, afterMs: message.escalation.afterMs }
      : null,
    alerts: message.alerts.map((a) => ({ ...webhookAlert(a), symptoms: a.symptoms.map(webhookAlert) })),
    link: message.link,
    createdAt: message.createdAt,
  };
}

function webhookAlert(a: NotifiedAlert): WebhookAlert {
  return {
    id: a.id,
    rule: a.rule,
    state: a.state,
    tier: a.tier,
    tierReason: a.tierReason,
    summary: a.summary,
    description: a.description,
    plant: a.plant,
    flow: a.flow,
    node: a.node,
    value: a.value,
    examples: a.examples.slice(0, 5),
    startsAt: a.startsAt,
    firedAt: a.firedAt,
    endsAt: a.endsAt,
    link: a.link,
  };
}
