import type { RetentionConfig } from '@linewatch/schema';
import { createTable, makeDdlContext, modifyTtl, type DdlContext } from './ddl.ts';
import { MigrationError } from './errors.ts';
import { migrations as allMigrations, type Migration } from './migrations/index.ts';
import { sql, trustedStatement } from './sql.ts';
import type { Store } from './store.ts';

function bootstrap(ctx: DdlContext): string[] {
  return [
    `CREATE DATABASE IF NOT EXISTS ${sql.id(ctx.database).text}${ctx.onCluster()}`,
    ...createTable(ctx, {
      name: 'schema_migrations',
      columns: ['version UInt32', 'name String', 'applied_at DateTime64(3) DEFAULT now64(3)'],
      engine: 'ReplacingMergeTree(applied_at)',
      orderBy: 'version',
    }),
  ];
}

/** Every DDL statement the migrations emit for a database/cluster, in order (for review and tests). */
export function generateDdl(
  database: string,
  cluster: string | undefined,
  retention: RetentionConfig,
  list: readonly Migration[] = allMigrations,
): string[] {
  const ctx = makeDdlContext(database, cluster, retention);
  return [
    ...bootstrap(ctx),
    ...list.flatMap((m) => m.statements(ctx)),
    ...list.flatMap((m) => (m.ttls ?? []).map((t) => modifyTtl(ctx, t.table, t.ttl))),
  ];
}

/** Versions already recorded in `schema_migrations`. */
export async function appliedVersions(store: Store): Promise<Set<number>> {
  const rows = await store.query<{ version: number }>(
    sql`SELECT DISTINCT version FROM ${store.table('schema_migrations')} ORDER BY version`,
  );
  return new Set(rows.map((r) => Number(r.version)));
}

/** Versions not yet applied; empty when the schema is current. Throws if the store is unreachable. */
export async function pendingMigrations(
  store: Store,
  list: readonly Migration[] = allMigrations,
): Promise<number[]> {
  const applied = await appliedVersions(store);
  return list.filter((m) => !applied.has(m.version)).map((m) => m.version);
}

/**
 * Applies pending migrations and the configured retention. Idempotent, and safe to run from two
 * processes at once against a server: every statement is `IF NOT EXISTS`, and the record table
 * collapses duplicate records.
 */
export async function migrate(
  store: Store,
  retention: RetentionConfig,
  list: readonly Migration[] = allMigrations,
): Promise<{ applied: number[] }> {
  const ctx = makeDdlContext(store.database, store.cluster, retention);
  for (const s of bootstrap(ctx)) await store.command(trustedStatement(s));
  const done = await appliedVersions(store);
  const applied: number[] = [];
  for (const m of [...list].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    try {
      for (const s of m.statements(ctx)) await store.command(trustedStatement(s));
    } catch (e) {
      throw new MigrationError(m.version, m.name, { cause: e });
    }
    await store.insert('schema_migrations', [{ version: m.version, name: m.name }]);
    applied.push(m.version);
  }
  for (const m of list)
    for (const t of m.ttls ?? []) await store.command(trustedStatement(modifyTtl(ctx, t.table, t.ttl)));
  return { applied };
}
