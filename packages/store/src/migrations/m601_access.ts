import { createTable } from '../ddl.ts';
import type { Migration } from './types.ts';

// Access control (apps/server/src/access):
//  1. `principals`: people (`user`) and service accounts (`service`) with their scopes, plants and, for
//     service accounts, the systems they may report for; the latest version under FINAL. A user's
//     password is a salted scrypt hash; a deleted principal is a tombstone (`is_deleted`).
//  2. `api_tokens`: one row per token version (created, rotated, revoked, last used); the secret is
//     never stored, only its salted scrypt hash. Every API process re-reads this table every few
//     seconds, so a revocation reaches a running cluster within seconds.
//  3. `sessions`: signed-in people (cookie sessions): the session id is stored hashed.
//  4. `audit_log`: append-only record of every change and every sign-in; the API has no route that
//     changes or deletes it.
export const m601Access: Migration = {
  version: 601,
  name: 'access: principals, tokens, sessions, audit log',
  ttls: [
    { table: 'sessions', ttl: { family: 'self', column: 'toDateTime(expires_at)' } },
    { table: 'audit_log', ttl: { family: 'transactions', column: 'toDateTime(time)' } },
  ],
  statements: (ctx) => [
    ...createTable(ctx, {
      name: 'principals',
      columns: [
        'id String',
        'kind LowCardinality(String)',
        'name String',
        'display_name String',
        'email String',
        'scopes Array(LowCardinality(String))',
        'plants Array(String)',
        'systems Array(String)',
        'password_hash String',
        'oidc_subject String',
        'disabled UInt8',
        'created_at DateTime64(3)',
        'created_by String',
        'updated_at DateTime64(3)',
        'version UInt64',
        'is_deleted UInt8',
      ],
      engine: 'ReplacingMergeTree(version, is_deleted)',
      orderBy: '(id)',
      shardingKey: 'cityHash64(id)',
    }),
    ...createTable(ctx, {
      name: 'api_tokens',
      columns: [
        'id String',
        'principal_id String',
        'name String',
        'hash String',
        'salt String',
        'created_at DateTime64(3)',
        'created_by String',
        'expires_at Nullable(DateTime64(3))',
        'revoked_at Nullable(DateTime64(3))',
        'revoked_by String',
        'last_used_at Nullable(DateTime64(3))',
        'replaced_by String',
        'version UInt64',
      ],
      engine: 'ReplacingMergeTree(version)',
      orderBy: '(id)',
      shardingKey: 'cityHash64(id)',
    }),
    ...createTable(ctx, {
      name: 'sessions',
      columns: [
        'id_hash String',
        'principal_id String',
        'method LowCardinality(String)',
        'csrf_hash String',
        'address String',
        'user_agent String',
        'created_at DateTime64(3)',
        'last_seen_at DateTime64(3)',
        'expires_at DateTime64(3)',
        'ended_at Nullable(DateTime64(3))',
        'version UInt64',
      ],
      engine: 'ReplacingMergeTree(version)',
      orderBy: '(id_hash)',
      shardingKey: 'cityHash64(id_hash)',
    }),
    ...createTable(ctx, {
      name: 'audit_log',
      columns: [
        'time DateTime64(3)',
        'id String',
        'principal_id String',
        'principal_kind LowCardinality(String)',
        'principal_name String',
        'action LowCardinality(String)',
        'target String',
        'plant String',
        'address String',
        'outcome LowCardinality(String)',
        'before String',
        'after String',
        'detail String',
      ],
      engine: 'MergeTree',
      orderBy: '(time, id)',
      shardingKey: 'cityHash64(id)',
    }),
  ],
};
