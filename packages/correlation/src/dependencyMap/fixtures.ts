// Builders for the dependency-map tests; their output passes the schemas.
import { FlowSchema, type Flow, type FlowHealthRow, type FlowInput } from '@linewatch/schema';
import type { NodeRedRow, TracedEdgeRow } from './buildDependencyGraph.ts';

/** A flow over the given systems, one step per system, criticality production unless overridden. */
export function makeDependencyFlow(id: string, systems: string[], overrides: Partial<FlowInput> = {}): Flow {
  return FlowSchema.parse({
    id,
    name: id.replaceAll('_', ' '),
    owner: 'integration-team',
    criticality: 'production',
    key: 'production_order',
    steps: systems.map((system, i) => ({ id: `step_${i}`, system })),
    ...overrides,
  });
}

/** A traced edge row: 100 calls, no errors, 20 ms p50 / 80 ms p95 unless overridden. */
export function makeEdgeRow(
  source: string,
  target: string,
  overrides: Partial<TracedEdgeRow> = {},
): TracedEdgeRow {
  return {
    source,
    sourceKind: 'service',
    target,
    targetKind: 'service',
    kinds: ['call'],
    plants: ['P01'],
    calls: 100,
    errors: 0,
    p50Ns: 20e6,
    p95Ns: 80e6,
    ...overrides,
  };
}

/** A service (or peer) RED row: 100 calls, no errors unless overridden. */
export function makeNodeRow(node: string, overrides: Partial<NodeRedRow> = {}): NodeRedRow {
  return { node, plants: ['P01'], calls: 100, errors: 0, p50Ns: 10e6, p95Ns: 40e6, ...overrides };
}

/** A flow health row (plant null: the flow's total): 100 transactions, all on time unless overridden. */
export function makeHealthRow(flow: string, overrides: Partial<FlowHealthRow> = {}): FlowHealthRow {
  const row: FlowHealthRow = {
    flow,
    plant: null,
    name: flow,
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
    p95E2eMs: 5000,
    sloTarget: 0.99,
    sloAttainment: 1,
    sloMet: true,
    ...overrides,
  };
  return row;
}
