import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '@linewatch/store';
import { createHttpApp } from '../app.ts';
import { createToken } from '../auth.ts';
import { listAudit } from '../access/audit.ts';
import { createPrincipal, updatePrincipal } from '../access/manage.ts';
import { hashPassword } from '../access/passwords.ts';
import { AccessControl } from '../access/verifier.ts';
import { registerAccessRoutes } from './access.ts';
import { registerAuthRoutes } from './auth.ts';

// Local sign-in on real chDB with an injected clock: the session cookie's attributes, CSRF on
// state-changing requests, idle and absolute timeouts, sign-out, a disabled user's session ending,
// brute-force limits, and the audit rows of sign-ins and failures.

let clock = Date.parse('2026-12-07T08:00:00Z');
const now = () => clock;
const admin = createToken('ops-admin', ['admin'], []);
const PASSWORD = 'plant-manager-pass';

let store: TestStore;
let app: ReturnType<typeof createHttpApp>;
let access: AccessControl;
let userId: string;

async function call(
  method: string,
  path: string,
  opts: { cookie?: string; csrf?: string; body?: unknown; address?: string } = {},
) {
  const res = await app.app.request(path, {
    method,
    headers: {
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
      ...(opts.csrf ? { 'x-csrf-token': opts.csrf } : {}),
      ...(opts.body ? { 'content-type': 'application/json' } : {}),
    },
    body: opts.body ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: (text ? JSON.parse(text) : null) as {
      csrfToken: string | null;
      principal: { name: string; credential: string };
      idleExpiresAt: string;
      error: { code: string };
    },
  };
}

async function signIn(password = PASSWORD) {
  const res = await call('POST', '/api/v1/auth/login', { body: { username: 'marie', password } });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { ...res, setCookie, cookie: setCookie.split(';')[0]! };
}

beforeAll(async () => {
  store = await openTestStore();
  const user = await createPrincipal(
    { store, actor: { id: 'test', kind: 'local', name: 'test' }, now: clock },
    {
      kind: 'user',
      name: 'marie',
      scopes: ['admin'],
      plants: ['P01'],
      passwordHash: await hashPassword(PASSWORD),
    },
  );
  userId = user.id;
  access = new AccessControl({ staticTokens: [admin.entry], store, now });
  await access.refresh();
  app = createHttpApp({ logger: pino({ level: 'silent' }), access, now });
  registerAccessRoutes(app.router, { store, access, now });
  registerAuthRoutes(app.router, { store, access, now, attemptsPer15Minutes: 5 });
});
afterAll(async () => {
  await store?.drop();
});

describe('local sign-in with cookie sessions', () => {
  it('says how to sign in, and refuses a wrong password with an audited failure', async () => {
    expect((await call('GET', '/api/v1/auth/providers')).body).toEqual({
      local: true,
      oidc: [],
      open: false,
    });
    const wrong = await signIn('not-the-password');
    expect(wrong.status).toBe(401);
    expect(wrong.setCookie).toBe('');
    const rows = await listAudit(store, { from: 0, to: clock + 1, plants: [], limit: 10, action: 'auth.' });
    expect(rows[0]).toMatchObject({
      action: 'auth.sign_in',
      outcome: 'failed',
      principal: { name: 'marie' },
    });
    expect(JSON.stringify(rows)).not.toContain('not-the-password');
  });

  it('signs in with an HttpOnly SameSite cookie, and asks for the CSRF token on every change', async () => {
    const ok = await signIn();
    expect(ok.status).toBe(200);
    expect(ok.setCookie).toMatch(/^lw_session=[A-Za-z0-9_-]{43};/);
    expect(ok.setCookie).toContain('HttpOnly');
    expect(ok.setCookie).toContain('SameSite=Strict');
    const csrf = ok.body.csrfToken!;
    expect(ok.body.principal).toMatchObject({ name: 'marie', credential: 'session' });

    // A reload reads the session and its CSRF token again.
    const session = await call('GET', '/api/v1/auth/session', { cookie: ok.cookie });
    expect(session.body.csrfToken).toBe(csrf);

    const change = { kind: 'service', name: 'gw-p01', scopes: ['ingest'], plants: ['P01'] };
    const without = await call('POST', '/api/v1/principals', { cookie: ok.cookie, body: change });
    expect(without).toMatchObject({ status: 403, body: { error: { code: 'csrf' } } });
    const forged = await call('POST', '/api/v1/principals', {
      cookie: ok.cookie,
      csrf: 'x'.repeat(43),
      body: change,
    });
    expect(forged.status).toBe(403);
    const withToken = await call('POST', '/api/v1/principals', { cookie: ok.cookie, csrf, body: change });
    expect(withToken.status).toBe(201);
    // A GET needs no CSRF token.
    expect((await call('GET', '/api/v1/principals', { cookie: ok.cookie })).status).toBe(200);

    const audit = await listAudit(store, { from: 0, to: clock + 1, plants: [], limit: 20 });
    expect(audit.find((r) => r.action === 'service_account.create')?.principal).toMatchObject({ id: userId });
    expect(audit.find((r) => r.action === 'auth.sign_in' && r.outcome === 'ok')).toBeTruthy();
  });

  it('ends a session after 30 idle minutes, and after 12 hours however busy', async () => {
    const idle = await signIn();
    clock += 29 * 60_000;
    expect((await call('GET', '/api/v1/whoami', { cookie: idle.cookie })).status).toBe(200);
    clock += 31 * 60_000;
    expect((await call('GET', '/api/v1/whoami', { cookie: idle.cookie })).status).toBe(401);

    const busy = await signIn();
    for (let i = 0; i < 35; i++) {
      clock += 20 * 60_000;
      expect((await call('GET', '/api/v1/whoami', { cookie: busy.cookie })).status).toBe(200);
    }
    clock += 20 * 60_000;
    expect((await call('GET', '/api/v1/whoami', { cookie: busy.cookie })).status).toBe(401);
  });

  it('signs out, and a disabled user is signed out at once', async () => {
    const s = await signIn();
    const out = await call('POST', '/api/v1/auth/logout', { cookie: s.cookie, csrf: s.body.csrfToken! });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/lw_session=;.*Max-Age=0/);
    expect((await call('GET', '/api/v1/whoami', { cookie: s.cookie })).status).toBe(401);

    const t = await signIn();
    const disabled = await updatePrincipal(
      { store, actor: { id: 'test', kind: 'local', name: 'test' }, now: clock },
      userId,
      {
        disabled: true,
      },
    );
    access.apply({ principals: [disabled] });
    expect((await call('GET', '/api/v1/whoami', { cookie: t.cookie })).status).toBe(401);
    expect((await signIn()).status).toBe(401);
  });

  it('limits sign-in attempts per user name with Retry-After', async () => {
    clock += 60 * 60_000;
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof signIn>> | undefined;
    for (let i = 0; i < 6; i++) {
      last = await signIn('guess-' + String(i));
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    clock += 16 * 60_000;
    expect((await signIn('guess-again')).status).toBe(401);
  });
});
