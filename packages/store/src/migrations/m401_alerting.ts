import { createTable } from '../ddl.ts';
import type { Migration } from './types.ts';

// Alerting's state (packages/alerting):
//  1. `alerts`: one row per (rule, label set) episode and version; the latest version under FINAL is the
//     alert's state, so a restarted worker reloads it and neither forgets nor re-notifies.
//  2. `alert_events`: every transition (pending, firing, resolved, acknowledged, silenced) with the
//     value that caused it and who did it: append-only history for the UI.
//  3. `alert_acks`: acknowledgements (who, when, comment), kept apart from `alerts` so the evaluator's
//     writes never race a person's acknowledgement.
//  4. `silences`: matchers, start, end, author, comment; deleted by a new version with is_deleted = 1.
export const m401Alerting: Migration = {
  version: 401,
  name: 'alerting: alerts, alert history, acknowledgements, silences',
  ttls: [
    { table: 'alerts', ttl: { family: 'transactions', column: 'toDateTime(starts_at)' } },
    { table: 'alert_events', ttl: { family: 'transactions', column: 'toDateTime(time)' } },
  ],
  statements: (ctx) => [
    ...createTable(ctx, {
      name: 'alerts',
      columns: [
        'id String',
        'rule LowCardinality(String)',
        'rule_kind LowCardinality(String)',
        'fingerprint String',
        'state LowCardinality(String)',
        'tier LowCardinality(String)',
        'tier_reason String',
        'plant LowCardinality(String)',
        'flow LowCardinality(String)',
        'node String',
        'labels Map(String, String)',
        'annotations Map(String, String)',
        'value Nullable(Float64)',
        'examples Array(String)',
        'starts_at DateTime64(3)',
        'fired_at Nullable(DateTime64(3))',
        'last_active_at DateTime64(3)',
        'ends_at Nullable(DateTime64(3))',
        'ack_by String',
        'ack_at Nullable(DateTime64(3))',
        'ack_comment String',
        'cause_id String',
        'updated_at DateTime64(3)',
        'version UInt64',
      ],
      engine: 'ReplacingMergeTree(version)',
      orderBy: '(id)',
      shardingKey: 'cityHash64(id)',
      settings: { ttl_only_drop_parts: 0 },
    }),
    ...createTable(ctx, {
      name: 'alert_events',
      columns: [
        'alert_id String',
        'time DateTime64(3)',
        'from_state LowCardinality(String)',
        'to_state LowCardinality(String)',
        'actor String',
        'value Nullable(Float64)',
        'detail String',
      ],
      engine: 'MergeTree',
      orderBy: '(alert_id, time)',
      shardingKey: 'cityHash64(alert_id)',
    }),
    ...createTable(ctx, {
      name: 'alert_acks',
      columns: ['alert_id String', 'by String', 'at DateTime64(3)', 'comment String'],
      engine: 'ReplacingMergeTree(at)',
      orderBy: '(alert_id)',
      shardingKey: 'cityHash64(alert_id)',
    }),
    ...createTable(ctx, {
      name: 'silences',
      columns: [
        'id String',
        'matchers String',
        'starts_at DateTime64(3)',
        'ends_at DateTime64(3)',
        'created_by String',
        'comment String',
        'created_at DateTime64(3)',
        'version UInt64',
        'is_deleted UInt8',
      ],
      engine: 'ReplacingMergeTree(version, is_deleted)',
      orderBy: '(id)',
      shardingKey: 'cityHash64(id)',
    }),
  ],
};
