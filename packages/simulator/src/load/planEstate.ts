import { makePlants } from '../estate.ts';
import type { PlannedTransaction, RealizedTransaction, SimFlow } from '../model.ts';
import { queueName, TransactionPlanner } from '../planTransactions.ts';
import { resolveScenarioTarget, type ScenarioName, type ScenarioWindow } from '../scenarios.ts';
import { realizeTransaction } from '../realizeTransaction.ts';

const MINUTE = 60_000;

/** Options shared by the generators: the flows, the seed, the estate and where time starts. */
export interface GenerateOptions {
  flows: readonly SimFlow[];
  seed?: number;
  plants?: number;
  /** First transaction's earliest start (default 2026-11-23T06:00:00Z, a Monday morning shift). */
  start?: number;
  /** The engine's clock-skew tolerance (default 120 s). */
  toleranceMs?: number;
  /** Every step as a span (span generators). */
  spansOnly?: boolean;
  /** Background faults at realistic rates (default on). */
  organicFaults?: boolean;
  /** Predict each transaction's status (default true). */
  predict?: boolean;
  /** Scenario windows to play (e.g. from scheduleScenarios). */
  scenarios?: readonly { name: ScenarioName; from: number; to: number }[];
}

/** Monday 2026-11-23 06:00 UTC: the default start of generated traffic. */
export const DEFAULT_START = Date.parse('2026-11-23T06:00:00Z');

/**
 * Plans and realizes transactions until `count` exist, packing them into about `spanMs` of simulated
 * time (the rate scale is derived from a first simulated hour at realistic rates).
 */
export function* realizeEstate(
  options: GenerateOptions & { count: number; spanMs?: number; rateScale?: number },
): Generator<RealizedTransaction> {
  const plants = makePlants(options.plants ?? 3);
  const start = options.start ?? DEFAULT_START;
  const seed = options.seed ?? 42;
  const flows = new Map(options.flows.map((f) => [f.id, f]));
  const calibration = new TransactionPlanner({
    seed,
    plants,
    flows: options.flows,
    odooWebhooks: false,
    guardMs: (options.toleranceMs ?? 120_000) + 30_000,
    sequenceBase: 0,
  }).planRange(start, start + 60 * MINUTE).length;
  const spanMs = options.spanMs ?? 60 * MINUTE;
  const rateScale =
    options.rateScale ??
    Math.max(1e-3, (options.count / Math.max(1, calibration)) * ((60 * MINUTE) / spanMs) * 1.05);
  const planner = new TransactionPlanner({
    seed,
    plants,
    flows: options.flows,
    odooWebhooks: false,
    spansOnly: options.spansOnly ?? false,
    rateScale,
    guardMs: options.predict === false ? 0 : (options.toleranceMs ?? 120_000) + 30_000,
    sequenceBase: 0,
  });
  const windows: ScenarioWindow[] = (options.scenarios ?? []).map((w) => ({
    ...w,
    target: resolveScenarioTarget(w.name, options.flows, plants, queueName),
  }));
  let made = 0;
  for (let minute = Math.floor(start / MINUTE) * MINUTE; made < options.count; minute += MINUTE) {
    for (const p of planner.planMinute(minute)) {
      if (made >= options.count) return;
      const r = realize(p);
      if (!r) continue;
      made++;
      yield r;
    }
  }
  function realize(p: PlannedTransaction) {
    return realizeTransaction(p, {
      flow: flows.get(p.flow) as SimFlow,
      windows,
      toleranceMs: options.toleranceMs ?? 120_000,
      runId: `gen${seed}`,
      organicFaults: options.organicFaults ?? true,
      predict: options.predict ?? true,
    });
  }
}
