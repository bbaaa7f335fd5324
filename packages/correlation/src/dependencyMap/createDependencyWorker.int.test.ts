import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetentionConfigSchema } from '@linewatch/schema';
import { migrate, openTestStore, sql, type TestStore } from '@linewatch/store';
import { createDependencyWorker } from './createDependencyWorker.ts';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => store?.drop());

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let v = await read();
  while (!ok(v) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    v = await read();
  }
  return v;
}

describe('createDependencyWorker', () => {
  it('records its watermark at the last settled minute and recomputes only from there', async () => {
    const now = Date.parse('2026-11-27T10:00:30Z');
    const worker = createDependencyWorker({
      store,
      logger: quiet,
      now: () => now,
      backfillMs: 10 * 60_000,
      repairWindowMs: 60_000,
    });
    const first = await worker.runOnce();
    expect(first.from.toISOString()).toBe('2026-11-27T09:50:00.000Z');
    expect(first.to.toISOString()).toBe('2026-11-27T10:01:00.000Z');
    expect(first.watermark.toISOString()).toBe('2026-11-27T09:58:00.000Z');
    const second = await worker.runOnce();
    expect(second.from.toISOString()).toBe('2026-11-27T09:58:00.000Z');
    expect(second.version).toBeGreaterThan(first.version);
    const [state] = await store.query<{ w: string }>(
      sql`SELECT toString(Watermark) AS w FROM ${store.table('dependency_worker_state')} FINAL`,
    );
    expect(state?.w).toBe('2026-11-27 09:58:00');
  });

  it('is not ready after three failed cycles in a row, and ready again after one succeeds', async () => {
    const worker = createDependencyWorker({ store, logger: quiet, now: Date.now, intervalMs: 10 });
    await store.command(sql`DROP DATABASE ${sql.id(store.database)} SYNC`);
    await worker.start();
    try {
      const failing = await until(
        () => worker.readiness(),
        (r) => r !== undefined,
      );
      expect(failing).toMatch(/cycles failed in a row/);
      await migrate(store, RetentionConfigSchema.parse({}));
      expect(
        await until(
          () => worker.readiness(),
          (r) => r === undefined,
        ),
      ).toBeUndefined();
    } finally {
      await worker.stop();
    }
  });
});
