import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcProviderConfigSchema } from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import { createHttpApp } from '../../apps/server/src/app.ts';
import { createToken } from '../../apps/server/src/auth.ts';
import { listAudit } from '../../apps/server/src/access/audit.ts';
import { SessionStore } from '../../apps/server/src/access/sessions.ts';
import { AccessControl } from '../../apps/server/src/access/verifier.ts';
import { registerAccessRoutes } from '../../apps/server/src/routes/access.ts';
import { registerAuthRoutes } from '../../apps/server/src/routes/auth.ts';
import { registerOidcRoutes } from '../../apps/server/src/routes/oidc.ts';
import { TestBrowser } from '../support/testBrowser.ts';
import { startOidcProvider, type TestOidcProvider } from '../support/startOidcProvider.ts';

// Sign-in with OpenID Connect against a real provider (the `oidc-provider` package on a loopback
// port): authorization code + PKCE, the ID token and userinfo checked by openid-client, groups
// mapped to scopes and plants, the user kept in step with the provider, the cookie session and its
// CSRF token, refusals that come back to the sign-in page with the reason, and the audit trail. The
// "browser" follows redirects between Linewatch (in process) and the provider (over HTTP) with a
// cookie jar per site.

const LINEWATCH = 'http://localhost';
const CALLBACK = `${LINEWATCH}/api/v1/auth/oidc/corp/callback`;
const admin = createToken('ops-admin', ['admin'], []);

let store: TestStore;
let idp: TestOidcProvider;
let access: AccessControl;
let app: ReturnType<typeof createHttpApp>;
const startedAt = Date.now();

const accounts = [
  {
    sub: 'sub-marie',
    preferred_username: 'marie',
    name: 'Marie Dupont',
    email: 'marie@lyon.example',
    groups: ['lyon-support'],
  },
  {
    sub: 'sub-jana',
    preferred_username: 'jana',
    name: 'Jana Novak',
    email: 'jana@brno.example',
    groups: ['finance'],
  },
];

/** The browser of these tests: Linewatch is answered in process, the provider over HTTP. */
class Browser extends TestBrowser {
  constructor() {
    super({ [LINEWATCH]: (url, init) => app.app.request(url, init) }, LINEWATCH);
  }

  async api(path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
    const { res } = await this.request(`${LINEWATCH}${path}`, init);
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : null) as Record<string, unknown> };
  }
}

async function signIn(browser: Browser, sub: string, returnTo = '/alerts?state=firing') {
  idp.signInAs(sub);
  return browser.go(`/api/v1/auth/oidc/corp/start?returnTo=${encodeURIComponent(returnTo)}`);
}

async function audit(action: string) {
  return listAudit(store, { from: startedAt - 1000, to: Date.now() + 1000, action, plants: [], limit: 100 });
}

beforeAll(async () => {
  store = await openTestStore();
  idp = await startOidcProvider({ redirectUris: [CALLBACK], accounts });
  access = new AccessControl({ staticTokens: [admin.entry], store });
  await access.refresh();
  app = createHttpApp({ logger: pino({ level: 'silent' }), access, now: Date.now });
  const provider = OidcProviderConfigSchema.parse({
    id: 'corp',
    name: 'Corp SSO',
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecretEnv: 'LW_TEST_OIDC_CLIENT_SECRET',
    scopes: ['openid', 'profile', 'email', 'groups'],
    roles: [
      { groups: ['lw-admins'], scopes: ['admin'] },
      { groups: ['lyon-support'], scopes: ['operate'], plants: ['P01'] },
    ],
  });
  const sessions = new SessionStore(store);
  registerAccessRoutes(app.router, { store, access, now: Date.now });
  registerAuthRoutes(app.router, {
    store,
    access,
    now: Date.now,
    sessions,
    oidc: [{ id: 'corp', name: 'Corp SSO' }],
  });
  registerOidcRoutes(app.router, {
    store,
    access,
    sessions,
    providers: [provider],
    secret: (name) => (name === 'LW_TEST_OIDC_CLIENT_SECRET' ? idp.clientSecret : undefined),
    logger: pino({ level: 'silent' }),
    now: Date.now,
  });
}, 60_000);

afterAll(async () => {
  await idp?.close();
  await store?.drop();
});

describe('OpenID Connect sign-in', () => {
  it('offers the provider on the sign-in page', async () => {
    const b = new Browser();
    expect((await b.api('/api/v1/auth/providers')).json).toMatchObject({
      local: true,
      oidc: [{ id: 'corp', name: 'Corp SSO' }],
    });
  });

  it('signs a person in with code + PKCE, maps their group to scopes and plants, and lands where they were going', async () => {
    const b = new Browser();
    const end = await signIn(b, 'sub-marie');
    expect(`${end.url.pathname}${end.url.search}`).toBe('/alerts?state=firing');
    expect(b.hops[0]).toBe(`302 ${LINEWATCH}/api/v1/auth/oidc/corp/start`);
    expect(b.hops).toContain(`302 ${LINEWATCH}/api/v1/auth/oidc/corp/callback`);

    const auth = idp.authorizationRequests.at(-1)!;
    expect(auth.get('code_challenge_method')).toBe('S256');
    expect(auth.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(auth.get('state')).toBeTruthy();
    expect(auth.get('nonce')).toBeTruthy();
    expect(auth.get('redirect_uri')).toBe(CALLBACK);
    expect(auth.get('scope')).toBe('openid profile email groups');

    const sessionCookie = end.setCookies.find((c) => c.startsWith('lw_session='))!;
    expect(sessionCookie).toMatch(/HttpOnly/i);
    expect(sessionCookie).toMatch(/SameSite=Lax/i);
    expect(b.cookie(LINEWATCH, 'lw_oidc')).toBeUndefined();

    const session = await b.api('/api/v1/auth/session');
    expect(session.status).toBe(200);
    expect(session.json.principal).toMatchObject({
      kind: 'user',
      name: 'marie',
      scopes: ['operate', 'read'],
      plants: ['P01'],
      credential: 'session',
    });
    const stored = access.principalRecords().find((p) => p.name === 'marie')!;
    expect(stored).toMatchObject({
      kind: 'user',
      oidcSubject: 'corp|sub-marie',
      email: 'marie@lyon.example',
      displayName: 'Marie Dupont',
    });

    // A state-changing request of a cookie session needs its CSRF token.
    expect((await b.api('/api/v1/auth/logout', { method: 'POST' })).status).toBe(403);
    const csrf = session.json.csrfToken as string;
    expect(
      (await b.api('/api/v1/auth/logout', { method: 'POST', headers: { 'x-csrf-token': csrf } })).status,
    ).toBe(204);
    expect((await b.api('/api/v1/auth/session')).status).toBe(401);

    const signIns = await audit('auth.sign_in');
    expect(signIns.find((r) => r.principal.id === stored.id)).toMatchObject({
      outcome: 'ok',
      detail: 'oidc corp (group lyon-support)',
    });
    expect((await audit('user.create')).some((r) => r.target === stored.id)).toBe(true);
  });

  it('keeps the user in step with the provider: a new group changes the role at the next sign-in, same user', async () => {
    const before = access.principalRecords().find((p) => p.name === 'marie')!;
    accounts[0]!.groups = ['lw-admins'];
    try {
      const b = new Browser();
      await signIn(b, 'sub-marie');
      const session = await b.api('/api/v1/auth/session');
      expect(session.json.principal).toMatchObject({
        id: before.id,
        scopes: ['admin', 'ingest', 'operate', 'read'],
        plants: [],
      });
      expect(access.principalRecords().filter((p) => p.name === 'marie')).toHaveLength(1);
      const change = (await audit('user.update_from_identity_provider')).find((r) => r.target === before.id);
      expect(change?.before).toMatchObject({ scopes: ['operate'], plants: ['P01'] });
      expect(change?.after).toMatchObject({ scopes: ['admin'], plants: [] });
    } finally {
      accounts[0]!.groups = ['lyon-support'];
    }
  });

  it('refuses a person whose groups have no role, back on the sign-in page with the reason, and audits it', async () => {
    const b = new Browser();
    const end = await signIn(b, 'sub-jana');
    expect(end.url.pathname).toBe('/');
    expect(end.url.searchParams.get('signInError')).toBe(
      'Corp SSO lists groups finance; none of them has a role in Linewatch',
    );
    expect(b.cookie(LINEWATCH, 'lw_session')).toBeUndefined();
    expect(access.principalRecords().some((p) => p.name === 'jana')).toBe(false);
    const denied = (await audit('auth.sign_in')).find((r) => r.principal.name === 'jana');
    expect(denied).toMatchObject({ outcome: 'denied' });
  });

  it('comes back with the reason when the person cancels at the provider', async () => {
    const b = new Browser();
    idp.refuseNext();
    const end = await signIn(b, 'sub-marie');
    expect(end.url.searchParams.get('signInError')).toMatch(/^Corp SSO refused: access_denied/);
    expect(b.cookie(LINEWATCH, 'lw_session')).toBeUndefined();
  });

  it('refuses a callback it did not start, and one whose state was tampered with', async () => {
    // Another browser's callback address, replayed here: no flow cookie.
    const victim = new Browser();
    idp.signInAs('sub-marie');
    const { res } = await victim.request('/api/v1/auth/oidc/corp/start?returnTo=/');
    const authUrl = res.headers.get('location')!;
    const attacker = new Browser();
    let next = authUrl;
    let callback: string | undefined;
    for (let i = 0; i < 10 && !callback; i++) {
      const { res: r, url } = await victim.request(next);
      const loc = new URL(r.headers.get('location')!, url).href;
      if (loc.startsWith(CALLBACK)) callback = loc;
      else next = loc;
    }
    expect(callback).toBeDefined();
    const replayed = await attacker.go(callback!);
    expect(replayed.url.searchParams.get('signInError')).toMatch(
      /took too long or was started in another browser/,
    );

    // The right browser, but the state changed on the way: openid-client refuses it.
    const tampered = new URL(callback!);
    tampered.searchParams.set('state', 'forged-state');
    const end = await victim.go(tampered.href);
    expect(end.url.searchParams.get('signInError')).toMatch(/could not be verified/);
    expect(victim.cookie(LINEWATCH, 'lw_session')).toBeUndefined();
  });

  it('never redirects off the site after sign-in', async () => {
    const b = new Browser();
    const end = await signIn(b, 'sub-marie', '//evil.example/phish');
    expect(end.url.origin).toBe(LINEWATCH);
    expect(end.url.pathname).toBe('/');
  });

  it('refuses a user an admin disabled here, and ends their session at once', async () => {
    const b = new Browser();
    await signIn(b, 'sub-marie');
    expect((await b.api('/api/v1/auth/session')).status).toBe(200);
    const marie = access.principalRecords().find((p) => p.name === 'marie')!;
    const res = await app.app.request(`/api/v1/principals/${marie.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ disabled: true }),
    });
    expect(res.status).toBe(200);
    expect((await b.api('/api/v1/auth/session')).status).toBe(401);
    const again = await signIn(new Browser(), 'sub-marie');
    expect(again.url.searchParams.get('signInError')).toBe('this user is disabled in Linewatch');
  });
});
