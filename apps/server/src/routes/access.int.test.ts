import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '@linewatch/store';
import { createHttpApp } from '../app.ts';
import { createToken } from '../auth.ts';
import { AccessControl } from '../access/verifier.ts';
import { verifyPassword } from '../access/passwords.ts';
import { loadPrincipals } from '../access/accessStore.ts';
import { registerAccessRoutes } from './access.ts';

// The admin API of principals, tokens and the audit trail, in-process on real chDB with an injected
// clock: an open instance closes once its first principal exists; a service account's token works,
// rotates with an overlap, and is refused once revoked; a plant-restricted admin cannot grant other
// plants; every change is in the audit trail, which has no route that changes it.

let clock = Date.parse('2026-12-07T08:00:00Z');
const now = () => clock;
const admin = createToken('ops-admin', ['admin'], []);
const p01Admin = createToken('p01-admin', ['admin'], ['P01']);

let store: TestStore;
let open: { app: ReturnType<typeof createHttpApp>; access: AccessControl };
let closed: { app: ReturnType<typeof createHttpApp>; access: AccessControl };

function build(staticTokens: ReturnType<typeof createToken>['entry'][]) {
  const access = new AccessControl({ staticTokens, store, now });
  const app = createHttpApp({ logger: pino({ level: 'silent' }), access, now });
  registerAccessRoutes(app.router, { store, access, now });
  return { app, access };
}

/** The fields of the answers this test reads (the routes' response schemas say more). */
interface Answer {
  error: { message: string };
  token: string;
  id: string;
  kind: string;
  state: string;
  signIn: unknown;
  record: { id: string; state: string };
  principals: { id: string; name: string }[];
  entries: AuditEntry[];
  nextCursor: string | null;
}
interface AuditEntry {
  id: string;
  action: string;
  plant: string;
  principal: { id: string };
  before: { state?: string } | null;
  after: { replacedBy?: string } | null;
}

async function call(
  target: { app: ReturnType<typeof createHttpApp> },
  method: string,
  path: string,
  token?: string,
  body?: unknown,
) {
  const res = await target.app.app.request(path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as Answer };
}

beforeAll(async () => {
  store = await openTestStore();
  open = build([]);
  await open.access.refresh();
  closed = build([admin.entry, p01Admin.entry]);
});
afterAll(async () => {
  await store?.drop();
});

describe('principals and tokens through the admin API', () => {
  it('an open instance is the local admin until its first principal exists, then a request without a credential is 401', async () => {
    expect((await call(open, 'GET', '/api/v1/whoami')).body.kind).toBe('local');
    const created = await call(open, 'POST', '/api/v1/principals', undefined, {
      kind: 'user',
      name: 'amelie',
      scopes: ['operate'],
      plants: ['P01'],
      password: 'correct horse battery',
    });
    expect(created.status).toBe(201);
    expect(created.body.signIn).toEqual({ password: true, oidc: false });
    expect(JSON.stringify(created.body)).not.toContain('correct horse');
    const stored = (await loadPrincipals(store)).find((p) => p.name === 'amelie')!;
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword(stored.passwordHash, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(stored.passwordHash, 'wrong horse battery')).toBe(false);
    expect(open.access.open).toBe(false);
    expect((await call(open, 'GET', '/api/v1/whoami')).status).toBe(401);
  });

  it('refuses a bad principal naming the field, and a short password', async () => {
    const bad = await call(closed, 'POST', '/api/v1/principals', admin.token, {
      kind: 'service',
      name: 'mes p02',
      scopes: ['ingest'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('name');
    const short = await call(closed, 'POST', '/api/v1/principals', admin.token, {
      kind: 'user',
      name: 'bob',
      scopes: ['read'],
      password: 'short',
    });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toContain('password');
  });

  it('issues, uses, rotates with an overlap and revokes a service account token', async () => {
    const sa = await call(closed, 'POST', '/api/v1/principals', admin.token, {
      kind: 'service',
      name: 'mes-p02',
      scopes: ['ingest', 'read'],
      plants: ['P02'],
      systems: ['mes'],
    });
    expect(sa.status).toBe(201);
    const dup = await call(closed, 'POST', '/api/v1/principals', admin.token, {
      kind: 'service',
      name: 'mes-p02',
      scopes: ['ingest'],
    });
    expect(dup.status).toBe(409);

    const issued = await call(closed, 'POST', '/api/v1/tokens', admin.token, {
      principalId: sa.body.id,
      name: 'mes gateway',
    });
    expect(issued.status).toBe(201);
    const secret = issued.body.token;
    expect(secret).toMatch(/^lw_[a-z0-9]{12}_[A-Za-z0-9_-]{32}$/);
    expect(secret.slice(3, 15)).toBe(issued.body.record.id);

    const me = await call(closed, 'GET', '/api/v1/whoami', secret);
    expect(me.body).toMatchObject({ kind: 'service', name: 'mes-p02', plants: ['P02'], systems: ['mes'] });
    expect((await call(closed, 'GET', '/api/v1/tokens', secret)).status).toBe(403);

    const list = await call(closed, 'GET', '/api/v1/tokens', admin.token);
    const listed = JSON.stringify(list.body);
    expect(listed).toContain(issued.body.record.id);
    expect(listed).not.toContain(secret.slice(16));
    expect(listed).not.toMatch(/"hash"|"salt"/);

    const rotated = await call(
      closed,
      'POST',
      `/api/v1/tokens/${issued.body.record.id}/rotate`,
      admin.token,
      {
        overlapMinutes: 10,
      },
    );
    expect(rotated.status).toBe(201);
    const next = rotated.body.token;
    // During the overlap both work; after it only the new one.
    expect((await call(closed, 'GET', '/api/v1/whoami', secret)).status).toBe(200);
    expect((await call(closed, 'GET', '/api/v1/whoami', next)).status).toBe(200);
    clock += 11 * 60_000;
    expect((await call(closed, 'GET', '/api/v1/whoami', secret)).status).toBe(401);
    expect((await call(closed, 'GET', '/api/v1/whoami', next)).status).toBe(200);

    const revoked = await call(
      closed,
      'POST',
      `/api/v1/tokens/${rotated.body.record.id}/revoke`,
      admin.token,
    );
    expect(revoked.body.state).toBe('revoked');
    expect((await call(closed, 'GET', '/api/v1/whoami', next)).status).toBe(401);
    // Another API process (its own verifier) refuses it after its refresh too.
    const other = build([admin.entry]);
    await other.access.refresh();
    expect((await call(other, 'GET', '/api/v1/whoami', next)).status).toBe(401);
  });

  it('a plant-restricted admin manages only its plants', async () => {
    const foreign = await call(closed, 'POST', '/api/v1/principals', p01Admin.token, {
      kind: 'service',
      name: 'wms-p02',
      scopes: ['ingest'],
      plants: ['P02'],
    });
    expect(foreign.status).toBe(403);
    const everywhere = await call(closed, 'POST', '/api/v1/principals', p01Admin.token, {
      kind: 'service',
      name: 'wms-all',
      scopes: ['ingest'],
    });
    expect(everywhere.status).toBe(403);
    const own = await call(closed, 'POST', '/api/v1/principals', p01Admin.token, {
      kind: 'service',
      name: 'wms-p01',
      scopes: ['ingest'],
      plants: ['P01'],
    });
    expect(own.status).toBe(201);
    const seen = (await call(closed, 'GET', '/api/v1/principals', p01Admin.token)).body.principals as {
      name: string;
    }[];
    expect(seen.map((p) => p.name).sort()).toEqual(['amelie', 'wms-p01']);
    const mes = (
      (await call(closed, 'GET', '/api/v1/principals', admin.token)).body.principals as {
        id: string;
        name: string;
      }[]
    ).find((p) => p.name === 'mes-p02')!;
    expect(
      (await call(closed, 'PATCH', `/api/v1/principals/${mes.id}`, p01Admin.token, { disabled: true }))
        .status,
    ).toBe(404);
  });

  it('records every change with who, from where, before and after; the audit log has no change route', async () => {
    const page = await call(closed, 'GET', '/api/v1/audit?limit=100', admin.token);
    expect(page.status).toBe(200);
    const actions = (page.body.entries as { action: string; principal: { id: string } }[]).map(
      (e) => e.action,
    );
    for (const a of ['user.create', 'service_account.create', 'token.create', 'token.rotate', 'token.revoke'])
      expect(actions).toContain(a);
    const rotate = page.body.entries.find((e) => e.action === 'token.rotate')!;
    expect(rotate.principal).toMatchObject({ id: 'static:ops-admin' });
    expect(rotate.before?.state).toBe('active');
    expect(rotate.after?.replacedBy).toBeTruthy();
    expect(JSON.stringify(page.body)).not.toMatch(/lw_[a-z0-9]{12}_[A-Za-z0-9_-]{32}/);

    const small = await call(closed, 'GET', '/api/v1/audit?limit=2', admin.token);
    expect(small.body.entries).toHaveLength(2);
    const rest = await call(
      closed,
      'GET',
      `/api/v1/audit?limit=100&cursor=${small.body.nextCursor}`,
      admin.token,
    );
    expect(rest.body.entries.length).toBe(page.body.entries.length - 2);
    expect(rest.body.entries[0]?.id).toBe(page.body.entries[2]?.id);

    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'])
      expect((await call(closed, method, '/api/v1/audit', admin.token, {})).status).toBe(404);
    expect(
      (await call(closed, 'GET', '/api/v1/audit', p01Admin.token)).body.entries.every(
        (e: { plant: string }) => e.plant === 'P01',
      ),
    ).toBe(true);
  });
});
