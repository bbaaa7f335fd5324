export { openStore, type InsertOptions, type QueryOptions, type Store } from './store.ts';
export {
  sql,
  isSqlQuery,
  inferType,
  SqlError,
  type SqlQuery,
  type RawFragment,
  type TypedParam,
} from './sql.ts';
export { StoreError, StoreLockedError, MigrationError } from './errors.ts';
export { migrate, generateDdl, pendingMigrations, appliedVersions } from './migrate.ts';
export {
  createTable,
  createMaterializedView,
  makeDdlContext,
  modifyTtl,
  ttlClause,
  type DdlContext,
  type TableSpec,
} from './ddl.ts';
export { migrations, type Migration } from './migrations/index.ts';
export { openTestStore, type TestStore } from './testing.ts';
