import type { BusinessEventInput } from '@linewatch/schema';
import { toBusinessEvent } from '../emit/toBusinessEvent.ts';
import type { Emission, RealizedTransaction, SimFlow } from '../model.ts';
import { deadlineFor } from '../planTransactions.ts';
import { predictStatus } from '../predictStatus.ts';
import { Random } from '../random.ts';
import { transactionTruth, type TransactionTruth } from '../truth.ts';
import { realizeEstate, type GenerateOptions } from './planEstate.ts';

/** Shares of transactions given each fault (the rest complete on time, or as the estate's rhythm has it). */
export interface FaultMix {
  late?: number;
  missing?: number;
  failed?: number;
  duplicate?: number;
}

/** Generated business events and the status each transaction must reach. */
export interface GeneratedEvents {
  events: BusinessEventInput[];
  truth: TransactionTruth[];
}

/**
 * Generates `transactions` business transactions of the estate as canonical events (the body of
 * `POST /v1/events`), with a controlled fault mix and the ground truth for each. Events are in event
 * time order unless `shuffle` (then in a seeded random arrival order).
 * @example const { events, truth } = generateEvents({ flows, transactions: 200_000, mix: { late: 0.02, missing: 0.01, failed: 0.01, duplicate: 0.005 }, shuffle: true })
 */
export function generateEvents(
  options: GenerateOptions & { transactions: number; mix?: FaultMix; shuffle?: boolean; spanMs?: number },
): GeneratedEvents {
  const rng = new Random(`${String(options.seed ?? 42)}/mix`);
  const flows = new Map(options.flows.map((f) => [f.id, f]));
  const tolerance = options.toleranceMs ?? 120_000;
  const mix = options.mix ?? {};
  const timed: { t: number; event: BusinessEventInput }[] = [];
  const truth: TransactionTruth[] = [];
  for (const r of realizeEstate({
    ...options,
    count: options.transactions,
    organicFaults: options.organicFaults ?? options.mix === undefined,
  })) {
    const flow = flows.get(r.planned.flow) as SimFlow;
    const x = rng.next();
    let fault: keyof FaultMix | undefined;
    let acc = 0;
    for (const k of ['late', 'missing', 'failed', 'duplicate'] as const) {
      acc += mix[k] ?? 0;
      if (x < acc) {
        fault = k;
        break;
      }
    }
    const emissions = fault ? applyFault(r, flow, fault, rng, tolerance) : r.emissions;
    const observed = emissions.map((e) => ({
      step: e.step,
      key: e.key,
      eventId: e.eventId,
      time: e.reportedTime,
      outcome: e.outcome,
      ...(e.errorCategory ? { errorCategory: e.errorCategory } : {}),
      attributes: e.attributes,
    }));
    const p = predictStatus(flow, r.planned.plant, observed, Infinity, tolerance);
    truth.push(
      transactionTruth({
        ...r,
        emissions,
        status: p.status,
        reason: p.reason,
        ...(p.errorCategory ? { errorCategory: p.errorCategory } : {}),
        settledAt: Math.max(...emissions.map((e) => e.reportedTime), p.settledAt + tolerance),
      }),
    );
    for (const e of emissions) timed.push({ t: e.reportedTime, event: toBusinessEvent(e) });
  }
  if (options.shuffle) {
    for (let i = timed.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [timed[i], timed[j]] = [timed[j] as (typeof timed)[number], timed[i] as (typeof timed)[number]];
    }
  } else timed.sort((a, b) => a.t - b.t);
  return { events: timed.map((x) => x.event), truth };
}

/** Reshapes a transaction's emissions so it shows one fault unambiguously. */
function applyFault(
  r: RealizedTransaction,
  flow: SimFlow,
  fault: keyof FaultMix,
  rng: Random,
  tolerance: number,
): Emission[] {
  const list = r.emissions.map((e) => ({ ...e })).sort((a, b) => a.time - b.time);
  const fresh = (e: Emission, suffix: string): Emission => ({ ...e, eventId: `${e.eventId}:${suffix}` });
  const deadline = flow.deadlines.find(
    (d) =>
      list.some((e) => e.step === d.from) &&
      list.some((e) => e.step === d.to) &&
      !flow.steps.find((s) => s.id === d.to)?.optional,
  );
  switch (fault) {
    case 'late': {
      if (!deadline) return list;
      const from = Math.min(...list.filter((e) => e.step === deadline.from).map((e) => e.reportedTime));
      const to = Math.min(...list.filter((e) => e.step === deadline.to).map((e) => e.reportedTime));
      const overrun =
        from + deadlineFor(deadline, r.planned.plant) + 2 * tolerance + rng.int(60_000, 600_000) - to;
      const toIndex = flow.steps.findIndex((s) => s.id === deadline.to);
      const later = new Set(flow.steps.slice(toIndex).map((s) => s.id));
      for (const e of list)
        if (later.has(e.step) && e.reportedTime >= to) {
          e.time += overrun;
          e.reportedTime += overrun;
          e.sendAt += overrun;
        }
      return list;
    }
    case 'missing': {
      if (!deadline) return list;
      const toIndex = flow.steps.findIndex((s) => s.id === deadline.to);
      const gone = new Set(flow.steps.slice(toIndex).map((s) => s.id));
      return list.filter((e) => !gone.has(e.step));
    }
    case 'failed': {
      if (list.length < 2) return list;
      const i = rng.int(1, list.length - 1);
      const failedStep = list[i] as Emission;
      const at = failedStep.time;
      return [
        ...list.slice(0, i).filter((e) => e.time <= at),
        {
          ...failedStep,
          outcome: 'failed',
          errorCategory: rng.pick(['timeout', 'validation', 'auth']),
          errorMessage: 'simulated failure',
        },
      ];
    }
    case 'duplicate': {
      const candidates = list.filter(
        (e, i) =>
          i > 0 &&
          !flow.steps.find((s) => s.id === e.step)?.repeat &&
          !flow.steps.find((s) => s.id === e.step)?.fanOut,
      );
      if (!candidates.length) return list;
      const e = rng.pick(candidates);
      return [
        ...list,
        fresh(
          { ...e, time: e.time + 5_000, reportedTime: e.reportedTime + 5_000, sendAt: e.sendAt + 5_000 },
          'dup',
        ),
      ];
    }
  }
}
