import { describe, expect, it } from 'vitest';
import { buildDependencyGraph } from './buildDependencyGraph.ts';
import { makeDependencyFlow, makeEdgeRow } from './fixtures.ts';
import { downstreamOf, downstreamOfEdge, impactOf, type ImpactGraph } from './impactOf.ts';

const from = new Date('2026-11-27T08:00:00Z');
const to = new Date('2026-11-27T08:15:00Z');

// mes publishes confirmations that middleware consumes; middleware calls odoo, odoo calls its database;
// the shipment flow goes odoo → carrier (a batch file: declared only); quality goes qms → odoo.
const confirmation = makeDependencyFlow('confirmation', ['mes', 'middleware', 'odoo'], {
  plants: ['P01', 'P02'],
});
const shipment = makeDependencyFlow('shipment', ['odoo', 'carrier'], {
  criticality: 'shipping',
  plants: ['P01'],
});
const quality = makeDependencyFlow('quality_hold', ['qms'], { criticality: 'quality', plants: ['P03'] });

function graph(): ImpactGraph {
  return buildDependencyGraph({
    from,
    to,
    edges: [
      makeEdgeRow('mes', 'middleware', { kinds: ['messaging'] }),
      makeEdgeRow('middleware', 'odoo'),
      makeEdgeRow('odoo', 'db:postgresql/odoo', { targetKind: 'database' }),
      makeEdgeRow('mes', 'messaging:dead-letters', { kinds: ['messaging'], targetKind: 'messaging' }),
      makeEdgeRow('qms', 'host:lims.example', { targetKind: 'external' }),
    ],
    services: [],
    peers: [],
    flows: [confirmation, shipment, quality],
    flowHealth: [],
  });
}

describe('impactOf', () => {
  it('finds every flow that depends on a database through the service that calls it', () => {
    const impact = impactOf(graph(), { node: 'db:postgresql/odoo' });
    expect(impact.flows).toEqual(['confirmation', 'shipment']);
    expect(impact.criticalities).toEqual(['production', 'shipping']);
    expect(impact.topCriticality).toBe('production');
    expect(impact.plants).toEqual(['P01', 'P02']);
  });

  it('lets a consumer depend on its producer but not a producer on its consumer', () => {
    // confirmation needs mes (it has a step there); shipment does not touch mes or middleware.
    expect(impactOf(graph(), { node: 'mes' }).flows).toEqual(['confirmation']);
    expect(impactOf(graph(), { node: 'middleware' }).flows).toEqual(['confirmation']);
  });

  it('makes a producer depend on the broker destination it writes to', () => {
    expect(impactOf(graph(), { node: 'messaging:dead-letters' }).flows).toEqual(['confirmation']);
  });

  it('gives a declared-only hop the impact of the flows that declare it', () => {
    const impact = impactOf(graph(), { source: 'odoo', target: 'carrier' });
    expect(impact).toEqual({
      flows: ['shipment'],
      plants: ['P01'],
      criticalities: ['shipping'],
      topCriticality: 'shipping',
    });
  });

  it('gives a traced edge the impact of every flow whose path crosses it', () => {
    expect(impactOf(graph(), { source: 'odoo', target: 'db:postgresql/odoo' }).flows).toEqual([
      'confirmation',
      'shipment',
    ]);
    expect(impactOf(graph(), { source: 'qms', target: 'host:lims.example' }).flows).toEqual(['quality_hold']);
  });

  it('answers an empty impact for a node nothing depends on or an unknown edge', () => {
    const g = buildDependencyGraph({
      from,
      to,
      edges: [makeEdgeRow('batch', 'sftp')],
      services: [],
      peers: [],
      flows: [],
      flowHealth: [],
    });
    expect(impactOf(g, { node: 'sftp' })).toEqual({
      flows: [],
      plants: [],
      criticalities: [],
      topCriticality: null,
    });
    expect(impactOf(g, { source: 'x', target: 'y' }).flows).toEqual([]);
  });

  it('orders flows by criticality, most severe first', () => {
    const g = buildDependencyGraph({
      from,
      to,
      edges: [],
      services: [],
      peers: [],
      flows: [
        makeDependencyFlow('invoice', ['odoo'], { criticality: 'finance' }),
        makeDependencyFlow('release', ['odoo'], { criticality: 'production' }),
        makeDependencyFlow('stock', ['odoo'], { criticality: 'inventory' }),
      ],
      flowHealth: [],
    });
    expect(impactOf(g, { node: 'odoo' }).flows).toEqual(['release', 'stock', 'invoice']);
    expect(impactOf(g, { node: 'odoo' }).criticalities).toEqual(['production', 'inventory', 'finance']);
  });
});

describe('downstreamOf', () => {
  it('reaches the callers of a failed database and the systems after them on flow hops', () => {
    // odoo calls the db; middleware calls odoo; carrier comes after odoo on the shipment flow.
    expect(downstreamOf(graph(), 'db:postgresql/odoo')).toEqual(['odoo', 'middleware', 'carrier']);
  });

  it('reaches consumers and later flow steps from a failed producer, never the producer itself', () => {
    // The dead-letter destination receives nothing more either: a queue depends on its producers.
    expect(downstreamOf(graph(), 'mes')).toEqual(['messaging:dead-letters', 'middleware', 'odoo']);
  });

  it('follows each flow on its own hops only: a starved system does not starve other flows', () => {
    // Without mes, odoo gets no confirmations; shipments from odoo to carrier still flow.
    expect(downstreamOf(graph(), 'mes')).not.toContain('carrier');
  });

  it('returns nothing for a node with no dependants', () => {
    expect(downstreamOf(graph(), 'carrier')).toEqual([]);
    expect(downstreamOf(graph(), 'not-in-graph')).toEqual([]);
  });

  it('survives cycles', () => {
    const g = buildDependencyGraph({
      from,
      to,
      edges: [makeEdgeRow('a', 'b'), makeEdgeRow('b', 'a')],
      services: [],
      peers: [],
      flows: [],
      flowHealth: [],
    });
    expect(downstreamOf(g, 'a')).toEqual(['b']);
  });

  it('starts an edge failure at the caller for a call and at the receiver for a hop', () => {
    // middleware → odoo is traced (call) and declared by the confirmation flow: the caller fails, and
    // odoo is starved of confirmations, but carrier (after odoo on the shipment flow) is not.
    expect(downstreamOfEdge(graph(), 'middleware', 'odoo')).toEqual(['middleware', 'odoo']);
    expect(downstreamOfEdge(graph(), 'odoo', 'db:postgresql/odoo')).toEqual([
      'odoo',
      'middleware',
      'carrier',
    ]);
    expect(downstreamOfEdge(graph(), 'odoo', 'carrier')).toEqual(['carrier']);
    expect(downstreamOfEdge(graph(), 'mes', 'middleware')[0]).toBe('middleware');
    expect(downstreamOfEdge(graph(), 'nope', 'none')).toEqual([]);
  });
});
