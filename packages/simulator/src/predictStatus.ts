import type { Outcome } from '@linewatch/schema';
import type { ExpectedStatus, SimFlow } from './model.ts';
import { deadlineFor } from './planTransactions.ts';

/** An event of one transaction as the engine will see it. */
export interface ObservedEvent {
  step: string;
  /** The event's own key (a fan-out child's key for fan-out steps). */
  key: string;
  eventId: string;
  /** Reported event time (ms). */
  time: number;
  outcome: Outcome;
  errorCategory?: string;
  attributes?: Record<string, string>;
}

/** The status the engine should derive, why, and how sure the prediction is. */
export interface Prediction {
  status: ExpectedStatus;
  reason: string;
  errorCategory?: string;
  problemStep?: string;
  /** Worst deadline overrun (late or missing), ms. */
  lateByMs?: number;
  /** True when applying the engine's clock-skew tolerance to deadlines would change the status. */
  ambiguous: boolean;
  /**
   * For a missing status, when the transaction turned missing (the first missed deadline, before the
   * tolerance); -Infinity when the status holds from the last event on.
   */
  settledAt: number;
}

/**
 * Predicts a transaction's status from the events the simulator sends, following the documented
 * rules (TransactionStatusSchema): failed, duplicate, missing, late, recovered, completed, in_progress.
 * `asOf` is the simulated time the engine judges at; `toleranceMs` its clock-skew allowance.
 */
export function predictStatus(
  flow: SimFlow,
  plant: string,
  events: readonly ObservedEvent[],
  asOf: number,
  toleranceMs: number,
): Prediction {
  const strict = judge(flow, plant, events, asOf, 0);
  const tolerant = judge(flow, plant, events, asOf, toleranceMs);
  return { ...strict, ambiguous: strict.status !== tolerant.status };
}

function judge(
  flow: SimFlow,
  plant: string,
  events: readonly ObservedEvent[],
  asOf: number,
  tolerance: number,
): Omit<Prediction, 'ambiguous'> {
  const byStep = new Map<string, ObservedEvent[]>();
  for (const e of events) {
    const list = byStep.get(e.step) ?? [];
    list.push(e);
    byStep.set(e.step, list);
  }
  const attrs = Object.assign({}, ...events.map((e) => e.attributes ?? {})) as Record<string, string>;

  const doneAt = new Map<string, number>();
  let failed: { step: string; category?: string } | undefined;
  let duplicate: string | undefined;
  let hadTrouble = false;
  for (const s of flow.steps) {
    const list = [...(byStep.get(s.id) ?? [])].sort((a, b) => a.time - b.time);
    const ok = uniqueById(list.filter((e) => e.outcome === 'ok'));
    // A success at or after the latest unsuccessful attempt resolves it; an unresolved `retried`
    // means another attempt is coming (still in progress), the other outcomes are failures.
    const bad = list.filter((e) => e.outcome !== 'ok');
    if (bad.length) hadTrouble = true;
    const lastBad = bad.at(-1);
    if (lastBad && lastBad.outcome !== 'retried' && !ok.some((e) => e.time >= lastBad.time) && !failed)
      failed = { step: s.id, category: lastBad.errorCategory || lastBad.outcome };
    if (s.fanOut) {
      const firstPerChild = new Map<string, number>();
      for (const e of ok) if (!firstPerChild.has(e.key)) firstPerChild.set(e.key, e.time);
      const times = [...firstPerChild.values()].sort((a, b) => a - b);
      const expected = s.fanOut.countAttribute ? Number(attrs[s.fanOut.countAttribute]) : undefined;
      if (expected !== undefined && Number.isFinite(expected)) {
        if (times.length >= expected && expected > 0) doneAt.set(s.id, times[expected - 1] as number);
      } else if (times.length) doneAt.set(s.id, times.at(-1) as number);
    } else if (ok.length) {
      doneAt.set(s.id, (ok[0] as ObservedEvent).time);
      if (!s.repeat && ok.length > 1 && !duplicate) duplicate = s.id;
    }
  }

  let lateBy = 0;
  let lateStep: string | undefined;
  let missing: { step: string; by: number; due: number } | undefined;
  let firstMissingDue = Infinity;
  for (const d of flow.deadlines) {
    const from = doneAt.get(d.from);
    if (from === undefined) continue;
    const limit = deadlineFor(d, plant) + tolerance;
    const to = doneAt.get(d.to);
    if (to === undefined && flow.steps.find((x) => x.id === d.to)?.optional) continue;
    if (to === undefined) {
      if (asOf > from + limit) {
        firstMissingDue = Math.min(firstMissingDue, from + deadlineFor(d, plant));
        if (!missing || asOf - from - limit > missing.by)
          missing = { step: d.to, by: asOf - from - limit, due: from + limit };
      }
    } else if (to - from > limit && to - from - limit > lateBy) {
      lateBy = to - from - limit;
      lateStep = d.to;
    }
  }
  const complete = flow.steps.every((s) => s.optional || doneAt.has(s.id));
  const base = { settledAt: -Infinity };

  if (failed)
    return {
      ...base,
      status: 'failed',
      reason: `${failed.step} failed${failed.category ? ` (${failed.category})` : ''}`,
      problemStep: failed.step,
      ...(failed.category ? { errorCategory: failed.category } : {}),
    };
  if (duplicate)
    return {
      ...base,
      status: 'duplicate',
      reason: `${duplicate} recorded more than once`,
      problemStep: duplicate,
    };
  if (missing)
    return {
      settledAt: firstMissingDue,
      status: 'missing',
      reason: `${missing.step} missing`,
      problemStep: missing.step,
      lateByMs: missing.by,
    };
  if (!complete) return { ...base, status: 'in_progress', reason: 'waiting for the next step' };
  if (lateStep)
    return { ...base, status: 'late', reason: `${lateStep} late`, problemStep: lateStep, lateByMs: lateBy };
  if (hadTrouble) return { ...base, status: 'recovered', reason: 'completed after a retry' };
  return { ...base, status: 'completed', reason: 'completed on time' };
}

function uniqueById(list: ObservedEvent[]): ObservedEvent[] {
  const seen = new Set<string>();
  return list.filter((e) => (seen.has(e.eventId) ? false : (seen.add(e.eventId), true)));
}
