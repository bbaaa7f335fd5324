import type { TransactionStatus, TransactionSummary } from '@linewatch/schema';
import type { TransactionRow } from './transactionRow.ts';
import type { TransactionEvaluation } from './evaluateTransaction.ts';

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();
const num = (v: number | null | undefined) => (v === null || v === undefined ? null : Number(v));

/** A stored transaction as the API shows it; a missing step's overdue time is computed at `now`. */
export function summaryFromRow(r: TransactionRow, now: number): TransactionSummary {
  const status = r.status as TransactionStatus;
  return {
    flow: r.flow,
    key: r.key,
    plant: r.plant,
    status,
    reason: r.reason,
    startedAt: iso(r.started_at) as string,
    completedAt: iso(r.completed_at),
    e2eMs: num(r.e2e_ms),
    lateByMs:
      status === 'missing' && r.problem_deadline_at !== null
        ? Math.max(0, now - Number(r.problem_deadline_at))
        : num(r.late_by_ms),
    nextDeadlineAt: iso(r.next_deadline_at),
    errorCategory: r.error_category || null,
    problemStep: r.problem_step || null,
    stepsDone: Number(r.steps_done),
    stepsTotal: Number(r.steps_total),
    linkedKeys: r.linked_keys,
    updatedAt: iso(r.updated_at) as string,
  };
}

/** A fresh evaluation as the API shows it. */
export function summaryFromEvaluation(e: TransactionEvaluation, now: number): TransactionSummary {
  return {
    flow: e.flow,
    key: e.key,
    plant: e.plant,
    status: e.status,
    reason: e.reason,
    startedAt: iso(e.startedAt ?? now) as string,
    completedAt: iso(e.completedAt),
    e2eMs: e.e2eMs,
    lateByMs: e.lateByMs,
    nextDeadlineAt: iso(e.nextDeadlineAt),
    errorCategory: e.errorCategory,
    problemStep: e.problemStep,
    stepsDone: e.stepsDone,
    stepsTotal: e.stepsTotal,
    linkedKeys: e.linkedKeys,
    updatedAt: iso(now) as string,
  };
}
