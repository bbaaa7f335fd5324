import type { AlertRule } from '@linewatch/schema';
import type { RuleSample } from './evaluateFlowRule.ts';

type DeliveryRule = Extract<AlertRule, { kind: 'delivery' }>;

/** A channel whose latest attempts failed in a row (notificationStore.failingChannels). */
export interface FailingChannelRow {
  contact: string;
  channelIndex: number;
  channelType: string;
  failures: number;
  error: string;
}

/**
 * Delivery samples: a contact's channel is failing when its latest `minFailures` attempts or more all
 * failed; the next successful attempt clears it. The value is the failures in a row. The last error
 * (already free of URLs and secrets) is the one example shown.
 * @example deliverySamples(rule, [{ contact: 'support', channelIndex: 1, channelType: 'webhook', failures: 4, error: 'HTTP 503' }])[0].active // true
 */
export function deliverySamples(rule: DeliveryRule, rows: readonly FailingChannelRow[]): RuleSample[] {
  return rows.map((r) => ({
    labels: { contact: r.contact, channel: `${r.channelType}#${r.channelIndex + 1}`, condition: 'delivery' },
    value: r.failures,
    active: r.failures >= rule.minFailures,
    examples: r.error ? [r.error] : [],
    transactions: 0,
  }));
}
