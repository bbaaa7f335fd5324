import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import {
  DependencyGraphSchema,
  DependencyImpactSchema,
  type DependencyEdge,
  type DependencyGraph,
  type DependencyNode,
  type RedMetrics,
} from '@linewatch/schema';
import { HealthBadge } from '../../components/HealthBadge.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { Select } from '../../components/Select.tsx';
import { WindowPicker } from '../../components/WindowPicker.tsx';
import { formatMs } from '../../lib/format.ts';
import { useApi } from '../../lib/useApi.ts';
import { toSearch, useUrlState } from '../../lib/urlState.ts';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, type Placed } from './layoutGraph.ts';

const HEALTH_COLOR: Record<string, string> = {
  healthy: 'var(--healthy)',
  degraded: 'var(--degraded)',
  failing: 'var(--failing)',
  idle: 'var(--idle)',
  unknown: 'var(--idle)',
};

/** "12/s · 3.1% err · p95 240ms" for an edge or node. */
export function redLabel(m: RedMetrics | null): string {
  if (!m) return '';
  const perMin = m.ratePerSecond * 60;
  const rate =
    m.ratePerSecond >= 1
      ? `${m.ratePerSecond.toFixed(1)}/s`
      : perMin >= 1
        ? `${perMin.toFixed(1)}/min`
        : `${m.calls} call${m.calls === 1 ? '' : 's'}`;
  const err = m.errorRate > 0 ? ` · ${(m.errorRate * 100).toFixed(1)}% err` : '';
  const p95 = m.p95Ms !== null ? ` · p95 ${formatMs(m.p95Ms)}` : '';
  return `${rate}${err}${p95}`;
}

type MapNodeData = { node: DependencyNode; selected: boolean };

function MapNode({ data }: NodeProps<Node<MapNodeData>>) {
  const n = data.node;
  return (
    <div
      className={`map-node health-${n.health}${data.selected ? ' selected' : ''}`}
      style={{ width: NODE_WIDTH, minHeight: NODE_HEIGHT }}
      data-node-id={n.id}
      title={`${n.name}: ${n.health}`}
    >
      <Handle type="target" position={Position.Left} />
      <div>
        <strong>{n.name}</strong>
      </div>
      <div className="kind">
        {n.kind}
        {n.instrumented ? '' : ' · not traced'} ·{' '}
        <span style={{ color: HEALTH_COLOR[n.health] }}>{n.health}</span>
      </div>
      <div className="kind">
        {redLabel(n.metrics) || `${n.flows.length} flow${n.flows.length === 1 ? '' : 's'}`}
      </div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

const nodeTypes = { system: MapNode };

function toFlowEdges(edges: readonly DependencyEdge[]): Edge[] {
  return edges.map((e) => {
    const color = HEALTH_COLOR[e.health] ?? 'var(--idle)';
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      // Only traced edges carry a label: declared hops are listed per flow in the side panel,
      // and their names on every edge made the map unreadable.
      label: redLabel(e.metrics) || undefined,
      animated: e.kinds.includes('messaging'),
      style: {
        stroke: color,
        strokeWidth: e.health === 'failing' ? 3 : 2,
        strokeDasharray: e.metrics ? undefined : '5 4',
      },
      markerEnd: { type: MarkerType.ArrowClosed, color },
      labelStyle: { fill: 'var(--text)', fontSize: 11 },
      labelBgStyle: { fill: 'var(--bg-raised)' },
    };
  });
}

function NodeDetails({ node, window }: { node: DependencyNode; window: string }) {
  const impact = useApi('/api/v1/dependencies/impact', DependencyImpactSchema, { node: node.id, window });
  return (
    <div data-testid="node-details">
      <h2>
        {node.name} <HealthBadge health={node.health} />
      </h2>
      <dl className="kv">
        <dt>Kind</dt>
        <dd>
          {node.kind}
          {node.instrumented ? '' : ' (seen only from its callers)'}
        </dd>
        {node.metrics && (
          <>
            <dt>Calls</dt>
            <dd>
              {node.metrics.calls} ({redLabel(node.metrics)})
            </dd>
            <dt>Errors</dt>
            <dd>{node.metrics.errors}</dd>
            <dt>p50</dt>
            <dd>{formatMs(node.metrics.p50Ms)}</dd>
          </>
        )}
        <dt>Impact tier</dt>
        <dd>{node.impact.topCriticality ?? 'no flow depends on it'}</dd>
      </dl>
      <h3 style={{ marginTop: '0.8rem' }}>Flows that depend on it</h3>
      {node.impact.flows.length === 0 ? (
        <div className="muted small">none</div>
      ) : (
        <ul className="small">
          {node.impact.flows.map((f) => (
            <li key={f}>
              <Link to={`/flows/${encodeURIComponent(f)}${toSearch({ window })}`}>{f}</Link>
            </li>
          ))}
        </ul>
      )}
      <h3>Plants</h3>
      <div className="chips">
        {node.impact.plants.length ? (
          node.impact.plants.map((p) => (
            <span key={p} className="chip">
              {p}
            </span>
          ))
        ) : (
          <span className="muted small">all</span>
        )}
      </div>
      <h3 style={{ marginTop: '0.8rem' }}>Criticalities</h3>
      <div className="chips">
        {node.impact.criticalities.map((c) => (
          <span key={c} className="chip">
            {c}
          </span>
        ))}
      </div>
      <h3 style={{ marginTop: '0.8rem' }}>A failure here reaches</h3>
      <QueryView
        query={impact}
        what="downstream systems"
        isEmpty={(d) => d.downstream.length === 0}
        empty="nothing downstream"
      >
        {(d) => (
          <div className="chips">
            {d.downstream.map((n) => (
              <span key={n} className="chip">
                {n}
              </span>
            ))}
          </div>
        )}
      </QueryView>
    </div>
  );
}

function GraphView({
  graph,
  selected,
  onSelect,
}: {
  graph: DependencyGraph;
  selected: string;
  onSelect: (id: string) => void;
}) {
  const [placed, setPlaced] = useState<Map<string, Placed> | undefined>();
  const [layoutError, setLayoutError] = useState<string | undefined>();
  // Re-layout only when the shape changes, not on every refresh of the figures.
  const shape = useMemo(
    () => JSON.stringify([graph.nodes.map((n) => n.id).sort(), graph.edges.map((e) => e.id).sort()]),
    [graph],
  );
  const latest = useRef(graph);
  latest.current = graph;
  useEffect(() => {
    let cancelled = false;
    layoutGraph(latest.current).then(
      (p) => !cancelled && setPlaced(p),
      (e: unknown) => !cancelled && setLayoutError((e as Error).message),
    );
    return () => {
      cancelled = true;
    };
  }, [shape]);
  const nodes: Node<MapNodeData>[] = useMemo(
    () =>
      graph.nodes.map((n) => ({
        id: n.id,
        type: 'system',
        position: placed?.get(n.id) ?? { x: 0, y: 0 },
        data: { node: n, selected: n.id === selected },
        ariaLabel: `${n.name}, ${n.kind}, ${n.health}`,
      })),
    [graph, placed, selected],
  );
  const edges = useMemo(() => toFlowEdges(graph.edges), [graph]);
  if (layoutError) return <div className="state error">Could not lay out the map: {layoutError}</div>;
  if (!placed) return <div className="skeleton" style={{ height: '100%' }} />;
  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodeClick={(_, n) => onSelect(n.id)}
      // Keyboard users select a focused node with Enter or Space, which changes the selection.
      onSelectionChange={({ nodes: picked }) => {
        const id = picked.length === 1 ? picked[0]?.id : undefined;
        if (id && id !== selected) onSelect(id);
      }}
      onPaneClick={() => onSelect('')}
      nodesDraggable={false}
      nodesConnectable={false}
      fitView
      minZoom={0.2}
    >
      <Background />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}

/** Dependency map: systems and services, edges with rate, errors and latency, laid out by ELK. */
export default function DependencyMapPage() {
  const [f, setF] = useUrlState({ window: '1h', plant: '', flow: '', node: '' });
  const q = useApi('/api/v1/dependencies', DependencyGraphSchema, {
    window: f.window,
    plant: f.plant,
    flow: f.flow,
  });
  const selected = q.data?.nodes.find((n) => n.id === f.node);
  const plants = [
    ...new Set(
      (q.data?.flows ?? []).flatMap((x) => x.plants).concat(q.data?.nodes.flatMap((n) => n.plants) ?? []),
    ),
  ].sort();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Dependency map</h1>
          <div className="muted small">
            Solid edges are traced (rate · errors · p95); dashed ones are hops flows declare. Click a node to
            see what depends on it.
          </div>
        </div>
        <div className="filters" style={{ marginBottom: 0 }}>
          <Select label="Plant" value={f.plant} options={plants} onChange={(plant) => setF({ plant })} />
          <Select
            label="Flow"
            value={f.flow}
            options={(q.data?.flows ?? []).map((x) => ({ value: x.flow, label: x.name }))}
            onChange={(flow) => setF({ flow })}
          />
          <WindowPicker value={f.window} onChange={(window) => setF({ window })} />
        </div>
      </div>
      <QueryView
        query={q}
        what="dependency map"
        isEmpty={(d) => d.nodes.length === 0}
        empty="No systems seen in this range: no spans and no flows with steps."
      >
        {(d) => (
          <div className="map-layout">
            <div className="map-canvas" aria-label="Dependency graph">
              <GraphView graph={d} selected={f.node} onSelect={(node) => setF({ node })} />
            </div>
            <aside className="card map-side" aria-label="Selected node">
              {selected ? (
                <NodeDetails node={selected} window={f.window} />
              ) : (
                <>
                  <h2>Flows</h2>
                  <table className="data">
                    <tbody>
                      {d.flows.map((fl) => (
                        <tr key={fl.flow}>
                          <td>
                            <Link
                              to={`/flows/${encodeURIComponent(fl.flow)}${toSearch({ window: f.window })}`}
                            >
                              {fl.name}
                            </Link>
                            <div className="small muted">{fl.systems.join(' → ')}</div>
                          </td>
                          <td>
                            <HealthBadge health={fl.health} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <p className="small muted">
                    Select a node to see the flows, plants and criticalities that depend on it.
                  </p>
                </>
              )}
            </aside>
          </div>
        )}
      </QueryView>
    </>
  );
}
