import type { Channel, RoutesFile } from '@linewatch/schema';
import { sql, type Store } from '@linewatch/store';
import type { AlertRecord } from '../reconcileRule.ts';
import { activeSilences } from '../silenceStore.ts';
import type { DeliveryOutcome, NotificationMessage } from './notification.ts';
import {
  dueNotifications,
  enqueueNotifications,
  loadGroups,
  recordAttempt,
  saveGroups,
  type OutboxRow,
} from './notificationStore.ts';
import { planNotifications, type GroupRecord, type PlanInput } from './planNotifications.ts';

// The two I/O loops of notification: after each evaluation the notifier plans and writes the outbox
// (durable before anything is sent); the deliverer sends what is due, on the wall clock, with retries.

/** What the notifier needs. */
export interface NotifierOptions {
  store: Store;
  /** The routes as loaded now; undefined: no routes file, nothing is notified. */
  routes: () => RoutesFile | undefined;
  timeZoneOf: (plant: string) => string;
  enrich?: PlanInput['enrich'];
  baseUrl: string;
  logger?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

/** The outcome of one planning cycle. */
export interface NotifyResult {
  queued: number;
  silenced: number;
}

/**
 * The notifier: `notify(alerts, now)` plans notifications for the open alerts, writes them to the
 * outbox, then stores the group records; silence marks are written to the alert history.
 * @example const notifier = createNotifier({ store, routes: () => registry.snapshot().routes, timeZoneOf, baseUrl }); await notifier.notify(evaluator.current().values(), now);
 */
export function createNotifier(options: NotifierOptions) {
  const { store } = options;
  let groups: Map<string, GroupRecord> | undefined;
  let marks: Map<string, string> | undefined;

  const loadMarks = async (ids: string[]) => {
    if (!ids.length) return new Map<string, string>();
    const rows = await store.query<{ alert_id: string; to: string; detail: string }>(sql`
      SELECT alert_id, argMax(to_state, time) AS to, argMax(detail, time) AS detail
      FROM ${store.table('alert_events')}
      WHERE alert_id IN ${sql.param(ids, 'Array(String)')} AND to_state IN ('silenced', 'unsilenced')
      GROUP BY alert_id`);
    return new Map(rows.filter((r) => r.to === 'silenced').map((r) => [r.alert_id, r.detail]));
  };

  return {
    async notify(open: Iterable<AlertRecord>, now: number): Promise<NotifyResult> {
      const routes = options.routes();
      const alerts = [...open];
      groups ??= await loadGroups(store);
      marks ??= await loadMarks(alerts.map((a) => a.id));
      const ids = alerts.map((a) => a.id);
      const [acks, silences] = await Promise.all([
        ids.length
          ? store.query<{ alert_id: string }>(sql`SELECT DISTINCT alert_id FROM ${store.table('alert_acks')}
              WHERE alert_id IN ${sql.param(ids, 'Array(String)')}`)
          : Promise.resolve([]),
        activeSilences(store, now),
      ]);
      if (!routes) return { queued: 0, silenced: 0 };
      const acked = new Set(acks.map((a) => a.alert_id));
      const plan = planNotifications({
        now,
        alerts: alerts.map((a) => ({ ...a, acknowledged: acked.has(a.id) })),
        routes,
        groups,
        silences,
        timeZoneOf: options.timeZoneOf,
        enrich: options.enrich,
        baseUrl: options.baseUrl,
      });
      // Outbox first: a crash before the group records are stored plans the same ids again, and
      // enqueueNotifications skips those already written.
      const rows = await enqueueNotifications(store, plan.notifications, now);
      await saveGroups(store, plan.groups, plan.removedGroups, now);
      const next = new Map(groups);
      for (const g of plan.groups) next.set(g.key, g);
      for (const k of plan.removedGroups) next.delete(k);
      groups = next;

      // Silence marks: a transition in the history when an alert becomes silenced or is released.
      const events: object[] = [];
      const openIds = new Set(ids);
      for (const a of alerts) {
        const by = plan.silencedBy.get(a.id);
        const before = marks.get(a.id);
        if (by && by !== before)
          events.push({
            alert_id: a.id,
            time: new Date(now).toISOString(),
            from_state: a.state,
            to_state: 'silenced',
            actor: 'linewatch',
            value: a.value,
            detail: by,
          });
        else if (!by && before)
          events.push({
            alert_id: a.id,
            time: new Date(now).toISOString(),
            from_state: 'silenced',
            to_state: 'unsilenced',
            actor: 'linewatch',
            value: a.value,
            detail: before,
          });
      }
      if (events.length) await store.insert('alert_events', events);
      marks = new Map([...plan.silencedBy].filter(([id]) => openIds.has(id)));
      if (rows.length)
        options.logger?.info(
          { notifications: plan.notifications.length, deliveries: rows.length },
          'notifications queued',
        );
      return { queued: rows.length, silenced: plan.silencedBy.size };
    },
  };
}
export type Notifier = ReturnType<typeof createNotifier>;

/** What the deliverer needs. */
export interface DelivererOptions {
  store: Store;
  send: (channel: Channel, message: NotificationMessage) => Promise<DeliveryOutcome>;
  /** The wall clock: retries are real time, not the data clock. */
  now: () => number;
  maxAttempts: number;
  /** Delay before the retry after failed `attempt` (1-based); `retryAfterMs` is what the receiver asked for. */
  retryDelay: (attempt: number, retryAfterMs?: number) => number;
  logger?: { warn(obj: object, msg: string): void };
}

/**
 * The deliverer: `deliverDue()` sends every queued outbox row that is due, records the attempt and
 * the row's next state. A row sent but not yet recorded when the process dies is sent again after
 * the restart (at least once); receivers deduplicate on the notification id.
 */
export function createDeliverer(options: DelivererOptions) {
  const { store } = options;
  const deliverOne = async (row: OutboxRow) => {
    let outcome: DeliveryOutcome;
    try {
      outcome = await options.send(row.channel, row.message);
    } catch (err) {
      outcome = { ok: false, retryable: true, error: (err as Error).message };
    }
    const at = options.now();
    const attempt = row.attempts + 1;
    if (outcome.ok) {
      await recordAttempt(
        store,
        row,
        { at, ok: true, detail: outcome.detail, error: '' },
        {
          state: 'sent',
          nextAttemptAt: at,
          lastError: '',
        },
      );
      return true;
    }
    const giveUp = !outcome.retryable || attempt >= options.maxAttempts;
    options.logger?.warn(
      { notification: row.id, contact: row.contact, channel: row.channelType, attempt, error: outcome.error },
      giveUp ? 'notification delivery failed: giving up' : 'notification delivery failed: will retry',
    );
    await recordAttempt(
      store,
      row,
      { at, ok: false, detail: '', error: outcome.error },
      {
        state: giveUp ? 'failed' : 'queued',
        nextAttemptAt: at + options.retryDelay(attempt, outcome.retryAfterMs),
        lastError: outcome.error,
      },
    );
    return false;
  };
  return {
    /** Sends what is due now; returns how many rows were attempted and sent. */
    async deliverDue(): Promise<{ attempted: number; sent: number }> {
      const due = await dueNotifications(store, options.now());
      let sent = 0;
      // One at a time per channel keeps the order of a group's notifications (firing before resolved).
      for (const row of due) if (await deliverOne(row)) sent++;
      return { attempted: due.length, sent };
    },
  };
}
export type Deliverer = ReturnType<typeof createDeliverer>;
