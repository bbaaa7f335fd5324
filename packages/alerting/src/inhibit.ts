import { downstreamOf, flowDependencies, type ImpactGraph } from '@linewatch/correlation';

// Dependency-aware inhibition: while a cause fires (a connector silent or failing, a poller down, a
// queue stalled), the alerts it explains are attached to it as symptoms and are not notified on their
// own. An alert is explained by a cause at the same plant (or a cause with no plant) when
//  - its node is downstream of the cause's node on the dependency map (`downstreamOf`), or
//  - its node is a queue the cause's node consumes (a stopped consumer makes its inbound queues grow):
//    a messaging edge on the map, or, where no span traced the queue (MQTT, pollers only), a queue
//    named after its consumer (`p02.mes.production_confirmation` has `mes` as a dot-separated part), or
//  - it is about a flow that depends on the cause's node (`flowDependencies`).
// Causes are taken in precedence order (silence and pollers, then failing systems, then queues; earlier
// first): one explained by a cause already taken is its symptom, so each outage has one root.

/** What inhibition reads of an alert. */
export interface InhibitionCandidate {
  id: string;
  state: 'pending' | 'firing' | 'resolved';
  /** True for the kinds that can be a cause: connector silence or errors, poller down, queue alerts. */
  canCause: boolean;
  /** The dependency-map node the alert is about (`mes`, `messaging:p02.mes.production_confirmation`). */
  node: string | null;
  flow: string | null;
  plant: string | null;
  /** Precedence among causes, lower first: 0 a system silent or a poller down, 1 a system failing, 2 a queue. */
  causeRank: number;
  /** When it started firing; earlier causes win ties. */
  firedAt: number | undefined;
}

/** Queues each node consumes from (messaging edges queue → consumer). */
function consumedQueues(graph: ImpactGraph): Map<string, Set<string>> {
  const kinds = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  const out = new Map<string, Set<string>>();
  for (const e of graph.edges) {
    if (!e.kinds.includes('messaging') || kinds.get(e.source) !== 'messaging') continue;
    let set = out.get(e.target);
    if (!set) out.set(e.target, (set = new Set()));
    set.add(e.source);
  }
  return out;
}

/** True when a queue node's name has the system as one of its dot-separated parts (its consumer by convention). */
function namedConsumer(queueNode: string, system: string): boolean {
  if (system.startsWith('messaging:')) return false;
  return queueNode.slice('messaging:'.length).split('.').includes(system);
}

/**
 * For each symptom, the id of the firing cause it is attached to. Only firing causes inhibit; the
 * symptom may be pending or firing.
 * @example attachSymptoms(alerts, graph).get('missing-confirmations-p02') // 'mes-silent-p02'
 */
export function attachSymptoms(
  alerts: readonly InhibitionCandidate[],
  graph: ImpactGraph,
): Map<string, string> {
  const deps = flowDependencies(graph);
  const consumes = consumedQueues(graph);
  const causes = alerts
    .filter((a) => a.canCause && a.state === 'firing' && a.node)
    .sort(
      (a, b) => a.causeRank - b.causeRank || (a.firedAt ?? 0) - (b.firedAt ?? 0) || a.id.localeCompare(b.id),
    );
  const reach = new Map<string, Set<string>>();
  for (const c of causes) {
    const node = c.node as string;
    if (!reach.has(node))
      reach.set(node, new Set([...downstreamOf(graph, node), ...(consumes.get(node) ?? [])]));
  }
  const explains = (cause: InhibitionCandidate, a: InhibitionCandidate): boolean => {
    if (cause.id === a.id || a.state === 'resolved') return false;
    if (cause.plant !== null && a.plant !== null && cause.plant !== a.plant) return false;
    if (cause.plant !== null && a.plant === null) return false;
    const node = cause.node as string;
    if (a.node !== null && a.node !== node && reach.get(node)?.has(a.node)) return true;
    if (a.node?.startsWith('messaging:') && namedConsumer(a.node, node)) return true;
    if (a.flow !== null && deps.get(a.flow)?.has(node)) return a.node === null || a.node !== node;
    return false;
  };
  // Causes in order of precedence: a cause explained by an earlier root joins it, else becomes a root.
  const roots: InhibitionCandidate[] = [];
  const out = new Map<string, string>();
  for (const c of causes) {
    const root = roots.find((r) => explains(r, c));
    if (root) out.set(c.id, root.id);
    else roots.push(c);
  }
  for (const a of alerts) {
    if (out.has(a.id) || roots.includes(a)) continue;
    const root = roots.find((r) => explains(r, a));
    if (root) {
      out.set(a.id, root.id);
      continue;
    }
    const via = causes.find((c) => out.has(c.id) && explains(c, a));
    if (via) out.set(a.id, out.get(via.id) as string);
  }
  return out;
}
