import { createHash } from 'node:crypto';
import type { AlertRule, Tier } from '@linewatch/schema';
import type { RuleSample } from './evaluate/evaluateFlowRule.ts';
import { advanceAlert, type AlertLifecycle } from './lifecycle.ts';

// One rule's evaluation turned into alert state: each label set the rule reports is one alert per
// episode (pending → firing → resolved); a label set that no longer appears counts as inactive. Pure:
// the caller stores what changed and records the transitions.

/** An alert as kept between evaluations and stored in `alerts`. */
export interface AlertRecord extends AlertLifecycle {
  /** Unique per episode: the fingerprint and when the episode began. */
  id: string;
  rule: string;
  ruleKind: AlertRule['kind'];
  fingerprint: string;
  labels: Record<string, string>;
  value: number | null;
  examples: string[];
  transactions: number;
  tier: Tier;
  tierReason: string;
  plant: string | null;
  flow: string | null;
  /** The dependency-map node the alert is about, when it is about one. */
  node: string | null;
  /** The rule's annotations with their templates filled in. */
  annotations: Record<string, string>;
  /** The firing cause this alert is a symptom of (set by inhibition), else null. */
  causeId: string | null;
}

/** A transition to record in `alert_events`. */
export interface AlertTransition {
  alertId: string;
  from: string;
  to: string;
  at: number;
  value: number | null;
}

/** Tier and reason for one sample of a rule (classifyTier over the affected flows). */
export type TierOf = (
  rule: AlertRule,
  sample: RuleSample,
  firingForMs: number,
) => { tier: Tier; reason: string };

/** The UI view that shows what an alert is about: the transactions, the queue or the dependency map. */
export function viewLink(labels: Record<string, string>): string {
  const q = (o: Record<string, string | undefined>) =>
    new URLSearchParams(Object.entries(o).filter((e): e is [string, string] => !!e[1])).toString();
  if (labels.flow)
    return `/transactions?${q({ flow: labels.flow, plant: labels.plant, status: labels.status })}`;
  if (labels.queue) return `/queues?${q({ queue: labels.queue, plant: labels.plant })}`;
  return `/dependencies?${q({ plant: labels.plant })}`;
}

/** Fills `{{name}}` and `{{labels.name}}` placeholders; unknown names become empty. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(
    /\{\{\s*([\w.]+)\s*\}\}/g,
    (_, name: string) => values[name.replace(/^labels\./, '')] ?? '',
  );
}

/** A stable fingerprint of a rule and a label set. */
export function fingerprintOf(rule: string, labels: Record<string, string>): string {
  const canonical = JSON.stringify([rule, Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** The dependency-map node of a label set: a system, or a queue as the map names it. */
export function nodeOf(labels: Record<string, string>): string | null {
  if (labels.queue) return `messaging:${labels.queue}`;
  if (labels.system) return labels.system;
  return null;
}

/**
 * Advances every alert of one rule by one evaluation at `now`.
 * @example reconcileRule(rule, samples, previous, now, tierOf).transitions
 */
export function reconcileRule(
  rule: AlertRule,
  samples: readonly RuleSample[],
  previous: ReadonlyMap<string, AlertRecord>,
  now: number,
  tierOf: TierOf,
): { alerts: AlertRecord[]; transitions: AlertTransition[] } {
  const timing = { forMs: rule.for, keepFiringForMs: rule.keepFiringFor };
  const alerts: AlertRecord[] = [];
  const transitions: AlertTransition[] = [];
  const seen = new Set<string>();
  const step = (fp: string, labels: Record<string, string>, sample: RuleSample | undefined) => {
    seen.add(fp);
    const prev = previous.get(fp);
    const { next, transition } = advanceAlert(prev, sample?.active ?? false, timing, now);
    if (!next) return;
    const episodeChanged = !prev || next.activeSince !== prev.activeSince;
    const id = episodeChanged ? `${fp}-${next.activeSince.toString(36)}` : prev.id;
    const value = sample ? sample.value : (prev?.value ?? null);
    const firingFor = next.firedAt !== undefined ? now - next.firedAt : 0;
    const tier =
      sample && sample.active
        ? tierOf(rule, sample, firingFor)
        : prev && !episodeChanged
          ? { tier: prev.tier, reason: prev.tierReason }
          : { tier: 'P4' as Tier, reason: 'information' };
    const allLabels = { ...rule.labels, ...labels, rule: rule.id };
    const examples = sample?.active ? sample.examples : (prev?.examples ?? []);
    const link = viewLink(labels);
    const values: Record<string, string> = {
      ...allLabels,
      value: value === null ? '' : String(Math.round(value * 1000) / 1000),
      examples: examples.join(', '),
      link,
    };
    const annotations: Record<string, string> = { link };
    for (const [k, v] of Object.entries(rule.annotations)) if (v) annotations[k] = renderTemplate(v, values);
    alerts.push({
      ...next,
      id,
      rule: rule.id,
      ruleKind: rule.kind,
      fingerprint: fp,
      labels: allLabels,
      value,
      examples,
      annotations,
      transactions: sample?.active ? sample.transactions : (prev?.transactions ?? 0),
      tier: tier.tier,
      tierReason: tier.reason,
      plant: labels.plant || null,
      flow: labels.flow || null,
      node: nodeOf(labels),
      causeId: prev && !episodeChanged ? prev.causeId : null,
    });
    if (transition)
      transitions.push({ alertId: id, from: transition.from, to: transition.to, at: now, value });
  };
  for (const s of samples) step(fingerprintOf(rule.id, s.labels), s.labels, s);
  for (const [fp, prev] of previous) {
    if (seen.has(fp) || prev.rule !== rule.id || prev.state === 'resolved') continue;
    const { rule: _rule, ...labels } = prev.labels;
    step(fp, Object.fromEntries(Object.entries(labels).filter(([k]) => !(k in rule.labels))), undefined);
  }
  return { alerts, transitions };
}
