import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../appEnv.ts';
import type { RouteScope, TokenVerifier } from '../auth.ts';
import { ApiError } from '../errors.ts';

/** Rejects callers without `scope` (401 without a valid token, 403 with one that lacks the scope). */
export function requireScope(verifier: TokenVerifier, scope: RouteScope) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (scope === 'public') return next();
    const principal = verifier.verify(c.req.header('authorization'));
    if (!principal) {
      c.header('WWW-Authenticate', 'Bearer realm="linewatch"');
      throw new ApiError(401, 'unauthenticated', 'a valid bearer token is required');
    }
    if (!principal.scopes.has(scope))
      throw new ApiError(403, 'forbidden', `this token lacks the "${scope}" scope`);
    c.set('principal', principal);
    return next();
  });
}
