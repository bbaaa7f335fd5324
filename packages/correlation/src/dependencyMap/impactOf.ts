import {
  CriticalitySchema,
  type DependencyEdgeKind,
  type DependencyNodeKind,
  type Impact,
} from '@linewatch/schema';

// Who depends on what. Two relations over the map:
//  - "needs" (for impact): a caller needs what it calls (call edge source → target); a consumer needs
//    the producer or queue it reads from (messaging edge target → source); a producer needs the
//    broker destination it writes to (messaging edge to a `messaging` node). A flow depends on the
//    systems of its steps and, transitively, on everything they need.
//  - "downstream" (for alerting): a failure at X fails every node that needs X, transitively, and
//    starves the systems that come after those on a flow's declared hops (that flow's data stops
//    arriving). Alerting suppresses symptoms at those nodes while X is the known cause.

/** The parts of a dependency graph that impact and downstream read (the API's graph satisfies it). */
export interface ImpactGraph {
  nodes: readonly { id: string; kind: DependencyNodeKind }[];
  edges: readonly {
    source: string;
    target: string;
    kinds: readonly DependencyEdgeKind[];
    flows: readonly string[];
  }[];
  flows: readonly {
    flow: string;
    criticality: string;
    plants: readonly string[];
    systems: readonly string[];
  }[];
}

/** A node by id, or an edge by its two ends. */
export type ImpactTarget = { node: string } | { source: string; target: string };

const CRITICALITY_ORDER: readonly string[] = CriticalitySchema.options;

/** Rank of a criticality, 0 = most severe; unknown values rank last. */
export function criticalityRank(criticality: string): number {
  const i = CRITICALITY_ORDER.indexOf(criticality);
  return i < 0 ? CRITICALITY_ORDER.length : i;
}

type Edge = ImpactGraph['edges'][number];

function nodeKinds(graph: ImpactGraph): Map<string, DependencyNodeKind> {
  return new Map(graph.nodes.map((n) => [n.id, n.kind]));
}

/** For each node, the nodes it needs directly. */
function needsIndex(graph: ImpactGraph): Map<string, Set<string>> {
  const kinds = nodeKinds(graph);
  const needs = new Map<string, Set<string>>();
  const add = (from: string, to: string) => {
    if (from === to) return;
    let set = needs.get(from);
    if (!set) needs.set(from, (set = new Set()));
    set.add(to);
  };
  for (const e of graph.edges) {
    if (e.kinds.includes('call')) add(e.source, e.target);
    if (e.kinds.includes('messaging')) {
      add(e.target, e.source);
      if (kinds.get(e.target) === 'messaging') add(e.source, e.target);
    }
  }
  return needs;
}

function closure(start: Iterable<string>, next: Map<string, Set<string>>): Set<string> {
  const seen = new Set(start);
  const queue = [...seen];
  for (let i = 0; i < queue.length; i++) {
    for (const n of next.get(queue[i] as string) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
    }
  }
  return seen;
}

/** Every node each flow depends on: its systems and everything they need, transitively. */
export function flowDependencies(graph: ImpactGraph): Map<string, Set<string>> {
  const needs = needsIndex(graph);
  return new Map(graph.flows.map((f) => [f.flow, closure(f.systems, needs)]));
}

/**
 * True when a flow depends on an edge: it declares the hop, or the edge is traced and joins two nodes
 * the flow depends on (then one end needs the other through it, by how the dependency set is built).
 */
function flowUsesEdge(edge: Edge, flowId: string, deps: Set<string>): boolean {
  if (edge.flows.includes(flowId)) return true;
  const traced = edge.kinds.includes('call') || edge.kinds.includes('messaging');
  return traced && deps.has(edge.source) && deps.has(edge.target);
}

/** Impact from a set of flows: their ids (most critical first), plants and criticalities. */
export function impactOfFlows(graph: ImpactGraph, flowIds: Iterable<string>): Impact {
  const wanted = new Set(flowIds);
  const flows = graph.flows
    .filter((f) => wanted.has(f.flow))
    .sort(
      (a, b) =>
        criticalityRank(a.criticality) - criticalityRank(b.criticality) || a.flow.localeCompare(b.flow),
    );
  const plants = [...new Set(flows.flatMap((f) => f.plants))].sort();
  const criticalities = [...new Set(flows.map((f) => f.criticality))].sort(
    (a, b) => criticalityRank(a) - criticalityRank(b),
  );
  return { flows: flows.map((f) => f.flow), plants, criticalities, topCriticality: criticalities[0] ?? null };
}

/**
 * The flows, plants and criticalities that depend on a node or an edge. Pass `deps` (from
 * `flowDependencies`) when calling it for many targets of one graph.
 * @example impactOf(graph, { node: 'mes-p02' }).topCriticality // 'production'
 */
export function impactOf(
  graph: ImpactGraph,
  target: ImpactTarget,
  deps: Map<string, Set<string>> = flowDependencies(graph),
): Impact {
  const ids: string[] = [];
  if ('node' in target) {
    for (const [flow, set] of deps) if (set.has(target.node)) ids.push(flow);
  } else {
    const edge = graph.edges.find((e) => e.source === target.source && e.target === target.target);
    if (edge) for (const [flow, set] of deps) if (flowUsesEdge(edge, flow, set)) ids.push(flow);
  }
  return impactOfFlows(graph, ids);
}

/** For each flow, the next systems after each system on its declared hops. */
function flowSuccessors(graph: ImpactGraph): Map<string, Map<string, Set<string>>> {
  const byFlow = new Map<string, Map<string, Set<string>>>();
  for (const e of graph.edges) {
    if (!e.kinds.includes('flow') || e.source === e.target) continue;
    for (const flow of e.flows) {
      let next = byFlow.get(flow);
      if (!next) byFlow.set(flow, (next = new Map<string, Set<string>>()));
      let set = next.get(e.source);
      if (!set) next.set(e.source, (set = new Set()));
      set.add(e.target);
    }
  }
  return byFlow;
}

/** Nodes after `starts` on the hops of the given flows (each flow followed on its own hops only). */
function starvedAfter(
  starts: readonly string[],
  successors: Map<string, Map<string, Set<string>>>,
  flows?: readonly string[],
): string[] {
  const out: string[] = [];
  for (const [flow, next] of successors) {
    if (flows && !flows.includes(flow)) continue;
    for (const n of closure(starts, next)) if (!starts.includes(n) && !out.includes(n)) out.push(n);
  }
  return out;
}

/** The nodes that fail with `node` (it and everything that needs it, transitively), nearest first. */
function failingWith(graph: ImpactGraph, node: string): string[] {
  const neededBy = new Map<string, Set<string>>();
  for (const [from, targets] of needsIndex(graph)) {
    for (const to of targets) {
      let set = neededBy.get(to);
      if (!set) neededBy.set(to, (set = new Set()));
      set.add(from);
    }
  }
  return [...closure([node], neededBy)];
}

/**
 * Nodes a failure at `node` reaches, nearest first: the nodes that need it (its callers, the consumers
 * of what it produces), transitively, and then the systems that come after any of those on a flow's
 * declared hops (that flow's data stops arriving there; they do not fail in turn). The node itself is
 * not included.
 * @example downstreamOf(graph, 'db:postgresql/odoo') // ['odoo', 'middleware', 'carrier']
 */
export function downstreamOf(graph: ImpactGraph, node: string): string[] {
  const failing = failingWith(graph, node);
  const starved = starvedAfter(failing, flowSuccessors(graph));
  return [...failing, ...starved.filter((n) => !failing.includes(n))].filter((n) => n !== node);
}

/**
 * Nodes a failure of the edge source → target reaches, nearest first. A failed call fails the caller
 * (and what needs it); failed messaging starves the consumer (and what needs it); a broken declared
 * hop starves the receiving system and the later systems of the flows that declare it.
 * @example downstreamOfEdge(graph, 'odoo', 'carrier') // ['carrier']
 */
export function downstreamOfEdge(graph: ImpactGraph, source: string, target: string): string[] {
  const edge = graph.edges.find((e) => e.source === source && e.target === target);
  if (!edge) return [];
  const out: string[] = [];
  const add = (nodes: Iterable<string>) => {
    for (const n of nodes) if (!out.includes(n)) out.push(n);
  };
  if (edge.kinds.includes('call')) add([source, ...downstreamOf(graph, source)]);
  if (edge.kinds.includes('messaging')) add([target, ...downstreamOf(graph, target)]);
  if (edge.kinds.includes('flow'))
    add([target, ...starvedAfter([target], flowSuccessors(graph), edge.flows)]);
  return out;
}
