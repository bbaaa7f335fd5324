import { plantFilter } from '../access/principal.ts';
import { resolve } from 'node:path';
import type { Context } from 'hono';
import {
  DependencyGraphQuery,
  DependencyGraphSchema,
  DependencyImpactQuery,
  DependencyImpactSchema,
  type DependencyImpact,
  type Flow,
  type FlowHealthRow,
} from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import {
  FlowFileError,
  FlowRegistry,
  createDependencyWorker,
  downstreamOf,
  downstreamOfEdge,
  flowHealth,
  impactOf,
  loadDependencyGraph,
  resolveDependencyTimeRange,
  TimeRangeError,
  type DependencyTimeRange,
} from '@linewatch/correlation';
import type { AppEnv } from '../appEnv.ts';
import { ApiError, ConfigError } from '../errors.ts';
import type { ScopedRouter } from '../router.ts';
import type { ComponentFactory } from '../runtime.ts';
import { parseQuery } from '../validate.ts';
import { registerQueueRoutes } from './queues.ts';
import { registerServiceRoutes } from './services.ts';

/** What the dependency routes read: the store, the flow definitions and, when available, their health. */
export interface DependencyRouteDeps {
  store: Store;
  now: () => number;
  /** The current flow definitions (re-read on every request, so reloaded flows show at once). */
  flows: () => readonly Flow[];
  /** Flow health rows for a range (per flow, and per flow and plant); without it flows show `unknown`. */
  flowHealth?: (range: DependencyTimeRange) => Promise<readonly FlowHealthRow[]>;
}

/** Default window of the map: what is hurting now. */
export const DEPENDENCY_DEFAULT_WINDOW_MS = 15 * 60_000;

/** Resolves the range of a request; 400 `invalid_request` naming the field otherwise. */
export function requestRange(
  q: { from?: string | undefined; to?: string | undefined; window?: number | undefined },
  now: number,
  defaultMs: number,
): DependencyTimeRange {
  try {
    return resolveDependencyTimeRange(q, now, defaultMs);
  } catch (e) {
    if (e instanceof TimeRangeError)
      throw new ApiError(400, 'invalid_request', `query.${e.message}`, { cause: e });
    throw e;
  }
}

/**
 * `GET /api/v1/dependencies` (the dependency map: nodes, edges, flows with metrics, health and
 * impact) and `GET /api/v1/dependencies/impact` (who depends on one node or edge, and where a failure
 * there propagates). Both read only per-minute snapshots, never raw spans.
 */
export function registerDependencyRoutes(router: ScopedRouter, deps: DependencyRouteDeps): void {
  async function graphFor(
    c: Context<AppEnv>,
    q: { from?: string; to?: string; window?: number; plant?: string; flow?: string },
  ) {
    const range = requestRange(q, deps.now(), DEPENDENCY_DEFAULT_WINDOW_MS);
    const plants = plantFilter(c, q.plant);
    const flows = deps.flows();
    if (q.flow !== undefined && !flows.some((f) => f.id === q.flow))
      throw new ApiError(404, 'flow_not_found', `no flow "${q.flow}"`);
    const flowHealth = deps.flowHealth ? await deps.flowHealth(range) : [];
    return loadDependencyGraph(deps.store, {
      range,
      flows,
      flowHealth,
      plant: q.plant,
      flow: q.flow,
      allowedPlants: plants,
    });
  }

  router.get(
    '/api/v1/dependencies',
    'read',
    async (c) => {
      const q = parseQuery(c, DependencyGraphQuery);
      return c.json(await graphFor(c, q));
    },
    {
      summary:
        'Dependency map: services, systems and peers with traced and declared edges, health and impact',
      tags: ['dependencies'],
      query: DependencyGraphQuery,
      response: DependencyGraphSchema,
    },
  );

  router.get(
    '/api/v1/dependencies/impact',
    'read',
    async (c) => {
      const q = parseQuery(c, DependencyImpactQuery);
      const graph = await graphFor(c, { ...q, plant: undefined, flow: undefined });
      let body: DependencyImpact;
      if (q.node !== undefined) {
        if (!graph.nodes.some((n) => n.id === q.node))
          throw new ApiError(404, 'node_not_found', `no node "${q.node}" in the window`);
        body = {
          node: q.node,
          edge: null,
          impact: impactOf(graph, { node: q.node }),
          downstream: downstreamOf(graph, q.node),
        };
      } else {
        const source = q.source as string;
        const target = q.target as string;
        if (!graph.edges.some((e) => e.source === source && e.target === target))
          throw new ApiError(404, 'edge_not_found', `no edge "${source}->${target}" in the window`);
        body = {
          node: null,
          edge: { source, target },
          impact: impactOf(graph, { source, target }),
          downstream: downstreamOfEdge(graph, source, target),
        };
      }
      return c.json(body);
    },
    {
      summary:
        'Impact of a node or an edge: the flows, plants and criticalities that depend on it, and the nodes downstream',
      tags: ['dependencies'],
      query: DependencyImpactQuery,
      response: DependencyImpactSchema,
    },
  );
}

/**
 * The api role's dependency map, services and queues routes, over the flows of `paths.flows`
 * (watched, so edited flows show without a restart) and their health from the correlation engine.
 */
export const dependencyRoutesComponent: ComponentFactory = (ctx) => {
  if (!ctx.router) return undefined;
  let registry: FlowRegistry;
  try {
    registry = FlowRegistry.open({ dir: resolve(ctx.config.paths.flows), logger: ctx.logger });
  } catch (e) {
    if (e instanceof FlowFileError) throw new ConfigError(e.issues, { cause: e });
    throw e;
  }
  const flows = () => [...registry.snapshot().flows.values()];
  // Flow health of the map's range from the correlation engine's transactions (every plant: the map
  // narrows to the caller's plants itself).
  const health = async (range: DependencyTimeRange) => {
    const h = await flowHealth(ctx.store, registry.snapshot(), {
      from: range.from.getTime(),
      to: range.to.getTime(),
      plants: [],
    });
    return [...h.flows, ...h.plants];
  };
  registerDependencyRoutes(ctx.router, { store: ctx.store, now: ctx.now, flows, flowHealth: health });
  registerServiceRoutes(ctx.router, { store: ctx.store, now: ctx.now });
  registerQueueRoutes(ctx.router, { store: ctx.store, now: ctx.now });
  return {
    name: 'dependency-routes',
    start: () => {
      registry.watch();
      return Promise.resolve();
    },
    stop: () => {
      registry.close();
      return Promise.resolve();
    },
  };
};

/** The worker role's dependency-map worker: per-minute edge and service snapshots from spans. */
export const dependencyWorkerComponent: ComponentFactory = (ctx) =>
  ctx.config.roles.includes('worker')
    ? createDependencyWorker({ store: ctx.store, logger: ctx.logger, now: ctx.now })
    : undefined;
