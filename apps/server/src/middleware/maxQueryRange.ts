import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { parseDuration } from '@linewatch/schema';
import type { AppEnv } from '../appEnv.ts';
import { ApiError } from '../errors.ts';

const DAY = 86_400_000;

function durationMs(text: string): number | undefined {
  const t = text.trim();
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : parseDuration(t);
}

/**
 * The query-string field that asks for more than `maxMs`, with the message naming it, or undefined.
 * Reads the range fields every API route shares: `from`/`to` (RFC 3339, `to` defaulting to now),
 * `window` (a duration ending at `to`; `from` wins) and a dashboard query's `range`. Malformed
 * values are left to the route, which answers them with its own 400.
 * @example queryRangeIssue({ from: '2026-01-01T00:00:00Z' }, Date.parse('2026-03-01T00:00:00Z'), 31 * 86_400_000)
 */
export function queryRangeIssue(
  query: Readonly<Record<string, string | undefined>>,
  now: number,
  maxMs: number,
): string | undefined {
  const days = `${Number((maxMs / DAY).toFixed(2))} day${maxMs === DAY ? '' : 's'}`;
  const too = (field: string) => `query.${field}: the range may be at most ${days}`;
  const time = (text: string | undefined) => {
    const ms = text === undefined ? Number.NaN : Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms;
  };
  const to = time(query.to) ?? now;
  const from = time(query.from);
  if (from !== undefined) {
    if (to - from > maxMs) return too('from');
  } else if (query.window !== undefined) {
    const w = durationMs(query.window);
    if (w !== undefined && w > maxMs) return too('window');
  }
  if (query.range !== undefined) {
    const r = durationMs(query.range);
    if (r !== undefined && r > maxMs) return too('range');
  }
  return undefined;
}

/**
 * Refuses, with a 400 naming the field, an API query for a longer time range than
 * `server.limits.maxQueryRangeDays`: one check for every route (transactions, flow health,
 * unmatched, dependencies, services, queues, dashboards' named queries, and any route added later),
 * rather than one per route's range parser.
 */
export function maxQueryRange(options: { maxDays: number; now?: () => number }): MiddlewareHandler<AppEnv> {
  const now = options.now ?? Date.now;
  const maxMs = options.maxDays * DAY;
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.path.startsWith('/api/')) {
      const issue = queryRangeIssue(c.req.query(), now(), maxMs);
      if (issue) throw new ApiError(400, 'invalid_request', issue);
    }
    await next();
  });
}
