import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { timeout } from 'hono/timeout';
import type { AppEnv } from '../appEnv.ts';

/** An API request ran longer than `server.limits.requestTimeoutSeconds` (answered 503 `timeout`). */
export class RequestTimeoutException extends HTTPException {
  override readonly name = 'RequestTimeoutException';
  constructor(readonly seconds: number) {
    super(503, { message: `the request took longer than ${seconds} s` });
  }
}

/**
 * Answers 503 `timeout` when a request is still running after `seconds`. The work is not
 * cancelled (a ClickHouse query ends by `store.maxQuerySeconds`); the caller stops waiting.
 * Ingest (`/v1/*`) is exempt: its receivers bound their own bodies and queue.
 */
export function requestTimeout(seconds: number): MiddlewareHandler<AppEnv> {
  const limit = timeout(seconds * 1000, () => new RequestTimeoutException(seconds));
  return async (c, next) => (c.req.path.startsWith('/v1/') ? next() : limit(c, next));
}
