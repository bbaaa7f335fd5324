import { plantFilter } from '../access/principal.ts';
import { resolve } from 'node:path';
import {
  flowHops,
  FlowHealthQuery,
  FlowHealthSchema,
  FlowListSchema,
  FlowParams,
  FlowSummarySchema,
  ReevaluateBody,
  ReevaluateResultSchema,
  type Flow,
  type FlowSummary,
} from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import {
  createCorrelationWorker,
  CursorError,
  FlowFileError,
  FlowRegistry,
  evaluationNow,
  flowHealth,
  InvalidTimeRangeError,
  reevaluate,
  resolveTimeRange,
  type CorrelationLogger,
  type CorrelationWorker,
  type TimeRange,
} from '@linewatch/correlation';
import { ApiError, ConfigError } from '../errors.ts';
import type { ScopedRouter } from '../router.ts';
import type { ComponentFactory } from '../runtime.ts';
import { parseBody, parseParams, parseQuery } from '../validate.ts';
import { registerSearchRoutes } from './search.ts';
import { registerTransactionRoutes } from './transactions.ts';
import { registerUnmatchedRoutes } from './unmatched.ts';
import { auditRequest } from '../access/auditRequest.ts';
import { recordDefinitionReload } from '../access/audit.ts';

/** What the flow, transaction, search and unmatched routes read. */
export interface CorrelationRouteDeps {
  store: Store;
  flows: FlowRegistry;
  now: () => number;
  /** correlation.clockSkew: the detail view evaluates with the same tolerance as the sweep. */
  clockSkew: number;
  logger?: CorrelationLogger;
}

/** Default range of flow health and lists: the last 24 hours. */
export const CORRELATION_DEFAULT_WINDOW_MS = 24 * 3_600_000;

/** Resolves a request's time range; 400 `invalid_request` naming the field otherwise. */
export function correlationRange(
  q: { from?: string | undefined; to?: string | undefined; window?: number | undefined },
  now: number,
): TimeRange {
  try {
    return resolveTimeRange(q, now, CORRELATION_DEFAULT_WINDOW_MS);
  } catch (e) {
    if (e instanceof InvalidTimeRangeError)
      throw new ApiError(400, 'invalid_request', `query.${e.message}`, { cause: e });
    throw e;
  }
}

/** Runs a query that takes a cursor; a cursor from elsewhere is a 400, not a 500. */
export async function withCursor<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof CursorError) throw new ApiError(400, 'invalid_cursor', e.message, { cause: e });
    throw e;
  }
}

/** The flow as the API shows it. */
export function flowSummary(flow: Flow, file: string, dir: string): FlowSummary {
  return {
    id: flow.id,
    name: flow.name,
    description: flow.description ?? null,
    owner: flow.owner,
    criticality: flow.criticality,
    key: flow.key,
    steps: flow.steps.map((s) => ({
      id: s.id,
      name: s.name ?? s.id,
      system: s.system,
      optional: s.optional,
      repeat: s.repeat,
      fanOut: s.fanOut ? { key: s.fanOut.key, countAttribute: s.fanOut.countAttribute ?? null } : null,
    })),
    deadlines: flow.deadlines.map((d) => ({
      from: d.from,
      to: d.to,
      withinMs: d.within,
      plants: d.plants ?? {},
    })),
    slo: { onTimeTarget: flow.slo.onTimeTarget },
    plants: flow.plants,
    hops: flowHops(flow).map((h) => ({ from: h.from, to: h.to, step: h.step ?? null })),
    file: file.startsWith(dir) ? file.slice(dir.length).replace(/^[/\\]+/, '') : file,
  };
}

/**
 * `GET /api/v1/flows`, `GET /api/v1/flows/:flow`, `GET /api/v1/flow-health` and
 * `POST /api/v1/flows/:flow/reevaluate` (operate scope).
 */
export function registerFlowRoutes(router: ScopedRouter, deps: CorrelationRouteDeps): void {
  const summaries = () => deps.flows.list().map((l) => flowSummary(l.flow, l.file, deps.flows.dir));

  router.get('/api/v1/flows', 'read', (c) => c.json({ flows: summaries(), problems: deps.flows.problems }), {
    summary: 'The flows loaded from flows/*.yaml, and problems with files that failed to reload',
    tags: ['flows'],
    response: FlowListSchema,
  });

  router.get(
    '/api/v1/flows/:flow',
    'read',
    (c) => {
      const { flow } = parseParams(c, FlowParams);
      const found = summaries().find((f) => f.id === flow);
      if (!found) throw new ApiError(404, 'flow_not_found', `no flow "${flow}"`);
      return c.json(found);
    },
    {
      summary: 'One flow: steps, deadlines, SLO, hops',
      tags: ['flows'],
      params: FlowParams,
      response: FlowSummarySchema,
    },
  );

  router.get(
    '/api/v1/flow-health',
    'read',
    async (c) => {
      const q = parseQuery(c, FlowHealthQuery);
      const range = correlationRange(q, deps.now());
      const plants = plantFilter(c, q.plant);
      if (q.flow !== undefined && !deps.flows.get(q.flow))
        throw new ApiError(404, 'flow_not_found', `no flow "${q.flow}"`);
      const now = deps.now();
      const [health, judgedAt] = await Promise.all([
        flowHealth(deps.store, deps.flows.snapshot(), { ...range, flow: q.flow, plant: q.plant, plants }),
        evaluationNow(deps.store, now),
      ]);
      return c.json({ ...health, dataLagMs: Math.round(now - judgedAt) });
    },
    {
      summary:
        'Flow health over transactions started in the range: volume, on time, late, missing, failed, duplicate, p50/p95 end-to-end time, SLO attainment; per flow and per flow and plant',
      tags: ['flows'],
      query: FlowHealthQuery,
      response: FlowHealthSchema,
    },
  );

  router.post(
    '/api/v1/flows/:flow/reevaluate',
    'operate',
    async (c) => {
      const { flow } = parseParams(c, FlowParams);
      const body = await parseBody(c, ReevaluateBody);
      const range = correlationRange({ from: body.from, to: body.to }, deps.now());
      if (!deps.flows.get(flow)) throw new ApiError(404, 'flow_not_found', `no flow "${flow}"`);
      const result = await reevaluate(deps.store, deps.flows.snapshot(), {
        flow,
        ...range,
        now: deps.now(),
        clockSkew: deps.clockSkew,
        logger: deps.logger,
      });
      deps.logger?.info({ ...result }, 'flow reevaluated');
      await auditRequest(c, deps.store, deps.now(), {
        action: 'flow.reevaluate',
        target: flow,
        after: result,
      });
      return c.json(result);
    },
    {
      summary: 'Derive again the statuses of a flow’s transactions in a range, after its definition changed',
      tags: ['flows'],
      params: FlowParams,
      body: ReevaluateBody,
      response: ReevaluateResultSchema,
    },
  );
}

/**
 * Flows as code and the correlation engine in `linewatch start`: loads `paths.flows` (a bad file
 * fails the start with every problem listed) and watches it; with the api role, the flow,
 * flow-health, transaction, search and unmatched routes; with the worker role, the sweep.
 */
export const correlationComponent: ComponentFactory = (ctx) => {
  const api = ctx.router !== undefined;
  const work = ctx.config.roles.includes('worker');
  if (!api && !work) return undefined;
  let flows: FlowRegistry;
  try {
    flows = FlowRegistry.open({ dir: resolve(ctx.config.paths.flows), logger: ctx.logger });
  } catch (e) {
    if (e instanceof FlowFileError) throw new ConfigError(e.issues, { cause: e });
    throw e;
  }
  ctx.logger.info({ dir: flows.dir, flows: flows.list().map((l) => l.flow.id) }, 'flows loaded');
  if (ctx.router) {
    const deps: CorrelationRouteDeps = {
      store: ctx.store,
      flows,
      now: ctx.now,
      clockSkew: ctx.config.correlation.clockSkew,
      logger: ctx.logger,
    };
    registerFlowRoutes(ctx.router, deps);
    registerTransactionRoutes(ctx.router, deps);
    registerSearchRoutes(ctx.router, deps);
    registerUnmatchedRoutes(ctx.router, deps);
  }
  if (work) {
    // Each change of the flows is audited once, by the worker's process.
    let before = [...flows.snapshot().flows.keys()];
    flows.onChange((snap) => {
      const after = [...snap.flows.keys()];
      const change = { dir: flows.dir, before, after, problems: flows.problems, now: ctx.now() };
      before = after;
      recordDefinitionReload(ctx.store, 'flows', change).catch((err: unknown) =>
        ctx.logger.warn({ err }, 'could not audit the flows reload'),
      );
    });
  }
  const worker: CorrelationWorker | undefined = work
    ? createCorrelationWorker({
        store: ctx.store,
        flows,
        config: ctx.config,
        logger: ctx.logger,
        now: ctx.now,
      })
    : undefined;
  return {
    name: 'correlation',
    async start() {
      flows.watch();
      await worker?.start();
    },
    async stop() {
      flows.close();
      await worker?.stop();
    },
    readiness: () => worker?.readiness() ?? Promise.resolve(undefined),
  };
};
