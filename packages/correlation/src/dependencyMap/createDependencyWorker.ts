import { sql, type Store } from '@linewatch/store';
import {
  computeDependencyMinutes,
  floorMinute,
  repairEdgeCandidates,
  type DependencyJoinOptions,
} from './computeDependencies.ts';

/** The logging the worker needs (a pino Logger satisfies it). */
export interface WorkerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DependencyWorkerOptions extends DependencyJoinOptions {
  store: Store;
  logger: WorkerLogger;
  /** Injected time source (ms). */
  now: () => number;
  /** Time between cycles (default 30 s). */
  intervalMs?: number;
  /** Minutes older than this are final and no longer recomputed (default 2 min: spans arrive late). */
  settleMs?: number;
  /** With no recorded progress, start this far back (default 1 h). */
  backfillMs?: number;
  /** At start, re-project candidates from otel_traces over this window, repairing view writes a crash lost (default 30 min). */
  repairWindowMs?: number;
  /** Minutes per join query (default 15). */
  chunkMinutes?: number;
  /** Most minutes one cycle computes when catching up (default 360); the rest waits for the next cycle. */
  maxMinutesPerRun?: number;
}

/** What one cycle did. */
export interface DependencyRunResult {
  from: Date;
  to: Date;
  minutes: number;
  version: number;
  watermark: Date;
}

/** The dependency worker as a process component (the server's Component shape). */
export interface DependencyWorker {
  readonly name: 'dependency-map';
  start(): Promise<void>;
  stop(): Promise<void>;
  readiness(): Promise<string | undefined>;
  /** Runs one cycle now: repair on the first one, then recompute unsettled minutes and advance the watermark. */
  runOnce(): Promise<DependencyRunResult>;
}

const STATE = 'edges';
const FAILURES_NOT_READY = 3;

/**
 * The worker that turns span edge candidates into per-minute edge and service snapshots, every
 * `intervalMs`, recomputing minutes until they are older than `settleMs`. Run it in one process of
 * the `worker` role.
 * @example const worker = createDependencyWorker({ store, logger, now: Date.now }); await worker.start();
 */
export function createDependencyWorker(options: DependencyWorkerOptions): DependencyWorker {
  const { store, logger, now } = options;
  const intervalMs = options.intervalMs ?? 30_000;
  const settleMs = options.settleMs ?? 120_000;
  const backfillMs = options.backfillMs ?? 3_600_000;
  const repairWindowMs = options.repairWindowMs ?? 1_800_000;
  const chunkMs = (options.chunkMinutes ?? 15) * 60_000;
  const maxRunMs = (options.maxMinutesPerRun ?? 360) * 60_000;

  let watermark: number | undefined;
  let lastVersion = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  let lastError: string | undefined;
  let failures = 0;

  async function readState(): Promise<void> {
    const [state] = await store.query<{ watermark: number }>(
      sql`SELECT toUnixTimestamp(Watermark) * 1000 AS watermark FROM ${store.table('dependency_worker_state')} FINAL WHERE Name = ${STATE}`,
    );
    const [v] = await store.query<{ v: number }>(
      sql`SELECT max(Version) AS v FROM ${store.table('dependency_edges_1m')}`,
    );
    lastVersion = Number(v?.v ?? 0);
    const t = now();
    const recorded = state ? Number(state.watermark) : floorMinute(t - backfillMs);
    // Candidates the view may have lost in a crash are re-projected, and their minutes recomputed.
    const repairFrom = floorMinute(Math.min(recorded, t - repairWindowMs));
    const started = Date.now();
    await repairEdgeCandidates(store, new Date(repairFrom), new Date(floorMinute(t) + 60_000));
    logger.info(
      { from: new Date(repairFrom).toISOString(), ms: Date.now() - started },
      'dependency map: span edge candidates repaired',
    );
    watermark = repairFrom;
  }

  async function runOnce(): Promise<DependencyRunResult> {
    if (watermark === undefined) await readState();
    const t = now();
    const from = watermark as number;
    const end = Math.min(floorMinute(t) + 60_000, from + maxRunMs);
    const version = (lastVersion = Math.max(t, lastVersion + 1));
    for (let chunk = from; chunk < end; chunk += chunkMs) {
      await computeDependencyMinutes(
        store,
        { from: new Date(chunk), to: new Date(Math.min(chunk + chunkMs, end)), version },
        options,
      );
    }
    const settled = Math.min(floorMinute(t - settleMs), end);
    if (settled > from) {
      await store.insert('dependency_worker_state', [
        { Name: STATE, Watermark: Math.floor(settled / 1000), UpdatedAt: Date.now() },
      ]);
      watermark = settled;
    }
    return {
      from: new Date(from),
      to: new Date(end),
      minutes: Math.max(0, (end - from) / 60_000),
      version,
      watermark: new Date(watermark as number),
    };
  }

  const cycle = async () => {
    timer = undefined;
    if (stopped) return;
    const started = Date.now();
    try {
      const r = (running = runOnce());
      const result = await r;
      lastError = undefined;
      failures = 0;
      logger.info(
        { minutes: result.minutes, ms: Date.now() - started, watermark: result.watermark.toISOString() },
        'dependency map computed',
      );
    } catch (err) {
      lastError = (err as Error).message;
      failures++;
      logger.error({ err }, 'dependency map cycle failed; retrying next cycle');
    } finally {
      running = undefined;
      if (!stopped) timer = setTimeout(() => void cycle(), intervalMs);
    }
  };

  return {
    name: 'dependency-map',
    start() {
      stopped = false;
      timer = setTimeout(() => void cycle(), 0);
      return Promise.resolve();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
    readiness() {
      // One failed cycle is retried at the next; only a run of them makes the process not ready.
      return Promise.resolve(
        failures >= FAILURES_NOT_READY
          ? `dependency map: ${failures} cycles failed in a row, last: ${lastError ?? ''}`
          : undefined,
      );
    },
    runOnce,
  };
}
