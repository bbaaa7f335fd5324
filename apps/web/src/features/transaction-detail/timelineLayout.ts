import type { StepTimeline, TransactionSummary } from '@linewatch/schema';

/** Where a step's actual time and deadline sit on a shared axis, as fractions 0..1. */
export interface StepPosition {
  step: string;
  actual: number | null;
  expected: number | null;
  /** Time since the previous step that happened (ms), null for the first or an unhappened step. */
  gapMs: number | null;
}

/**
 * Places every step of a transaction on one time axis from its start to the latest time that
 * matters (last event, deadline, or now while it is open), so expected and actual times compare.
 */
export function layoutTimeline(
  tx: Pick<TransactionSummary, 'startedAt' | 'completedAt' | 'status'>,
  steps: readonly StepTimeline[],
  now: number,
): { start: number; end: number; positions: StepPosition[] } {
  const start = Date.parse(tx.startedAt);
  const times = steps
    .flatMap((s) => [s.actualAt, s.lastAt, s.expectedBy])
    .filter((t): t is string => !!t)
    .map(Date.parse);
  if (tx.completedAt) times.push(Date.parse(tx.completedAt));
  if (tx.status === 'in_progress' || tx.status === 'missing') times.push(now);
  const end = Math.max(start + 1000, ...times);
  const frac = (iso: string | null) =>
    iso ? Math.min(1, Math.max(0, (Date.parse(iso) - start) / (end - start))) : null;
  let prev: number | null = null;
  const positions = steps.map((s) => {
    const at = s.actualAt ? Date.parse(s.actualAt) : null;
    const gapMs = at !== null && prev !== null ? at - prev : null;
    if (at !== null) prev = at;
    return { step: s.step, actual: frac(s.actualAt), expected: frac(s.expectedBy), gapMs };
  });
  return { start, end, positions };
}
