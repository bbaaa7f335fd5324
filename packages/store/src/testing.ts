import { randomBytes } from 'node:crypto';
import { RetentionConfigSchema, StoreConfigSchema } from '@linewatch/schema';
import { migrate } from './migrate.ts';
import { sql, trustedStatement } from './sql.ts';
import { openStore, type Store } from './store.ts';

/** A store on a fresh database `test_<random>` with every migration applied. */
export interface TestStore extends Store {
  /** Drops the test database and releases the connection. */
  drop(): Promise<void>;
}

/**
 * Opens the embedded store in this test worker's own data directory (set by test/setup/chdbDataDir.ts,
 * since chDB binds one directory per process) on a database of its own, migrated.
 * @example const store = await openTestStore(); afterAll(() => store.drop());
 */
export async function openTestStore(options: { migrate?: boolean } = {}): Promise<TestStore> {
  const dataDir = process.env.LINEWATCH_TEST_DATA_DIR ?? `/tmp/linewatch-test-${process.pid}`;
  const database = `test_${randomBytes(6).toString('hex')}`;
  const store = await openStore(
    StoreConfigSchema.parse({ mode: 'embedded', dataDir, database, maxMemoryBytes: 3 * 1024 ** 3 }),
  );
  if (options.migrate !== false) await migrate(store, RetentionConfigSchema.parse({}));
  else await store.command(sql`CREATE DATABASE IF NOT EXISTS ${sql.id(database)}`);
  return Object.assign(store, {
    async drop() {
      await store.command(trustedStatement(`DROP DATABASE IF EXISTS ${sql.id(database).text} SYNC`));
      await store.close();
    },
  });
}
