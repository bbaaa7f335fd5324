// Fixture builders for component tests; their output passes the @linewatch/schema shapes.
import {
  FlowHealthRowSchema,
  StepTimelineSchema,
  TransactionSummarySchema,
  type FlowHealthRow,
  type StepTimeline,
  type TransactionSummary,
} from '@linewatch/schema';

/** A flow health row meeting its target, with overrides. */
export function makeRow(over: Partial<FlowHealthRow> = {}): FlowHealthRow {
  return FlowHealthRowSchema.parse({
    flow: 'mo_confirmation',
    plant: 'P01',
    name: 'MO confirmation',
    criticality: 'production',
    volume: 100,
    inProgress: 0,
    completed: 100,
    onTime: 100,
    late: 0,
    missing: 0,
    failed: 0,
    recovered: 0,
    duplicate: 0,
    onTimeRatio: 1,
    p50E2eMs: 1000,
    p95E2eMs: 2000,
    sloTarget: 0.99,
    sloAttainment: 1,
    sloMet: true,
    ...over,
  });
}

/** A transaction summary, with overrides. */
export function makeTransaction(over: Partial<TransactionSummary> = {}): TransactionSummary {
  return TransactionSummarySchema.parse({
    flow: 'mo_confirmation',
    key: 'MO/00042',
    plant: 'P01',
    status: 'completed',
    reason: 'completed on time',
    startedAt: '2026-11-27T08:00:00.000Z',
    completedAt: null,
    e2eMs: null,
    lateByMs: null,
    nextDeadlineAt: null,
    errorCategory: null,
    problemStep: null,
    stepsDone: 1,
    stepsTotal: 3,
    linkedKeys: [],
    updatedAt: '2026-11-27T08:00:00.000Z',
    ...over,
  });
}

/** A step of a transaction's timeline, with overrides. */
export function makeStep(over: Partial<StepTimeline> = {}): StepTimeline {
  return StepTimelineSchema.parse({
    step: 'released',
    name: 'Released',
    system: 'odoo',
    optional: false,
    repeat: false,
    fanOut: false,
    state: 'done',
    actualAt: '2026-11-27T08:00:00.000Z',
    lastAt: '2026-11-27T08:00:00.000Z',
    expectedBy: null,
    deadline: null,
    lateByMs: null,
    count: 1,
    children: null,
    errorCategory: null,
    lastFailure: null,
    ...over,
  });
}
