import { createTable } from '../ddl.ts';
import type { Migration } from './types.ts';

// Alert notifications (packages/alerting/src/notify):
//  1. `notification_groups`: per route group (route path + grouping labels) what was last notified to
//     each contact and the escalation step, as JSON under the latest version; a restarted worker
//     continues from it, so it neither repeats nor forgets a notification.
//  2. `notifications`: the durable outbox, one row per notification and channel; the latest version
//     (queued, sent, failed) under FINAL. A notification is written here before anything is sent, so a
//     kill between planning and delivery delivers it after the restart.
//  3. `notification_attempts`: every delivery attempt with its outcome, shown on the alert.
export const m402Notifications: Migration = {
  version: 402,
  name: 'alerting: notification groups, outbox, delivery attempts',
  ttls: [
    { table: 'notifications', ttl: { family: 'transactions', column: 'toDateTime(created_at)' } },
    { table: 'notification_attempts', ttl: { family: 'transactions', column: 'toDateTime(time)' } },
  ],
  statements: (ctx) => [
    ...createTable(ctx, {
      name: 'notification_groups',
      columns: [
        'key String',
        'state String',
        'updated_at DateTime64(3)',
        'version UInt64',
        'is_deleted UInt8',
      ],
      engine: 'ReplacingMergeTree(version, is_deleted)',
      orderBy: '(key)',
      shardingKey: 'cityHash64(key)',
    }),
    ...createTable(ctx, {
      name: 'notifications',
      columns: [
        'id String',
        'channel_index UInt16',
        'channel_type LowCardinality(String)',
        'contact String',
        'kind LowCardinality(String)',
        'tier LowCardinality(String)',
        'plant LowCardinality(String)',
        'alert_ids Array(String)',
        'message String',
        'created_at DateTime64(3)',
        'state LowCardinality(String)',
        'attempts UInt16',
        'next_attempt_at DateTime64(3)',
        'last_error String',
        'version UInt64',
      ],
      engine: 'ReplacingMergeTree(version)',
      orderBy: '(id, channel_index)',
      shardingKey: 'cityHash64(id)',
      settings: { ttl_only_drop_parts: 0 },
    }),
    ...createTable(ctx, {
      name: 'notification_attempts',
      columns: [
        'notification_id String',
        'channel_index UInt16',
        'channel_type LowCardinality(String)',
        'contact String',
        'kind LowCardinality(String)',
        'alert_ids Array(String)',
        'attempt UInt16',
        'time DateTime64(3)',
        'ok UInt8',
        'detail String',
        'error String',
      ],
      engine: 'MergeTree',
      orderBy: '(notification_id, time)',
      shardingKey: 'cityHash64(notification_id)',
    }),
  ],
};
