import {
  FlowHealthSchema,
  FlowListSchema,
  QueryResultSchema,
  TransactionListSchema,
  type FlowHealthRow,
} from '@linewatch/schema';
import { useApi } from '../../lib/useApi.ts';

/** Flow health per flow and per flow × plant over the window. */
export function useFlowHealth(window: string, plant?: string, flow?: string) {
  return useApi('/api/v1/flow-health', FlowHealthSchema, { window, plant, flow });
}

/** The loaded flows and any problems with their files. */
export function useFlows() {
  return useApi('/api/v1/flows', FlowListSchema, undefined, { live: false });
}

/** Transactions with a problem (failed, missing, late, duplicate) in the window, newest first. */
export function useProblemTransactions(window: string, plant?: string, limit = 100) {
  return useApi('/api/v1/transactions', TransactionListSchema, {
    window,
    plant,
    status: 'failed,missing,late,duplicate',
    sort: 'updated_at',
    order: 'desc',
    limit,
  });
}

/** Events and failed events per time bucket (named query), for the throughput trend. */
export function useEventTrend(range: string, plant?: string, by = 'outcome') {
  return useApi('/api/v1/queries/events_over_time', QueryResultSchema, { range, plant, by });
}

/** The plant × flow matrix: flows (rows), plants (columns) and the row of each cell. */
export interface HealthMatrix {
  flows: FlowHealthRow[];
  plants: string[];
  cell: (flow: string, plant: string) => FlowHealthRow | undefined;
}

const CRITICALITY = ['production', 'quality', 'shipping', 'inventory', 'finance', 'informational'];

/** Builds the matrix: flows by criticality then name, plants sorted, cells by (flow, plant). */
export function buildMatrix(
  flows: readonly FlowHealthRow[],
  plantRows: readonly FlowHealthRow[],
): HealthMatrix {
  const byKey = new Map(plantRows.map((r) => [`${r.flow}\u0000${r.plant ?? ''}`, r]));
  const plants = [...new Set(plantRows.map((r) => r.plant).filter((p): p is string => !!p))].sort();
  const sorted = [...flows].sort(
    (a, b) =>
      CRITICALITY.indexOf(a.criticality) - CRITICALITY.indexOf(b.criticality) || a.name.localeCompare(b.name),
  );
  return { flows: sorted, plants, cell: (flow, plant) => byKey.get(`${flow}\u0000${plant}`) };
}
