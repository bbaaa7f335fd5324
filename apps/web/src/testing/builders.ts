// Fixture builders for component tests; their output passes the @linewatch/schema shapes.
import {
  AlertSchema,
  FlowHealthRowSchema,
  StepTimelineSchema,
  TransactionSummarySchema,
  type Alert,
  type FlowHealthRow,
  type StepTimeline,
  type TransactionSummary,
} from '@linewatch/schema';
import { AuditPageSchema, type AuditRecord } from '../features/audit/queries.ts';
import { AuthSessionSchema, type AuthSession, type SessionPrincipal } from '../features/auth/authSchemas.ts';

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

/** An open alert as GET /api/v1/alerts lists it; `over` replaces fields. */
export function makeAlert(over: Partial<Alert> = {}): Alert {
  return AlertSchema.parse({
    id: 'a-mes-p02',
    rule: 'mes_silence',
    ruleKind: 'connector',
    state: 'firing',
    tier: 'P1',
    tierReason:
      'production flows production_confirmation: silence at 1 plant (production stopped or about to)',
    plant: 'P02',
    flow: null,
    node: 'mes',
    labels: { system: 'mes', plant: 'P02' },
    annotations: { summary: 'No data from mes at P02 for 5m' },
    value: 12,
    examples: [],
    startsAt: '2026-12-09T09:50:00.000Z',
    firedAt: '2026-12-09T09:55:00.000Z',
    endsAt: null,
    acknowledgedBy: null,
    acknowledgedAt: null,
    ackComment: null,
    silencedBy: null,
    cause: null,
    symptoms: [],
    link: 'http://linewatch.test/alerts/a-mes-p02',
    ...over,
  });
}

/** A signed-in session of a user (operate at P01), with overrides of its principal. */
export function makeSession(over: Partial<SessionPrincipal> = {}, csrfToken = 'csrf-123'): AuthSession {
  const parsed = AuthSessionSchema.safeParse({
    principal: {
      id: 'usr_ana',
      kind: 'user',
      name: 'Ana Novak',
      scopes: ['operate', 'read'],
      plants: ['P01'],
      systems: [],
      credential: 'session',
      ...over,
    },
    csrfToken,
    expiresAt: '2026-12-09T18:00:00.000Z',
    idleExpiresAt: '2026-12-09T11:00:00.000Z',
  });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
  return parsed.data;
}

/** An audit row (an acknowledgement with before/after), with overrides. */
export function makeAuditRecord(over: Partial<AuditRecord> = {}): AuditRecord {
  const parsed = AuditPageSchema.safeParse({
    entries: [
      {
        id: 'aud-1',
        time: '2026-12-09T09:30:00.000Z',
        principal: { id: 'usr_ana', kind: 'user', name: 'Ana Novak' },
        action: 'alert.acknowledge',
        target: 'a-missing',
        plant: 'P02',
        address: '10.0.0.7',
        outcome: 'ok',
        before: { acknowledgedBy: null },
        after: { acknowledgedBy: 'Ana Novak', comment: 'MES restarted' },
        detail: '',
        ...over,
      },
    ],
    nextCursor: null,
  });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
  return parsed.data.entries[0] as AuditRecord;
}
