import { describe, expect, it } from 'vitest';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from './layoutGraph.ts';

const node = (id: string) => ({ id });
const edge = (source: string, target: string) => ({ id: `${source}->${target}`, source, target });

describe('automatic map layout', () => {
  it('places upstream systems left of the ones they feed, without overlapping boxes', async () => {
    const graph = {
      nodes: ['odoo', 'middleware', 'mes', 'wms'].map(node),
      edges: [edge('odoo', 'middleware'), edge('middleware', 'mes'), edge('odoo', 'wms'), edge('mes', 'mes')],
    };
    // Only the fields the layout reads are given; the rest of the graph shape is irrelevant to it.
    const placed = await layoutGraph(graph as never);
    const at = (id: string) => placed.get(id) as { x: number; y: number };
    expect(at('odoo').x).toBeLessThan(at('middleware').x);
    expect(at('middleware').x).toBeLessThan(at('mes').x);
    const boxes = [...placed.values()];
    for (const a of boxes)
      for (const b of boxes)
        if (a !== b) {
          const apart = Math.abs(a.x - b.x) >= NODE_WIDTH || Math.abs(a.y - b.y) >= NODE_HEIGHT;
          expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
        }
  });
});
