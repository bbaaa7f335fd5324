import {
  flowHops,
  type DependencyEdge,
  type DependencyEdgeKind,
  type DependencyFlow,
  type DependencyGraph,
  type DependencyHealth,
  type DependencyNode,
  type DependencyNodeKind,
  type Flow,
  type FlowHealthRow,
  type RedMetrics,
} from '@linewatch/schema';
import {
  healthFromFlowFigures,
  healthFromRed,
  redMetrics,
  worstHealth,
  type FlowFigures,
} from './dependencyHealth.ts';
import { flowDependencies, impactOf, type ImpactGraph } from './impactOf.ts';

/** One traced edge over the window, as the edges query returns it (durations in nanoseconds). */
export interface TracedEdgeRow {
  source: string;
  sourceKind: string;
  target: string;
  targetKind: string;
  kinds: readonly ('call' | 'messaging')[];
  plants: readonly string[];
  calls: number;
  errors: number;
  p50Ns: number | null;
  p95Ns: number | null;
}

/** Entry-span RED figures of a service, or the calls a peer received (durations in nanoseconds). */
export interface NodeRedRow {
  node: string;
  plants: readonly string[];
  calls: number;
  errors: number;
  p50Ns: number | null;
  p95Ns: number | null;
}

export interface DependencyGraphInput {
  from: Date;
  to: Date;
  edges: readonly TracedEdgeRow[];
  /** Entry-span RED per service. */
  services: readonly NodeRedRow[];
  /** Calls received per uninstrumented peer. */
  peers: readonly NodeRedRow[];
  flows: readonly Flow[];
  /** Flow health rows (per flow total with plant null, and per flow and plant); absent flows show `unknown`. */
  flowHealth: readonly FlowHealthRow[];
  /** Show only this plant. */
  plant?: string | undefined;
  /** Show only this flow and what it depends on. */
  flow?: string | undefined;
  /** The caller may see only these plants (empty: all). */
  allowedPlants?: readonly string[];
}

const PEER_KINDS = new Set<DependencyNodeKind>(['database', 'messaging', 'external']);
const KIND_RANK: Record<DependencyNodeKind, number> = {
  service: 3,
  system: 2,
  database: 1,
  messaging: 1,
  external: 1,
};

function asNodeKind(kind: string): DependencyNodeKind {
  return kind === 'service' || PEER_KINDS.has(kind as DependencyNodeKind)
    ? (kind as DependencyNodeKind)
    : 'external';
}

/** The label of a node id: peers drop their `db:`/`messaging:`/`host:` prefix. */
export function nodeLabel(id: string): string {
  const m = /^(?:db|messaging|host):(.+)$/.exec(id);
  return m ? (m[1] as string) : id;
}

function plantScope(input: DependencyGraphInput): ((plant: string) => boolean) | undefined {
  const allowed = input.allowedPlants?.length ? new Set(input.allowedPlants) : undefined;
  if (!allowed && input.plant === undefined) return undefined;
  return (p) => (input.plant === undefined || p === input.plant) && (!allowed || allowed.has(p));
}

/** Sums flow health rows (per plant) into the figures of the plants in scope. */
function figuresFor(
  flow: Flow,
  rows: readonly FlowHealthRow[],
  inScope: ((p: string) => boolean) | undefined,
): FlowFigures | undefined {
  const mine = rows.filter((r) => r.flow === flow.id);
  if (mine.length === 0) return undefined;
  if (!inScope)
    return (
      mine.find((r) => r.plant === null) ??
      sumRows(
        mine.filter((r) => r.plant !== null),
        flow,
      )
    );
  return sumRows(
    mine.filter((r) => r.plant !== null && inScope(r.plant)),
    flow,
  );
}

function sumRows(rows: readonly FlowHealthRow[], flow: Flow): FlowFigures {
  const sum = (k: 'volume' | 'inProgress' | 'onTime' | 'late' | 'missing' | 'failed') =>
    rows.reduce((a, r) => a + r[k], 0);
  const finished = sum('volume') - sum('inProgress');
  return {
    volume: sum('volume'),
    onTimeRatio: finished > 0 ? Math.min(1, sum('onTime') / finished) : null,
    late: sum('late'),
    missing: sum('missing'),
    failed: sum('failed'),
    sloTarget: rows[0]?.sloTarget ?? flow.slo.onTimeTarget,
  };
}

const uniqSorted = (values: Iterable<string>) => [...new Set(values)].filter((v) => v !== '').sort();

/**
 * Builds the dependency map from traced edges and RED rows (already limited to the window and
 * plants by the queries) and the flow definitions with their health: nodes, edges, flows, each
 * with metrics, health and impact. Pure.
 * @example buildDependencyGraph({ from, to, edges, services, peers, flows, flowHealth: [] })
 */
export function buildDependencyGraph(input: DependencyGraphInput): DependencyGraph {
  const seconds = Math.max(1, (input.to.getTime() - input.from.getTime()) / 1000);
  const inScope = plantScope(input);

  // Flows in scope: the selected one, running in a visible plant (empty plants = all plants).
  const flows = input.flows.filter(
    (f) =>
      (input.flow === undefined || f.id === input.flow) &&
      (!inScope || f.plants.length === 0 || f.plants.some(inScope)),
  );
  const flowViews: DependencyFlow[] = flows.map((f) => {
    const figures = figuresFor(f, input.flowHealth, inScope);
    const seen = input.flowHealth
      .filter((r) => r.flow === f.id && r.plant !== null && r.volume > 0)
      .map((r) => r.plant as string);
    const plants = uniqSorted(f.plants.length ? f.plants : seen).filter((p) => !inScope || inScope(p));
    return {
      flow: f.id,
      name: f.name,
      criticality: f.criticality,
      plants,
      systems: [...new Set(f.steps.map((s) => s.system))],
      health: healthFromFlowFigures(figures),
      volume: figures?.volume ?? 0,
      onTimeRatio: figures?.onTimeRatio ?? null,
      late: figures?.late ?? 0,
      missing: figures?.missing ?? 0,
      failed: figures?.failed ?? 0,
    };
  });
  const flowHealthById = new Map(flowViews.map((f) => [f.flow, f.health]));

  type Draft = Omit<DependencyNode, 'impact' | 'health' | 'metrics' | 'plants'> & {
    plants: Set<string>;
    metrics: RedMetrics | null;
  };
  const nodes = new Map<string, Draft>();
  const node = (id: string, kind: DependencyNodeKind): Draft => {
    let n = nodes.get(id);
    if (!n)
      nodes.set(
        id,
        (n = {
          id,
          name: nodeLabel(id),
          kind,
          instrumented: false,
          flows: [],
          plants: new Set(),
          metrics: null,
        }),
      );
    if (KIND_RANK[kind] > KIND_RANK[n.kind]) n.kind = kind;
    if (kind === 'service') n.instrumented = true;
    return n;
  };

  type EdgeDraft = Omit<DependencyEdge, 'impact' | 'health' | 'kinds' | 'plants'> & {
    kinds: Set<DependencyEdgeKind>;
    plants: Set<string>;
  };
  const edges = new Map<string, EdgeDraft>();
  const edge = (source: string, target: string): EdgeDraft => {
    const id = `${source}->${target}`;
    let e = edges.get(id);
    if (!e)
      edges.set(
        id,
        (e = { id, source, target, kinds: new Set(), metrics: null, flows: [], plants: new Set() }),
      );
    return e;
  };

  for (const row of input.edges) {
    if (row.source === row.target) continue;
    const ends = [node(row.source, asNodeKind(row.sourceKind)), node(row.target, asNodeKind(row.targetKind))];
    for (const n of ends) for (const p of row.plants) n.plants.add(p);
    const e = edge(row.source, row.target);
    for (const k of row.kinds) e.kinds.add(k);
    for (const p of row.plants) e.plants.add(p);
    e.metrics = redMetrics(row.calls, row.errors, row.p50Ns, row.p95Ns, seconds);
  }
  for (const row of input.services) {
    const n = node(row.node, 'service');
    for (const p of row.plants) n.plants.add(p);
    n.metrics = redMetrics(row.calls, row.errors, row.p50Ns, row.p95Ns, seconds);
  }
  for (const row of input.peers) {
    const n = nodes.get(row.node);
    if (!n || n.instrumented) continue;
    for (const p of row.plants) n.plants.add(p);
    n.metrics = redMetrics(row.calls, row.errors, row.p50Ns, row.p95Ns, seconds);
  }
  for (const f of flows) {
    const view = flowViews.find((v) => v.flow === f.id) as DependencyFlow;
    for (const system of view.systems) {
      const n = node(system, 'system');
      if (!n.flows.includes(f.id)) n.flows.push(f.id);
      for (const p of view.plants) n.plants.add(p);
    }
    for (const hop of flowHops(f)) {
      if (hop.from === hop.to) continue;
      node(hop.from, 'system');
      node(hop.to, 'system');
      const e = edge(hop.from, hop.to);
      e.kinds.add('flow');
      if (!e.flows.includes(f.id)) e.flows.push(f.id);
      for (const p of view.plants) e.plants.add(p);
    }
  }

  let nodeList = [...nodes.values()];
  let edgeList = [...edges.values()];
  const structure = (): ImpactGraph => ({
    nodes: nodeList,
    edges: edgeList.map((e) => ({ source: e.source, target: e.target, kinds: [...e.kinds], flows: e.flows })),
    flows: flowViews,
  });

  // One flow selected: keep what it depends on (its systems and what they need, transitively).
  if (input.flow !== undefined) {
    const keep = new Set<string>();
    for (const set of flowDependencies(structure()).values()) for (const id of set) keep.add(id);
    nodeList = nodeList.filter((n) => keep.has(n.id));
    edgeList = edgeList.filter((e) => keep.has(e.source) && keep.has(e.target));
  }

  const graph = structure();
  const deps = flowDependencies(graph);
  const flowsHealth = (ids: readonly string[]): DependencyHealth[] =>
    ids.map((id) => flowHealthById.get(id) ?? 'unknown');

  return {
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    nodes: nodeList
      .map((n): DependencyNode => ({
        ...n,
        flows: [...n.flows].sort(),
        plants: uniqSorted(n.plants),
        // A node's own traffic decides its colour; a system seen only through flows takes their health.
        health: n.metrics ? healthFromRed(n.metrics) : worstHealth(flowsHealth(n.flows)),
        impact: impactOf(graph, { node: n.id }, deps),
      }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    edges: edgeList
      .map((e): DependencyEdge => ({
        ...e,
        kinds: [...e.kinds].sort(),
        flows: [...e.flows].sort(),
        plants: uniqSorted(e.plants),
        health: worstHealth([...(e.metrics ? [healthFromRed(e.metrics)] : []), ...flowsHealth(e.flows)]),
        impact: impactOf(graph, { source: e.source, target: e.target }, deps),
      }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    flows: flowViews,
  };
}
