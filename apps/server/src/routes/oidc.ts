import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Logger } from 'pino';
import * as oidc from 'openid-client';
import { z } from 'zod';
import type { OidcProviderConfig } from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import type { AppEnv } from '../appEnv.ts';
import type { PrincipalRecord } from '../access/accessStore.ts';
import { recordAudit, SYSTEM_ACTOR } from '../access/audit.ts';
import { createPrincipal, updatePrincipal, type ChangeContext } from '../access/manage.ts';
import { decideRole, personOf, safeReturnTo, subjectKey, type OidcClaims } from '../access/oidcRoles.ts';
import { SESSION_COOKIE, type SessionStore } from '../access/sessions.ts';
import type { AccessControl } from '../access/verifier.ts';
import { ApiError } from '../errors.ts';
import { clientAddress } from '../middleware/apiRateLimit.ts';
import type { ScopedRouter } from '../router.ts';

// Sign-in with a company identity provider: OpenID Connect authorization code flow with PKCE (S256),
// state and nonce, by openid-client. `/start` remembers the flow's secrets in this process under a
// random key held in a short-lived HttpOnly cookie and redirects to the provider; `/callback`
// exchanges the code, checks the ID token, reads userinfo, maps the person's groups to a role, keeps
// the user's record in step with the provider, and starts the same cookie session a password sign-in
// gets. Every outcome is audited; a refusal comes back to the sign-in page with the reason.

const FLOW_COOKIE = 'lw_oidc';
const FLOW_TTL_MS = 10 * 60_000;
/** Flows started and not finished, at most (a flood of /start cannot grow memory without bound). */
const MAX_PENDING = 10_000;

interface PendingFlow {
  providerId: string;
  codeVerifier: string;
  state: string;
  nonce: string;
  redirectUri: string;
  returnTo: string;
  expiresAt: number;
}

export interface OidcRouteDeps {
  store: Store;
  access: AccessControl;
  sessions: SessionStore;
  providers: readonly OidcProviderConfig[];
  /** Base URL people reach Linewatch at (`publicUrl`); absent: the origin of the request. */
  publicUrl?: string;
  secret: (name: string) => string | undefined;
  logger: Logger;
  now: () => number;
}

const StartQuery = z.object({ returnTo: z.string().max(2000).optional() });
const ProviderParams = z.object({ provider: z.string() });

/** An http issuer is accepted on loopback only (a test or a provider on the same host). */
function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** The openid-client configuration of a provider, discovered once (again after a failure). */
function discoverer(p: OidcProviderConfig, deps: OidcRouteDeps): () => Promise<oidc.Configuration> {
  let discovered: Promise<oidc.Configuration> | undefined;
  return () => {
    discovered ??= (async () => {
      const issuer = new URL(p.issuer);
      if (issuer.protocol !== 'https:' && !isLoopback(issuer))
        throw new Error(`issuer ${p.issuer}: HTTPS is required for a provider that is not on loopback`);
      const clientSecret = p.clientSecretEnv ? deps.secret(p.clientSecretEnv) : undefined;
      if (p.clientSecretEnv && !clientSecret)
        throw new Error(`the environment variable ${p.clientSecretEnv} (clientSecretEnv) is not set`);
      const insecure = issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined;
      return oidc.discovery(
        issuer,
        p.clientId,
        clientSecret,
        clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(),
        insecure,
      );
    })();
    discovered.catch(() => {
      discovered = undefined;
    });
    return discovered;
  };
}

/** Registers `/api/v1/auth/oidc/:provider/start` and `/callback` for the configured providers. */
export function registerOidcRoutes(router: ScopedRouter, deps: OidcRouteDeps): void {
  const pending = new Map<string, PendingFlow>();
  const configOf = new Map(deps.providers.map((p) => [p.id, { provider: p, config: discoverer(p, deps) }]));

  const providerOf = (c: Context<AppEnv>) => {
    const id = c.req.param('provider') ?? '';
    const p = configOf.get(id);
    if (!p) throw new ApiError(404, 'not_found', `provider: no OpenID Connect provider "${id}"`);
    return p;
  };
  const base = (c: Context<AppEnv>) => (deps.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '');
  const secure = (c: Context<AppEnv>) =>
    (deps.publicUrl ?? c.req.url).startsWith('https:') || new URL(c.req.url).protocol === 'https:';

  const prune = (now: number) => {
    for (const [k, f] of pending) if (f.expiresAt <= now) pending.delete(k);
    while (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value as string);
  };

  /** Back to the sign-in page, saying why (it shows `signInError`). */
  const refuse = (c: Context<AppEnv>, message: string) =>
    c.redirect(`/?signInError=${encodeURIComponent(message)}`, 302);

  router.get(
    '/api/v1/auth/oidc/:provider/start',
    'public',
    async (c) => {
      const { provider, config } = providerOf(c);
      const query = StartQuery.safeParse(c.req.query());
      let configuration: oidc.Configuration;
      try {
        configuration = await config();
      } catch (err) {
        deps.logger.warn({ err, provider: provider.id }, 'OpenID Connect discovery failed');
        throw new ApiError(
          502,
          'identity_provider_unavailable',
          `${provider.name} (${provider.issuer}) cannot be reached; try again, or sign in with a password`,
        );
      }
      const now = deps.now();
      prune(now);
      const flow: PendingFlow = {
        providerId: provider.id,
        codeVerifier: oidc.randomPKCECodeVerifier(),
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        redirectUri: `${base(c)}/api/v1/auth/oidc/${provider.id}/callback`,
        returnTo: safeReturnTo(query.success ? query.data.returnTo : undefined),
        expiresAt: now + FLOW_TTL_MS,
      };
      const key = randomBytes(32).toString('base64url');
      pending.set(key, flow);
      // Lax: the provider's redirect back is a top-level navigation from its site.
      setCookie(c, FLOW_COOKIE, key, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: secure(c),
        path: '/api/v1/auth/oidc',
        maxAge: FLOW_TTL_MS / 1000,
      });
      const url = oidc.buildAuthorizationUrl(configuration, {
        redirect_uri: flow.redirectUri,
        scope: provider.scopes.join(' '),
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.codeVerifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
      });
      return c.redirect(url.href, 302);
    },
    {
      summary:
        'Start signing in with an OpenID Connect provider: redirects to it (authorization code + PKCE)',
      tags: ['auth'],
      params: ProviderParams,
      query: StartQuery,
    },
  );

  router.get(
    '/api/v1/auth/oidc/:provider/callback',
    'public',
    async (c) => {
      const { provider, config } = providerOf(c);
      const now = deps.now();
      const address = clientAddress(c);
      const key = getCookie(c, FLOW_COOKIE);
      deleteCookie(c, FLOW_COOKIE, { path: '/api/v1/auth/oidc' });
      const flow = key ? pending.get(key) : undefined;
      if (key) pending.delete(key);
      const failed = async (outcome: 'failed' | 'denied', detail: string, actor = { id: '', name: '' }) => {
        await recordAudit(
          deps.store,
          { id: actor.id, kind: 'user', name: actor.name || `(${provider.id})` },
          { action: 'auth.sign_in', outcome, detail: `oidc ${provider.id}: ${detail}` },
          { now, address },
        );
        return refuse(c, detail);
      };
      if (!flow || flow.providerId !== provider.id || flow.expiresAt <= now)
        return failed('failed', 'the sign-in took too long or was started in another browser; try again');
      const providerError = c.req.query('error');
      if (providerError)
        return failed(
          'denied',
          `${provider.name} refused: ${providerError}${c.req.query('error_description') ? ` (${c.req.query('error_description')})` : ''}`,
        );

      let claims: OidcClaims;
      try {
        const configuration = await config();
        // The address the provider redirected to, as registered (not as a proxy may have rewritten it).
        const current = new URL(flow.redirectUri);
        current.search = new URL(c.req.url).search;
        const tokens = await oidc.authorizationCodeGrant(configuration, current, {
          pkceCodeVerifier: flow.codeVerifier,
          expectedState: flow.state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims() as OidcClaims | undefined;
        if (!idClaims || typeof idClaims.sub !== 'string') throw new Error('the ID token has no subject');
        claims = { ...idClaims };
        if (configuration.serverMetadata().userinfo_endpoint) {
          const info = await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
          claims = { ...info, ...idClaims, ...pickGroups(info, provider.groupsClaim) };
        }
      } catch (err) {
        deps.logger.warn({ err, provider: provider.id }, 'OpenID Connect sign-in failed');
        return failed(
          'failed',
          `the answer of ${provider.name} could not be verified: ${(err as Error).message}`,
        );
      }

      const sub = claims.sub as string;
      const person = personOf(claims);
      const role = decideRole(provider, claims);
      const existing = deps.access
        .principalRecords()
        .find((p) => p.kind === 'user' && p.oidcSubject === subjectKey(provider.id, sub));
      if (!role.ok) return failed('denied', role.reason, { id: existing?.id ?? '', name: person.name });
      if (existing?.disabled)
        return failed('denied', 'this user is disabled in Linewatch', {
          id: existing.id,
          name: existing.name,
        });

      const user = await keepUserInStep(
        { store: deps.store, actor: SYSTEM_ACTOR, now, address },
        deps.access,
        existing,
        { providerId: provider.id, sub, person, scopes: role.scopes, plants: role.plants },
      );
      await deps.access.refresh();
      const created = await deps.sessions.create({
        principalId: user.id,
        method: 'oidc',
        address,
        userAgent: c.req.header('user-agent') ?? '',
        now,
      });
      await recordAudit(
        deps.store,
        user,
        { action: 'auth.sign_in', detail: `oidc ${provider.id} (group ${role.group})` },
        { now, address },
      );
      setCookie(c, SESSION_COOKIE, created.id, {
        httpOnly: true,
        // Lax, not Strict: this answer ends a navigation that started at the provider's site.
        sameSite: 'Lax',
        secure: secure(c),
        path: '/',
        maxAge: Math.floor(deps.sessions.timeouts.absoluteMs / 1000),
      });
      return c.redirect(flow.returnTo, 302);
    },
    {
      summary:
        'Where the OpenID Connect provider sends a person back: starts the session, redirects into the UI',
      tags: ['auth'],
      params: ProviderParams,
      query: z.object({
        code: z.string().optional(),
        state: z.string().optional(),
        error: z.string().optional(),
        error_description: z.string().optional(),
      }),
    },
  );
}

/** Userinfo's groups win over an ID token without them (some providers only put them in userinfo). */
function pickGroups(info: Record<string, unknown>, claim: string): OidcClaims {
  return info[claim] === undefined ? {} : { [claim]: info[claim] };
}

/** Creates the user at the first sign-in, and updates scopes, plants, name and e-mail when they changed. */
async function keepUserInStep(
  ctx: ChangeContext,
  access: AccessControl,
  existing: PrincipalRecord | undefined,
  who: {
    providerId: string;
    sub: string;
    person: ReturnType<typeof personOf>;
    scopes: PrincipalRecord['scopes'];
    plants: string[];
  },
): Promise<PrincipalRecord> {
  if (!existing) {
    const taken = access.principalRecords().some((p) => p.kind === 'user' && p.name === who.person.name);
    return createPrincipal(ctx, {
      kind: 'user',
      // A local user of the same name is another person until an admin says otherwise.
      name: taken ? `${who.person.name} (${who.providerId})` : who.person.name,
      displayName: who.person.displayName,
      email: who.person.email,
      scopes: who.scopes,
      plants: who.plants,
      oidcSubject: subjectKey(who.providerId, who.sub),
    });
  }
  const same = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
  if (
    same(existing.scopes, who.scopes) &&
    same(existing.plants, who.plants) &&
    existing.displayName === who.person.displayName &&
    existing.email === who.person.email
  )
    return existing;
  return updatePrincipal(
    ctx,
    existing.id,
    { scopes: who.scopes, plants: who.plants, displayName: who.person.displayName, email: who.person.email },
    'user.update_from_identity_provider',
  );
}
