import type { StepTimeline, TransactionSummary } from '@linewatch/schema';

/** Where a step's times sit on a shared axis, as fractions 0..1. */
export interface StepPosition {
  step: string;
  /** When the step happened. */
  actual: number | null;
  /** The latest attempt, when the step has not happened (a failed or retried attempt). */
  attempt: number | null;
  /** The deadline; 1 when it lies beyond the axis (`expectedBeyond`). */
  expected: number | null;
  expectedBeyond: boolean;
  /** Time since the previous step that happened (ms), null for the first or an unhappened step. */
  gapMs: number | null;
}

/**
 * Places every step of a transaction on one time axis, from its start to what has happened (or to
 * now while it is open). Deadlines still ahead do not stretch the axis: an 8-hour deadline would
 * squash a 16-second transaction into a dot. They sit at the right edge, marked as beyond.
 */
export function layoutTimeline(
  tx: Pick<TransactionSummary, 'startedAt' | 'completedAt' | 'status'>,
  steps: readonly StepTimeline[],
  now: number,
): { start: number; end: number; positions: StepPosition[] } {
  const start = Date.parse(tx.startedAt);
  const open = tx.status === 'in_progress' || tx.status === 'missing';
  const happened = steps
    .flatMap((s) => [s.actualAt, s.lastAt])
    .filter((t): t is string => !!t)
    .map(Date.parse);
  if (tx.completedAt) happened.push(Date.parse(tx.completedAt));
  const reference = open ? now : Math.max(start, ...happened);
  const passedDeadlines = steps
    .map((s) => (s.expectedBy ? Date.parse(s.expectedBy) : NaN))
    .filter((t) => t <= reference);
  const end = Math.max(start + 1000, reference, ...happened, ...passedDeadlines);
  const frac = (t: number) => Math.min(1, Math.max(0, (t - start) / (end - start)));
  let prev: number | null = null;
  const positions = steps.map((s) => {
    const at = s.actualAt ? Date.parse(s.actualAt) : null;
    const gapMs = at !== null && prev !== null ? at - prev : null;
    if (at !== null) prev = at;
    const due = s.expectedBy ? Date.parse(s.expectedBy) : null;
    return {
      step: s.step,
      actual: at === null ? null : frac(at),
      attempt: at === null && s.lastAt ? frac(Date.parse(s.lastAt)) : null,
      expected: due === null ? null : frac(due),
      expectedBeyond: due !== null && due > end,
      gapMs,
    };
  });
  return { start, end, positions };
}
