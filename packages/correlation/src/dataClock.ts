import { sql, type Store } from '@linewatch/store';

// The clock deadlines are judged by. A step is missing when its deadline has passed, but passed on
// which clock? Linewatch's own clock is right while events arrive as they happen. It is wrong while
// a backlog is replayed (a collector spool or an upstream OpenTelemetry Collector catching up after
// an outage, a connector re-sending its queue, the demo's backfill): the events of an hour ago
// arrive in order over a few minutes, and every transaction of that hour would be flagged missing
// the moment its first step arrives, seconds before its next step does.
//
// So the sweep measures how far behind the newest data is: at each sweep that finds new insert
// batches, the lag is the sweep's clock minus the newest event time in them (never below zero).
// Deadlines are judged at `now - lag`: while the stream replays the past, the past is judged as the
// replay reaches it. Only the freshest data counts: the smallest lag seen within `ingestLagHold`
// holds, so one slow sender among live ones holds back nothing, even in a sweep where only its batch
// arrived. When no new data arrives for `ingestLagHold` the lag lapses, so a quiet night after a
// late batch still flags its missing steps, at most that much later.

/** The measured lag of the newest data: `lagMs`, valid until `until` (epoch ms of the worker's clock). */
export interface DataClock {
  lagMs: number;
  until: number;
}

/** What the sweep persists in `correlation_state` (one row, name `sweep`). */
export interface SweepState {
  /** The newest insert batch (ingested_at, epoch ms) the sweep has derived. */
  watermark?: number;
  clock?: DataClock;
}

export const SWEEP_STATE = 'sweep';

/** The time deadlines are judged at: `now` less the lag of the newest data while it holds. */
export function evaluationTime(now: number, clock: DataClock | undefined): number {
  return clock && now <= clock.until ? now - clock.lagMs : now;
}

/** The sweep's persisted state (empty before the first sweep). */
export async function readSweepState(store: Store): Promise<SweepState> {
  const rows = await store.query<{ value: string }>(
    sql`SELECT value FROM ${store.table('correlation_state')} FINAL WHERE name = ${SWEEP_STATE}`,
  );
  return rows[0] ? (JSON.parse(rows[0].value) as SweepState) : {};
}

/**
 * The time a transaction read on request (the detail view) is evaluated at, so it agrees with what
 * the sweep wrote: `now` less the lag the sweep last measured, while it holds.
 * @example const at = await evaluationNow(store, Date.now());
 */
export async function evaluationNow(store: Store, now: number): Promise<number> {
  return evaluationTime(now, (await readSweepState(store)).clock);
}
