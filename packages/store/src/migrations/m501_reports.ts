import { createTable } from '../ddl.ts';
import type { Migration } from './types.ts';

// Weekly SLA reports (packages/reports):
//  1. `reports`: one row per produced report and version (delivery results update it); the latest
//     version under FINAL. `scheduled_for` is the cron occurrence a scheduled run stands for, so a
//     worker that was down knows what it missed and produces it once. Files live under the data
//     directory (reports/<id>/); their names, sizes and checksums are here. Retention: transactions'.
export const m501Reports: Migration = {
  version: 501,
  name: 'reports: produced weekly SLA reports',
  ttls: [{ table: 'reports', ttl: { family: 'transactions', column: 'toDateTime(created_at)' } }],
  statements: (ctx) => [
    ...createTable(ctx, {
      name: 'reports',
      columns: [
        'id String',
        'definition LowCardinality(String)',
        'name String',
        'week LowCardinality(String)',
        'scope String',
        // The plant of a plant scope, '' otherwise: plant-restricted tokens see only their plants'.
        'plant LowCardinality(String)',
        'time_zone LowCardinality(String)',
        'window_start DateTime64(3)',
        'window_end DateTime64(3)',
        'trigger LowCardinality(String)',
        'scheduled_for Nullable(DateTime64(3))',
        'created_at DateTime64(3)',
        'pdf_engine LowCardinality(String)',
        // JSON arrays: [{name, format, contentType, bytes, sha256}] and [{channel, target, attempt, ok, at, error}].
        'files String',
        'deliveries String',
        'version UInt64',
      ],
      engine: 'ReplacingMergeTree(version)',
      orderBy: '(id)',
      shardingKey: 'cityHash64(id)',
      settings: { ttl_only_drop_parts: 0 },
    }),
  ],
};
