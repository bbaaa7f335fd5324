import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import {
  CorsConfigSchema,
  ServerLimitsConfigSchema,
  type CorsConfig,
  type ServerLimitsConfig,
} from '@linewatch/schema';
import type { AppEnv } from './appEnv.ts';
import type { AccessControl } from './access/verifier.ts';
import { ApiError, type ErrorBody } from './errors.ts';
import { ScopedRouter } from './router.ts';
import { addressRateLimit, principalRateLimit } from './middleware/apiRateLimit.ts';
import { corsPolicy } from './middleware/cors.ts';
import { maxQueryRange } from './middleware/maxQueryRange.ts';
import { RequestTimeoutException, requestTimeout } from './middleware/requestTimeout.ts';
import { securityHeaders } from './middleware/securityHeaders.ts';

export interface HttpAppDeps {
  logger: Logger;
  access: AccessControl;
  /** `server.limits` and `server.cors` (defaults when absent: limits on, CORS off). */
  server?: { limits?: ServerLimitsConfig; cors?: CorsConfig };
  /** Clock of the rate limits and the query-range check (tests inject one). */
  now?: () => number;
}

/** Builds the Hono app with request ids, one error mapper and a scoped router for the routes. */
export function createHttpApp(deps: HttpAppDeps): { app: Hono<AppEnv>; router: ScopedRouter } {
  const limits = deps.server?.limits ?? ServerLimitsConfigSchema.parse({});
  const cors = corsPolicy(deps.server?.cors ?? CorsConfigSchema.parse({}));
  const app = new Hono<AppEnv>();
  app.use('*', requestId({ headerName: 'X-Request-Id' }));
  app.use('*', securityHeaders());
  if (cors) app.use('*', cors);
  app.use('*', addressRateLimit({ perMinute: limits.requestsPerMinutePerAddress, now: deps.now }));
  app.use('*', requestTimeout(limits.requestTimeoutSeconds));

  app.onError((err, c) => {
    const rid = c.get('requestId') ?? '';
    const body = (code: string, message: string): ErrorBody => ({ error: { code, message, requestId: rid } });
    if (err instanceof ApiError) return c.json(body(err.code, err.message), err.status);
    if (err instanceof RequestTimeoutException) {
      deps.logger.warn({ requestId: rid, path: c.req.path, seconds: err.seconds }, 'request timed out');
      return c.json(body('timeout', err.message), 503);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      return c.json(
        body(status === 413 ? 'payload_too_large' : 'bad_request', err.message || 'bad request'),
        status,
      );
    }
    deps.logger.error({ err, requestId: rid, path: c.req.path }, 'unhandled error');
    return c.json(body('internal', 'internal error'), 500);
  });
  app.notFound((c) =>
    c.json<ErrorBody>(
      {
        error: {
          code: 'not_found',
          message: `no route for ${c.req.method} ${c.req.path}`,
          requestId: c.get('requestId') ?? '',
        },
      },
      404,
    ),
  );
  const router = new ScopedRouter(app, deps.access);
  router.afterAuth.push(
    principalRateLimit({ perMinute: limits.requestsPerMinutePerPrincipal, now: deps.now }),
    maxQueryRange({ maxDays: limits.maxQueryRangeDays, now: deps.now }),
  );
  return { app, router };
}
