import { randomBytes } from 'node:crypto';
import type { Scope } from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import {
  loadPrincipals,
  loadTokens,
  nextVersion,
  savePrincipal,
  saveTokens,
  type PrincipalRecord,
  type TokenRecord,
} from './accessStore.ts';
import { recordAudit, type AuditActor } from './audit.ts';
import { mintToken, tokenState } from './tokens.ts';

// Changes to principals and tokens, each recorded in the audit trail with its before and after. Used
// by the admin API and by `linewatch token` against a stopped data directory; both then hand the
// changed records to the running AccessControl (or the next refresh picks them up).

/** A change that cannot be made, with the field it is about (the API answers 400/404/409). */
export class AccessChangeError extends Error {
  override readonly name = 'AccessChangeError';
  constructor(
    readonly status: 400 | 404 | 409,
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** Who makes a change, from where, when. */
export interface ChangeContext {
  store: Store;
  actor: AuditActor;
  now: number;
  address?: string;
}

/** A principal without credential material, as the API and the CLI show it. */
export function publicPrincipal(p: PrincipalRecord) {
  return {
    id: p.id,
    kind: p.kind,
    name: p.name,
    displayName: p.displayName,
    email: p.email,
    scopes: p.scopes,
    plants: p.plants,
    systems: p.systems,
    disabled: p.disabled,
    signIn: p.kind === 'user' ? { password: p.passwordHash !== '', oidc: p.oidcSubject !== '' } : null,
    createdAt: new Date(p.createdAt).toISOString(),
    createdBy: p.createdBy,
    updatedAt: new Date(p.updatedAt).toISOString(),
  };
}

/** A token without its hash, with its state at `now`. */
export function publicToken(t: TokenRecord, now: number) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: t.id,
    principalId: t.principalId,
    name: t.name,
    state: tokenState(t, now),
    createdAt: new Date(t.createdAt).toISOString(),
    createdBy: t.createdBy,
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
    revokedBy: t.revokedBy,
    lastUsedAt: iso(t.lastUsedAt),
    replacedBy: t.replacedBy || null,
  };
}

const newPrincipalId = (kind: 'user' | 'service') =>
  `${kind === 'user' ? 'usr' : 'svc'}_${randomBytes(8).toString('hex')}`;

/** What a new principal is given. */
export interface PrincipalInput {
  kind: 'user' | 'service';
  name: string;
  displayName?: string;
  email?: string;
  scopes: Scope[];
  plants?: string[];
  systems?: string[];
  passwordHash?: string;
  oidcSubject?: string;
}

/** Creates a user or service account; names are unique per kind. */
export async function createPrincipal(ctx: ChangeContext, input: PrincipalInput): Promise<PrincipalRecord> {
  const existing = await loadPrincipals(ctx.store);
  if (existing.some((p) => p.kind === input.kind && p.name === input.name))
    throw new AccessChangeError(409, 'name', `a ${input.kind} named "${input.name}" exists already`);
  if (input.kind === 'user' && input.systems?.length)
    throw new AccessChangeError(400, 'systems', 'only service accounts report for systems');
  const p: PrincipalRecord = {
    id: newPrincipalId(input.kind),
    kind: input.kind,
    name: input.name,
    displayName: input.displayName ?? input.name,
    email: input.email ?? '',
    scopes: input.scopes,
    plants: input.plants ?? [],
    systems: input.systems ?? [],
    passwordHash: input.passwordHash ?? '',
    oidcSubject: input.oidcSubject ?? '',
    disabled: false,
    createdAt: ctx.now,
    createdBy: ctx.actor.name,
    updatedAt: ctx.now,
    version: nextVersion(ctx.now),
  };
  await savePrincipal(ctx.store, p);
  await recordAudit(
    ctx.store,
    ctx.actor,
    {
      action: `${input.kind === 'user' ? 'user' : 'service_account'}.create`,
      target: p.id,
      after: publicPrincipal(p),
    },
    ctx,
  );
  return p;
}

/** What may change on a principal. */
export interface PrincipalPatch {
  displayName?: string;
  email?: string;
  scopes?: Scope[];
  plants?: string[];
  systems?: string[];
  disabled?: boolean;
  passwordHash?: string;
}

/** The stored principal, or a 404. */
export async function findPrincipal(store: Store, id: string): Promise<PrincipalRecord> {
  const p = (await loadPrincipals(store)).find((x) => x.id === id);
  if (!p) throw new AccessChangeError(404, 'id', `no principal "${id}"`);
  return p;
}

/** Changes a principal's scopes, plants, systems, names, or disables it. */
export async function updatePrincipal(
  ctx: ChangeContext,
  id: string,
  patch: PrincipalPatch,
  action = 'principal.update',
): Promise<PrincipalRecord> {
  const before = await findPrincipal(ctx.store, id);
  if (before.kind === 'user' && patch.systems?.length)
    throw new AccessChangeError(400, 'systems', 'only service accounts report for systems');
  const after: PrincipalRecord = {
    ...before,
    ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    updatedAt: ctx.now,
    version: nextVersion(ctx.now, before.version),
  };
  await savePrincipal(ctx.store, after);
  await recordAudit(
    ctx.store,
    ctx.actor,
    {
      action: patch.disabled === true && !before.disabled ? 'principal.disable' : action,
      target: id,
      before: publicPrincipal(before),
      after: publicPrincipal(after),
    },
    ctx,
  );
  return after;
}

/** Deletes a principal and revokes every token it has. */
export async function deletePrincipal(
  ctx: ChangeContext,
  id: string,
): Promise<{ principal: PrincipalRecord; revoked: TokenRecord[] }> {
  const before = await findPrincipal(ctx.store, id);
  const revoked = (await loadTokens(ctx.store))
    .filter((t) => t.principalId === id && t.revokedAt === null)
    .map((t) => ({
      ...t,
      revokedAt: ctx.now,
      revokedBy: ctx.actor.name,
      version: nextVersion(ctx.now, t.version),
    }));
  await saveTokens(ctx.store, revoked);
  const tombstone = {
    ...before,
    disabled: true,
    updatedAt: ctx.now,
    version: nextVersion(ctx.now, before.version),
  };
  await savePrincipal(ctx.store, tombstone, true);
  await recordAudit(
    ctx.store,
    ctx.actor,
    {
      action: 'principal.delete',
      target: id,
      before: publicPrincipal(before),
      detail: revoked.length ? `revoked tokens ${revoked.map((t) => t.id).join(', ')}` : '',
    },
    ctx,
  );
  return { principal: tombstone, revoked };
}

/** Issues a token for a principal; the secret is returned once and never stored. */
export async function issueToken(
  ctx: ChangeContext,
  input: { principalId: string; name?: string; expiresAt?: number | null },
): Promise<{ token: string; record: TokenRecord }> {
  const principal = await findPrincipal(ctx.store, input.principalId);
  if (principal.disabled)
    throw new AccessChangeError(409, 'principalId', `principal "${principal.name}" is disabled`);
  if (input.expiresAt != null && input.expiresAt <= ctx.now)
    throw new AccessChangeError(400, 'expiresAt', 'must be in the future');
  const minted = mintToken();
  const record: TokenRecord = {
    id: minted.id,
    principalId: principal.id,
    name: input.name ?? `${principal.name} token`,
    hash: minted.hash,
    salt: minted.salt,
    createdAt: ctx.now,
    createdBy: ctx.actor.name,
    expiresAt: input.expiresAt ?? null,
    revokedAt: null,
    revokedBy: '',
    lastUsedAt: null,
    replacedBy: '',
    version: nextVersion(ctx.now),
  };
  await saveTokens(ctx.store, [record]);
  await recordAudit(
    ctx.store,
    ctx.actor,
    {
      action: 'token.create',
      target: record.id,
      after: publicToken(record, ctx.now),
      detail: `for ${principal.name}`,
    },
    ctx,
  );
  return { token: minted.token, record };
}

/** The stored token, or a 404. */
export async function findToken(store: Store, id: string): Promise<TokenRecord> {
  const t = (await loadTokens(store)).find((x) => x.id === id);
  if (!t) throw new AccessChangeError(404, 'id', `no token "${id}"`);
  return t;
}

/** Revokes a token now (idempotent: revoking a revoked token changes nothing and is not an error). */
export async function revokeToken(ctx: ChangeContext, id: string): Promise<TokenRecord> {
  const before = await findToken(ctx.store, id);
  if (before.revokedAt !== null) return before;
  const after = {
    ...before,
    revokedAt: ctx.now,
    revokedBy: ctx.actor.name,
    version: nextVersion(ctx.now, before.version),
  };
  await saveTokens(ctx.store, [after]);
  await recordAudit(
    ctx.store,
    ctx.actor,
    {
      action: 'token.revoke',
      target: id,
      before: publicToken(before, ctx.now),
      after: publicToken(after, ctx.now),
    },
    ctx,
  );
  return after;
}

/**
 * Rotates a token: issues a new one for the same principal and lets the old one work for `overlapMs`
 * more (both valid during the rollover), then expire. Returns the new secret once.
 */
export async function rotateToken(
  ctx: ChangeContext,
  id: string,
  options: { overlapMs: number; expiresAt?: number | null },
): Promise<{ token: string; record: TokenRecord; previous: TokenRecord }> {
  const before = await findToken(ctx.store, id);
  if (tokenState(before, ctx.now) !== 'active')
    throw new AccessChangeError(
      409,
      'id',
      `token "${id}" is ${tokenState(before, ctx.now)}; create a new one instead`,
    );
  const issued = await issueToken(ctx, {
    principalId: before.principalId,
    name: before.name,
    expiresAt: options.expiresAt ?? before.expiresAt,
  });
  const oldEnd = ctx.now + Math.max(0, options.overlapMs);
  const previous: TokenRecord = {
    ...before,
    expiresAt: before.expiresAt === null ? oldEnd : Math.min(before.expiresAt, oldEnd),
    replacedBy: issued.record.id,
    version: nextVersion(ctx.now, before.version),
  };
  await saveTokens(ctx.store, [previous]);
  await recordAudit(
    ctx.store,
    ctx.actor,
    {
      action: 'token.rotate',
      target: id,
      before: publicToken(before, ctx.now),
      after: publicToken(previous, ctx.now),
      detail: `replaced by ${issued.record.id}`,
    },
    ctx,
  );
  return { ...issued, previous };
}
