import ELK from 'elkjs/lib/elk.bundled.js';
import type { DependencyGraph } from '@linewatch/schema';

/** Size of a node box on the map, in pixels (the layout needs it before rendering). */
export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 70;

/** A node position computed by the layout. */
export interface Placed {
  id: string;
  x: number;
  y: number;
}

const elk = new ELK();

/**
 * Lays the graph out automatically with ELK's layered algorithm, left to right in the direction
 * data and calls flow, so upstream systems sit left of the ones they feed.
 */
export async function layoutGraph(
  graph: Pick<DependencyGraph, 'nodes' | 'edges'>,
): Promise<Map<string, Placed>> {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const result = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '90',
      'elk.spacing.nodeNode': '35',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.separateConnectedComponents': 'true',
      'elk.spacing.componentComponent': '60',
    },
    children: graph.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    // Self-loops and edges to nodes filtered out of view are left out of the layout.
    edges: graph.edges
      .filter((e) => e.source !== e.target && ids.has(e.source) && ids.has(e.target))
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const placed = new Map<string, Placed>();
  for (const c of result.children ?? []) placed.set(c.id, { id: c.id, x: c.x ?? 0, y: c.y ?? 0 });
  return placed;
}
