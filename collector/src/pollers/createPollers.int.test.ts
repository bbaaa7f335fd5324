import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PollerConfigSchema } from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import { createDirectPipeline } from '../pipeline/directPipeline.ts';
import { createPollers, type PollScheduler } from './createPollers.ts';
import { gaugesOfPoller, silentLogger, uniqueName } from './pollerTestKit.ts';

const CONNECTION = 'postgres://postgres@127.0.0.1:5432/test';
let store: TestStore;

beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store.drop();
});

/** A scheduler whose timers fire only when the test says so. */
function manualScheduler() {
  const waiting: { fn: () => void; ms: number }[] = [];
  const listeners: (() => void)[] = [];
  const scheduler: PollScheduler = {
    setTimeout(fn, ms) {
      const timer = { fn, ms };
      waiting.push(timer);
      listeners.splice(0).forEach((l) => l());
      return timer;
    },
    clearTimeout(handle) {
      const i = waiting.indexOf(handle as (typeof waiting)[number]);
      if (i >= 0) waiting.splice(i, 1);
    },
  };
  return {
    scheduler,
    waiting,
    /** The next timer set (waits for it when none is pending), removed from the list. */
    async next(): Promise<{ fn: () => void; ms: number }> {
      if (waiting.length === 0) await new Promise<void>((resolve) => listeners.push(resolve));
      return waiting.shift() as { fn: () => void; ms: number };
    },
  };
}

describe('createPollers', () => {
  it('retries a failing source with a backoff capped at the interval and returns to the interval once it answers', async () => {
    const schema = uniqueName('lw_sched');
    const db = new pg.Client({ connectionString: CONNECTION });
    await db.connect();
    await db.query(`CREATE SCHEMA ${schema}`);
    try {
      const name = uniqueName('sched');
      const timers = manualScheduler();
      let ticks = 0;
      const pollers = createPollers({
        configs: [
          PollerConfigSchema.parse({
            name,
            type: 'sql',
            interval: '5s',
            connection: CONNECTION,
            query: `SELECT 'outbox' AS queue, count(*) AS depth FROM ${schema}.outbox`,
          }),
        ],
        pipeline: createDirectPipeline(store),
        logger: silentLogger,
        scheduler: timers.scheduler,
        // A clock that advances a second per reading, so the stored polls have distinct, ordered times.
        now: () => Date.parse('2026-11-27T08:00:00Z') + 1000 * ticks++,
      });
      await pollers.start();
      const delays: number[] = [];
      let timer = await timers.next();
      expect(timer.ms).toBe(0);
      // The outbox table does not exist yet: every poll fails.
      for (let i = 0; i < 5; i++) {
        timer.fn();
        timer = await timers.next();
        delays.push(timer.ms);
      }
      expect(delays).toEqual([1000, 2000, 4000, 5000, 5000]);
      expect(pollers.pollers[0]?.failures).toBe(5);
      await db.query(`CREATE TABLE ${schema}.outbox (id int)`);
      timer.fn();
      timer = await timers.next();
      expect(timer.ms).toBe(5000);
      expect(pollers.pollers[0]?.failures).toBe(0);
      await pollers.stop();
      expect(timers.waiting).toEqual([]);
      const ups = (await gaugesOfPoller(store, name))
        .filter((r) => r.MetricName === 'linewatch.poller.up')
        .map((r) => r.Value);
      expect(ups).toEqual([0, 0, 0, 0, 0, 1]);
    } finally {
      await db.query(`DROP SCHEMA ${schema} CASCADE`);
      await db.end();
    }
  });

  it('records a source that accepts the connection and never answers as a timed-out scrape', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const name = uniqueName('silent');
      const pollers = createPollers({
        configs: [
          PollerConfigSchema.parse({
            name,
            type: 'rabbitmq',
            managementUrl: `http://127.0.0.1:${port}`,
            timeout: 300,
          }),
        ],
        pipeline: createDirectPipeline(store),
        logger: silentLogger,
      });
      const outcome = await pollers.pollers[0]?.pollOnce();
      expect(outcome).toMatchObject({ ok: false, reason: 'timeout', written: true });
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
