import type { EmissionSink } from './emit/createNetworkSink.ts';
import {
  silentLogger,
  type EmitStats,
  type OutgoingStep,
  type QueueSample,
  type SimLogger,
} from './emit/types.ts';
import { makePlants, type PlantSpec } from './estate.ts';
import { MinHeap } from './minHeap.ts';
import type { Emission, PlannedTransaction, QueueStay, RealizedTransaction, SimFlow } from './model.ts';
import { queueName, TransactionPlanner } from './planTransactions.ts';
import { realizeTransaction } from './realizeTransaction.ts';
import {
  hopKind,
  resolveScenarioTarget,
  SCENARIO_DESCRIPTIONS,
  SCENARIO_NAMES,
  ScenarioError,
  isScenarioName,
  type ScenarioName,
  type ScenarioWindow,
} from './scenarios.ts';
import { SimClock } from './simClock.ts';
import { scenarioTruth, transactionTruth, type TruthLine } from './truth.ts';

const MINUTE = 60_000;

/** How to run the simulated estate. */
export interface SimulatorOptions {
  flows: readonly SimFlow[];
  sink: EmissionSink;
  seed?: number;
  /** Number of plants (default 3). */
  plants?: number;
  /** Simulated ms per real ms (default 1). */
  speed?: number;
  /** Simulated start time (default: the real clock's now). */
  start?: number;
  /** Stop starting transactions after this much simulated time; undefined runs until stopped. */
  durationMs?: number;
  /** Scenario windows fixed in advance (`name`, `from`, `to`), e.g. from scheduleScenarios(). */
  scenarios?: readonly { name: ScenarioName; from: number; to: number }[];
  /** The engine's clock-skew tolerance (config.correlation.clockSkew), for an unambiguous truth. */
  toleranceMs?: number;
  /** Receives ground-truth lines (transactions when their last event is sent, scenarios when placed). */
  truth?: (line: TruthLine) => void;
  logger?: SimLogger;
  /** Real clock (tests inject one). */
  realClock?: () => number;
  /** Real ms between ticks (default 200). */
  tickMs?: number;
  /** Simulated ms between queue gauge reports (default 15 s). */
  queueReportMs?: number;
  /** Multiplies transaction rates (default 1). */
  rateScale?: number;
  /** When the simulated clock catches up with the real one, continue at speed 1 (a backfilled live demo). */
  live?: boolean;
  /** Background faults at realistic rates (default on). */
  organicFaults?: boolean;
  /** Odoo steps are sent as webhooks (must match the sink's targets). */
  odooWebhooks?: boolean;
  /** Every step as a span (load mode). */
  spansOnly?: boolean;
}

/** A scenario as the demo panel shows it. */
export interface ScenarioState {
  name: ScenarioName;
  title: string;
  effect: string;
  active: boolean;
  /** Current or last window (RFC 3339); null when never switched on. */
  from: string | null;
  to: string | null;
  plant: string | null;
  system: string | null;
}

/** Counters of a running simulator. */
export interface SimulatorStats extends EmitStats {
  simTime: string;
  speed: number;
  transactionsPlanned: number;
  transactionsFinished: number;
  emissionsPending: number;
}

/** A running simulated estate. */
export interface Simulator {
  readonly clock: SimClock;
  readonly plants: readonly PlantSpec[];
  /** Starts the tick loop. */
  start(): void;
  /** Runs one tick now: plan, realize, send what is due, report queues (tests drive this). */
  tick(): Promise<void>;
  /** Switches a scenario on (from now, for `durationMs` or until switched off) or off. */
  setScenario(name: string, on: boolean, durationMs?: number): ScenarioState;
  scenarios(): ScenarioState[];
  stats(): SimulatorStats;
  /** Multiplies transaction rates from the next planned minute on. */
  setRateScale(scale: number): void;
  /** Resolves when a finite run has sent everything (settled statuses may still be ahead). */
  readonly drained: Promise<void>;
  /** The simulated time after which every transaction's status is final (finite runs, once drained). */
  settledAt(): number;
  /** Stops the loop, flushes and closes the sink. */
  stop(): Promise<void>;
}

interface Live {
  planned: PlannedTransaction;
  realized: RealizedTransaction;
  version: number;
  sent: Set<string>;
  remaining: number;
}

interface Due {
  txn: string;
  version: number;
  emission: Emission;
}

/**
 * Creates the plant simulator: plans transactions minute by minute from the flows and each plant's
 * rhythm, realizes them under the scenarios in force, and sends each step when the simulated clock
 * reaches it. Writes the ground truth as it goes.
 * @example const sim = createSimulator({ flows, sink: await createNetworkSink({...}), seed: 7, speed: 60 }); sim.start();
 */
export function createSimulator(options: SimulatorOptions): Simulator {
  const logger = options.logger ?? silentLogger;
  const real = options.realClock ?? Date.now;
  const seed = options.seed ?? 42;
  const start = options.start ?? real();
  const clock = new SimClock(start, options.speed ?? 1, real);
  const plants = makePlants(options.plants ?? 3);
  const flows = new Map(options.flows.map((f) => [f.id, f]));
  const toleranceMs = options.toleranceMs ?? 120_000;
  const end = options.durationMs !== undefined ? start + options.durationMs : Infinity;
  const runId = `sim${seed}-${Math.floor(start / 1000).toString(36)}`;
  const planner = new TransactionPlanner({
    seed,
    plants,
    flows: options.flows,
    odooWebhooks: options.odooWebhooks ?? false,
    spansOnly: options.spansOnly ?? false,
    rateScale: options.rateScale ?? 1,
    guardMs: toleranceMs + 30_000,
    // Keys differ per run start, so restarts never reuse a business key.
    sequenceBase: (Math.floor(start / MINUTE) % 90_000) * 10,
  });
  const windows: ScenarioWindow[] = [];
  const live = new Map<string, Live>();
  const heap = new MinHeap<Due>();
  const lingering: QueueStay[] = [];
  const allQueues = knownQueues(options.flows, plants);
  let plannedUpTo = Math.floor(start / MINUTE) * MINUTE;
  let nextQueueReport = start;
  let planned = 0;
  let finished = 0;
  let lastSettled = start;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let ticking: Promise<void> | undefined;
  let resolveDrained: () => void = () => {};
  const drained = new Promise<void>((r) => (resolveDrained = r));
  let isDrained = false;

  const targetOf = (name: ScenarioName) => resolveScenarioTarget(name, options.flows, plants, queueName);
  for (const s of options.scenarios ?? []) {
    const w: ScenarioWindow = { name: s.name, from: s.from, to: s.to, target: targetOf(s.name) };
    windows.push(w);
    options.truth?.(scenarioTruth(w));
  }

  const realize = (p: PlannedTransaction) =>
    realizeTransaction(p, {
      flow: flows.get(p.flow) as SimFlow,
      windows,
      toleranceMs,
      runId,
      organicFaults: options.organicFaults ?? true,
    });

  const schedule = (id: string, entry: Live) => {
    for (const e of entry.realized.emissions)
      if (!entry.sent.has(e.eventId)) heap.push(e.sendAt, { txn: id, version: entry.version, emission: e });
  };

  const finish = (id: string, entry: Live) => {
    live.delete(id);
    finished++;
    lastSettled = Math.max(lastSettled, entry.realized.settledAt);
    for (const s of entry.realized.queueStays)
      if (s.dequeued === undefined || s.dequeued > clock.now()) lingering.push(s);
    options.truth?.(transactionTruth(entry.realized));
  };

  const plan = (now: number) => {
    while (plannedUpTo <= now + MINUTE && plannedUpTo < end) {
      for (const p of planner.planMinute(plannedUpTo)) {
        if (p.start >= end) continue;
        planned++;
        const r = realize(p);
        if (!r) continue;
        const id = `${p.flow}|${p.key}`;
        const entry: Live = {
          planned: p,
          realized: r,
          version: 0,
          sent: new Set(),
          remaining: r.emissions.length,
        };
        live.set(id, entry);
        schedule(id, entry);
      }
      plannedUpTo += MINUTE;
    }
  };

  const queueSamples = (now: number): QueueSample[] => {
    const stats = new Map<string, { plant: string; depth: number; oldest: number }>();
    for (const [q, plant] of allQueues) stats.set(q, { plant, depth: 0, oldest: now });
    const count = (s: QueueStay) => {
      if (s.enqueued > now || (s.dequeued !== undefined && s.dequeued <= now)) return;
      const st = stats.get(s.queue) ?? { plant: s.plant, depth: 0, oldest: now };
      st.depth++;
      st.oldest = Math.min(st.oldest, s.enqueued);
      stats.set(s.queue, st);
    };
    for (const entry of live.values()) entry.realized.queueStays.forEach(count);
    for (let i = lingering.length - 1; i >= 0; i--) {
      const s = lingering[i] as QueueStay;
      if (s.dequeued !== undefined && s.dequeued <= now) lingering.splice(i, 1);
      else count(s);
    }
    return [...stats].map(([queue, s]) => ({
      queue,
      plant: s.plant,
      depth: s.depth,
      oldestAgeSeconds: Math.round((now - s.oldest) / 1000),
    }));
  };

  const tickOnce = async () => {
    let now = clock.now();
    if (options.live && clock.speed > 1 && now >= real()) {
      clock.setSpeed(1, real());
      now = clock.now();
      logger.info(
        { simTime: new Date(now).toISOString() },
        'simulator caught up with the real clock: continuing live',
      );
    }
    plan(now);
    const due: OutgoingStep[] = [];
    while (heap.size && (heap.peekPriority() as number) <= now) {
      const d = heap.pop() as Due;
      const entry = live.get(d.txn);
      if (!entry || entry.version !== d.version || entry.sent.has(d.emission.eventId)) continue;
      entry.sent.add(d.emission.eventId);
      entry.remaining--;
      due.push({ txn: d.txn, emission: d.emission, last: entry.remaining === 0 });
      if (entry.remaining === 0) finish(d.txn, entry);
    }
    if (due.length) await options.sink.send(due);
    if (now >= nextQueueReport) {
      await options.sink.reportQueues(now, queueSamples(now));
      const every = options.queueReportMs ?? 15_000;
      nextQueueReport = Math.max(nextQueueReport + every, now - (now % every) + every);
    }
    if (!isDrained && plannedUpTo >= end && live.size === 0) {
      isDrained = true;
      await options.sink.flush();
      resolveDrained();
    }
  };

  const tick = () => {
    // Ticks never overlap: a slow send delays the next tick instead of running beside it.
    ticking = (ticking ?? Promise.resolve()).then(tickOnce).catch((err: unknown) => {
      logger.error({ err }, 'simulator tick failed');
    });
    return ticking;
  };

  const loop = () => {
    if (!running) return;
    void tick().then(() => {
      if (running) timer = setTimeout(loop, options.tickMs ?? 200);
    });
  };

  const stateOf = (name: ScenarioName): ScenarioState => {
    const w = [...windows].reverse().find((x) => x.name === name);
    const now = clock.now();
    return {
      name,
      title: SCENARIO_DESCRIPTIONS[name].title,
      effect: SCENARIO_DESCRIPTIONS[name].effect,
      active: !!w && w.from <= now && now < w.to,
      from: w ? new Date(w.from).toISOString() : null,
      to: w && Number.isFinite(w.to) ? new Date(w.to).toISOString() : null,
      plant: w?.target.plant ?? null,
      system: w?.target.system ?? null,
    };
  };

  /** Re-realizes in-flight transactions after the schedule changed; what was sent stays sent. */
  const rerealize = () => {
    for (const [id, entry] of live) {
      const r = realize(entry.planned);
      if (!r) {
        if (entry.sent.size === 0) live.delete(id);
        continue;
      }
      entry.realized = r;
      entry.version++;
      entry.remaining = r.emissions.filter((e) => !entry.sent.has(e.eventId)).length;
      if (entry.remaining === 0) finish(id, entry);
      else schedule(id, entry);
    }
  };

  return {
    clock,
    plants,
    drained,
    start() {
      if (running) return;
      running = true;
      loop();
    },
    tick,
    setScenario(name, on, durationMs) {
      if (!isScenarioName(name))
        throw new ScenarioError(`unknown scenario "${name}" (known: ${SCENARIO_NAMES.join(', ')})`);
      const now = clock.now();
      const current = windows.find((w) => w.name === name && w.from <= now && now < w.to);
      if (on && !current) {
        const w: ScenarioWindow = {
          name,
          from: now,
          to: durationMs !== undefined ? now + durationMs : Infinity,
          target: targetOf(name),
        };
        windows.push(w);
        logger.info(
          { scenario: name, until: Number.isFinite(w.to) ? new Date(w.to).toISOString() : 'switched off' },
          'scenario on',
        );
        rerealize();
      } else if (!on && current) {
        current.to = now;
        options.truth?.(scenarioTruth(current));
        logger.info({ scenario: name }, 'scenario off');
        rerealize();
      }
      return stateOf(name);
    },
    scenarios: () => SCENARIO_NAMES.map(stateOf),
    setRateScale: (scale) => planner.setRateScale(scale),
    stats: () => ({
      ...options.sink.stats(),
      simTime: new Date(clock.now()).toISOString(),
      speed: clock.speed,
      transactionsPlanned: planned,
      transactionsFinished: finished,
      emissionsPending: heap.size,
    }),
    settledAt: () => lastSettled,
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await ticking;
      await options.sink.close();
    },
  };
}

/** Every queue of the estate (so empty queues report 0), with its plant. */
function knownQueues(flows: readonly SimFlow[], plants: readonly PlantSpec[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of flows)
    for (const p of plants) {
      if (f.plants.length && !f.plants.includes(p.id)) continue;
      f.steps.forEach((s, i) => {
        const prev = f.steps[i - 1];
        if (prev && hopKind(prev.system, s.system) === 'queue')
          out.set(queueName(p.id, s.system, f.id), p.id);
      });
    }
  return out;
}
