import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { clientCertificateSubject } from '@linewatch/collector';
import type { AppEnv } from '../appEnv.ts';
import type { RouteScope } from '../auth.ts';
import type { Principal } from '../access/principal.ts';
import type { AccessControl } from '../access/verifier.ts';
import { ApiError } from '../errors.ts';

/**
 * Another way a request may prove who it is, tried when it carries no Authorization header: a
 * cookie session (which also checks CSRF on state-changing methods), a verified client certificate.
 * Returns undefined when the request does not use it; throws an ApiError when it does but fails.
 */
export type RequestAuthenticator = (c: Context<AppEnv>) => Promise<Principal | undefined>;

/** The authenticated principal of a request, or undefined. */
export async function authenticate(
  access: AccessControl,
  authenticators: readonly RequestAuthenticator[],
  c: Context<AppEnv>,
): Promise<Principal | undefined> {
  const authorization = c.req.header('authorization');
  if (authorization !== undefined) return access.verify(authorization);
  for (const a of authenticators) {
    const p = await a(c);
    if (p) return p;
  }
  // A verified client certificate (server.tls with clientCertificates) mapped to a service account.
  return access.verify(undefined, clientCertificateSubject(c));
}

/** Rejects callers without `scope` (401 without a valid credential, 403 with one that lacks the scope). */
export function requireScope(
  access: AccessControl,
  authenticators: readonly RequestAuthenticator[],
  scope: RouteScope,
) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (scope === 'public') return next();
    const principal = await authenticate(access, authenticators, c);
    if (!principal) {
      c.header('WWW-Authenticate', 'Bearer realm="linewatch"');
      throw new ApiError(401, 'unauthenticated', 'a valid bearer token or a signed-in session is required');
    }
    if (scope !== 'authenticated' && !principal.scopes.has(scope))
      throw new ApiError(403, 'forbidden', `this principal lacks the "${scope}" scope`);
    c.set('principal', principal);
    return next();
  });
}
