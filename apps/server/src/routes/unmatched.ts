import { plantFilter } from '../access/principal.ts';
import { ListUnmatchedQuery, UnmatchedListSchema } from '@linewatch/schema';
import { listUnmatched } from '@linewatch/correlation';
import type { ScopedRouter } from '../router.ts';
import { parseQuery } from '../validate.ts';
import { correlationRange, withCursor, type CorrelationRouteDeps } from './flows.ts';

/**
 * `GET /api/v1/unmatched`: events kept but attributed to no transaction, grouped by (flow as sent,
 * key, step), with why: no flow matches, unknown step, ambiguous, or no transaction start yet.
 */
export function registerUnmatchedRoutes(router: ScopedRouter, deps: CorrelationRouteDeps): void {
  router.get(
    '/api/v1/unmatched',
    'read',
    async (c) => {
      const q = parseQuery(c, ListUnmatchedQuery);
      const range = correlationRange(q, deps.now());
      const plants = plantFilter(c, q.plant);
      return c.json(
        await withCursor(() =>
          listUnmatched(deps.store, {
            ...range,
            reason: q.reason,
            flow: q.flow,
            plant: q.plant,
            limit: q.limit,
            cursor: q.cursor,
            plants,
          }),
        ),
      );
    },
    {
      summary:
        'Events that belong to no transaction (last event in the range), most recent first, cursor-paginated',
      tags: ['transactions'],
      query: ListUnmatchedQuery,
      response: UnmatchedListSchema,
    },
  );
}
