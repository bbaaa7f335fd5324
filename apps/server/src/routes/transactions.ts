import { plantFilter } from '../access/principal.ts';
import {
  ListTransactionsQuery,
  TransactionDetailSchema,
  TransactionListSchema,
  TransactionParams,
} from '@linewatch/schema';
import { evaluationNow, getTransactionDetail, listTransactions } from '@linewatch/correlation';
import { ApiError } from '../errors.ts';
import type { ScopedRouter } from '../router.ts';
import { parseParams, parseQuery } from '../validate.ts';
import { correlationRange, withCursor, type CorrelationRouteDeps } from './flows.ts';

/**
 * `GET /api/v1/transactions` (filtered, sorted, cursor-paginated) and
 * `GET /api/v1/transactions/:flow/:key` (status and reason, steps timeline with expected and actual
 * times, events, errors and the spans of every trace the events reference). Encode the key:
 * `/api/v1/transactions/production_confirmation/MO%2F00042`.
 */
export function registerTransactionRoutes(router: ScopedRouter, deps: CorrelationRouteDeps): void {
  router.get(
    '/api/v1/transactions',
    'read',
    async (c) => {
      const q = parseQuery(c, ListTransactionsQuery);
      // Without a range, every time (a key search should find old transactions too).
      const range =
        q.from !== undefined || q.to !== undefined || q.window !== undefined
          ? correlationRange(q, deps.now())
          : {};
      const plants = plantFilter(c, q.plant);
      // A missing step's overdue time, on the same clock as its status (dataClock.ts).
      const now = await evaluationNow(deps.store, deps.now());
      const list = await withCursor(() =>
        listTransactions(deps.store, {
          ...range,
          flow: q.flow,
          plant: q.plant,
          statuses: q.status,
          key: q.key,
          sort: q.sort,
          order: q.order,
          limit: q.limit,
          cursor: q.cursor,
          plants,
          now,
        }),
      );
      return c.json(list);
    },
    {
      summary:
        'Transactions by flow, plant, status, time range (started) and key or linked-key prefix; sorted, cursor-paginated',
      tags: ['transactions'],
      query: ListTransactionsQuery,
      response: TransactionListSchema,
    },
  );

  router.get(
    '/api/v1/transactions/:flow/:key',
    'read',
    async (c) => {
      const { flow, key } = parseParams(c, TransactionParams);
      if (!deps.flows.get(flow)) throw new ApiError(404, 'flow_not_found', `no flow "${flow}"`);
      const detail = await getTransactionDetail(
        deps.store,
        deps.flows.snapshot(),
        { flow, key },
        { now: deps.now(), clockSkew: deps.clockSkew, plants: plantFilter(c) },
      );
      if (!detail) throw new ApiError(404, 'transaction_not_found', `no transaction ${key} in flow ${flow}`);
      return c.json(detail);
    },
    {
      summary:
        'One transaction: status and reason, steps timeline (expected vs actual, deadlines), events, errors, linked spans',
      tags: ['transactions'],
      params: TransactionParams,
      response: TransactionDetailSchema,
    },
  );
}
