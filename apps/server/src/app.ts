import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { AppEnv } from './appEnv.ts';
import type { TokenVerifier } from './auth.ts';
import { ApiError, type ErrorBody } from './errors.ts';
import { ScopedRouter } from './router.ts';

export interface HttpAppDeps {
  logger: Logger;
  verifier: TokenVerifier;
}

/** Builds the Hono app with request ids, one error mapper and a scoped router for the routes. */
export function createHttpApp(deps: HttpAppDeps): { app: Hono<AppEnv>; router: ScopedRouter } {
  const app = new Hono<AppEnv>();
  app.use('*', requestId({ headerName: 'X-Request-Id' }));

  app.onError((err, c) => {
    const rid = c.get('requestId') ?? '';
    const body = (code: string, message: string): ErrorBody => ({ error: { code, message, requestId: rid } });
    if (err instanceof ApiError) return c.json(body(err.code, err.message), err.status);
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
  return { app, router: new ScopedRouter(app, deps.verifier) };
}
