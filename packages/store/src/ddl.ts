import type { RetentionConfig, TableFamily } from '@linewatch/schema';
import { sql } from './sql.ts';

/**
 * DDL context for migrations. The same migration emits single-node DDL, or `ON CLUSTER` DDL with
 * `Replicated*MergeTree` local tables (`<name>_local`) behind `Distributed` tables (`<name>`).
 * DDL cannot take query parameters, so identifiers here come only from code and the validated config.
 */
export interface DdlContext {
  readonly database: string;
  readonly cluster: string | undefined;
  readonly retention: RetentionConfig;
  /** `db`.`name` of the table that queries and inserts use (the Distributed one on a cluster). */
  qualified(name: string): string;
  /** `db`.`name` of the table that holds the data (the local one on a cluster): views read from and write to these. */
  local(name: string): string;
  /** ` ON CLUSTER c` or ''. */
  onCluster(): string;
}

export interface TableSpec {
  name: string;
  /** Column and index definitions, one per entry, as they appear inside `CREATE TABLE (…)`. */
  columns: string[];
  /** MergeTree family engine without the `Replicated` prefix, e.g. `MergeTree` or `ReplacingMergeTree(Version)`. */
  engine: string;
  orderBy: string;
  partitionBy?: string;
  primaryKey?: string;
  /** Retention family and the DateTime expression the TTL counts from. */
  ttl?: { family: TableFamily; column: string };
  settings?: Record<string, string | number>;
  /** Distributed sharding key on a cluster; rows of one business key should land on one shard. */
  shardingKey?: string;
}

export function makeDdlContext(
  database: string,
  cluster: string | undefined,
  retention: RetentionConfig,
): DdlContext {
  const id = (...parts: string[]) => sql.id(...parts).text;
  return {
    database,
    cluster,
    retention,
    qualified: (name) => id(database, name),
    local: (name) => id(database, cluster ? `${name}_local` : name),
    onCluster: () => (cluster ? ` ON CLUSTER ${id(cluster)}` : ''),
  };
}

/** The TTL clause for a table family under the configured retention. */
export function ttlClause(ctx: DdlContext, ttl: NonNullable<TableSpec['ttl']>): string {
  return `${ttl.column} + toIntervalDay(${ctx.retention[ttl.family]})`;
}

function engineFor(ctx: DdlContext, spec: TableSpec): string {
  if (!ctx.cluster) return spec.engine;
  const m = /^(\w*MergeTree)(?:\((.*)\))?$/.exec(spec.engine);
  if (!m) throw new Error(`unsupported engine for a cluster: ${spec.engine}`);
  const args = [`'/clickhouse/tables/{shard}/${ctx.database}/${spec.name}_local'`, `'{replica}'`];
  if (m[2]) args.push(m[2]);
  return `Replicated${m[1] as string}(${args.join(', ')})`;
}

/** CREATE TABLE statements for a spec (one on a single node, local + Distributed on a cluster). */
export function createTable(ctx: DdlContext, spec: TableSpec): string[] {
  const settings = {
    index_granularity: 8192,
    ...(spec.ttl ? { ttl_only_drop_parts: 1 } : {}),
    ...spec.settings,
  };
  const body = [
    `CREATE TABLE IF NOT EXISTS ${ctx.local(spec.name)}${ctx.onCluster()}`,
    `(\n  ${spec.columns.join(',\n  ')}\n)`,
    `ENGINE = ${engineFor(ctx, spec)}`,
    spec.partitionBy ? `PARTITION BY ${spec.partitionBy}` : '',
    spec.primaryKey ? `PRIMARY KEY ${spec.primaryKey}` : '',
    `ORDER BY ${spec.orderBy}`,
    spec.ttl ? `TTL ${ttlClause(ctx, spec.ttl)}` : '',
    `SETTINGS ${Object.entries(settings)
      .map(([k, v]) => `${k} = ${v}`)
      .join(', ')}`,
  ]
    .filter(Boolean)
    .join('\n');
  if (!ctx.cluster) return [body];
  const distributed = `CREATE TABLE IF NOT EXISTS ${ctx.qualified(spec.name)}${ctx.onCluster()} AS ${ctx.local(spec.name)}\nENGINE = Distributed(${sql.id(ctx.cluster).text}, ${sql.id(ctx.database).text}, ${sql.id(`${spec.name}_local`).text}, ${spec.shardingKey ?? 'rand()'})`;
  return [body, distributed];
}

/**
 * A materialized view writing into `to` (a table created with createTable). On a cluster the view
 * reads the local source table and writes the local target, so each shard derives its own rows.
 * `select` must refer to the source with the `{source}` placeholder.
 */
export function createMaterializedView(
  ctx: DdlContext,
  view: { name: string; to: string; from: string; select: string },
): string {
  const select = view.select.replaceAll('{source}', ctx.local(view.from));
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${ctx.local(view.name)}${ctx.onCluster()} TO ${ctx.local(view.to)}\nAS ${select}`;
}

/** `ALTER TABLE … MODIFY TTL` for a table, so retention changes in the config take effect at start. */
export function modifyTtl(ctx: DdlContext, table: string, ttl: NonNullable<TableSpec['ttl']>): string {
  return `ALTER TABLE ${ctx.local(table)}${ctx.onCluster()} MODIFY TTL ${ttlClause(ctx, ttl)} SETTINGS materialize_ttl_after_modify = 0`;
}
