import { z } from 'zod';
import {
  ListOperationsQuery,
  ListServicesQuery,
  OperationListSchema,
  ServiceListSchema,
  type ServiceSummary,
} from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import {
  healthFromRed,
  plantsInScope,
  queryOperationRed,
  queryServiceRed,
  redMetrics,
} from '@linewatch/correlation';
import type { ScopedRouter } from '../router.ts';
import { parseParams, parseQuery } from '../validate.ts';
import { requestRange } from './dependencies.ts';
import { plantFilter } from '../access/principal.ts';

export interface ServiceRouteDeps {
  store: Store;
  now: () => number;
}

const ServiceParams = z.object({ service: z.string().min(1).max(256) });
const DEFAULT_WINDOW_MS = 15 * 60_000;

/**
 * `GET /api/v1/services` (every service with its RED metrics from entry spans: server, consumer and
 * root spans) and `GET /api/v1/services/:service/operations` (the same per operation).
 */
export function registerServiceRoutes(router: ScopedRouter, deps: ServiceRouteDeps): void {
  router.get(
    '/api/v1/services',
    'read',
    async (c) => {
      const q = parseQuery(c, ListServicesQuery);
      const range = requestRange(q, deps.now(), DEFAULT_WINDOW_MS);
      const plants = plantsInScope(q.plant, plantFilter(c, q.plant));
      const seconds = (range.to.getTime() - range.from.getTime()) / 1000;
      const rows = await queryServiceRed(deps.store, { ...range, plants });
      const services = rows.map((r): ServiceSummary => {
        const metrics = redMetrics(r.calls, r.errors, r.p50Ns, r.p95Ns, seconds);
        return {
          service: r.node,
          plants: [...r.plants].filter(Boolean).sort(),
          metrics,
          health: healthFromRed(metrics),
        };
      });
      return c.json({ from: range.from.toISOString(), to: range.to.toISOString(), services });
    },
    {
      summary: 'Services and their RED metrics (rate, errors, p50/p95 duration) from spans',
      tags: ['services'],
      query: ListServicesQuery,
      response: ServiceListSchema,
    },
  );

  router.get(
    '/api/v1/services/:service/operations',
    'read',
    async (c) => {
      const { service } = parseParams(c, ServiceParams);
      const q = parseQuery(c, ListOperationsQuery);
      const range = requestRange(q, deps.now(), DEFAULT_WINDOW_MS);
      const plants = plantsInScope(q.plant, plantFilter(c, q.plant));
      const seconds = (range.to.getTime() - range.from.getTime()) / 1000;
      const rows = await queryOperationRed(deps.store, service, { ...range, plants });
      return c.json({
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        service,
        operations: rows.map((r) => ({
          operation: r.operation,
          spanKind: r.spanKind,
          metrics: redMetrics(r.calls, r.errors, r.p50Ns, r.p95Ns, seconds),
        })),
      });
    },
    {
      summary: 'RED metrics per operation (span name) of one service',
      tags: ['services'],
      params: ServiceParams,
      query: ListOperationsQuery,
      response: OperationListSchema,
    },
  );
}
