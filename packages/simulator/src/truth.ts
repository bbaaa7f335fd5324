import type { ExpectedStatus, RealizedTransaction } from './model.ts';
import type { ScenarioName, ScenarioWindow } from './scenarios.ts';
import { SCENARIO_DESCRIPTIONS } from './scenarios.ts';

/** One transaction of the ground truth: what the correlation engine must conclude. */
export interface TransactionTruth {
  type: 'transaction';
  flow: string;
  key: string;
  plant: string;
  status: ExpectedStatus;
  reason: string;
  errorCategory?: string;
  /** The scenario that shaped it, if any. */
  scenario?: ScenarioName;
  /** RFC 3339 start (first step's true time). */
  startedAt: string;
  /** After this simulated time the status no longer changes. */
  settledAt: string;
  /** Events sent for it. */
  events: number;
}

/** One scenario of the ground truth: its window and what it touches. */
export interface ScenarioTruth {
  type: 'scenario';
  name: ScenarioName;
  title: string;
  from: string;
  /** null while still switched on. */
  to: string | null;
  plant: string | null;
  system: string | null;
  flows: string[];
  queues: string[];
  productFamily: string | null;
  effect: string;
}

/** A line of the `--truth` file (JSON lines). */
export type TruthLine = TransactionTruth | ScenarioTruth;

const iso = (ms: number) => new Date(ms).toISOString();

/** The truth line of a realized transaction. */
export function transactionTruth(r: RealizedTransaction): TransactionTruth {
  return {
    type: 'transaction',
    flow: r.planned.flow,
    key: r.planned.key,
    plant: r.planned.plant,
    status: r.status,
    reason: r.reason,
    ...(r.errorCategory ? { errorCategory: r.errorCategory } : {}),
    ...(r.scenario ? { scenario: r.scenario as ScenarioName } : {}),
    startedAt: iso(r.planned.start),
    settledAt: iso(r.settledAt),
    events: r.emissions.length,
  };
}

/** The truth line of a scenario window. */
export function scenarioTruth(w: ScenarioWindow): ScenarioTruth {
  return {
    type: 'scenario',
    name: w.name,
    title: SCENARIO_DESCRIPTIONS[w.name].title,
    from: iso(w.from),
    to: Number.isFinite(w.to) ? iso(w.to) : null,
    plant: w.target.plant ?? null,
    system: w.target.system ?? null,
    flows: w.target.flows,
    queues: w.target.queues ?? [],
    productFamily: w.target.productFamily ?? null,
    effect: SCENARIO_DESCRIPTIONS[w.name].effect,
  };
}
