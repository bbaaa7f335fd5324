import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { Store } from '@linewatch/store';
import type { AppEnv } from '../appEnv.ts';
import { recordAudit } from '../access/audit.ts';
import { NO_USER_HASH, verifyPassword } from '../access/passwords.ts';
import { describePrincipal, principalOf } from '../access/principal.ts';
import { createRateLimiter } from '../access/rateLimit.ts';
import { csrfTokenOf, SESSION_COOKIE, SessionStore, type SessionRecord } from '../access/sessions.ts';
import { principalFromRecord, type AccessControl } from '../access/verifier.ts';
import { ApiError } from '../errors.ts';
import { clientAddress } from '../middleware/apiRateLimit.ts';
import type { ScopedRouter } from '../router.ts';
import { parseBody } from '../validate.ts';

// Sign-in for people with a local password: a session in an HttpOnly, SameSite=Strict cookie (Secure
// over HTTPS), idle and absolute timeouts, and a CSRF token the page sends as X-CSRF-Token with every
// state-changing request. Sign-ins, failed sign-ins and sign-outs are audited. Attempts are limited
// per address and per user name (brute force), answered 429 with Retry-After.

const LoginBody = z.object({ username: z.string().min(1).max(200), password: z.string().min(1).max(1024) });

const SessionPrincipalSchema = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  plants: z.array(z.string()),
  systems: z.array(z.string()),
  credential: z.string(),
});
const SessionSchema = z.object({
  principal: SessionPrincipalSchema,
  csrfToken: z.string().nullable(),
  expiresAt: z.string().nullable(),
  idleExpiresAt: z.string().nullable(),
});
const ProvidersSchema = z.object({
  local: z.boolean(),
  oidc: z.array(z.object({ id: z.string(), name: z.string() })),
  open: z.boolean(),
});

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AuthRouteDeps {
  store: Store;
  access: AccessControl;
  now: () => number;
  sessions?: SessionStore;
  /** Sign-in attempts per address and per user name in 15 minutes (default 10). */
  attemptsPer15Minutes?: number;
  /** The OpenID Connect providers offered on the sign-in page (routes/oidc.ts). */
  oidc?: readonly { id: string; name: string }[];
}

/** The sign-in routes, and the cookie session as a way to authenticate every other route. */
export function registerAuthRoutes(router: ScopedRouter, deps: AuthRouteDeps): SessionStore {
  const sessions = deps.sessions ?? new SessionStore(deps.store);
  const limit = deps.attemptsPer15Minutes ?? 10;
  const byAddress = createRateLimiter({ limit, windowMs: 15 * 60_000, now: deps.now });
  const byName = createRateLimiter({ limit, windowMs: 15 * 60_000, now: deps.now });
  const sessionOf = new WeakMap<Context<AppEnv>, { record: SessionRecord; id: string }>();

  router.authenticators.push(async (c) => {
    const id = getCookie(c, SESSION_COOKIE);
    if (!id) return undefined;
    const s = await sessions.verify(id, deps.now());
    if (!s) return undefined;
    const user = deps.access.activeUser(s.principalId);
    if (!user) return undefined;
    if (STATE_CHANGING.has(c.req.method) && !SessionStore.csrfMatches(s, c.req.header('x-csrf-token')))
      throw new ApiError(403, 'csrf', 'X-CSRF-Token: missing or not the token of this session');
    sessionOf.set(c, { record: s, id });
    return principalFromRecord(user, 'session', s.idHash.slice(0, 12));
  });

  const answer = (c: Context<AppEnv>, csrfToken: string | null, s: SessionRecord | undefined) => ({
    principal: describePrincipal(principalOf(c)),
    csrfToken,
    expiresAt: s ? new Date(s.expiresAt).toISOString() : null,
    idleExpiresAt: s ? new Date(sessions.idleExpiry(s)).toISOString() : null,
  });

  router.get(
    '/api/v1/auth/providers',
    'public',
    (c) => c.json({ local: true, oidc: [...(deps.oidc ?? [])], open: deps.access.open }),
    {
      summary:
        'How people sign in here (local passwords, OpenID Connect providers; whether the instance is open)',
      tags: ['auth'],
      response: ProvidersSchema,
    },
  );

  router.post(
    '/api/v1/auth/login',
    'public',
    async (c) => {
      const body = await parseBody(c, LoginBody);
      const address = clientAddress(c);
      const now = deps.now();
      for (const [limiter, key] of [
        [byAddress, address],
        [byName, body.username.toLowerCase()],
      ] as const) {
        const t = limiter.take(key);
        if (!t.ok) {
          c.header('Retry-After', String(t.retryAfterSeconds));
          await recordAudit(
            deps.store,
            { id: '', kind: 'user', name: body.username },
            { action: 'auth.sign_in', outcome: 'denied', detail: 'rate limited' },
            { now, address },
          );
          throw new ApiError(429, 'rate_limited', 'too many sign-in attempts; wait and try again');
        }
      }
      const user = deps.access
        .principalRecords()
        .find((p) => p.kind === 'user' && p.name === body.username && !p.disabled && p.passwordHash !== '');
      // An unknown name costs the same scrypt as a known one.
      const ok = await verifyPassword(user?.passwordHash ?? NO_USER_HASH, body.password);
      if (!user || !ok) {
        await recordAudit(
          deps.store,
          { id: user?.id ?? '', kind: 'user', name: body.username },
          { action: 'auth.sign_in', outcome: 'failed', detail: 'wrong user name or password' },
          { now, address },
        );
        throw new ApiError(401, 'invalid_credentials', 'wrong user name or password');
      }
      byName.reset(body.username.toLowerCase());
      const created = await sessions.create({
        principalId: user.id,
        method: 'password',
        address,
        userAgent: c.req.header('user-agent') ?? '',
        now,
      });
      await recordAudit(deps.store, user, { action: 'auth.sign_in', detail: 'password' }, { now, address });
      setCookie(c, SESSION_COOKIE, created.id, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: new URL(c.req.url).protocol === 'https:',
        path: '/',
        maxAge: Math.floor(sessions.timeouts.absoluteMs / 1000),
      });
      c.set('principal', principalFromRecord(user, 'session'));
      return c.json(answer(c, created.csrfToken, created.record));
    },
    {
      summary: 'Sign in with a local user name and password: sets the session cookie, answers the CSRF token',
      tags: ['auth'],
      body: LoginBody,
      response: SessionSchema,
    },
  );

  router.get(
    '/api/v1/auth/session',
    'authenticated',
    (c) => {
      const s = sessionOf.get(c);
      // A reloaded page gets its session's CSRF token again; a bearer-token caller has none.
      return c.json(answer(c, s ? csrfTokenOf(s.id) : null, s?.record));
    },
    {
      summary: 'Who is signed in, and until when',
      tags: ['auth'],
      response: SessionSchema,
    },
  );

  router.post(
    '/api/v1/auth/logout',
    'authenticated',
    async (c) => {
      const s = sessionOf.get(c);
      const now = deps.now();
      if (s) {
        await sessions.end(s.record, now);
        await recordAudit(
          deps.store,
          principalOf(c),
          { action: 'auth.sign_out' },
          { now, address: clientAddress(c) },
        );
      }
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
    { summary: 'Sign out: ends the cookie session', tags: ['auth'] },
  );
  return sessions;
}
