import type { Criticality, Tier } from '@linewatch/schema';

// Impact tiers (docs/alerting.md, "Impact tiers"): what an alert means for the plant, from the
// criticality of the flows it touches (for a system, queue or poller: the flows that depend on it on
// the dependency map), what happened, and how broad and long it is. A rule may bound the result.

/** What the tier of one alert is derived from. */
export interface TierInput {
  ruleKind: 'flow' | 'slo_burn' | 'queue' | 'poller' | 'connector' | 'query' | 'delivery';
  /** missing, late, failed, duplicate, burn_page, burn_ticket, silence, error_rate, p95_latency, depth, oldest_age, growing, poller_down, query */
  condition: string;
  /** The highest criticality of the affected flows, or null when no flow is known to depend on it. */
  criticality: Criticality | null;
  flows: readonly string[];
  plants: number;
  transactions: number;
  firingForMs: number;
  floor?: Tier | undefined;
  ceiling?: Tier | undefined;
}

const TIERS: readonly Tier[] = ['P1', 'P2', 'P3', 'P4'];

/** 0 for P1 (most severe) … 3 for P4. */
export function tierRank(t: Tier): number {
  return TIERS.indexOf(t);
}

/** The more severe of two tiers. */
export function mostSevere(a: Tier, b: Tier): Tier {
  return tierRank(a) <= tierRank(b) ? a : b;
}

const STOPS = new Set(['missing', 'failed', 'burn_page', 'silence', 'poller_down', 'error_rate']);
const AT_RISK_PRODUCTION = new Set([
  'late',
  'duplicate',
  'burn_ticket',
  'depth',
  'oldest_age',
  'p95_latency',
]);
const DISTORTS = new Set([
  'missing',
  'failed',
  'duplicate',
  'silence',
  'burn_page',
  'error_rate',
  'poller_down',
]);

function base(i: TierInput): { tier: Tier; why: string } {
  // Whoever this channel serves is not being told: every other tier depends on it getting through.
  if (i.ruleKind === 'delivery') return { tier: 'P2', why: 'alerts are not reaching their contacts' };
  const c = i.criticality;
  if (c === 'informational') return { tier: 'P4', why: 'informational flow' };
  if (c === null) {
    if (i.ruleKind === 'query') return { tier: 'P4', why: 'no flow depends on it' };
    return { tier: 'P3', why: 'no flow is known to depend on it yet' };
  }
  if (c === 'production') {
    if (STOPS.has(i.condition)) return { tier: 'P1', why: 'production stopped or about to' };
    if (AT_RISK_PRODUCTION.has(i.condition)) return { tier: 'P2', why: 'production at risk' };
    return { tier: 'P3', why: 'production degraded, no business effect yet' };
  }
  if (DISTORTS.has(i.condition))
    return {
      tier: 'P2',
      why: c === 'quality' || c === 'shipping' ? `${c} at risk` : `${c} distorted`,
    };
  return { tier: 'P3', why: 'degraded, no business effect yet' };
}

/**
 * The impact tier of an alert and the reason, as one sentence.
 * @example classifyTier({ ruleKind: 'flow', condition: 'missing', criticality: 'production', flows: ['production_confirmation'], plants: 1, transactions: 4, firingForMs: 0 }).tier // 'P1'
 */
export function classifyTier(i: TierInput): { tier: Tier; reason: string } {
  const b = base(i);
  let tier = b.tier;
  const parts: string[] = [];
  const named =
    i.flows.slice(0, 3).join(', ') + (i.flows.length > 3 ? ` and ${i.flows.length - 3} more` : '');
  const what = i.criticality
    ? `${i.criticality} flow${i.flows.length === 1 ? '' : 's'} ${named}`
    : 'no dependent flow';
  parts.push(
    `${what}: ${i.condition.replace('_', ' ')} at ${i.plants} plant${i.plants === 1 ? '' : 's'} (${b.why})`,
  );
  if (tier === 'P3' && (i.plants >= 3 || i.transactions >= 50 || i.firingForMs >= 3_600_000)) {
    tier = 'P2';
    parts.push(
      i.plants >= 3
        ? `raised to P2: ${i.plants} plants hit`
        : i.transactions >= 50
          ? `raised to P2: ${i.transactions} transactions hit`
          : 'raised to P2: firing for over 1h',
    );
  }
  if (i.floor && tierRank(i.floor) < tierRank(tier)) {
    tier = i.floor;
    parts.push(`raised to the rule's floor ${i.floor}`);
  }
  if (i.ceiling && tierRank(i.ceiling) > tierRank(tier)) {
    tier = i.ceiling;
    parts.push(`capped at the rule's ceiling ${i.ceiling}`);
  }
  return { tier, reason: parts.join('; ') };
}
