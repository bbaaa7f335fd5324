import type { CorrelationConfig } from '@linewatch/schema';
import { sql, type SqlQuery, type Store } from '@linewatch/store';
import { msTime } from './sqlValues.ts';
import { correlate, type CorrelateScope, type CorrelateStats } from './correlate.ts';
import { evaluationTime, readSweepState, SWEEP_STATE, type DataClock, type SweepState } from './dataClock.ts';
import type { FlowRegistry } from './flowRegistry.ts';
import type { CorrelationLogger } from './logger.ts';

// The sweep. Every `sweepInterval` it derives again (1) the transactions whose events or links
// changed since its last look and (2) those whose next deadline has passed.
//
// New work is found by `ingested_at`, which every derived row carries from the insert that produced
// it (one value per insert). The sweep counts derived rows per ingested_at over a recent window and
// derives the buckets whose count changed since it last looked: a late-committing insert, or a part
// written by the view after the sweep's previous look, changes a count and is picked up. Re-deriving
// is idempotent (unchanged transactions are not rewritten), so looking twice costs time, never truth.
//
// Deadlines are judged at the data clock (dataClock.ts): the sweep's clock less the lag of the
// newest data it found, so a replayed backlog is judged as the replay reaches it.

/** The worker's settings (from `correlation` in linewatch.yaml). */
export interface CorrelationWorkerOptions {
  store: Store;
  flows: FlowRegistry;
  config: { correlation: CorrelationConfig };
  logger: CorrelationLogger;
  now: () => number;
  /** How far back each sweep recounts derived rows (covers inserts that commit late); default 60 s. */
  overlapMs?: number;
}

/** One sweep's figures. */
export interface SweepStats extends CorrelateStats {
  kind: 'repair' | 'sweep';
  /** Insert batches (ingested_at values) found new or changed. */
  batches: number;
  /** Transactions whose deadline check was due. */
  due: number;
  /** How far behind the clock deadlines were judged at (the lag of the newest data, dataClock.ts). */
  lagMs: number;
}

/** The correlation worker: a Component for `linewatch start` (worker role) plus `sweepOnce` for tests. */
export interface CorrelationWorker {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  readiness(): Promise<string | undefined>;
  /** Recomputes derived state for events stored within `repairWindow`, then derives their transactions. */
  repair(): Promise<SweepStats>;
  /** One sweep at `now()`; never runs two at once. */
  sweepOnce(): Promise<SweepStats>;
  /** Figures of the last sweep or repair, when it began and ended (epoch ms of `now()`). */
  readonly last: { stats: SweepStats; startedAt: number; at: number } | undefined;
}

interface Bucket {
  t: number;
  n: number;
}

/**
 * Creates the correlation worker. `start()` repairs the recent window in the background and then
 * sweeps every `correlation.sweepInterval`; `stop()` waits for the sweep in progress.
 * @example const worker = createCorrelationWorker({ store, flows, config, logger, now: Date.now }); await worker.start();
 */
export function createCorrelationWorker(options: CorrelationWorkerOptions): CorrelationWorker {
  const { store, flows, logger, now } = options;
  const { clockSkew, sweepInterval, repairWindow, ingestLagHold: lagHold } = options.config.correlation;
  const overlap = options.overlapMs ?? 60_000;
  const seen = { steps: new Map<number, number>(), links: new Map<number, number>() };
  let watermark: number | undefined;
  let clock: DataClock | undefined;
  let version = 0;
  let running: Promise<SweepStats> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let repaired = false;
  let lastError: { at: number; message: string } | undefined;
  let last: { stats: SweepStats; startedAt: number; at: number } | undefined;

  const nextVersion = (at: number) => (version = Math.max(version + 1, at));

  /** Loads the persisted watermark and data clock once, at the first repair or sweep. */
  async function loadState(): Promise<number> {
    if (watermark === undefined) {
      const state = await readSweepState(store);
      watermark = state.watermark ?? 0;
      clock = state.clock;
    }
    return watermark;
  }

  async function saveState(at: number): Promise<void> {
    const state: SweepState = { watermark, clock };
    await store.insert('correlation_state', [
      { name: SWEEP_STATE, value: JSON.stringify(state), updated_at: new Date(at).toISOString() },
    ]);
  }

  /** The newest event time (epoch ms) among the derived rows of the given insert batches. */
  async function newestEventTime(ts: number[]): Promise<number | undefined> {
    const [row] = await store.query<{ newest: number | null }>(sql`
      SELECT toUnixTimestamp64Milli(max(last_time)) AS newest FROM ${store.table('correlation_steps')}
      WHERE ${inBuckets(ts)}`);
    return row?.newest === null || row?.newest === undefined ? undefined : Number(row.newest);
  }

  async function buckets(table: 'correlation_steps' | 'correlation_links', since: number): Promise<Bucket[]> {
    return store.query<Bucket>(sql`
      SELECT toUnixTimestamp64Milli(ingested_at) AS t, count() AS n
      FROM ${store.table(table)}
      WHERE ingested_at > ${msTime(since)}
      GROUP BY t`);
  }

  /** A condition selecting rows of the given ingested_at values (the range lets the minmax index skip parts). */
  function inBuckets(ts: number[]): SqlQuery {
    const lo = Math.min(...ts);
    const hi = Math.max(...ts);
    return sql`ingested_at >= ${msTime(lo)} AND ingested_at <= ${msTime(hi)}
      AND toUnixTimestamp64Milli(ingested_at) IN ${sql.param(ts, 'Array(Int64)')}`;
  }

  function dueTransactions(at: number): SqlQuery {
    const txns = store.table('transactions');
    const t = msTime(at);
    // The inner scan reads one column (with a minmax index); FINAL then runs only on those keys.
    return sql`
      SELECT flow, key FROM ${txns} FINAL
      WHERE next_check_at <= ${t} AND (key, flow) IN (SELECT key, flow FROM ${txns} WHERE next_check_at <= ${t})`;
  }

  /** Remembers the row count of every bucket derived, to see which change later. */
  function remember(stepRows: Bucket[], linkRows: Bucket[]): void {
    for (const r of stepRows) seen.steps.set(Number(r.t), Number(r.n));
    for (const r of linkRows) seen.links.set(Number(r.t), Number(r.n));
  }

  function changed(map: Map<number, number>, rows: Bucket[]): number[] {
    return rows.filter((r) => map.get(Number(r.t)) !== Number(r.n)).map((r) => Number(r.t));
  }

  async function sweep(): Promise<SweepStats> {
    const at = now();
    const previous = await loadState();
    const since = previous - overlap;
    const [stepRows, linkRows] = await Promise.all([
      buckets('correlation_steps', since),
      buckets('correlation_links', since),
    ]);
    const stepTs = changed(seen.steps, stepRows);
    const linkTs = changed(seen.links, linkRows);
    // Batches newer than the last sweep's are what arrived since: their newest event says how far
    // behind the data is (dataClock.ts). Older changed batches are merges or late commits.
    const arrived = stepTs.filter((t) => t > previous);
    const newest = arrived.length ? await newestEventTime(arrived) : undefined;
    if (newest !== undefined) {
      // The smallest lag seen within the hold wins: a late batch that arrives alone, between two
      // batches of live data, does not move the clock back.
      const lagMs = Math.max(0, at - newest);
      const held = clock && at <= clock.until && clock.lagMs < lagMs ? clock : undefined;
      clock = held ?? { lagMs, until: at + lagHold };
    }
    const judgeAt = evaluationTime(at, clock);
    const [dueRow] = await store.query<{ due: number }>(
      sql`SELECT count() AS due FROM (${dueTransactions(judgeAt)})`,
    );
    const due = Number(dueRow?.due ?? 0);
    const scope: CorrelateScope = {
      groups: stepTs.length ? inBuckets(stepTs) : undefined,
      links: linkTs.length ? inBuckets(linkTs) : undefined,
      transactions: due > 0 ? dueTransactions(judgeAt) : undefined,
    };
    const stats =
      scope.groups || scope.links || scope.transactions
        ? await correlate(store, flows.snapshot(), scope, {
            now: at,
            evaluateAt: judgeAt,
            clockSkew,
            version: nextVersion(at),
            logger,
          })
        : { candidates: 0, evaluated: 0, written: 0, removed: 0, unmatched: 0, cleared: 0, ms: 0 };
    remember(stepRows, linkRows);
    const top = Math.max(previous, ...stepRows.map((r) => Number(r.t)), ...linkRows.map((r) => Number(r.t)));
    for (const map of [seen.steps, seen.links])
      for (const t of map.keys()) if (t <= top - overlap) map.delete(t);
    if (top > previous) {
      watermark = top;
      await saveState(at);
    }
    return { ...stats, kind: 'sweep', batches: stepTs.length + linkTs.length, due, lagMs: at - judgeAt };
  }

  /** Insert batches (ingested_at, epoch ms) of `table` since `sinceMs`, optionally only rows matching `where`. */
  async function batchesOf(table: string, sinceMs: number, where: SqlQuery = sql`1`): Promise<Set<number>> {
    const rows = await store.query<{ t: number }>(sql`
      SELECT DISTINCT toUnixTimestamp64Milli(ingested_at) AS t FROM ${store.table(table)}
      WHERE ingested_at > ${msTime(sinceMs)} AND ${where}`);
    return new Set(rows.map((r) => Number(r.t)));
  }

  async function repairNow(): Promise<SweepStats> {
    const at = now();
    const sinceMs = Math.max(0, at - repairWindow);
    const started = Date.now();
    await loadState();
    // View writes are not atomic with the source (CHDB-NOTES): an insert batch may be in
    // business_events and missing from a view's table. Find such batches in the window and derive
    // them again. (A batch whose groups were all merged into later ones also looks missing; deriving
    // it again is harmless, every aggregate state being idempotent.)
    const [events, withLinks, steps, links] = await Promise.all([
      batchesOf('business_events', sinceMs),
      batchesOf(
        'business_events',
        sinceMs,
        sql`arrayExists((k, v) -> v != '' AND v != key, mapKeys(keys), mapValues(keys))`,
      ),
      batchesOf('correlation_steps', sinceMs),
      batchesOf('correlation_links', sinceMs),
    ]);
    const lostSteps = [...events].filter((t) => !steps.has(t));
    const lostLinks = [...withLinks].filter((t) => !links.has(t));
    const view = (name: string, ts: number[]) => sql`
      SELECT * FROM ${store.table(name)}(lo = ${Math.min(...ts)}, hi = ${Math.max(...ts)}, batches = ${sql.param(ts, 'Array(Int64)')})`;
    if (lostSteps.length)
      await store.command(
        sql`INSERT INTO ${store.table('correlation_steps')} ${view('correlation_steps_source', lostSteps)}`,
      );
    if (lostLinks.length)
      await store.command(
        sql`INSERT INTO ${store.table('correlation_links')} ${view('correlation_links_source', lostLinks)}`,
      );
    const lost = [...new Set([...lostSteps, ...lostLinks])];
    const stats = lost.length
      ? await correlate(
          store,
          flows.snapshot(),
          { groups: inBuckets(lost), links: inBuckets(lost) },
          {
            now: at,
            evaluateAt: evaluationTime(at, clock),
            clockSkew,
            version: nextVersion(at),
            logger,
          },
        )
      : { candidates: 0, evaluated: 0, written: 0, removed: 0, unmatched: 0, cleared: 0, ms: 0 };
    repaired = true;
    logger.info(
      {
        ...stats,
        windowMs: repairWindow,
        batches: events.size,
        lostSteps: lostSteps.length,
        lostLinks: lostLinks.length,
        tookMs: Date.now() - started,
      },
      lost.length
        ? 'correlation repaired insert batches its views had lost'
        : 'correlation checked the recent window: nothing lost',
    );
    return { ...stats, kind: 'repair', batches: lost.length, due: 0, lagMs: 0 };
  }

  function exclusive(work: () => Promise<SweepStats>): Promise<SweepStats> {
    const previous = running ?? Promise.resolve(undefined);
    let startedAt = 0;
    const next = previous
      .catch(() => undefined)
      .then(() => {
        startedAt = now();
        return work();
      });
    running = next;
    return next.then(
      (stats) => {
        last = { stats, startedAt, at: now() };
        lastError = undefined;
        return stats;
      },
      (err: unknown) => {
        lastError = { at: now(), message: (err as Error).message };
        throw err;
      },
    );
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      const began = Date.now();
      const repairing = !repaired;
      const work = repairing ? worker.repair() : worker.sweepOnce();
      work
        .then((stats) => {
          if (stats.written || stats.removed || stats.unmatched) logger.debug({ ...stats }, 'sweep');
        })
        .catch((err: unknown) => logger.error({ err }, 'correlation sweep failed; retrying next interval'))
        // The first sweep follows the repair at once: what arrived while the worker was down waits for it.
        .finally(() =>
          schedule(repairing && repaired ? 0 : Math.max(0, sweepInterval - (Date.now() - began))),
        );
    }, delay);
  }

  const worker: CorrelationWorker = {
    name: 'correlation',
    get last() {
      return last;
    },
    start() {
      stopped = false;
      schedule(0);
      return Promise.resolve();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
    readiness() {
      return Promise.resolve(lastError ? `correlation sweep failing: ${lastError.message}` : undefined);
    },
    repair: () => exclusive(repairNow),
    sweepOnce: () => exclusive(sweep),
  };
  return worker;
}
