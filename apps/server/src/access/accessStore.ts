import { sql, type Store } from '@linewatch/store';
import type { Scope } from '@linewatch/schema';

// The I/O edge of principals and tokens: `principals` and `api_tokens` (m601), the latest version per
// id under FINAL. Both tables are small (people and service accounts, not requests), so a verifier
// reads them whole every few seconds and answers each request from memory.

/** A person or service account as stored. */
export interface PrincipalRecord {
  id: string;
  kind: 'user' | 'service';
  name: string;
  displayName: string;
  email: string;
  scopes: Scope[];
  plants: string[];
  systems: string[];
  /** `scrypt$<saltHex>$<hashHex>` for local users with a password; empty otherwise. */
  passwordHash: string;
  /** The identity provider's `sub` for a user who signs in with OpenID Connect. */
  oidcSubject: string;
  disabled: boolean;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  version: number;
}

/** A token as stored: never its secret, only the salted hash. */
export interface TokenRecord {
  /** The public part of the token (`lw_<id>_<secret>`): identifies a leaked token without its secret. */
  id: string;
  principalId: string;
  name: string;
  hash: string;
  salt: string;
  createdAt: number;
  createdBy: string;
  expiresAt: number | null;
  revokedAt: number | null;
  revokedBy: string;
  lastUsedAt: number | null;
  /** The token that replaced this one in a rotation. */
  replacedBy: string;
  version: number;
}

interface PrincipalRow {
  id: string;
  kind: string;
  name: string;
  display_name: string;
  email: string;
  scopes: string[];
  plants: string[];
  systems: string[];
  password_hash: string;
  oidc_subject: string;
  disabled: number;
  created_ms: number;
  created_by: string;
  updated_ms: number;
  version: string | number;
}

interface TokenRow {
  id: string;
  principal_id: string;
  name: string;
  hash: string;
  salt: string;
  created_ms: number;
  created_by: string;
  expires_ms: number | null;
  revoked_ms: number | null;
  revoked_by: string;
  last_used_ms: number | null;
  replaced_by: string;
  version: string | number;
}

const dt = (ms: number) => new Date(ms).toISOString();
const ms = (v: number | string | null) => (v === null ? null : Number(v));

/** The next version of a record: after the previous one, and after every earlier write of this process. */
export function nextVersion(now: number, previous = 0): number {
  return Math.max(Math.round(now) * 1000, previous + 1);
}

/** Every principal (tombstones excluded). */
export async function loadPrincipals(store: Store): Promise<PrincipalRecord[]> {
  const rows = await store.query<PrincipalRow>(sql`
    SELECT id, kind, name, display_name, email, scopes, plants, systems, password_hash, oidc_subject,
      disabled, toUnixTimestamp64Milli(created_at) AS created_ms, created_by,
      toUnixTimestamp64Milli(updated_at) AS updated_ms, version
    FROM ${store.table('principals')} FINAL ORDER BY id`);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind === 'user' ? 'user' : 'service',
    name: r.name,
    displayName: r.display_name,
    email: r.email,
    scopes: r.scopes as Scope[],
    plants: r.plants,
    systems: r.systems,
    passwordHash: r.password_hash,
    oidcSubject: r.oidc_subject,
    disabled: Number(r.disabled) === 1,
    createdAt: Number(r.created_ms),
    createdBy: r.created_by,
    updatedAt: Number(r.updated_ms),
    version: Number(r.version),
  }));
}

/** Writes a principal's new version (`deleted`: a tombstone). */
export async function savePrincipal(store: Store, p: PrincipalRecord, deleted = false): Promise<void> {
  await store.insert('principals', [
    {
      id: p.id,
      kind: p.kind,
      name: p.name,
      display_name: p.displayName,
      email: p.email,
      scopes: p.scopes,
      plants: p.plants,
      systems: p.systems,
      password_hash: p.passwordHash,
      oidc_subject: p.oidcSubject,
      disabled: p.disabled ? 1 : 0,
      created_at: dt(p.createdAt),
      created_by: p.createdBy,
      updated_at: dt(p.updatedAt),
      version: p.version,
      is_deleted: deleted ? 1 : 0,
    },
  ]);
}

/** Every token, revoked and expired ones included (the list shows them; the verifier refuses them). */
export async function loadTokens(store: Store): Promise<TokenRecord[]> {
  const rows = await store.query<TokenRow>(sql`
    SELECT id, principal_id, name, hash, salt, toUnixTimestamp64Milli(created_at) AS created_ms, created_by,
      toUnixTimestamp64Milli(expires_at) AS expires_ms, toUnixTimestamp64Milli(revoked_at) AS revoked_ms,
      revoked_by, toUnixTimestamp64Milli(last_used_at) AS last_used_ms, replaced_by, version
    FROM ${store.table('api_tokens')} FINAL ORDER BY created_at, id`);
  return rows.map((r) => ({
    id: r.id,
    principalId: r.principal_id,
    name: r.name,
    hash: r.hash,
    salt: r.salt,
    createdAt: Number(r.created_ms),
    createdBy: r.created_by,
    expiresAt: ms(r.expires_ms),
    revokedAt: ms(r.revoked_ms),
    revokedBy: r.revoked_by,
    lastUsedAt: ms(r.last_used_ms),
    replacedBy: r.replaced_by,
    version: Number(r.version),
  }));
}

/** Writes tokens' new versions. */
export async function saveTokens(store: Store, tokens: readonly TokenRecord[]): Promise<void> {
  if (!tokens.length) return;
  await store.insert(
    'api_tokens',
    tokens.map((t) => ({
      id: t.id,
      principal_id: t.principalId,
      name: t.name,
      hash: t.hash,
      salt: t.salt,
      created_at: dt(t.createdAt),
      created_by: t.createdBy,
      expires_at: t.expiresAt === null ? null : dt(t.expiresAt),
      revoked_at: t.revokedAt === null ? null : dt(t.revokedAt),
      revoked_by: t.revokedBy,
      last_used_at: t.lastUsedAt === null ? null : dt(t.lastUsedAt),
      replaced_by: t.replacedBy,
      version: t.version,
    })),
  );
}
