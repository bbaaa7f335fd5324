import { createHash } from 'node:crypto';
import type { Contact, RoutesFile, Tier } from '@linewatch/schema';
import { escalationDue } from '../escalation.ts';
import { groupHash, groupKey, planGroupNotifications, type GroupAlert } from '../grouping.ts';
import type { AlertRecord } from '../reconcileRule.ts';
import { routeAlert, withinWorkingHours, type RouteMatch } from '../routing.ts';
import { activeSilence, activeWindow, type SilenceRecord } from '../silences.ts';
import { mostSevere } from '../tier.ts';
import type { NotificationKind, NotificationMessage, NotifiedAlert } from './notification.ts';

// From the open alerts to the notifications due now: pure, so every rule of noise control (symptoms
// ride with their cause, silences, maintenance windows, grouping with wait/interval/repeat, working
// hours, escalation) is tested without I/O. The caller stores the outbox rows and the group records.

/** What was last notified to one contact of a group. */
export interface ContactNotified {
  lastNotifiedAt?: number | undefined;
  /** groupHash of the firing alerts last notified. */
  lastHash?: string | undefined;
  /** The firing alerts last notified, as shown then (a resolve notification shows them again). */
  notified: Record<string, NotifiedAlert>;
}

/** A notification group (route + grouping labels) as kept between cycles. */
export interface GroupRecord {
  key: string;
  labels: Record<string, string>;
  /** The route's settings when the group last had alerts (a group whose alerts all cleared still resolves). */
  route: RouteMatch;
  /** When the group's current episode first had a firing alert. */
  firstSeenAt: number;
  /** When the first notification of the episode went out (escalation counts from it). */
  firstNotifiedAt?: number | undefined;
  escalatedSteps: number;
  contacts: Record<string, ContactNotified>;
}

/** An open alert as the planner reads it. */
export type PlannableAlert = AlertRecord & { acknowledged: boolean };

/** Everything one planning cycle reads. */
export interface PlanInput {
  now: number;
  /** The open (pending and firing) alerts. */
  alerts: readonly PlannableAlert[];
  routes: RoutesFile;
  groups: ReadonlyMap<string, GroupRecord>;
  silences: readonly SilenceRecord[];
  timeZoneOf: (plant: string) => string;
  /** Labels routing may match that the alert does not carry itself (a flow's owner and criticality). */
  enrich?: (alert: AlertRecord) => Record<string, string>;
  /** Base URL of the UI for links. */
  baseUrl: string;
}

/** One notification to one contact, ready for the outbox. */
export interface PlannedNotification {
  message: NotificationMessage;
  contact: Contact;
  alertIds: string[];
  plant: string | null;
}

/** The outcome of one planning cycle. */
export interface PlanOutput {
  notifications: PlannedNotification[];
  /** Group records that changed (to store). */
  groups: GroupRecord[];
  /** Keys of groups that are over (to delete). */
  removedGroups: string[];
  /** Open alerts silenced now, by the silence or maintenance window id that holds them. */
  silencedBy: Map<string, string>;
}

const iso = (ms: number | undefined | null) =>
  ms === undefined || ms === null ? null : new Date(ms).toISOString();

/** The labels routes and silences match: the alert's own, its rule, tier, plant, flow and enrichment. */
export function routingLabels(a: AlertRecord, enrich?: PlanInput['enrich']): Record<string, string> {
  return {
    ...enrich?.(a),
    ...a.labels,
    rule: a.rule,
    alertname: a.rule,
    tier: a.tier,
    ...(a.plant ? { plant: a.plant } : {}),
    ...(a.flow ? { flow: a.flow } : {}),
  };
}

function notified(a: AlertRecord, baseUrl: string): NotifiedAlert {
  return {
    id: a.id,
    rule: a.rule,
    state: a.state,
    tier: a.tier,
    tierReason: a.tierReason,
    summary:
      a.annotations.summary ??
      `${a.rule}${a.plant ? ` at ${a.plant}` : ''}${a.flow ? ` (${a.flow})` : a.node ? ` (${a.node})` : ''}`,
    description: a.annotations.description ?? '',
    plant: a.plant,
    flow: a.flow,
    node: a.node,
    value: a.value,
    examples: a.examples.slice(0, 5),
    startsAt: iso(a.activeSince) as string,
    firedAt: iso(a.firedAt),
    endsAt: iso(a.resolvedAt),
    link: `${baseUrl}/alerts/${encodeURIComponent(a.id)}`,
  };
}

const idOf = (...parts: (string | number)[]) =>
  createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24);

function titleOf(
  kind: NotificationKind,
  tier: Tier,
  groupLabels: Record<string, string>,
  alerts: NotificationMessage['alerts'],
) {
  const [top] = alerts;
  const symptoms = alerts.reduce((n, a) => n + a.symptoms.length, 0);
  const prefix =
    kind === 'resolved'
      ? `[Resolved] ${tier}`
      : kind === 'escalation'
        ? `[${tier} · escalated]`
        : `[${tier}]`;
  const where = groupLabels.plant ? ` ${groupLabels.plant} ·` : '';
  const more = alerts.length > 1 ? ` and ${alerts.length - 1} more` : '';
  const sym = symptoms ? ` (+${symptoms} symptom${symptoms === 1 ? '' : 's'})` : '';
  return `${prefix}${where} ${top?.summary ?? 'alerts'}${more}${sym}`;
}

function groupLink(baseUrl: string, labels: Record<string, string>): string {
  const q = new URLSearchParams();
  for (const k of ['plant', 'flow'] as const) if (labels[k]) q.set(k, labels[k]);
  const s = q.toString();
  return `${baseUrl}/alerts${s ? `?${s}` : ''}`;
}

/** The group's firing alerts, most severe first, each with its symptoms. */
function withSymptoms(
  firing: readonly AlertRecord[],
  symptomsOf: ReadonlyMap<string, AlertRecord[]>,
  baseUrl: string,
): NotificationMessage['alerts'] {
  return [...firing]
    .sort(
      (a, b) =>
        a.tier.localeCompare(b.tier) || (a.firedAt ?? 0) - (b.firedAt ?? 0) || a.id.localeCompare(b.id),
    )
    .map((a) => ({
      ...notified(a, baseUrl),
      symptoms: (symptomsOf.get(a.id) ?? []).map((s) => notified(s, baseUrl)),
    }));
}

/**
 * Plans the notifications due at `now` and the group records to keep.
 * @example const { notifications, groups } = planNotifications({ now, alerts, routes, groups: stored, silences, timeZoneOf, baseUrl });
 */
export function planNotifications(input: PlanInput): PlanOutput {
  const { now, routes, baseUrl } = input;
  const byId = new Map(input.alerts.map((a) => [a.id, a]));
  const contacts = new Map(routes.contacts.map((c) => [c.id, c]));
  const silencedBy = new Map<string, string>();
  const symptomsOf = new Map<string, AlertRecord[]>();

  // 1. Which firing alerts speak for themselves: not a symptom of a firing cause, not silenced.
  const own: { alert: PlannableAlert; labels: Record<string, string> }[] = [];
  for (const a of input.alerts) {
    const cause = a.causeId ? byId.get(a.causeId) : undefined;
    if (cause && cause.state === 'firing') {
      symptomsOf.set(cause.id, [...(symptomsOf.get(cause.id) ?? []), a]);
      continue;
    }
    if (a.state !== 'firing') continue;
    const labels = routingLabels(a, input.enrich);
    const silence =
      activeSilence(labels, [...input.silences], now) ??
      activeWindow(a.plant ?? undefined, routes.maintenanceWindows, input.timeZoneOf, now);
    if (silence) {
      silencedBy.set(a.id, silence);
      continue;
    }
    own.push({ alert: a, labels });
  }
  // A silenced cause silences its symptoms too: the plant under a silence gets nothing.
  for (const [causeId, list] of symptomsOf)
    if (silencedBy.has(causeId))
      for (const s of list) silencedBy.set(s.id, silencedBy.get(causeId) as string);

  // 2. Route each into its groups.
  const current = new Map<
    string,
    { labels: Record<string, string>; route: RouteMatch; alerts: PlannableAlert[] }
  >();
  for (const { alert, labels } of own) {
    for (const route of routeAlert(labels, routes.route, routes.defaults)) {
      const key = `${route.path}|${groupKey(labels, route.groupBy)}`;
      const g = current.get(key) ?? {
        labels: Object.fromEntries(
          route.groupBy.filter((l) => labels[l]).map((l) => [l, labels[l] as string]),
        ),
        route,
        alerts: [],
      };
      g.alerts.push(alert);
      current.set(key, g);
    }
  }

  // 3. Each group, current or still owing a resolve, against what each contact was last told.
  const notifications: PlannedNotification[] = [];
  const changed: GroupRecord[] = [];
  const removedGroups: string[] = [];
  for (const key of new Set([...current.keys(), ...input.groups.keys()])) {
    const prior = input.groups.get(key);
    const now_ = current.get(key);
    const firing = now_?.alerts ?? [];
    const route = now_?.route ?? (prior as GroupRecord).route;
    const labels = now_?.labels ?? (prior as GroupRecord).labels;
    const rec: GroupRecord = prior
      ? { ...prior, route, labels, contacts: { ...prior.contacts } }
      : { key, labels, route, firstSeenAt: now, escalatedSteps: 0, contacts: {} };
    const shown = withSymptoms(firing, symptomsOf, baseUrl);
    const firingHash = groupHash(
      firing.map((a) => ({ id: a.id, state: 'firing', fingerprint: a.fingerprint })),
    );
    const plant = labels.plant ?? firing[0]?.plant ?? null;
    let touched = prior === undefined;

    for (const contactId of route.contacts) {
      const contact = contacts.get(contactId);
      if (!contact) continue;
      const told: ContactNotified = rec.contacts[contactId] ?? { notified: {} };
      const resolved = Object.values(told.notified).filter((n) => !firing.some((a) => a.id === n.id));
      const groupAlerts: GroupAlert[] = [
        ...firing.map((a) => ({ id: a.id, state: 'firing' as const, fingerprint: a.fingerprint })),
        ...resolved.map((n) => ({ id: n.id, state: 'resolved' as const, fingerprint: n.id })),
      ];
      if (!groupAlerts.length) continue;
      const [due] = planGroupNotifications(
        [
          {
            key,
            alerts: groupAlerts,
            firstSeenAt: rec.firstSeenAt,
            lastNotifiedAt: told.lastNotifiedAt,
            lastNotifiedHash: told.lastHash,
            groupWait: route.groupWait,
            groupInterval: route.groupInterval,
            repeatInterval: route.repeatInterval,
          },
        ],
        now,
      );
      if (!due) continue;
      const tiers = [...firing.map((a) => a.tier), ...resolved.map((n) => n.tier)];
      const tier = tiers.reduce<Tier>((t, x) => mostSevere(t, x), 'P4');
      // Outside a contact's working hours only P1 reaches it; the rest waits for the next working period.
      if (contact.workingHours && tier !== 'P1') {
        const tz = contact.workingHours.timeZone ?? contact.timeZone ?? input.timeZoneOf(plant ?? '');
        if (!withinWorkingHours(contact.workingHours, tz, now)) continue;
      }
      const kind: NotificationKind =
        due.reason === 'resolved' ? 'resolved' : due.reason === 'repeat' ? 'repeat' : 'firing';
      const alerts = [
        ...shown,
        ...resolved.map((n) => ({
          ...n,
          state: 'resolved' as const,
          endsAt: n.endsAt ?? iso(now),
          symptoms: [],
        })),
      ];
      const message: NotificationMessage = {
        // The group's first sighting keeps a later episode of the same group (same alert ids when
        // the clock stalled) from reusing an id already in the outbox, which would never be sent.
        id: idOf(key, contactId, kind, due.hash, told.lastNotifiedAt ?? `first@${rec.firstSeenAt}`),
        kind,
        groupKey: key,
        groupLabels: labels,
        contact: { id: contact.id, name: contact.name },
        tier,
        title: titleOf(kind, tier, labels, alerts),
        alerts,
        link: groupLink(baseUrl, labels),
        createdAt: iso(now) as string,
      };
      notifications.push({
        message,
        contact,
        alertIds: alerts.flatMap((a) => [a.id, ...a.symptoms.map((s) => s.id)]),
        plant,
      });
      rec.contacts[contactId] = {
        lastNotifiedAt: now,
        lastHash: firing.length ? firingHash : '',
        notified: Object.fromEntries(shown.map(({ symptoms: _s, ...a }) => [a.id, a])),
      };
      rec.firstNotifiedAt ??= firing.length ? now : undefined;
      touched = true;
    }

    // Escalation: a P1 nobody acknowledged reaches the next contact after the step's delay.
    const p1 = firing.filter((a) => a.tier === 'P1');
    const unacked = p1.length > 0 && p1.some((a) => !a.acknowledged);
    if (unacked && rec.firstNotifiedAt !== undefined && route.escalation.length) {
      const step = escalationDue(
        { tier: 'P1', firedAt: rec.firstNotifiedAt, escalatedSteps: rec.escalatedSteps },
        route.escalation,
        now,
      );
      const stepDef = step === undefined ? undefined : route.escalation[step];
      if (step !== undefined && stepDef) {
        for (const contactId of stepDef.contacts) {
          const contact = contacts.get(contactId);
          if (!contact) continue;
          const alerts = withSymptoms(p1, symptomsOf, baseUrl);
          notifications.push({
            message: {
              id: idOf(key, 'escalation', step, rec.firstNotifiedAt, contactId),
              kind: 'escalation',
              groupKey: key,
              groupLabels: labels,
              contact: { id: contact.id, name: contact.name },
              tier: 'P1',
              title: titleOf('escalation', 'P1', labels, alerts),
              alerts,
              escalation: { step: step + 1, afterMs: stepDef.after },
              link: groupLink(baseUrl, labels),
              createdAt: iso(now) as string,
            },
            contact,
            alertIds: alerts.flatMap((a) => [a.id, ...a.symptoms.map((s) => s.id)]),
            plant,
          });
        }
        rec.escalatedSteps = step + 1;
        touched = true;
      }
    }

    // The episode is over when nothing fires and every contact has been told.
    const owes = Object.values(rec.contacts).some((c) => Object.keys(c.notified).length > 0);
    if (!firing.length && !owes) {
      if (prior) removedGroups.push(key);
      continue;
    }
    if (touched) changed.push(rec);
  }
  return { notifications, groups: changed, removedGroups, silencedBy };
}
