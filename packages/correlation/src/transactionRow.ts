import { createHash } from 'node:crypto';
import { sql } from '@linewatch/store';
import type { TransactionEvaluation } from './evaluateTransaction.ts';

/** A stored transaction row, times as epoch milliseconds. */
export interface TransactionRow {
  key: string;
  flow: string;
  plant: string;
  status: string;
  reason: string;
  started_at: number;
  completed_at: number | null;
  e2e_ms: number | null;
  late_by_ms: number | null;
  problem_deadline_at: number | null;
  problem_step: string;
  error_category: string;
  next_deadline_at: number | null;
  next_check_at: number | null;
  steps_done: number;
  steps_total: number;
  linked_keys: string[];
  updated_at: number;
}

/** Columns of `transactions` with times as epoch milliseconds (for `TransactionRow`). */
export const transactionColumns = sql`
  key, CAST(flow, 'String') AS flow, CAST(plant, 'String') AS plant, CAST(status, 'String') AS status, reason,
  toUnixTimestamp64Milli(started_at) AS started_at, toUnixTimestamp64Milli(completed_at) AS completed_at,
  e2e_ms, late_by_ms, toUnixTimestamp64Milli(problem_deadline_at) AS problem_deadline_at,
  CAST(problem_step, 'String') AS problem_step, CAST(error_category, 'String') AS error_category,
  toUnixTimestamp64Milli(next_deadline_at) AS next_deadline_at, toUnixTimestamp64Milli(next_check_at) AS next_check_at,
  steps_done, steps_total, linked_keys, toUnixTimestamp64Milli(updated_at) AS updated_at`;

/** The row `transactions` stores for an evaluation. */
export function transactionRow(e: TransactionEvaluation, now: number): TransactionRow {
  return {
    key: e.key,
    flow: e.flow,
    plant: e.plant,
    status: e.status,
    reason: e.reason,
    started_at: e.startedAt ?? now,
    completed_at: e.completedAt,
    e2e_ms: e.e2eMs,
    // A missing step's overdue time grows with the clock: it is computed when read, from problem_deadline_at.
    late_by_ms: e.status === 'missing' ? null : e.lateByMs,
    problem_deadline_at: e.problemDeadlineAt,
    problem_step: e.problemStep ?? '',
    error_category: e.errorCategory ?? '',
    next_deadline_at: e.nextDeadlineAt,
    next_check_at: e.nextCheckAt,
    steps_done: e.stepsDone,
    steps_total: e.stepsTotal,
    linked_keys: e.linkedKeys,
    updated_at: now,
  };
}

/** A digest of everything derived (not updated_at): equal digests mean nothing to rewrite. */
export function fingerprint(r: TransactionRow): string {
  const text = JSON.stringify([
    r.plant,
    r.status,
    r.reason,
    r.started_at,
    r.completed_at,
    r.e2e_ms,
    r.late_by_ms,
    r.problem_deadline_at,
    r.problem_step,
    r.error_category,
    r.next_deadline_at,
    r.next_check_at,
    r.steps_done,
    r.steps_total,
    r.linked_keys,
  ]);
  return createHash('sha1').update(text).digest('base64url').slice(0, 16);
}

/** Column order of the JSONCompactEachRowWithNames body written to `transactions`. */
const NAMES = [
  'key',
  'flow',
  'plant',
  'status',
  'reason',
  'started_at',
  'completed_at',
  'e2e_ms',
  'late_by_ms',
  'problem_deadline_at',
  'problem_step',
  'error_category',
  'next_deadline_at',
  'next_check_at',
  'steps_done',
  'steps_total',
  'linked_keys',
  'updated_at',
  'version',
  'is_deleted',
  'fingerprint',
];

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/**
 * Encodes rows for `insertRaw(…, 'JSONCompactEachRowWithNames', …)`: arrays instead of objects, so
 * column names are not repeated on every row (a third of the bytes).
 */
export function encodeTransactions(
  rows: readonly { row: TransactionRow; version: number; deleted: boolean }[],
): string {
  const lines = [JSON.stringify(NAMES)];
  for (const { row: r, version, deleted } of rows)
    lines.push(
      JSON.stringify([
        r.key,
        r.flow,
        r.plant,
        r.status,
        r.reason,
        iso(r.started_at),
        iso(r.completed_at),
        r.e2e_ms,
        r.late_by_ms,
        iso(r.problem_deadline_at),
        r.problem_step,
        r.error_category,
        iso(r.next_deadline_at),
        iso(r.next_check_at),
        r.steps_done,
        r.steps_total,
        r.linked_keys,
        iso(r.updated_at),
        version,
        deleted ? 1 : 0,
        deleted ? '' : fingerprint(r),
      ]),
    );
  return `${lines.join('\n')}\n`;
}
