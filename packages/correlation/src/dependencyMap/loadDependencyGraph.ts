import type { DependencyGraph, Flow, FlowHealthRow } from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import { buildDependencyGraph } from './buildDependencyGraph.ts';
import { queryPeerRed, queryServiceRed, queryTracedEdges } from './dependencyQueries.ts';
import type { DependencyTimeRange } from './dependencyTimeRange.ts';

export interface LoadDependencyGraphOptions {
  range: DependencyTimeRange;
  flows: readonly Flow[];
  /** Flow health rows for the same range (per flow, and per flow and plant). */
  flowHealth: readonly FlowHealthRow[];
  plant?: string | undefined;
  flow?: string | undefined;
  /** Plants the caller may see (empty: all). */
  allowedPlants?: readonly string[];
}

/** The plants the span queries keep: the chosen one, else the allowed ones, else all (undefined). */
export function plantsInScope(
  plant: string | undefined,
  allowed: readonly string[] | undefined,
): string[] | undefined {
  if (plant !== undefined) return !allowed?.length || allowed.includes(plant) ? [plant] : [];
  return allowed?.length ? [...allowed] : undefined;
}

/**
 * Reads the traced edges and RED snapshots of a range and builds the dependency map with the flows
 * and their health. The only reads are the per-minute snapshot tables (never raw spans).
 * @example const graph = await loadDependencyGraph(store, { range, flows, flowHealth: [] });
 */
export async function loadDependencyGraph(
  store: Store,
  options: LoadDependencyGraphOptions,
): Promise<DependencyGraph> {
  const filter = { ...options.range, plants: plantsInScope(options.plant, options.allowedPlants) };
  const [edges, services, peers] = await Promise.all([
    queryTracedEdges(store, filter),
    queryServiceRed(store, filter),
    queryPeerRed(store, filter),
  ]);
  return buildDependencyGraph({
    from: options.range.from,
    to: options.range.to,
    edges,
    services,
    peers,
    flows: options.flows,
    flowHealth: options.flowHealth,
    plant: options.plant,
    flow: options.flow,
    allowedPlants: options.allowedPlants ?? [],
  });
}
