import { plantFilter } from '../access/principal.ts';
import { resolve } from 'node:path';
import { z } from 'zod';
import {
  DashboardListSchema,
  DashboardSchema,
  NamedQueryListSchema,
  QueryResultSchema,
  type Dashboard,
  type QueryCell,
  type QueryResult,
} from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import { DashboardFileError, loadDashboards } from '../dashboards/loadDashboards.ts';
import {
  describeQuery,
  namedQueries,
  parseQueryParams,
  type NamedQuery,
} from '../dashboards/namedQueries.ts';
import { ApiError, ConfigError } from '../errors.ts';
import type { ScopedRouter } from '../router.ts';
import type { ComponentFactory } from '../runtime.ts';
import { parseParams } from '../validate.ts';

export interface DashboardRoutesDeps {
  store: Store;
  dashboards: readonly Dashboard[];
  queries?: ReadonlyMap<string, NamedQuery>;
  now: () => number;
  /** Engine-side bound for one named query. */
  maxExecutionSeconds?: number;
}

const IdParams = z.object({ id: z.string().min(1) });
const NameParams = z.object({ name: z.string().min(1) });

/**
 * `GET /api/v1/dashboards`, `GET /api/v1/dashboards/:id`, `GET /api/v1/queries` and
 * `GET /api/v1/queries/:name?<params>`: dashboards as code over named, parameterised queries.
 * The browser names a query and its parameter values; the SQL is built here with the `sql` template.
 */
export function registerDashboardRoutes(router: ScopedRouter, deps: DashboardRoutesDeps): void {
  const queries = deps.queries ?? namedQueries;
  const byId = new Map(deps.dashboards.map((d) => [d.id, d]));

  router.get(
    '/api/v1/dashboards',
    'read',
    (c) =>
      c.json({
        dashboards: deps.dashboards.map((d) => ({
          id: d.id,
          title: d.title,
          description: d.description,
          audience: d.audience,
          panels: d.panels.length,
        })),
      }),
    { summary: 'List dashboards (dashboards/*.yaml)', tags: ['dashboards'], response: DashboardListSchema },
  );

  router.get(
    '/api/v1/dashboards/:id',
    'read',
    (c) => {
      const { id } = parseParams(c, IdParams);
      const d = byId.get(id);
      if (!d) throw new ApiError(404, 'dashboard_not_found', `no dashboard "${id}"`);
      return c.json(d);
    },
    {
      summary: 'One dashboard with its panels and variables',
      tags: ['dashboards'],
      params: IdParams,
      response: DashboardSchema,
    },
  );

  router.get(
    '/api/v1/queries',
    'read',
    (c) => c.json({ queries: [...queries.values()].map(describeQuery) }),
    {
      summary: 'List the named queries dashboards may run',
      tags: ['dashboards'],
      response: NamedQueryListSchema,
    },
  );

  router.get(
    '/api/v1/queries/:name',
    'read',
    async (c) => {
      const { name } = parseParams(c, NameParams);
      const q = queries.get(name);
      if (!q) throw new ApiError(404, 'query_not_found', `no named query "${name}"`);
      // A plant asked for outside the caller's plants is refused, as on every other route.
      const plants = plantFilter(c, c.req.query('plant') || undefined);
      if (!q.plantScoped && plants.length)
        throw new ApiError(
          403,
          'plant_restricted',
          `${name} is not split by plant; tokens restricted to plants may not run it`,
        );
      const parsed = parseQueryParams(q, c.req.query());
      if (!parsed.ok)
        throw new ApiError(400, 'invalid_request', parsed.issues.map((i) => `query.${i}`).join('; '));
      const started = performance.now();
      const rows = await deps.store.query<Record<string, QueryCell>>(
        q.build({ table: (t) => deps.store.table(t), params: parsed.values, plants, now: deps.now() }),
        { maxExecutionSeconds: deps.maxExecutionSeconds ?? 30 },
      );
      const body: QueryResult = {
        name,
        columns: q.columns,
        rows,
        params: parsed.values,
        tookMs: Math.round(performance.now() - started),
      };
      return c.json(body);
    },
    {
      summary: 'Run a named query with its parameters',
      tags: ['dashboards'],
      params: NameParams,
      response: QueryResultSchema,
    },
  );
}

/**
 * The dashboards component: loads and validates `paths.dashboards` at start (a bad file stops the
 * process with every problem listed) and adds the dashboard and named-query routes to the API.
 */
export const dashboardsComponent: ComponentFactory = (ctx) => {
  if (!ctx.router) return undefined;
  const dir = resolve(ctx.config.paths.dashboards);
  let dashboards: Dashboard[];
  try {
    dashboards = loadDashboards(dir, namedQueries);
  } catch (e) {
    if (e instanceof DashboardFileError) throw new ConfigError(e.issues, { cause: e });
    throw e;
  }
  ctx.logger.info({ dir, dashboards: dashboards.map((d) => d.id) }, 'dashboards loaded');
  registerDashboardRoutes(ctx.router, {
    store: ctx.store,
    dashboards,
    now: ctx.now,
    maxExecutionSeconds: Math.min(30, ctx.config.store.maxQuerySeconds),
  });
  return { name: 'dashboards', start: () => Promise.resolve(), stop: () => Promise.resolve() };
};
