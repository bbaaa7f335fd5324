import type { FlowHealthRow, StepState, TransactionStatus, TransactionSummary } from '@linewatch/schema';

/** Health as every view colours it; the same words as the dependency map's. */
export type Health = 'healthy' | 'degraded' | 'failing' | 'idle' | 'unknown';

/**
 * The colour of a plant × flow tile. Failing (red): the flow misses its on-time target and has
 * missing or failed transactions, i.e. something is not arriving at all. Degraded (amber): it
 * misses the target, or has late, missing or failed transactions. Idle: nothing started in the range.
 */
export function flowRowHealth(row: FlowHealthRow): Health {
  if (row.volume === 0) return 'idle';
  const broken = row.missing + row.failed;
  if (row.sloMet === false && broken > 0) return 'failing';
  if (row.sloMet === false || broken > 0 || row.late > 0) return 'degraded';
  return 'healthy';
}

/** How bad a transaction status is: failing for failed and missing, degraded for late and duplicate. */
export function statusHealth(status: TransactionStatus): Health {
  switch (status) {
    case 'failed':
    case 'missing':
      return 'failing';
    case 'late':
    case 'duplicate':
      return 'degraded';
    case 'completed':
    case 'recovered':
      return 'healthy';
    case 'in_progress':
      return 'unknown';
  }
}

/** The colour of a step on a transaction's timeline. */
export function stepHealth(state: StepState): Health {
  switch (state) {
    case 'done':
      return 'healthy';
    case 'late':
    case 'retrying':
    case 'duplicate':
      return 'degraded';
    case 'missing':
    case 'failed':
      return 'failing';
    case 'pending':
    case 'skipped':
      return 'unknown';
  }
}

const SEVERITY: Record<TransactionStatus, number> = {
  failed: 0,
  missing: 1,
  late: 2,
  duplicate: 3,
  in_progress: 4,
  recovered: 5,
  completed: 6,
};

/** Orders transactions worst first: failed, missing, late, duplicate; then by how late; then newest. */
export function worstFirst(items: readonly TransactionSummary[]): TransactionSummary[] {
  return [...items].sort(
    (a, b) =>
      SEVERITY[a.status] - SEVERITY[b.status] ||
      (b.lateByMs ?? 0) - (a.lateByMs ?? 0) ||
      Date.parse(b.startedAt) - Date.parse(a.startedAt),
  );
}

/** A label for a status ("in progress"). */
export function statusLabel(status: TransactionStatus | StepState): string {
  return status.replace(/_/g, ' ');
}
