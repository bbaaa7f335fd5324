import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Tier } from '@linewatch/schema';
import { parseRoutesFile } from '../rules/loadAlertRules.ts';
import {
  planNotifications,
  type GroupRecord,
  type PlanInput,
  type PlannableAlert,
  type PlannedNotification,
} from './planNotifications.ts';

const loaded = parseRoutesFile('alert-rules/routes.yaml', readFileSync('alert-rules/routes.yaml', 'utf8'));
if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
const routes = loaded.value;

const MIN = 60_000;
// Wednesday 9 December 2026, 10:00 UTC: working hours at every plant.
const WED = Date.parse('2026-12-09T10:00:00Z');
const TZ: Record<string, string> = { P01: 'Europe/Paris', P02: 'Europe/Prague', P03: 'Europe/Brussels' };

function makeAlert(over: Partial<PlannableAlert> & { id: string }): PlannableAlert {
  const labels = over.labels ?? {};
  return {
    rule: 'rule',
    ruleKind: 'flow',
    fingerprint: `fp-${over.id}`,
    state: 'firing',
    activeSince: WED - 10 * MIN,
    firedAt: WED - 5 * MIN,
    lastActiveAt: WED,
    resolvedAt: undefined,
    labels,
    value: 1,
    examples: [],
    transactions: 1,
    tier: 'P3',
    tierReason: 'degraded',
    plant: labels.plant ?? null,
    flow: labels.flow ?? null,
    node: labels.system ?? null,
    annotations: {},
    causeId: null,
    acknowledged: false,
    ...over,
  };
}

/** The P02 MES outage: the silent MES (P1 cause) with a growing queue and missing confirmations as symptoms. */
function mesOutage(): PlannableAlert[] {
  const cause = makeAlert({
    id: 'mes-p02',
    rule: 'mes_silence',
    ruleKind: 'connector',
    tier: 'P1',
    tierReason: 'production stopped: mes feeds production flows',
    labels: { plant: 'P02', system: 'mes', rule: 'mes_silence' },
    annotations: { summary: 'MES silent at P02' },
  });
  return [
    cause,
    makeAlert({
      id: 'queue-p02',
      rule: 'queue_growing',
      ruleKind: 'queue',
      labels: { plant: 'P02', queue: 'p02.mes.production_order' },
      causeId: 'mes-p02',
    }),
    makeAlert({
      id: 'missing-p02',
      rule: 'confirmation_missing',
      tier: 'P1',
      labels: { plant: 'P02', flow: 'production_confirmation', status: 'missing' },
      examples: ['MO/00042', 'MO/00043'],
      causeId: 'mes-p02',
    }),
  ];
}

function plan(over: Partial<PlanInput>) {
  return planNotifications({
    now: WED,
    alerts: [],
    routes,
    groups: new Map(),
    silences: [],
    timeZoneOf: (p) => TZ[p] ?? 'UTC',
    baseUrl: 'https://linewatch.example',
    ...over,
  });
}

/** Runs cycles at the given times, carrying group records forward, and returns every notification. */
function run(times: number[], alertsAt: (t: number) => PlannableAlert[], over: Partial<PlanInput> = {}) {
  let groups = new Map<string, GroupRecord>();
  const sent: (PlannedNotification & { at: number })[] = [];
  for (const now of times) {
    const out = plan({ ...over, now, alerts: alertsAt(now), groups });
    sent.push(...out.notifications.map((n) => ({ at: now, ...n })));
    groups = new Map(groups);
    for (const g of out.groups) groups.set(g.key, g);
    for (const k of out.removedGroups) groups.delete(k);
  }
  return { sent, groups };
}

const to = <T extends { contact: { id: string } }>(sent: T[], contact: string): T[] =>
  sent.filter((n) => n.contact.id === contact);

describe('planNotifications', () => {
  it('waits group_wait before the first notification of a group', () => {
    const out = plan({ alerts: mesOutage() });
    expect(out.notifications).toEqual([]);
    expect(out.groups.length).toBeGreaterThan(0);
    expect(out.groups.every((g) => g.firstSeenAt === WED)).toBe(true);
  });

  it('tells the P02 manager of the MES outage once, naming the cause and listing its symptoms', () => {
    const { sent } = run([WED, WED + 30_000, WED + 60_000, WED + 90_000], () => mesOutage());
    const manager = to(sent, 'plant_manager_p02');
    expect(manager).toHaveLength(1);
    const [n] = manager;
    expect(n?.message.kind).toBe('firing');
    expect(n?.message.tier).toBe('P1');
    expect(n?.message.alerts.map((a) => a.id)).toEqual(['mes-p02']);
    expect(n?.message.alerts[0]?.symptoms.map((s) => s.id).sort()).toEqual(['missing-p02', 'queue-p02']);
    expect(n?.message.title).toBe('[P1] P02 · MES silent at P02 (+2 symptoms)');
    expect(n?.alertIds.sort()).toEqual(['mes-p02', 'missing-p02', 'queue-p02']);
    // The support team gets it too; no other plant's manager does.
    expect(to(sent, 'support')).toHaveLength(1);
    expect(to(sent, 'plant_manager_p01')).toHaveLength(0);
    expect(to(sent, 'plant_manager_p03')).toHaveLength(0);
  });

  it('repeats an unchanged firing group only after repeat_interval', () => {
    const hours = [0, 1, 2, 3, 4, 5].map((h) => WED + h * 60 * MIN);
    const { sent } = run([WED - MIN, ...hours], () => mesOutage().map((a) => ({ ...a, acknowledged: true })));
    const kinds = to(sent, 'plant_manager_p02').map((n) => [n.at, n.message.kind]);
    expect(kinds).toEqual([
      [WED, 'firing'],
      [WED + 4 * 60 * MIN, 'repeat'],
    ]);
  });

  it('sends a resolve notification once the cause clears, then forgets the group', () => {
    const times = [WED, WED + MIN, WED + 2 * MIN, WED + 10 * MIN, WED + 11 * MIN];
    const { sent, groups } = run(times, (t) => (t < WED + 2 * MIN ? mesOutage() : []));
    const manager = to(sent, 'plant_manager_p02');
    expect(manager.map((n) => [n.at, n.message.kind])).toEqual([
      [WED + MIN, 'firing'],
      // group_interval (5 m) after the last notification
      [WED + 10 * MIN, 'resolved'],
    ]);
    expect(manager[1]?.message.title).toBe('[Resolved] P1 P02 · MES silent at P02');
    expect(manager[1]?.message.alerts[0]?.state).toBe('resolved');
    expect(groups.size).toBe(0);
  });

  it('notifies nothing for a plant under a silence and records what holds each alert', () => {
    const silence = {
      id: 's1',
      matchers: [{ label: 'plant', op: '=' as const, value: 'P02' }],
      startsAt: WED - 60 * MIN,
      endsAt: WED + 60 * MIN,
      createdBy: 'ana',
      comment: 'MES upgrade',
    };
    const { sent } = run([WED, WED + MIN, WED + 2 * MIN], () => mesOutage(), { silences: [silence] });
    expect(sent).toEqual([]);
    const out = plan({ alerts: mesOutage(), silences: [silence] });
    expect(Object.fromEntries(out.silencedBy)).toEqual({
      'mes-p02': 's1',
      'queue-p02': 's1',
      'missing-p02': 's1',
    });
  });

  it('records but does not notify an alert during P01’s Sunday maintenance window, in Paris time', () => {
    // Sunday 13 December 2026 03:00 in Paris is 02:00 UTC.
    const sunday = Date.parse('2026-12-13T02:00:00Z');
    const alert = makeAlert({
      id: 'p01',
      tier: 'P1',
      labels: { plant: 'P01', flow: 'production_confirmation' },
    });
    const { sent } = run([sunday, sunday + MIN, sunday + 2 * MIN], () => [alert]);
    expect(sent).toEqual([]);
    expect(plan({ now: sunday, alerts: [alert] }).silencedBy.get('p01')).toBe('p01_sunday');
    // At 07:00 Paris the window is over and the alert is notified.
    const after = Date.parse('2026-12-13T06:00:00Z');
    expect(run([after, after + MIN], () => [alert]).sent.length).toBeGreaterThan(0);
  });

  it('keeps a P2 from a plant manager outside working hours but lets a P1 through', () => {
    // Saturday 12 December 2026 10:00 UTC.
    const saturday = Date.parse('2026-12-12T10:00:00Z');
    const p2 = makeAlert({ id: 'p2', tier: 'P2', labels: { plant: 'P02', flow: 'goods_receipt' } });
    const quiet = run([saturday, saturday + MIN], () => [p2]).sent;
    expect(to(quiet, 'plant_manager_p02')).toHaveLength(0);
    expect(to(quiet, 'support')).toHaveLength(1);
    const p1 = { ...p2, id: 'p1', tier: 'P1' as Tier };
    expect(to(run([saturday, saturday + MIN], () => [p1]).sent, 'plant_manager_p02')).toHaveLength(1);
  });

  it('escalates an unacknowledged P1 to the support lead after 15 minutes, and not when acknowledged', () => {
    const times = [WED, WED + MIN, WED + 10 * MIN, WED + 16 * MIN, WED + 17 * MIN, WED + 40 * MIN];
    const lead = to(run(times, () => mesOutage()).sent, 'support_lead');
    expect(lead.map((n) => [n.at, n.message.kind, n.message.escalation?.step])).toEqual([
      [WED + 16 * MIN, 'escalation', 1],
    ]);
    const acked = run(times, () => mesOutage().map((a) => ({ ...a, acknowledged: true }))).sent;
    expect(to(acked, 'support_lead')).toHaveLength(0);
  });

  it('routes an alert to the flow owner through the labels enrichment adds', () => {
    const alert = makeAlert({ id: 'gr', labels: { plant: 'P03', flow: 'goods_receipt' } });
    const { sent } = run([WED, WED + MIN], () => [alert], {
      enrich: (a): Record<string, string> => (a.flow === 'goods_receipt' ? { owner: 'logistics-it' } : {}),
    });
    expect(to(sent, 'logistics-it')).toHaveLength(1);
    expect(to(sent, 'manufacturing-it')).toHaveLength(0);
  });

  it('gives the same notification the same id when a cycle is planned again after a crash', () => {
    const first = run([WED], () => mesOutage());
    const again = (groups: Map<string, GroupRecord>) =>
      plan({ now: WED + MIN, alerts: mesOutage(), groups }).notifications.map((n) => n.message.id);
    expect(again(first.groups)).toEqual(again(first.groups));
    expect(new Set(again(first.groups)).size).toBe(again(first.groups).length);
  });

  it('gives a later episode of a forgotten group new ids, even with the same alert ids', () => {
    // The outage resolves and its group is forgotten; the same alerts (same ids) fire again later.
    const times = [WED, WED + MIN, WED + 2 * MIN, WED + 10 * MIN, WED + 30 * MIN, WED + 31 * MIN];
    const { sent } = run(times, (t) => (t < WED + 2 * MIN || t >= WED + 30 * MIN ? mesOutage() : []));
    const manager = to(sent, 'plant_manager_p02');
    expect(manager.map((n) => [n.at, n.message.kind])).toEqual([
      [WED + MIN, 'firing'],
      [WED + 10 * MIN, 'resolved'],
      [WED + 31 * MIN, 'firing'],
    ]);
    expect(manager[2]?.message.id).not.toBe(manager[0]?.message.id);
  });
});
