import { describe, expect, it } from 'vitest';
import { DependencyGraphSchema } from '@linewatch/schema';
import { buildDependencyGraph, nodeLabel, type DependencyGraphInput } from './buildDependencyGraph.ts';
import { makeDependencyFlow, makeEdgeRow, makeHealthRow, makeNodeRow } from './fixtures.ts';

const from = new Date('2026-11-27T08:00:00Z');
const to = new Date('2026-11-27T08:10:00Z'); // 600 s

const confirmation = makeDependencyFlow('confirmation', ['mes', 'middleware', 'odoo'], {
  plants: ['P01', 'P02'],
});
const asn = makeDependencyFlow('supplier_asn', ['supplier_portal', 'odoo'], { criticality: 'inventory' });

function input(overrides: Partial<DependencyGraphInput> = {}): DependencyGraphInput {
  return {
    from,
    to,
    edges: [
      makeEdgeRow('mes', 'middleware', { kinds: ['messaging'], plants: ['P01', 'P02'] }),
      makeEdgeRow('middleware', 'odoo', { calls: 200, errors: 12, p50Ns: 15e6, p95Ns: 120e6 }),
      makeEdgeRow('odoo', 'db:postgresql/odoo', { targetKind: 'database' }),
    ],
    services: [makeNodeRow('middleware'), makeNodeRow('odoo', { errors: 3 })],
    peers: [makeNodeRow('db:postgresql/odoo', { calls: 100 })],
    flows: [confirmation, asn],
    flowHealth: [
      makeHealthRow('confirmation', { missing: 10, onTime: 85, onTimeRatio: 0.85 }),
      makeHealthRow('confirmation', { plant: 'P01', volume: 50, onTime: 50, onTimeRatio: 1 }),
      makeHealthRow('confirmation', {
        plant: 'P02',
        volume: 50,
        inProgress: 0,
        onTime: 35,
        missing: 10,
        onTimeRatio: 0.7,
      }),
    ],
    ...overrides,
  };
}

describe('buildDependencyGraph', () => {
  it('answers a graph that passes the HTTP schema', () => {
    expect(() => DependencyGraphSchema.parse(buildDependencyGraph(input()))).not.toThrow();
  });

  it('turns traced rows into edges with rate, error rate and latency in milliseconds', () => {
    const g = buildDependencyGraph(input());
    const e = g.edges.find((x) => x.id === 'middleware->odoo');
    expect(e?.kinds).toEqual(['call', 'flow']);
    expect(e?.metrics).toEqual({
      calls: 200,
      errors: 12,
      errorRate: 0.06,
      ratePerSecond: 200 / 600,
      p50Ms: 15,
      p95Ms: 120,
    });
    expect(e?.health).toBe('failing');
  });

  it('adds the hops flows declare, even where no trace crosses', () => {
    const g = buildDependencyGraph(input());
    const hop = g.edges.find((x) => x.id === 'supplier_portal->odoo');
    expect(hop).toMatchObject({ kinds: ['flow'], metrics: null, flows: ['supplier_asn'], health: 'unknown' });
    const portal = g.nodes.find((n) => n.id === 'supplier_portal');
    expect(portal).toMatchObject({
      kind: 'system',
      instrumented: false,
      flows: ['supplier_asn'],
      metrics: null,
    });
  });

  it('merges a declared hop with the traced edge between the same systems', () => {
    const g = buildDependencyGraph(input());
    expect(g.edges.filter((x) => x.source === 'mes' && x.target === 'middleware')).toHaveLength(1);
    expect(g.edges.find((x) => x.id === 'mes->middleware')?.kinds).toEqual(['flow', 'messaging']);
  });

  it('classifies nodes: services emit spans, peers keep their kind, flow-only systems are systems', () => {
    const g = buildDependencyGraph(input());
    const kind = (id: string) => g.nodes.find((n) => n.id === id)?.kind;
    expect(kind('odoo')).toBe('service');
    expect(kind('mes')).toBe('service');
    expect(kind('db:postgresql/odoo')).toBe('database');
    expect(kind('supplier_portal')).toBe('system');
    expect(g.nodes.find((n) => n.id === 'db:postgresql/odoo')?.name).toBe('postgresql/odoo');
  });

  it('names a peer that a flow also names a system, and a traced service always a service', () => {
    const g = buildDependencyGraph(
      input({
        edges: [makeEdgeRow('odoo', 'supplier_portal', { targetKind: 'external' })],
        services: [],
        peers: [],
      }),
    );
    expect(g.nodes.find((n) => n.id === 'supplier_portal')?.kind).toBe('system');
    expect(g.nodes.find((n) => n.id === 'odoo')).toMatchObject({ kind: 'service', instrumented: true });
  });

  it('colours a traced node by its own traffic and a flow-only system by its flows', () => {
    const g = buildDependencyGraph(input());
    expect(g.nodes.find((n) => n.id === 'odoo')?.health).toBe('degraded'); // 3 % errors
    expect(g.nodes.find((n) => n.id === 'middleware')?.health).toBe('healthy');
    expect(g.nodes.find((n) => n.id === 'supplier_portal')?.health).toBe('unknown'); // no health rows
  });

  it('gives each flow its health and figures, summed over the plants in scope', () => {
    const all = buildDependencyGraph(input());
    expect(all.flows.find((f) => f.flow === 'confirmation')).toMatchObject({
      health: 'failing',
      volume: 100,
      missing: 10,
      onTimeRatio: 0.85,
    });
    const p01 = buildDependencyGraph(input({ plant: 'P01' }));
    expect(p01.flows.find((f) => f.flow === 'confirmation')).toMatchObject({
      health: 'healthy',
      volume: 50,
      missing: 0,
      plants: ['P01'],
    });
    const p02 = buildDependencyGraph(input({ allowedPlants: ['P02'] }));
    expect(p02.flows.find((f) => f.flow === 'confirmation')).toMatchObject({
      health: 'failing',
      volume: 50,
      onTimeRatio: 0.7,
    });
  });

  it('hides flows that run only in other plants', () => {
    const p03 = makeDependencyFlow('p03_only', ['qms'], { plants: ['P03'] });
    const g = buildDependencyGraph(input({ flows: [confirmation, p03], plant: 'P01' }));
    expect(g.flows.map((f) => f.flow)).toEqual(['confirmation']);
    expect(g.nodes.some((n) => n.id === 'qms')).toBe(false);
  });

  it('keeps only what the selected flow depends on', () => {
    const g = buildDependencyGraph(
      input({
        flow: 'confirmation',
        edges: [
          ...input().edges,
          makeEdgeRow('wms', 'odoo'),
          makeEdgeRow('odoo', 'host:api.carrier.example', { targetKind: 'external' }),
        ],
      }),
    );
    expect(g.flows.map((f) => f.flow)).toEqual(['confirmation']);
    expect(g.nodes.map((n) => n.id)).toEqual([
      'db:postgresql/odoo',
      'host:api.carrier.example',
      'mes',
      'middleware',
      'odoo',
    ]);
    expect(g.edges.map((e) => e.id)).not.toContain('wms->odoo');
  });

  it('attaches the impact of every node and edge', () => {
    const g = buildDependencyGraph(input());
    expect(g.nodes.find((n) => n.id === 'db:postgresql/odoo')?.impact.flows).toEqual([
      'confirmation',
      'supplier_asn',
    ]);
    expect(g.edges.find((e) => e.id === 'supplier_portal->odoo')?.impact.topCriticality).toBe('inventory');
  });

  it('drops self edges', () => {
    const g = buildDependencyGraph(input({ edges: [makeEdgeRow('odoo', 'odoo')], flows: [] }));
    expect(g.edges).toEqual([]);
  });

  it('answers null percentiles when an edge saw no calls', () => {
    const g = buildDependencyGraph(
      input({ edges: [makeEdgeRow('a', 'b', { calls: 0, p50Ns: null, p95Ns: null })], flows: [] }),
    );
    expect(g.edges[0]?.metrics).toMatchObject({ calls: 0, errorRate: 0, p50Ms: null, p95Ms: null });
    expect(g.edges[0]?.health).toBe('idle');
  });
});

describe('nodeLabel', () => {
  it('drops the peer prefix and keeps plain service names', () => {
    expect(nodeLabel('messaging:confirmations')).toBe('confirmations');
    expect(nodeLabel('host:api.carrier.example')).toBe('api.carrier.example');
    expect(nodeLabel('odoo')).toBe('odoo');
  });
});
