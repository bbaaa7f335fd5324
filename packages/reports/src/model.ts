import type { WeekWindow } from './isoWeek.ts';

/** Which transactions a report covers. */
export type ReportScope =
  { kind: 'all' } | { kind: 'plant'; plant: string } | { kind: 'owner'; owner: string };

/** Status counts and end-to-end quantiles of one flow (plant null: every plant in scope). */
export interface StatusRow {
  flow: string;
  plant: string | null;
  volume: number;
  inProgress: number;
  completed: number;
  late: number;
  missing: number;
  failed: number;
  recovered: number;
  duplicate: number;
  p50E2eMs: number | null;
  p95E2eMs: number | null;
}

/** Failed transactions of one flow (and plant) by error category. */
export interface CategoryRow {
  flow: string;
  plant: string | null;
  category: string;
  count: number;
}

/** A late, missing or failed transaction, with how long it is overdue (or failing) at the report's time. */
export interface WorstRow {
  flow: string;
  key: string;
  plant: string;
  status: 'late' | 'missing' | 'failed';
  reason: string;
  startedAt: number;
  overdueMs: number;
  problemStep: string;
  errorCategory: string;
}

/** Volume and on-time counts of one flow in one week of the trend. */
export interface TrendRow {
  week: string;
  flow: string;
  volume: number;
  onTime: number;
  finished: number;
}

/** An alert that fired in the week. */
export interface IncidentRow {
  id: string;
  tier: string;
  rule: string;
  plant: string;
  flow: string;
  startsAt: number;
  firedAt: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
}

/** What the query edge reads for one report: aggregates, never raw transactions. */
export interface ReportData {
  statuses: StatusRow[];
  categories: CategoryRow[];
  worst: WorstRow[];
  trend: TrendRow[];
  /** null when the store has no alerting tables. */
  incidents: IncidentRow[] | null;
}

/** One row of the flow table. */
export interface FlowFigures {
  flow: string;
  name: string;
  owner: string;
  /** null: every plant in scope. */
  plant: string | null;
  volume: number;
  inProgress: number;
  /** Volume less in progress: what the SLO is judged on. */
  finished: number;
  /** Completed plus recovered (a retry that still met every deadline), as flow health counts it. */
  onTime: number;
  completed: number;
  late: number;
  missing: number;
  failed: number;
  recovered: number;
  duplicate: number;
  topErrorCategories: { category: string; count: number }[];
  onTimeRatio: number | null;
  sloTarget: number;
  /** onTimeRatio / sloTarget, capped at 1. */
  attainment: number | null;
  sloMet: boolean | null;
  /** Transactions the SLO allows not on time: (1 − target) × finished. */
  errorBudget: number;
  /** Finished transactions not on time. */
  errorBudgetSpent: number;
  /** spent / budget (above 1 when overspent; null when nothing finished). */
  errorBudgetUsed: number | null;
  /** 1 − used (negative when overspent). */
  errorBudgetRemaining: number | null;
  p50E2eMs: number | null;
  p95E2eMs: number | null;
}

/** A worst transaction with its link to the timeline in the UI. */
export interface WorstTransaction extends WorstRow {
  url: string;
}

/** Incidents of one impact tier. */
export interface TierIncidents {
  tier: string;
  count: number;
  acknowledged: number;
  resolved: number;
  /** Mean time from the first breach (pending) to firing. */
  meanTimeToDetectMs: number | null;
  /** Mean time from firing to the first acknowledgement, over the acknowledged ones. */
  meanTimeToAcknowledgeMs: number | null;
  /** Mean time from firing to resolution, over the resolved ones. */
  meanTimeToResolveMs: number | null;
}

/** The numbers of one weekly SLA report. */
export interface Report {
  title: string;
  generatedAt: number;
  window: WeekWindow;
  scope: ReportScope;
  /** One row per flow in scope (every plant). */
  flows: FlowFigures[];
  /** One row per flow and plant that had transactions. */
  plants: FlowFigures[];
  worst: WorstTransaction[];
  trend: {
    /** Oldest first; the last one is the report's week. */
    weeks: string[];
    flows: {
      flow: string;
      name: string;
      points: { week: string; volume: number; onTimeRatio: number | null }[];
    }[];
  };
  incidents: { available: false } | { available: true; tiers: TierIncidents[] };
}
