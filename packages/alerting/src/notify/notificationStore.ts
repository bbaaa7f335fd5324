import type { AlertDelivery, Channel } from '@linewatch/schema';
import { sql, type Store } from '@linewatch/store';
import type { NotificationMessage } from './notification.ts';
import type { GroupRecord, PlannedNotification } from './planNotifications.ts';

// The I/O edge of notifications: group records, the outbox (one row per notification and channel,
// latest version under FINAL) and the delivery attempts (m402).

const dt = (ms: number) => new Date(ms).toISOString();

/** One outbox row: a notification to one channel of its contact. */
export interface OutboxRow {
  id: string;
  channelIndex: number;
  channelType: string;
  contact: string;
  kind: string;
  tier: string;
  plant: string;
  alertIds: string[];
  message: NotificationMessage;
  channel: Channel;
  createdAt: number;
  state: 'queued' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  lastError: string;
}

interface OutboxDbRow {
  id: string;
  channel_index: number;
  channel_type: string;
  contact: string;
  kind: string;
  tier: string;
  plant: string;
  alert_ids: string[];
  message: string;
  created_ms: number;
  state: string;
  attempts: number;
  next_attempt_ms: number;
  last_error: string;
}

function toDb(r: OutboxRow, version: number) {
  return {
    id: r.id,
    channel_index: r.channelIndex,
    channel_type: r.channelType,
    contact: r.contact,
    kind: r.kind,
    tier: r.tier,
    plant: r.plant,
    alert_ids: r.alertIds,
    message: JSON.stringify({ message: r.message, channel: r.channel }),
    created_at: dt(r.createdAt),
    state: r.state,
    attempts: r.attempts,
    next_attempt_at: dt(r.nextAttemptAt),
    last_error: r.lastError,
    version,
  };
}

function fromDb(r: OutboxDbRow): OutboxRow {
  const body = JSON.parse(r.message) as { message: NotificationMessage; channel: Channel };
  return {
    id: r.id,
    channelIndex: Number(r.channel_index),
    channelType: r.channel_type,
    contact: r.contact,
    kind: r.kind,
    tier: r.tier,
    plant: r.plant,
    alertIds: r.alert_ids,
    message: body.message,
    channel: body.channel,
    createdAt: Number(r.created_ms),
    state: r.state as OutboxRow['state'],
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_ms),
    lastError: r.last_error,
  };
}

const OUTBOX_COLUMNS = sql`id, channel_index, channel_type, contact, kind, tier, plant, alert_ids, message,
  toUnixTimestamp64Milli(created_at) AS created_ms, state, attempts,
  toUnixTimestamp64Milli(next_attempt_at) AS next_attempt_ms, last_error`;
// (Aliases differ from the column names: ClickHouse resolves a SELECT alias in WHERE, so an alias
// named like its column would turn the DateTime64 comparison below into one against milliseconds.)

/** The stored group records, by key. */
export async function loadGroups(store: Store): Promise<Map<string, GroupRecord>> {
  const rows = await store.query<{ key: string; state: string }>(
    sql`SELECT key, state FROM ${store.table('notification_groups')} FINAL`,
  );
  return new Map(rows.map((r) => [r.key, JSON.parse(r.state) as GroupRecord]));
}

/** Stores changed group records and deletes the ones that are over. */
export async function saveGroups(
  store: Store,
  groups: readonly GroupRecord[],
  removed: readonly string[],
  version: number,
): Promise<void> {
  const rows = [
    ...groups.map((g) => ({ key: g.key, state: JSON.stringify(g), is_deleted: 0 })),
    ...removed.map((key) => ({ key, state: '{}', is_deleted: 1 })),
  ];
  if (rows.length)
    await store.insert(
      'notification_groups',
      rows.map((r) => ({ ...r, updated_at: dt(version), version })),
    );
}

/**
 * Writes planned notifications to the outbox, one row per channel of the contact, queued now. A
 * notification already in the outbox (the same cycle planned again after a crash) is left as it is,
 * so it is never sent twice. Returns the rows written.
 */
export async function enqueueNotifications(
  store: Store,
  planned: readonly PlannedNotification[],
  now: number,
): Promise<OutboxRow[]> {
  if (!planned.length) return [];
  const ids = planned.map((p) => p.message.id);
  const existing = new Set(
    (
      await store.query<{ id: string }>(
        sql`SELECT DISTINCT id FROM ${store.table('notifications')} WHERE id IN ${sql.param(ids, 'Array(String)')}`,
      )
    ).map((r) => r.id),
  );
  const rows: OutboxRow[] = planned
    .filter((p) => !existing.has(p.message.id))
    .flatMap((p) =>
      p.contact.channels.map((channel, channelIndex) => ({
        id: p.message.id,
        channelIndex,
        channelType: channel.type,
        contact: p.contact.id,
        kind: p.message.kind,
        tier: p.message.tier,
        plant: p.plant ?? '',
        alertIds: p.alertIds,
        message: p.message,
        channel,
        createdAt: now,
        state: 'queued' as const,
        attempts: 0,
        nextAttemptAt: now,
        lastError: '',
      })),
    );
  if (rows.length)
    await store.insert(
      'notifications',
      rows.map((r) => toDb(r, now)),
    );
  return rows;
}

/** Queued outbox rows due at `now`, oldest first. */
export async function dueNotifications(store: Store, now: number, limit = 100): Promise<OutboxRow[]> {
  const rows = await store.query<OutboxDbRow>(sql`
    SELECT ${OUTBOX_COLUMNS} FROM ${store.table('notifications')} FINAL
    WHERE state = 'queued' AND next_attempt_at <= fromUnixTimestamp64Milli(${sql.param(Math.round(now), 'Int64')})
    ORDER BY created_at, id, channel_index LIMIT ${sql.param(limit, 'UInt32')}`);
  return rows.map(fromDb);
}

/** Every outbox row (tests, the delivery-failure view). */
export async function listOutbox(store: Store): Promise<OutboxRow[]> {
  const rows = await store.query<OutboxDbRow>(sql`
    SELECT ${OUTBOX_COLUMNS} FROM ${store.table('notifications')} FINAL ORDER BY created_at, id, channel_index`);
  return rows.map(fromDb);
}

/** Records one delivery attempt and the row's next version (sent, queued for a retry, or failed). */
export async function recordAttempt(
  store: Store,
  row: OutboxRow,
  attempt: { at: number; ok: boolean; detail: string; error: string },
  next: Pick<OutboxRow, 'state' | 'nextAttemptAt' | 'lastError'>,
): Promise<void> {
  const attempts = row.attempts + 1;
  await store.insert('notification_attempts', [
    {
      notification_id: row.id,
      channel_index: row.channelIndex,
      channel_type: row.channelType,
      contact: row.contact,
      kind: row.kind,
      alert_ids: row.alertIds,
      attempt: attempts,
      time: dt(attempt.at),
      ok: attempt.ok ? 1 : 0,
      detail: attempt.detail,
      error: attempt.error,
    },
  ]);
  // Versions must grow even when two writes share a millisecond.
  await store.insert('notifications', [
    toDb({ ...row, ...next, attempts }, Math.max(attempt.at, row.createdAt) * 1000 + attempts),
  ]);
}

/** The delivery attempts of notifications that carried an alert, newest first. */
export async function deliveriesOf(store: Store, alertId: string): Promise<AlertDelivery[]> {
  const rows = await store.query<{
    notification_id: string;
    contact: string;
    channel_type: string;
    kind: string;
    attempt: number;
    time: number;
    ok: number;
    error: string;
  }>(sql`
    SELECT notification_id, contact, channel_type, kind, attempt, toUnixTimestamp64Milli(time) AS time, ok, error
    FROM ${store.table('notification_attempts')} WHERE has(alert_ids, ${alertId})
    ORDER BY time DESC, notification_id, channel_index LIMIT 200`);
  return rows.map((r) => ({
    notificationId: r.notification_id,
    contact: r.contact,
    channel: r.channel_type,
    kind: r.kind as AlertDelivery['kind'],
    attempt: Number(r.attempt),
    time: dt(Number(r.time)),
    ok: Number(r.ok) === 1,
    error: r.error || null,
  }));
}

/** Channels whose latest attempt failed, with how many attempts in a row failed and the last error. */
export async function failingChannels(
  store: Store,
  since: number,
): Promise<
  {
    contact: string;
    channelIndex: number;
    channelType: string;
    failures: number;
    error: string;
    at: number;
  }[]
> {
  const rows = await store.query<{
    contact: string;
    channel_index: number;
    channel_type: string;
    failures: number;
    error: string;
    at: number;
  }>(sql`
    SELECT contact, channel_index, any(channel_type) AS channel_type,
      arrayFirstIndex(x -> x = 1, arrayReverse(arraySort((o, t) -> t, groupArray(ok), groupArray(time)))) AS first_ok,
      if(first_ok = 0, count(), first_ok - 1) AS failures,
      argMax(error, time) AS error, toUnixTimestamp64Milli(max(time)) AS at
    FROM ${store.table('notification_attempts')}
    WHERE time >= fromUnixTimestamp64Milli(${sql.param(Math.round(since), 'Int64')})
    GROUP BY contact, channel_index
    HAVING failures > 0`);
  return rows.map((r) => ({
    contact: r.contact,
    channelIndex: Number(r.channel_index),
    channelType: r.channel_type,
    failures: Number(r.failures),
    error: r.error,
    at: Number(r.at),
  }));
}
