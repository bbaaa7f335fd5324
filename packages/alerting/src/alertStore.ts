import type { AlertRule, Tier } from '@linewatch/schema';
import { sql, type Store } from '@linewatch/store';
import type { AlertRecord, AlertTransition } from './reconcileRule.ts';

// The I/O edge of alert state: `alerts` (latest version per id under FINAL) and `alert_events`.

const dt = (ms: number | undefined | null) =>
  ms === undefined || ms === null ? null : new Date(ms).toISOString();

interface AlertRow {
  id: string;
  rule: string;
  rule_kind: string;
  fingerprint: string;
  state: string;
  tier: string;
  tier_reason: string;
  plant: string;
  flow: string;
  node: string;
  labels: Record<string, string>;
  value: number | null;
  examples: string[];
  starts_at: number;
  fired_at: number | null;
  last_active_at: number;
  ends_at: number | null;
  cause_id: string;
  annotations: Record<string, string>;
}

/**
 * Writes new versions of the given alerts and their transitions (one insert each). Versions are the
 * write time in ms, so a later write always wins under FINAL.
 */
export async function saveAlerts(
  store: Store,
  alerts: readonly AlertRecord[],
  transitions: readonly AlertTransition[],
  now: number,
): Promise<void> {
  if (alerts.length)
    await store.insert(
      'alerts',
      alerts.map((a) => ({
        id: a.id,
        rule: a.rule,
        rule_kind: a.ruleKind,
        fingerprint: a.fingerprint,
        state: a.state,
        tier: a.tier,
        tier_reason: a.tierReason,
        plant: a.plant ?? '',
        flow: a.flow ?? '',
        node: a.node ?? '',
        labels: a.labels,
        annotations: a.annotations,
        value: a.value,
        examples: a.examples,
        starts_at: dt(a.activeSince),
        fired_at: dt(a.firedAt),
        last_active_at: dt(a.lastActiveAt),
        ends_at: dt(a.resolvedAt),
        cause_id: a.causeId ?? '',
        updated_at: dt(now),
        version: now,
      })),
    );
  if (transitions.length)
    await store.insert(
      'alert_events',
      transitions.map((t) => ({
        alert_id: t.alertId,
        time: dt(t.at),
        from_state: t.from,
        to_state: t.to,
        actor: 'linewatch',
        value: t.value,
        detail: '',
      })),
    );
}

/**
 * The alerts a restarted evaluator continues from: every pending or firing alert (resolved ones
 * start a new episode anyway), keyed by fingerprint.
 */
export async function loadOpenAlerts(store: Store): Promise<Map<string, AlertRecord>> {
  const rows = await store.query<AlertRow>(sql`
    SELECT id, rule, rule_kind, cause_id, annotations, fingerprint, state, tier, tier_reason, plant, flow, node, labels, value, examples,
      toUnixTimestamp64Milli(starts_at) AS starts_at, toUnixTimestamp64Milli(fired_at) AS fired_at,
      toUnixTimestamp64Milli(last_active_at) AS last_active_at, toUnixTimestamp64Milli(ends_at) AS ends_at
    FROM ${store.table('alerts')} FINAL
    WHERE state IN ('pending', 'firing')
    SETTINGS max_execution_time = 30`);
  return new Map(
    rows.map((r) => [
      r.fingerprint,
      {
        id: r.id,
        rule: r.rule,
        ruleKind: r.rule_kind as AlertRule['kind'],
        fingerprint: r.fingerprint,
        state: r.state as AlertRecord['state'],
        tier: r.tier as Tier,
        tierReason: r.tier_reason,
        plant: r.plant || null,
        flow: r.flow || null,
        node: r.node || null,
        labels: r.labels,
        value: r.value,
        examples: r.examples,
        transactions: 0,
        causeId: r.cause_id || null,
        annotations: r.annotations,
        activeSince: Number(r.starts_at),
        firedAt: r.fired_at === null ? undefined : Number(r.fired_at),
        lastActiveAt: Number(r.last_active_at),
        resolvedAt: r.ends_at === null ? undefined : Number(r.ends_at),
      },
    ]),
  );
}
