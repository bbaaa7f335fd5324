import type { Context } from 'hono';
import { z } from 'zod';
import { ScopeSchema } from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import type { AppEnv } from '../appEnv.ts';
import { loadPrincipals, loadTokens, type PrincipalRecord } from '../access/accessStore.ts';
import { listAudit } from '../access/audit.ts';
import {
  AccessChangeError,
  createPrincipal,
  deletePrincipal,
  findPrincipal,
  findToken,
  issueToken,
  publicPrincipal,
  publicToken,
  revokeToken,
  rotateToken,
  updatePrincipal,
  type ChangeContext,
} from '../access/manage.ts';
import { hashPassword, passwordProblem } from '../access/passwords.ts';
import { describePrincipal, principalOf, type Principal } from '../access/principal.ts';
import type { AccessControl } from '../access/verifier.ts';
import { ApiError } from '../errors.ts';
import { clientAddress } from '../middleware/apiRateLimit.ts';
import type { ScopedRouter } from '../router.ts';
import { parseBody, parseParams, parseQuery } from '../validate.ts';

// The admin API of principals (people and service accounts), their tokens and the audit trail.
// Every change is recorded in the audit log (apps/server/src/access/manage.ts) and taken into this
// process's verifier at once; other API processes see it at their next refresh (2 s). The audit log
// has read routes only. An admin restricted to plants manages only principals of those plants and
// cannot widen anyone beyond them.

const Name = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, 'letters, digits and . _ @ - (starting with a letter or digit)');
const Plants = z.array(z.string().min(1).max(100)).max(1000);
const Systems = z.array(z.string().min(1).max(200)).max(1000);

const CreatePrincipalBody = z.object({
  kind: z.enum(['user', 'service']),
  name: Name,
  displayName: z.string().max(200).optional(),
  email: z.string().max(320).optional(),
  scopes: z.array(ScopeSchema).min(1),
  /** Empty or absent: every plant. */
  plants: Plants.optional(),
  /** Service accounts: the systems (service.name, event source) they may report for; empty: any. */
  systems: Systems.optional(),
  /** Local users: a password to sign in with (at least 12 characters); stored as a scrypt hash. */
  password: z.string().optional(),
});

const PatchPrincipalBody = z.object({
  displayName: z.string().max(200).optional(),
  email: z.string().max(320).optional(),
  scopes: z.array(ScopeSchema).min(1).optional(),
  plants: Plants.optional(),
  systems: Systems.optional(),
  disabled: z.boolean().optional(),
  password: z.string().optional(),
});

const IdParams = z.object({ id: z.string().min(1).max(100) });

const CreateTokenBody = z.object({
  principalId: z.string().min(1).max(100),
  name: z.string().min(1).max(200).optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

const RotateTokenBody = z.object({
  /** How long the old token keeps working beside the new one (default 60 minutes). */
  overlapMinutes: z.number().min(0).max(43_200).default(60),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

const AuditQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  principal: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
  outcome: z.enum(['ok', 'denied', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

const PublicPrincipalSchema = z.object({
  id: z.string(),
  kind: z.enum(['user', 'service']),
  name: z.string(),
  displayName: z.string(),
  email: z.string(),
  scopes: z.array(ScopeSchema),
  plants: z.array(z.string()),
  systems: z.array(z.string()),
  disabled: z.boolean(),
  signIn: z.object({ password: z.boolean(), oidc: z.boolean() }).nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
});
const PublicTokenSchema = z.object({
  id: z.string(),
  principalId: z.string(),
  name: z.string(),
  state: z.enum(['active', 'expired', 'revoked']),
  createdAt: z.string(),
  createdBy: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string(),
  lastUsedAt: z.string().nullable(),
  replacedBy: z.string().nullable(),
});
const IssuedTokenSchema = z.object({
  /** The secret, shown once: it is stored only as a salted hash. */
  token: z.string(),
  record: PublicTokenSchema,
  previous: PublicTokenSchema.optional(),
});
const AuditPageSchema = z.object({
  entries: z.array(
    z.object({
      id: z.string(),
      time: z.string(),
      principal: z.object({ id: z.string(), kind: z.string(), name: z.string() }),
      action: z.string(),
      target: z.string(),
      plant: z.string(),
      address: z.string(),
      outcome: z.string(),
      before: z.unknown(),
      after: z.unknown(),
      detail: z.string(),
    }),
  ),
  nextCursor: z.string().nullable(),
});
const WhoAmISchema = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  plants: z.array(z.string()),
  systems: z.array(z.string()),
  credential: z.string(),
});

export interface AccessRouteDeps {
  store: Store;
  access: AccessControl;
  now: () => number;
}

/** A plant-restricted admin may manage a principal only if all of its plants are the admin's. */
function manages(admin: Principal, plants: readonly string[]): boolean {
  if (admin.plants.length === 0) return true;
  return plants.length > 0 && plants.every((p) => admin.plants.includes(p));
}

function checkPlants(admin: Principal, plants: readonly string[]): void {
  if (!manages(admin, plants))
    throw new ApiError(
      403,
      'forbidden_plant',
      `plants: this admin may grant only its plants (${admin.plants.join(', ')}), and not every plant`,
    );
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof AccessChangeError) {
      const code = e.status === 404 ? 'not_found' : e.status === 409 ? 'conflict' : 'invalid_request';
      throw new ApiError(e.status, code, e.message, { cause: e });
    }
    throw e;
  }
}

async function passwordHashOf(password: string | undefined, kind: 'user' | 'service') {
  if (password === undefined) return undefined;
  if (kind !== 'user')
    throw new ApiError(400, 'invalid_request', 'password: only users sign in with a password');
  const problem = passwordProblem(password);
  if (problem) throw new ApiError(400, 'invalid_request', `password: ${problem}`);
  return hashPassword(password);
}

const expiry = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

const encodeCursor = (time: string, id: string) =>
  Buffer.from(`${Date.parse(time)}|${id}`).toString('base64url');

function decodeCursor(cursor: string): { time: number; id: string } {
  const [time, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!time || !/^\d+$/.test(time) || !id)
    throw new ApiError(400, 'invalid_request', 'query.cursor: not a cursor of this list');
  return { time: Number(time), id };
}

/** The principals, tokens, whoami and audit routes. */
export function registerAccessRoutes(router: ScopedRouter, deps: AccessRouteDeps): void {
  const change = (c: Context<AppEnv>): ChangeContext => ({
    store: deps.store,
    actor: principalOf(c),
    now: deps.now(),
    address: clientAddress(c),
  });
  const visiblePrincipal = async (c: Context<AppEnv>, id: string): Promise<PrincipalRecord> => {
    const p = await mapped(() => findPrincipal(deps.store, id));
    if (!manages(principalOf(c), p.plants)) throw new ApiError(404, 'not_found', `id: no principal "${id}"`);
    return p;
  };

  router.get('/api/v1/whoami', 'authenticated', (c) => c.json(describePrincipal(principalOf(c))), {
    summary: 'Who is calling: the principal, its kind, scopes, plants and credential (no secret)',
    tags: ['access'],
    response: WhoAmISchema,
  });

  router.get(
    '/api/v1/principals',
    'admin',
    async (c) => {
      const admin = principalOf(c);
      const principals = (await loadPrincipals(deps.store)).filter((p) => manages(admin, p.plants));
      return c.json({ principals: principals.map(publicPrincipal) });
    },
    {
      summary: 'People and service accounts (no credential material)',
      tags: ['access'],
      response: z.object({ principals: z.array(PublicPrincipalSchema) }),
    },
  );

  router.post(
    '/api/v1/principals',
    'admin',
    async (c) => {
      const body = await parseBody(c, CreatePrincipalBody);
      checkPlants(principalOf(c), body.plants ?? []);
      const passwordHash = await passwordHashOf(body.password, body.kind);
      const { password: _password, ...input } = body;
      const p = await mapped(() =>
        createPrincipal(change(c), { ...input, ...(passwordHash ? { passwordHash } : {}) }),
      );
      deps.access.apply({ principals: [p] });
      return c.json(publicPrincipal(p), 201);
    },
    {
      summary: 'Create a user or a service account (recorded in the audit trail)',
      tags: ['access'],
      body: CreatePrincipalBody,
      response: PublicPrincipalSchema,
    },
  );

  router.patch(
    '/api/v1/principals/:id',
    'admin',
    async (c) => {
      const { id } = parseParams(c, IdParams);
      const body = await parseBody(c, PatchPrincipalBody);
      const before = await visiblePrincipal(c, id);
      if (body.plants) checkPlants(principalOf(c), body.plants);
      const passwordHash = await passwordHashOf(body.password, before.kind);
      const { password: _password, ...patch } = body;
      const p = await mapped(() =>
        updatePrincipal(change(c), id, { ...patch, ...(passwordHash ? { passwordHash } : {}) }),
      );
      deps.access.apply({ principals: [p] });
      return c.json(publicPrincipal(p));
    },
    {
      summary:
        'Change a principal: scopes, plants, systems, disabled, password (audited with before and after)',
      tags: ['access'],
      params: IdParams,
      body: PatchPrincipalBody,
      response: PublicPrincipalSchema,
    },
  );

  router.delete(
    '/api/v1/principals/:id',
    'admin',
    async (c) => {
      const { id } = parseParams(c, IdParams);
      await visiblePrincipal(c, id);
      if (principalOf(c).id === id)
        throw new ApiError(409, 'conflict', 'id: a principal cannot delete itself');
      const { principal, revoked } = await mapped(() => deletePrincipal(change(c), id));
      deps.access.apply({ tokens: revoked });
      deps.access.forget(id);
      return c.json(publicPrincipal(principal));
    },
    {
      summary: 'Delete a principal and revoke its tokens',
      tags: ['access'],
      params: IdParams,
      response: PublicPrincipalSchema,
    },
  );

  router.get(
    '/api/v1/tokens',
    'admin',
    async (c) => {
      const admin = principalOf(c);
      const principals = new Map((await loadPrincipals(deps.store)).map((p) => [p.id, p]));
      const now = deps.now();
      const tokens = (await loadTokens(deps.store)).filter((t) => {
        const owner = principals.get(t.principalId);
        return owner !== undefined && manages(admin, owner.plants);
      });
      return c.json({ tokens: tokens.map((t) => publicToken(t, now)) });
    },
    {
      summary: 'Stored tokens with their state, expiry and last use (never their secret or hash)',
      tags: ['access'],
      response: z.object({ tokens: z.array(PublicTokenSchema) }),
    },
  );

  router.post(
    '/api/v1/tokens',
    'admin',
    async (c) => {
      const body = await parseBody(c, CreateTokenBody);
      await visiblePrincipal(c, body.principalId);
      const ctx = change(c);
      const issued = await mapped(() =>
        issueToken(ctx, {
          principalId: body.principalId,
          name: body.name,
          expiresAt: expiry(body.expiresAt),
        }),
      );
      deps.access.apply({ tokens: [issued.record] });
      return c.json({ token: issued.token, record: publicToken(issued.record, ctx.now) }, 201);
    },
    {
      summary: 'Issue a token for a principal; the answer holds its secret, once',
      tags: ['access'],
      body: CreateTokenBody,
      response: IssuedTokenSchema,
    },
  );

  const ownedToken = async (c: Context<AppEnv>, id: string) => {
    const t = await mapped(() => findToken(deps.store, id));
    await visiblePrincipal(c, t.principalId).catch(() => {
      throw new ApiError(404, 'not_found', `id: no token "${id}"`);
    });
    return t;
  };

  router.post(
    '/api/v1/tokens/:id/revoke',
    'admin',
    async (c) => {
      const { id } = parseParams(c, IdParams);
      await ownedToken(c, id);
      const ctx = change(c);
      const t = await mapped(() => revokeToken(ctx, id));
      deps.access.apply({ tokens: [t] });
      return c.json(publicToken(t, ctx.now));
    },
    {
      summary: 'Revoke a token now (idempotent); every API process refuses it within seconds',
      tags: ['access'],
      params: IdParams,
      response: PublicTokenSchema,
    },
  );

  router.post(
    '/api/v1/tokens/:id/rotate',
    'admin',
    async (c) => {
      const { id } = parseParams(c, IdParams);
      const body = await parseBody(c, RotateTokenBody);
      await ownedToken(c, id);
      const ctx = change(c);
      const r = await mapped(() =>
        rotateToken(ctx, id, { overlapMs: body.overlapMinutes * 60_000, expiresAt: expiry(body.expiresAt) }),
      );
      deps.access.apply({ tokens: [r.record, r.previous] });
      return c.json(
        {
          token: r.token,
          record: publicToken(r.record, ctx.now),
          previous: publicToken(r.previous, ctx.now),
        },
        201,
      );
    },
    {
      summary: 'Rotate a token: a new one now, the old one valid for the overlap, then expired',
      tags: ['access'],
      params: IdParams,
      body: RotateTokenBody,
      response: IssuedTokenSchema,
    },
  );

  router.get(
    '/api/v1/audit',
    'admin',
    async (c) => {
      const q = parseQuery(c, AuditQuery);
      const now = deps.now();
      const to = q.to ? Date.parse(q.to) : now + 1;
      const from = q.from ? Date.parse(q.from) : to - 30 * 86_400_000;
      const entries = await listAudit(deps.store, {
        from,
        to,
        principal: q.principal,
        action: q.action,
        outcome: q.outcome,
        plants: principalOf(c).plants,
        limit: q.limit + 1,
        before: q.cursor ? decodeCursor(q.cursor) : undefined,
      });
      const page = entries.slice(0, q.limit);
      const last = page.at(-1);
      return c.json({
        entries: page,
        nextCursor: entries.length > q.limit && last ? encodeCursor(last.time, last.id) : null,
      });
    },
    {
      summary:
        'The audit trail, newest first: who changed what, when, from where (append-only, no change routes)',
      tags: ['access'],
      query: AuditQuery,
      response: AuditPageSchema,
    },
  );
}
