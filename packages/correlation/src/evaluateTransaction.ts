import {
  deadlineWithin,
  formatDuration,
  type Deadline,
  type Flow,
  type FlowStep,
  type StepState,
  type TransactionStatus,
} from '@linewatch/schema';
import type { BadOutcome, StepObservation } from './observations.ts';

/** Options of the status rules. */
export interface EvaluateOptions {
  /** How far clocks of different systems may disagree: a step stamped late by less is on time. */
  clockSkew: number;
  /** Build the step timeline (default true); the sweep, which stores only the summary, skips it. */
  steps?: boolean;
}

/** One step of a transaction's timeline (times are epoch milliseconds). */
export interface StepEvaluation {
  step: string;
  name: string;
  system: string;
  optional: boolean;
  repeat: boolean;
  fanOut: boolean;
  state: StepState;
  /** When the step was done (fan-out: when the last expected child did it). */
  actualAt: number | null;
  lastAt: number | null;
  expectedBy: number | null;
  deadline: { from: string; withinMs: number } | null;
  lateByMs: number | null;
  count: number;
  children: { done: number; expected: number | null; key: string } | null;
  errorCategory: string | null;
  lastFailure: { at: number; outcome: BadOutcome; errorCategory: string | null } | null;
}

/** A transaction's status with the reason for it, derived from its observations at `now`. */
export interface TransactionEvaluation {
  flow: string;
  key: string;
  /** False when the first step was never seen: the events are unmatched, there is no transaction. */
  started: boolean;
  status: TransactionStatus;
  reason: string;
  plant: string;
  startedAt: number | null;
  completedAt: number | null;
  e2eMs: number | null;
  /** Late: the worst lateness. Missing: how overdue at `now`. */
  lateByMs: number | null;
  /** The deadline a late or missing status refers to. */
  problemDeadlineAt: number | null;
  problemStep: string | null;
  errorCategory: string | null;
  /** The earliest deadline still running. */
  nextDeadlineAt: number | null;
  /** When the status may change without new events: just after the earliest running deadline. */
  nextCheckAt: number | null;
  stepsDone: number;
  stepsTotal: number;
  linkedKeys: string[];
  steps: StepEvaluation[];
  /** Observations of steps the flow does not have. */
  unknownSteps: StepObservation[];
}

interface StepFacts {
  def: FlowStep;
  done: boolean;
  actualAt: number | null;
  lastAt: number | null;
  okCount: number;
  badCount: number;
  /** Unresolved unsuccessful outcome: no success at or after it. */
  unresolved: { at: number; outcome: BadOutcome; errorCategory: string } | null;
  lastBad: { at: number; outcome: BadOutcome; errorCategory: string } | null;
  duplicate: { count: number; childKey: string | null } | null;
  children: { done: number; expected: number | null; key: string } | null;
}

interface DeadlineState {
  deadline: Deadline;
  withinMs: number;
  due: number;
  kind: 'met' | 'late' | 'missing' | 'running';
  lateBy: number;
}

/** Observations of one step merged across the flow-as-sent copies of one key. */
function merge(list: readonly StepObservation[]) {
  let okCount = 0;
  let badCount = 0;
  let firstOk: number | null = null;
  let lastOk: number | null = null;
  let lastAt: number | null = null;
  let lastBad: StepObservation['lastBad'] = null;
  for (const o of list) {
    okCount += o.okCount;
    badCount += o.badCount;
    if (o.firstOkAt !== null && (firstOk === null || o.firstOkAt < firstOk)) firstOk = o.firstOkAt;
    if (o.lastOkAt !== null && (lastOk === null || o.lastOkAt > lastOk)) lastOk = o.lastOkAt;
    if (lastAt === null || o.lastAt > lastAt) lastAt = o.lastAt;
    if (o.lastBad && (!lastBad || o.lastBad.at > lastBad.at)) lastBad = o.lastBad;
  }
  // A success at or after the latest unsuccessful attempt resolves it (event time decides).
  const unresolved = lastBad && (lastOk === null || lastOk < lastBad.at) ? lastBad : null;
  return { okCount, badCount, firstOk, lastOk, lastAt, lastBad, unresolved };
}

function expectedChildren(flowStep: FlowStep, all: readonly StepObservation[]): number | null {
  const attr = flowStep.fanOut?.countAttribute;
  if (!attr) return null;
  let best: number | null = null;
  for (const o of all) {
    const raw = o.attributes[attr];
    if (raw === undefined || !/^\d+$/.test(raw.trim())) continue;
    const n = Number(raw.trim());
    if (n > 0 && (best === null || n > best)) best = n;
  }
  return best;
}

function stepFacts(
  def: FlowStep,
  list: readonly StepObservation[],
  all: readonly StepObservation[],
): StepFacts {
  if (!def.fanOut) {
    const m = merge(list);
    return {
      def,
      done: m.okCount > 0,
      actualAt: m.firstOk,
      lastAt: m.lastAt,
      okCount: m.okCount,
      badCount: m.badCount,
      unresolved: m.unresolved,
      lastBad: m.lastBad,
      duplicate: !def.repeat && m.okCount > 1 ? { count: m.okCount, childKey: null } : null,
      children: null,
    };
  }
  // Fan-out: each child key does the step once.
  const byChild = new Map<string, StepObservation[]>();
  for (const o of list) {
    const same = byChild.get(o.key);
    if (same) same.push(o);
    else byChild.set(o.key, [o]);
  }
  const doneTimes: number[] = [];
  let okCount = 0;
  let badCount = 0;
  let lastAt: number | null = null;
  let unresolved: StepFacts['unresolved'] = null;
  let lastBad: StepFacts['lastBad'] = null;
  let duplicate: StepFacts['duplicate'] = null;
  for (const [child, obs] of [...byChild.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const m = merge(obs);
    okCount += m.okCount;
    badCount += m.badCount;
    if (m.firstOk !== null) doneTimes.push(m.firstOk);
    if (m.lastAt !== null && (lastAt === null || m.lastAt > lastAt)) lastAt = m.lastAt;
    if (m.unresolved && (!unresolved || m.unresolved.at > unresolved.at)) unresolved = m.unresolved;
    if (m.lastBad && (!lastBad || m.lastBad.at > lastBad.at)) lastBad = m.lastBad;
    if (m.okCount > 1 && !duplicate) duplicate = { count: m.okCount, childKey: child };
  }
  doneTimes.sort((a, b) => a - b);
  const expected = expectedChildren(def, all);
  const done = expected !== null ? doneTimes.length >= expected : doneTimes.length >= 1;
  const actualAt = !done
    ? null
    : expected !== null
      ? (doneTimes[expected - 1] as number)
      : (doneTimes[doneTimes.length - 1] as number);
  return {
    def,
    done,
    actualAt,
    lastAt,
    okCount,
    badCount,
    unresolved,
    lastBad,
    duplicate,
    children: { done: doneTimes.length, expected, key: def.fanOut.key },
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const label = (s: FlowStep) => s.id;

function childrenText(f: StepFacts): string {
  if (!f.children) return '';
  const noun = f.children.key.replaceAll('_', ' ');
  return f.children.expected !== null
    ? ` (${f.children.done} of ${f.children.expected} ${noun}s done)`
    : ` (${f.children.done} ${noun}s done)`;
}

/**
 * The status rules: derives a transaction's status, reason and step timeline from the observations
 * of its key and linked keys, at `now`. Pure: no I/O, no clock.
 * @example evaluateTransaction(flow, 'MO/00042', summarizeEvents(events), Date.now(), { clockSkew: 120_000 })
 */
export function evaluateTransaction(
  flow: Flow,
  key: string,
  observations: readonly StepObservation[],
  now: number,
  options: EvaluateOptions,
): TransactionEvaluation {
  const skew = options.clockSkew;
  const byStep = new Map<string, StepObservation[]>();
  const known = new Set(flow.steps.map((s) => s.id));
  const unknownSteps: StepObservation[] = [];
  for (const o of observations) {
    if (!known.has(o.step)) {
      unknownSteps.push(o);
      continue;
    }
    const list = byStep.get(o.step);
    if (list) list.push(o);
    else byStep.set(o.step, [o]);
  }
  const startDef = flow.steps[0] as FlowStep;
  const startObs = byStep.get(startDef.id) ?? [];
  const started = startObs.length > 0;
  const plantObs =
    startObs.find((o) => o.key === key) ??
    startObs[0] ??
    observations.find((o) => o.key === key) ??
    observations[0];
  const plant = plantObs?.plant ?? '';
  const startedAt = started ? Math.min(...startObs.map((o) => o.firstAt)) : null;
  const linkedKeys = [...new Set(observations.map((o) => o.key).filter((k) => k !== key))].sort();

  const facts = new Map<string, StepFacts>();
  for (const def of flow.steps) facts.set(def.id, stepFacts(def, byStep.get(def.id) ?? [], observations));
  const fact = (id: string) => facts.get(id) as StepFacts;

  // Deadlines, in event time; a deadline whose `from` step is not done has not started.
  const deadlines: DeadlineState[] = [];
  for (const d of flow.deadlines) {
    const from = fact(d.from);
    const to = fact(d.to);
    if (from.actualAt === null) continue;
    const withinMs = deadlineWithin(d, plant);
    const due = from.actualAt + withinMs;
    if (to.actualAt !== null) {
      const lateBy = to.actualAt - due;
      deadlines.push({ deadline: d, withinMs, due, kind: lateBy > skew ? 'late' : 'met', lateBy });
    } else if (to.def.optional) {
      continue;
    } else if (now > due) {
      // Linewatch's own clock against the deadline: flagged as soon as it passes. If the step then
      // arrives stamped within the tolerance, the transaction is on time after all.
      deadlines.push({ deadline: d, withinMs, due, kind: 'missing', lateBy: now - due });
    } else {
      deadlines.push({ deadline: d, withinMs, due, kind: 'running', lateBy: 0 });
    }
  }

  const required = flow.steps.filter((s) => !s.optional);
  const stepsDone = required.filter((s) => fact(s.id).done).length;
  const complete = started && stepsDone === required.length;
  const completedAt = complete
    ? Math.max(startedAt as number, ...required.map((s) => fact(s.id).actualAt as number))
    : null;
  const e2eMs = completedAt !== null && startedAt !== null ? Math.max(0, completedAt - startedAt) : null;

  const order = (id: string) => flow.steps.findIndex((s) => s.id === id);
  // Facts in step order (the Map keeps insertion order, which is the flow's).
  const all = [...facts.values()];
  const failed = all.filter((f) => f.unresolved && f.unresolved.outcome !== 'retried');
  const duplicates = all.filter((f) => f.duplicate);
  const missing = deadlines
    .filter((d) => d.kind === 'missing')
    .sort((a, b) => a.due - b.due || order(a.deadline.to) - order(b.deadline.to));
  const late = deadlines.filter((d) => d.kind === 'late').sort((a, b) => b.lateBy - a.lateBy);
  const running = deadlines.filter((d) => d.kind === 'running').sort((a, b) => a.due - b.due);
  const troubled = all.filter((f) => f.badCount > 0);

  let status: TransactionStatus;
  let reason: string;
  let problemStep: string | null = null;
  let errorCategory: string | null = null;
  let lateByMs: number | null = null;
  let problemDeadlineAt: number | null = null;

  const lateText = (d: DeadlineState) =>
    `${d.deadline.to} ${formatDuration(d.lateBy)} late (due ${formatDuration(d.withinMs)} after ${d.deadline.from})`;

  if (!started) {
    status = 'in_progress';
    reason = `no ${label(startDef)} yet: events without a transaction start`;
  } else if (failed.length) {
    const f = failed[0] as StepFacts;
    const u = f.unresolved as NonNullable<StepFacts['unresolved']>;
    status = 'failed';
    problemStep = f.def.id;
    errorCategory = u.errorCategory || u.outcome;
    reason = `${f.def.id} ${u.outcome === 'dead_lettered' ? 'dead-lettered' : 'failed'}${u.errorCategory ? `: ${u.errorCategory}` : ''}${childrenText(f)}`;
  } else if (duplicates.length) {
    const f = duplicates[0] as StepFacts;
    const dup = f.duplicate as NonNullable<StepFacts['duplicate']>;
    status = 'duplicate';
    problemStep = f.def.id;
    reason = `${f.def.id} recorded ${dup.count} times${dup.childKey ? ` for ${dup.childKey}` : ''}`;
  } else if (missing.length) {
    const d = missing[0] as DeadlineState;
    status = 'missing';
    problemStep = d.deadline.to;
    lateByMs = d.lateBy;
    problemDeadlineAt = d.due;
    reason = `${d.deadline.to} missing: due ${iso(d.due)} (${formatDuration(d.withinMs)} after ${d.deadline.from})${childrenText(fact(d.deadline.to))}`;
  } else if (complete && late.length) {
    const d = late[0] as DeadlineState;
    status = 'late';
    problemStep = d.deadline.to;
    lateByMs = d.lateBy;
    problemDeadlineAt = d.due;
    reason = lateText(d);
  } else if (complete && troubled.length) {
    const f = troubled[0] as StepFacts;
    status = 'recovered';
    problemStep = f.def.id;
    errorCategory = f.lastBad?.errorCategory || f.lastBad?.outcome || null;
    reason = `completed after ${f.badCount} unsuccessful attempt${f.badCount === 1 ? '' : 's'} at ${f.def.id}${errorCategory ? ` (${errorCategory})` : ''}`;
  } else if (complete) {
    status = 'completed';
    reason = `completed in ${formatDuration(e2eMs ?? 0)}`;
  } else {
    status = 'in_progress';
    const waiting = required.find((s) => !fact(s.id).done) as FlowStep;
    const w = fact(waiting.id);
    const due = running.find((d) => d.deadline.to === waiting.id);
    problemStep = waiting.id;
    const parts = [`waiting for ${waiting.id}${childrenText(w)}${due ? `, due ${iso(due.due)}` : ''}`];
    if (w.unresolved?.outcome === 'retried')
      parts.push(`retrying${w.unresolved.errorCategory ? ` after ${w.unresolved.errorCategory}` : ''}`);
    if (late.length) parts.push(lateText(late[0] as DeadlineState));
    reason = parts.join('; ');
    if (late.length) lateByMs = (late[0] as DeadlineState).lateBy;
  }

  // Only a transaction still in progress can change without new events.
  const nextDeadline = status === 'in_progress' && started ? (running[0] ?? null) : null;

  const steps: StepEvaluation[] =
    options.steps === false
      ? []
      : flow.steps.map((def) => {
          const f = fact(def.id);
          const towards = deadlines.filter((d) => d.deadline.to === def.id).sort((a, b) => a.due - b.due);
          const worst = [...towards].sort((a, b) => b.lateBy - a.lateBy)[0];
          const shown = worst && (worst.kind === 'late' || worst.kind === 'missing') ? worst : towards[0];
          let state: StepState;
          if (f.unresolved) state = f.unresolved.outcome === 'retried' ? 'retrying' : 'failed';
          else if (f.duplicate) state = 'duplicate';
          else if (f.done) state = towards.some((d) => d.kind === 'late') ? 'late' : 'done';
          else if (towards.some((d) => d.kind === 'missing')) state = 'missing';
          else state = def.optional && complete ? 'skipped' : 'pending';
          return {
            step: def.id,
            name: def.name ?? def.id,
            system: def.system,
            optional: def.optional,
            repeat: def.repeat,
            fanOut: def.fanOut !== undefined,
            state,
            actualAt: f.actualAt,
            lastAt: f.lastAt,
            expectedBy: shown ? shown.due : null,
            deadline: shown ? { from: shown.deadline.from, withinMs: shown.withinMs } : null,
            lateByMs: shown && (shown.kind === 'late' || shown.kind === 'missing') ? shown.lateBy : null,
            count: f.okCount,
            children: f.children,
            errorCategory: f.lastBad?.errorCategory || null,
            lastFailure: f.lastBad
              ? {
                  at: f.lastBad.at,
                  outcome: f.lastBad.outcome,
                  errorCategory: f.lastBad.errorCategory || null,
                }
              : null,
          };
        });

  return {
    flow: flow.id,
    key,
    started,
    status,
    reason,
    plant,
    startedAt,
    completedAt,
    e2eMs,
    lateByMs,
    problemDeadlineAt,
    problemStep,
    errorCategory,
    nextDeadlineAt: nextDeadline ? nextDeadline.due : null,
    nextCheckAt: nextDeadline ? nextDeadline.due + 1 : null,
    stepsDone,
    stepsTotal: required.length,
    linkedKeys,
    steps,
    unknownSteps,
  };
}
