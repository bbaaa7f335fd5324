import { plantFilter } from '../access/principal.ts';
import { SearchQuery, SearchResponseSchema } from '@linewatch/schema';
import { evaluationNow, searchTransactions } from '@linewatch/correlation';
import type { ScopedRouter } from '../router.ts';
import { parseQuery } from '../validate.ts';
import type { CorrelationRouteDeps } from './flows.ts';

/** `GET /api/v1/search?q=`: one box that finds a transaction by any business key, trace id or event id. */
export function registerSearchRoutes(router: ScopedRouter, deps: CorrelationRouteDeps): void {
  router.get(
    '/api/v1/search',
    'read',
    async (c) => {
      const q = parseQuery(c, SearchQuery);
      return c.json(
        await searchTransactions(deps.store, deps.flows.snapshot(), q.q, {
          limit: q.limit,
          plants: plantFilter(c),
          // A missing step's overdue time, on the same clock as its status (dataClock.ts).
          now: await evaluationNow(deps.store, deps.now()),
        }),
      );
    },
    {
      summary:
        'Find transactions by business key or linked key (exact, then prefix), trace id or event id; and unmatched events under that key',
      tags: ['transactions'],
      query: SearchQuery,
      response: SearchResponseSchema,
    },
  );
}
