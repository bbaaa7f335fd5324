import type { DdlContext, TableSpec } from '../ddl.ts';

/**
 * One schema change. Statements must be idempotent (`IF NOT EXISTS`), because two processes may
 * apply the same migration at once against a server; the `schema_migrations` record is written after.
 */
export interface Migration {
  version: number;
  name: string;
  statements(ctx: DdlContext): string[];
  /** Tables whose TTL follows a retention family; re-applied at every start. */
  ttls?: { table: string; ttl: NonNullable<TableSpec['ttl']> }[];
}
